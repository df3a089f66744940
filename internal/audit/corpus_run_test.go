package audit

import (
	"context"
	"encoding/base64"
	"fmt"
	"testing"
)

func encodeStd(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func mustRun(t testing.TB, src Source) *Result {
	t.Helper()
	res, err := Run(context.Background(), src, Options{})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res
}

// TestCorpusRecall plants every rule's keys in every placement and wants
// each one found, under the right rule and check. Several seeds vary the
// random keys.
func TestCorpusRecall(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			dir := t.TempDir()
			want := writeCorpus(t, dir, seed)
			res := mustRun(t, WorkTree(context.Background(), dir, Limits{}))
			found := map[string]bool{}
			for _, f := range res.Findings {
				found[f.Path+"|"+f.Rule+"|"+f.CheckID] = true
				if f.Line == 0 {
					t.Errorf("finding %s %s has no line", f.Path, f.CheckID)
				}
			}
			missed := 0
			rules := map[string]bool{}
			for _, p := range want {
				rules[p.rule] = true
				if !found[p.path+"|"+p.rule+"|"+p.check] {
					missed++
					t.Errorf("missed %s in %s (want check %s)", p.rule, p.path, p.check)
				}
			}
			t.Logf("recall %.3f: %d of %d planted keys, %d rules, %d placements",
				float64(len(want)-missed)/float64(len(want)), len(want)-missed, len(want), len(rules), len(placements(t)))
			for _, e := range res.Errors {
				t.Errorf("input error: %v", e)
			}
		})
	}
}

// TestCorpusNegatives wants no finding at all on placeholders, env reads,
// hashes, UUIDs, base64 and minified JS.
func TestCorpusNegatives(t *testing.T) {
	dir := t.TempDir()
	writeNegatives(t, dir)
	res := mustRun(t, WorkTree(context.Background(), dir, Limits{}))
	for _, f := range res.Findings {
		t.Errorf("false positive: %s:%d %s %s %s", f.Path, f.Line, f.CheckID, f.Rule, f.Message)
	}
	if res.Fragments < 8 {
		t.Errorf("scanned %d files, want at least 8", res.Fragments)
	}
}
