package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// sampleResult is a fixed result covering each kind of finding; its
// previews are masked and its fingerprints made up, as in real reports.
func sampleResult() *Result {
	return &Result{
		Fragments: 12, Bytes: 34567, Skipped: 1,
		Errors: []error{&SourceError{Path: "broken", Err: errors.New("broken symbolic link")}},
		Findings: []Finding{
			{CheckID: CheckEnvNotIgnored, Severity: SeverityMedium, Path: ".env", Fingerprint: "0a1b2c3d4e5f6071", Message: "secrets file is not git-ignored"},
			{CheckID: CheckHardcodedSecret, Severity: SeverityHigh, Rule: "anthropic-api-key", Path: "app/config.py", Line: 3, Column: 21, Preview: "sk-ant…AA", Fingerprint: "1122334455667788", Message: "Anthropic API key"},
			{CheckID: CheckHardcodedSecret, Severity: SeverityLow, Rule: "google-api-key", Path: "local.cfg", Line: 1, Column: 9, Preview: "AIzaSy…x9", Fingerprint: "8877665544332211", Message: "Google API key in a git-ignored file"},
			{CheckID: CheckKeyInURL, Severity: SeverityHigh, Path: "web/api.js", Line: 10, Column: 40, Preview: "?key=…", Fingerprint: "abcdefabcdefabcd", Message: "key passed in URL query (key= from apiKey)"},
			{CheckID: CheckPromptInput, Severity: SeverityMedium, Path: "app/bot.py", Line: 7, Column: 1, Fingerprint: "fedcba9876543210", Message: "user input (user_input) inserted into the system prompt"},
			{CheckID: CheckHardcodedSecret, Severity: SeverityHigh, Rule: "aigate-key", Path: "old/keys.txt", Line: 2, Column: 1, Commit: "0123456789abcdef0123456789abcdef01234567", Preview: "agk_Ab…Zz", Fingerprint: "0f0f0f0f0f0f0f0f", Message: "aigate virtual key"},
		},
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

func TestReports(t *testing.T) {
	res := sampleResult()
	sortFindings(res.Findings)
	for _, tt := range []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"report.txt", func(b *bytes.Buffer) error { return Text(b, res, TextOptions{}) }},
		{"report-color.txt", func(b *bytes.Buffer) error { return Text(b, res, TextOptions{Color: true}) }},
		{"report.json", func(b *bytes.Buffer) error { return JSON(b, res) }},
		{"report.sarif", func(b *bytes.Buffer) error { return SARIF(b, res, SARIFOptions{Version: "test"}) }},
		{"clean.txt", func(b *bytes.Buffer) error { return Text(b, &Result{Fragments: 3, Bytes: 100}, TextOptions{}) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.write(&b); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name, b.Bytes())
		})
	}
}

// TestSARIFShape checks what GitHub code scanning requires of the log.
func TestSARIFShape(t *testing.T) {
	var b bytes.Buffer
	if err := SARIF(&b, sampleResult(), SARIFOptions{}); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID   string                `json:"id"`
						Help struct{ Text string } `json:"help"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID              string            `json:"ruleId"`
				RuleIndex           int               `json:"ruleIndex"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
				Locations           []struct {
					PhysicalLocation struct {
						Region struct{ StartLine int } `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %q, %d runs", log.Version, len(log.Runs))
	}
	rules := log.Runs[0].Tool.Driver.Rules
	if len(rules) != len(Checks()) {
		t.Errorf("%d rules, want %d", len(rules), len(Checks()))
	}
	for _, r := range log.Runs[0].Results {
		if rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %s has ruleIndex of %s", r.RuleID, rules[r.RuleIndex].ID)
		}
		if len(r.Locations) != 1 || r.Locations[0].PhysicalLocation.Region.StartLine < 1 {
			t.Errorf("result %s: bad locations %+v", r.RuleID, r.Locations)
		}
		if r.PartialFingerprints["aigateFingerprint/v1"] == "" {
			t.Errorf("result %s: no partial fingerprint", r.RuleID)
		}
	}
	for _, r := range rules {
		if r.Help.Text == "" {
			t.Errorf("rule %s has no help", r.ID)
		}
	}
}

func TestBaseline(t *testing.T) {
	res := sampleResult()
	var b bytes.Buffer
	if err := NewBaseline(res.Findings[:3]).Write(&b); err != nil {
		t.Fatal(err)
	}
	bl, err := ReadBaseline(&b)
	if err != nil {
		t.Fatal(err)
	}
	left := bl.Filter(res.Findings)
	if len(left) != len(res.Findings)-3 {
		t.Errorf("Filter left %d findings, want %d", len(left), len(res.Findings)-3)
	}
	// A moved finding (same check and fingerprint) stays accepted.
	moved := res.Findings[1]
	moved.Line += 10
	if got := bl.Filter([]Finding{moved}); len(got) != 0 {
		t.Errorf("Filter(moved) = %+v, want none", got)
	}
	if _, err := ReadBaseline(bytes.NewBufferString(`{"version": 2, "findings": []}`)); err == nil {
		t.Error("ReadBaseline(version 2) = nil error")
	}
	if _, err := ReadBaseline(bytes.NewBufferString(`not json`)); err == nil {
		t.Error("ReadBaseline(garbage) = nil error")
	}
}
