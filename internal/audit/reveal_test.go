package audit

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/aigate-dev/aigate/internal/keys"
	"github.com/aigate-dev/aigate/secretscan"
)

// TestRevealKeepsOnlyNamedRules: Options.Reveal keeps the secrets of the
// named rules, by fingerprint, for unsuppressed findings only; without it
// nothing is kept.
func TestRevealKeepsOnlyNamedRules(t *testing.T) {
	gen := func() string {
		s, err := keys.Generate()
		if err != nil {
			t.Fatal(err)
		}
		return s.Reveal()
	}
	found, ignored := gen(), gen()
	gh, ok := secretscan.Default().Rule("github-token")
	if !ok || gh.Example == nil {
		t.Fatal("no github-token rule with an example")
	}
	other := gh.Example(rand.New(rand.NewPCG(1, 2))) // another rule's secret: never revealed
	dir := t.TempDir()
	files := map[string]string{
		"app/config.py": "AIGATE_API_KEY = \"" + found + "\"\nGITHUB = \"" + other + "\"\n",
		"app/other.py":  "KEY = \"" + ignored + "\"  # aigate:ignore hardcoded-secret\n",
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	res, err := Run(ctx, WorkTree(ctx, dir, Limits{}), Options{Reveal: []string{"aigate-key"}})
	if err != nil {
		t.Fatal(err)
	}
	var aigateFindings, otherFindings int
	for _, f := range res.Findings {
		if f.Rule != "aigate-key" {
			otherFindings++
			if _, ok := res.Revealed[f.Fingerprint]; ok {
				t.Errorf("a %s secret was revealed, want aigate keys only", f.Rule)
			}
			continue
		}
		aigateFindings++
		if res.Revealed[f.Fingerprint] != found {
			t.Errorf("the aigate key found at %s:%d is not revealed under its fingerprint", f.Path, f.Line)
		}
	}
	if aigateFindings != 1 || otherFindings == 0 || len(res.Revealed) != 1 {
		t.Errorf("%d aigate findings, %d others and %d revealed secrets, want 1, some and 1 (the suppressed key kept out)", aigateFindings, otherFindings, len(res.Revealed))
	}

	res, err = Run(ctx, WorkTree(ctx, dir, Limits{}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Revealed != nil {
		t.Error("without Options.Reveal the result reveals secrets")
	}
}
