package eval

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aigate-dev/aigate/pii"
)

func TestEvalPIIScoring(t *testing.T) {
	// Offsets are code points: "Zoë" has a two-byte rune before the e-mail.
	const data = `{"text":"Zoë: zoe@example.com, card 4111 1111 1111 1111","spans":[{"start":5,"end":20,"type":"EMAIL_ADDRESS"},{"start":27,"end":46,"type":"CREDIT_CARD"},{"start":0,"end":3,"type":"ORGANIZATION"}]}
{"text":"call 4111 now","spans":[],"source":"b"}
{"text":"SSN 123-45-6789 and 10.0.0.1","spans":[{"start":4,"end":10,"type":"US_SSN"},{"start":20,"end":28,"type":"IP_ADDRESS"}]}

`
	d, err := pii.New(pii.Options{Types: pii.StructuredTypes()})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := EvalPII(strings.NewReader(data), d)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Texts != 3 || rep.Headline != "exact" || rep.Unscored["ORGANIZATION"] != 1 {
		t.Errorf("report header = %d texts, %q, unscored %v", rep.Texts, rep.Headline, rep.Unscored)
	}
	check := func(typ string, p, r, op float64) {
		t.Helper()
		s := rep.Types[typ]
		if s.Precision != p || s.Recall != r || s.Overlap.Precision != op {
			t.Errorf("%s = P %.2f R %.2f overlap P %.2f, want %.2f %.2f %.2f", typ, s.Precision, s.Recall, s.Overlap.Precision, p, r, op)
		}
	}
	check("EMAIL", 1, 1, 1)
	check("CREDIT_CARD", 1, 1, 1)
	check("IP_ADDRESS", 1, 1, 1)
	check("US_SSN", 0, 0, 1) // the label covers part of the number: overlap only
	if fpr := rep.Types["US_SSN"].FPR; fpr != 0 {
		t.Errorf("US_SSN fpr = %v, want 0", fpr)
	}
	if got := rep.BySource["b"]; len(rep.BySource) != 2 || len(got) != 0 {
		t.Errorf("BySource = %d sources, source b has %d types; want 2 and 0", len(rep.BySource), len(got))
	}
	if got := rep.BySource[""]["EMAIL"]; got.Gold != 1 || got.F1 != 1 {
		t.Errorf("BySource[\"\"][EMAIL] = %+v", got)
	}
	b, err := json.Marshal(rep.Types["EMAIL"])
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{`"precision"`, `"recall"`, `"f1"`, `"fpr"`} {
		if !strings.Contains(string(b), f) {
			t.Errorf("JSON lacks %s: %s", f, b)
		}
	}
	if _, err := EvalPII(strings.NewReader("{not json}\n"), d); err == nil || strings.Contains(err.Error(), "not json") {
		t.Errorf("bad line: err = %v, want an error naming the line only", err)
	}
}

// sharedData finds ../shared/data next to the repository root.
func sharedData(t *testing.T, name string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("skipping: repository root (go.mod) not found")
		}
		dir = parent
	}
	p := filepath.Join(filepath.Dir(dir), "shared", "data", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("skipping: labelled data %s not present (it lives outside the repo, in ../shared/data)", p)
	}
	return p
}

// TestEvalPIIFloors runs the evaluation on the shared development set and
// fails when a score drops below the floor: the floors sit a little under
// what the detector reaches, so a regression fails CI.
func TestEvalPIIFloors(t *testing.T) {
	f, err := os.Open(sharedData(t, "pii_dev.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := EvalPII(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	floors := map[string]float64{ // exact-match F1
		"EMAIL": 0.99, "PHONE": 0.97, "CREDIT_CARD": 0.97, "IBAN": 0.99, "US_SSN": 0.99, "IP_ADDRESS": 0.99,
		// best-effort heuristics: floors only guard against regressions
		"PERSON": 0.50, "LOCATION": 0.42, "STREET_ADDRESS": 0.18,
	}
	for _, typ := range slices.Sorted(maps.Keys(floors)) {
		floor, s := floors[typ], rep.Types[typ]
		t.Logf("%-14s gold %4d  P %.3f R %.3f F1 %.3f fpr %.4f | overlap F1 %.3f", typ, s.Gold, s.Precision, s.Recall, s.F1, s.FPR, s.Overlap.F1)
		if s.F1 < floor {
			t.Errorf("%s F1 = %.3f, want ≥ %.2f", typ, s.F1, floor)
		}
	}
}
