package secretscan_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/aigate-dev/aigate/secretscan"
)

// contexts place a secret the ways real leaks happen. %[1]s is the variable
// name, %[2]s the secret.
var contexts = []struct{ name, format string }{
	{"env", "%[1]s=%[2]s\n"},
	{"shell-export", "export %[1]s='%[2]s'"},
	{"python", "%[1]s = \"%[2]s\"  # prod"},
	{"yaml", "%[1]s: %[2]s"},
	{"json", `{"%[1]s": "%[2]s", "x": 1}`},
	{"escaped-json", `{"source": ["import os\n", "os.environ[\"%[1]s\"] = \"%[2]s\"\n"]}`},
	{"escaped-newline-before", `"%[1]s:\n%[2]s\n"`},
	{"unicode-escape-before", `"%[1]s\u003d%[2]s\u0026"`},
	{"url-encoded", "%[1]s%%3D%[2]s&x=1"},
	{"query-ampersand", "https://api.example.com/v1?%[1]s=%[2]s&alt=json"},
	{"comma", "%[1]s %[2]s, then"},
	{"period", "%[1]s is %[2]s."},
	{"paren", "client(%[1]s=(%[2]s))"},
	{"xml", "<%[1]s>%[2]s</%[1]s>"},
	{"at", "%[1]s %[2]s@host"},
	{"brace", "{%[1]s:%[2]s}"},
	{"log", "2026-01-01T00:00:00Z DEBUG %[1]s=%[2]s status=200"},
}

func TestRuleExamples(t *testing.T) {
	s := secretscan.Default()
	for _, r := range s.Rules() {
		t.Run(r.ID, func(t *testing.T) {
			if r.Example == nil {
				t.Fatal("rule has no Example generator")
			}
			rnd := rand.New(rand.NewPCG(1, uint64(len(r.ID))))
			for i := range 25 {
				key := r.Example(rnd)
				for _, c := range contexts {
					text := fmt.Sprintf(c.format, r.EnvVar, key)
					at := strings.Index(text, key)
					ms := s.ScanString(text)
					found := false
					for _, m := range ms {
						if m.RuleID == r.ID && m.Start >= at && m.End <= at+len(key) {
							found = true
							if r.Boundary != secretscan.BoundaryNone && (m.Start != at || m.End != at+len(key)) {
								t.Errorf("example %d in %s: match [%d,%d), want [%d,%d)", i, c.name, m.Start, m.End, at, at+len(key))
							}
						}
					}
					if !found {
						t.Errorf("example %d (%s) in %s: not found; matches %v", i, secretscan.Mask([]byte(key)), c.name, ms)
					}
				}
			}
		})
	}
}

func TestRuleNonExamples(t *testing.T) {
	s := secretscan.Default()
	for _, r := range s.Rules() {
		if len(r.NonExamples) == 0 {
			t.Errorf("rule %s has no NonExamples", r.ID)
		}
		for _, text := range r.NonExamples {
			if ms := s.ScanString(text); len(ms) > 0 {
				t.Errorf("rule %s: Scan(non-example %q) = %v, want none", r.ID, secretscan.Mask([]byte(text)), ms)
			}
		}
	}
}

// TestKeyInsideLongerToken checks that a key-shaped run that continues on
// either side is not reported.
func TestKeyInsideLongerToken(t *testing.T) {
	s := secretscan.Default()
	rnd := rand.New(rand.NewPCG(7, 7))
	for _, r := range s.Rules() {
		if r.Boundary == secretscan.BoundaryNone {
			continue
		}
		key := r.Example(rnd)
		// A variable-length key may legitimately absorb the suffix, but
		// must not be reported with its original span.
		for _, text := range []string{r.EnvVar + "=" + key + "Q7", r.EnvVar + "=Q7" + key} {
			at := strings.Index(text, key)
			for _, m := range s.ScanString(text) {
				if m.RuleID == r.ID && (m.Start != at || m.End != at+len(key)) == (text[at-1] == '=') {
					continue
				}
				if m.RuleID == r.ID {
					t.Errorf("rule %s: found key inside a longer token (%s)", r.ID, secretscan.Mask([]byte(text)))
				}
			}
		}
	}
}

func TestPlaceholders(t *testing.T) {
	s := secretscan.Default()
	for _, text := range []string{
		"OPENAI_API_KEY=sk-...",
		"OPENAI_API_KEY=your-api-key-here",
		"ANTHROPIC_API_KEY=sk-ant-api03-abc123...",
		"api_key = 'sk-ant-api03-" + strings.Repeat("X", 93) + "AA'",
		"OPENAI_API_KEY=sk-proj-" + strings.Repeat("abcdefghij", 8) + "T3BlbkFJ" + strings.Repeat("0123456789", 8),
		"key: AIzaSy" + strings.Repeat("A", 33),
		"key: AIzaSyEXAMPLE" + strings.Repeat("k3Y9", 7),
		"GROQ_API_KEY=gsk_your_groq_key_here",
		"mistral_api_key = os.getenv('MISTRAL_API_KEY')",
		"const key = process.env.OPENAI_API_KEY;",
		"sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"id: 123e4567-e89b-12d3-a456-426614174000",
	} {
		if ms := s.ScanString(text); len(ms) > 0 {
			t.Errorf("ScanString(%q) = %v, want none", secretscan.Mask([]byte(text)), ms)
		}
	}
}

func TestNewRejectsBadRules(t *testing.T) {
	rules := []secretscan.Rule{{ID: "a", Keywords: []string{"XY", "XYZ"}}, {ID: "a", Keywords: []string{"k"}}}
	_, err := secretscan.New(rules)
	if err == nil {
		t.Fatal("New(bad rules) = nil error")
	}
	for _, want := range []string{"no pattern", "not lowercase", "duplicate id", "shorter than 3"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("New error %q does not mention %q", err, want)
		}
	}
}

func TestMaskAndFingerprint(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"short", "s…"},
		{"sixteen-chars-ab", "sixt…ab"},
		{"a-rather-long-secret-value-xy", "a-rath…xy"},
	} {
		if got := secretscan.Mask([]byte(tt.in)); got != tt.want {
			t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	a, b := secretscan.Fingerprint([]byte("one")), secretscan.Fingerprint([]byte("two"))
	if len(a) != 16 || a == b || a != secretscan.Fingerprint([]byte("one")) {
		t.Errorf("Fingerprint: got %q and %q", a, b)
	}
}

func TestScanNothing(t *testing.T) {
	s := secretscan.Default()
	for _, in := range []string{"", "a", "sk", "agk_", "-----BEGIN"} {
		if ms := s.ScanString(in); ms != nil {
			t.Errorf("ScanString(%q) = %v, want nil", in, ms)
		}
	}
}
