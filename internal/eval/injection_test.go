package eval

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aigate-dev/aigate/injection"
)

// injectionFake flags texts that contain "attack".
type injectionFake struct{}

func (injectionFake) Detect(text string) injection.Result {
	if strings.Contains(text, "attack") {
		return injection.Result{Score: 0.9, Rules: []injection.Rule{injection.RuleInstructionOverride}}
	}
	return injection.Result{Score: 0.1}
}

func TestEvalInjectionCounts(t *testing.T) {
	data := strings.Join([]string{
		`{"id":"a","text":"attack one","label":1,"category":"c1","lang":"en","source":"s"}`,
		`{"id":"b","text":"quiet","label":1,"category":"c1","lang":"en","source":"s"}`,
		`{"id":"c","text":"attack but benign","label":0,"category":"c2","lang":"de","source":"s"}`,
		`{"id":"d","text":"hello","label":0,"category":"c2","lang":"de"}`,
		``,
		`{"id":"skip","text":"attack","label":1}`,
	}, "\n")
	rep, err := EvalInjection(strings.NewReader(data), injectionFake{}, 0.5, func(id string) bool { return id != "skip" })
	if err != nil {
		t.Fatal(err)
	}
	o := rep.Overall
	if o.TP != 1 || o.FN != 1 || o.FP != 1 || o.TN != 1 || rep.Skipped != 1 || rep.Rows != 4 {
		t.Errorf("EvalInjection counts = %+v, skipped %d, want 1 of each and 1 skipped", o, rep.Skipped)
	}
	if o.Precision != 0.5 || o.Recall != 0.5 || o.FPR != 0.5 || o.F1 != 0.5 {
		t.Errorf("EvalInjection scores = %+v, want 0.5 each", o)
	}
	if c := rep.ByCategory["c1"]; c == nil || c.Recall != 0.5 || c.Attacks != 2 {
		t.Errorf("ByCategory[c1] = %+v, want recall 0.5 over 2 attacks", c)
	}
	if l := rep.ByLang["de"]; l == nil || l.FPR != 0.5 {
		t.Errorf("ByLang[de] = %+v, want fpr 0.5", l)
	}
	if rep.RuleHits[string(injection.RuleInstructionOverride)] != 2 {
		t.Errorf("RuleHits = %v, want 2 instruction_override", rep.RuleHits)
	}
	b, err := json.Marshal(rep.Overall)
	if err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{`"precision"`, `"recall"`, `"f1"`, `"fpr"`} {
		if !strings.Contains(string(b), field) {
			t.Errorf("JSON %s lacks %s", b, field)
		}
	}
}

func TestEvalInjectionErrors(t *testing.T) {
	for name, data := range map[string]string{
		"bad-json":   `{"text": "secret prompt text"`,
		"bad-label":  `{"text":"secret prompt text","label":2}`,
		"no-label":   `{"text":"secret prompt text"}`,
		"nil-reader": "",
	} {
		t.Run(name, func(t *testing.T) {
			var d InjectionDetector = injectionFake{}
			if name == "nil-reader" {
				d = nil
			}
			_, err := EvalInjection(strings.NewReader(data), d, 0.5, nil)
			if err == nil {
				t.Fatal("EvalInjection = nil error, want one")
			}
			if strings.Contains(err.Error(), "secret prompt") {
				t.Errorf("EvalInjection error %q repeats row text", err)
			}
		})
	}
}

// sharedInjectionData locates ../shared/data/injection_dev.jsonl next to the
// module root.
func sharedInjectionData(t *testing.T) string {
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
			t.Skip("skipping: module root not found")
		}
		dir = parent
	}
	path := filepath.Join(filepath.Dir(dir), "shared", "data", "injection_dev.jsonl")
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		t.Skipf("skipping: %s not present (the labelled data lives outside the repository)", path)
	}
	return path
}

// TestEvalInjectionSharedData measures the default detector on the shared
// development set and fails if it falls below floors set a little under
// the figures reached when the model was last trained. Held-out rows were
// never trained on; the full file includes the training rows and so
// flatters the model.
func TestEvalInjectionSharedData(t *testing.T) {
	path := sharedInjectionData(t)
	run := func(filter func(string) bool) InjectionReport {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rep, err := EvalInjection(f, injection.Default(), injection.DefaultThreshold, filter)
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	floors := []struct {
		name              string
		filter            func(string) bool
		minRecall, maxFPR float64
	}{
		// Reached at DefaultThreshold 0.67: held-out recall 0.752, fpr 0.012
		// (2 of 171); full recall 0.939 (512 of 545), fpr 0.003. Each floor
		// is a few rows under.
		{"held-out", injection.HeldOut, 0.74, 0.02},
		{"full", nil, 0.935, 0.01},
	}
	for _, fl := range floors {
		rep := run(fl.filter)
		o := rep.Overall
		t.Logf("%s: rows %d, precision %.3f, recall %.3f, f1 %.3f, fpr %.3f, %.1f MB/s, p99 %.0f µs",
			fl.name, rep.Rows, o.Precision, o.Recall, o.F1, o.FPR, rep.MBPerSec, rep.P99Micros)
		cats := make([]string, 0, len(rep.ByCategory))
		for c := range rep.ByCategory {
			cats = append(cats, c)
		}
		slices.Sort(cats)
		for _, c := range cats {
			s := rep.ByCategory[c]
			t.Logf("  %-40s rows %3d  recall %.3f  fpr %.3f", c, s.Rows, s.Recall, s.FPR)
		}
		if o.Recall < fl.minRecall {
			t.Errorf("%s recall = %.3f, want >= %.2f", fl.name, o.Recall, fl.minRecall)
		}
		if o.FPR > fl.maxFPR {
			t.Errorf("%s fpr = %.3f, want <= %.2f", fl.name, o.FPR, fl.maxFPR)
		}
	}
}
