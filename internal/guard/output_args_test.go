package guard

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/pii"
	"github.com/aigate-dev/aigate/secretscan"
)

// escapeFirst spells the first byte of s as a \u escape.
func escapeFirst(s string) string { return fmt.Sprintf(`\u%04x`, s[0]) + s[1:] }

// testKey returns a key of a known rule, generated at run time.
func testKey(t *testing.T) (rule, key string) {
	t.Helper()
	r, ok := secretscan.Default().Rule("anthropic-api-key")
	if !ok {
		t.Fatal("no anthropic-api-key rule")
	}
	return r.ID, r.Example(rand.New(rand.NewPCG(3, 3)))
}

// runArgs feeds pieces to o as the arguments of a tool call and returns
// what the guard lets through, or the error that stopped it.
func runArgs(o *output, pieces ...string) (string, error) {
	key := gateway.ToolArgs(1<<24 | 3)
	var b strings.Builder
	for _, p := range pieces {
		s, err := o.Text(key, p)
		if err != nil {
			return b.String(), err
		}
		b.WriteString(s)
	}
	s, err := o.Flush(key)
	b.WriteString(s)
	return b.String(), err
}

// everySplit calls fn with text cut into two pieces at every byte, and
// into pieces of n bytes for n from 1 to 7.
func everySplit(text string, fn func(pieces []string)) {
	for i := 0; i <= len(text); i++ {
		fn([]string{text[:i], text[i:]})
	}
	for n := 1; n <= 7; n++ {
		var ps []string
		for i := 0; i < len(text); i += n {
			ps = append(ps, text[i:min(i+n, len(text))])
		}
		fn(ps)
	}
}

func TestOutputArgsRedactsEscapedValues(t *testing.T) {
	p, err := NewPolicy("t", PolicySpec{OutputSecrets: ActionRedact, OutputPII: ActionRedact})
	if err != nil {
		t.Fatal(err)
	}
	rule, key := testKey(t)
	tests := []struct {
		name, args string
		want       map[string]any
		rules      []string
	}{
		{"escaped at sign", `{"to":"jane\u0040example.org","n":1}`, map[string]any{"to": "[EMAIL]", "n": 1.0}, []string{"EMAIL"}},
		{"escaped first letter of a key", `{"note":"use ` + escapeFirst(key) + ` now"}`, map[string]any{"note": "use [REDACTED " + rule + " " + secretscan.Mask([]byte(key)) + "] now"}, []string{rule}},
		{"escaped space in a card number", `{"card":"4111\u00201111 1111 1111"}`, map[string]any{"card": "[CREDIT_CARD]"}, []string{"CREDIT_CARD"}},
		{"card number as a JSON number", `{"card":4111111111111111,"qty":2}`, map[string]any{"card": "[CREDIT_CARD]", "qty": 2.0}, []string{"CREDIT_CARD"}},
		{"card number in an array", `{"cards":[4111111111111111]}`, map[string]any{"cards": []any{"[CREDIT_CARD]"}}, []string{"CREDIT_CARD"}},
		{"e-mail after a line break", `{"a":"Jane\nmail: jane@example.org\n"}`, map[string]any{"a": "Jane\nmail: [EMAIL]\n"}, []string{"EMAIL"}},
		{"e-mail right after a line break", `{"a":"Jane\njane@example.org\tx"}`, map[string]any{"a": "Jane\n[EMAIL]\tx"}, []string{"EMAIL"}},
		{"escaped key name", `{"jane\u0040example.org":true}`, map[string]any{"[EMAIL]": true}, []string{"EMAIL"}},
		{"nothing to find", `{"q":"caf\u00e9 \ud83d\ude00 \"ok\""}`, map[string]any{"q": "café 😀 \"ok\""}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			everySplit(tt.args, func(pieces []string) {
				req := &gateway.Request{}
				got, err := runArgs(p.newOutput(req, nil), pieces...)
				if err != nil {
					t.Fatal(err)
				}
				var v map[string]any
				if err := json.Unmarshal([]byte(got), &v); err != nil {
					t.Fatalf("pieces %q: the arguments are not valid JSON any more: %v", pieces, err)
				}
				if fmt.Sprint(v) != fmt.Sprint(tt.want) {
					t.Fatalf("pieces of %d: arguments decode to %v, want %v", len(pieces[0]), v, tt.want)
				}
				var rules []string
				for _, f := range req.Findings {
					rules = append(rules, f.Rule)
				}
				if fmt.Sprint(rules) != fmt.Sprint(tt.rules) {
					t.Fatalf("findings %v, want %v", rules, tt.rules)
				}
			})
		})
	}
}

func TestOutputArgsFlagLeavesArguments(t *testing.T) {
	p, err := NewPolicy("t", PolicySpec{OutputSecrets: ActionFlag, OutputPII: ActionFlag})
	if err != nil {
		t.Fatal(err)
	}
	args := `{"to":"jane\u0040example.org","card":4111111111111111}`
	req := &gateway.Request{}
	got, err := runArgs(p.newOutput(req, nil), args[:9], args[9:])
	if err != nil {
		t.Fatal(err)
	}
	if got != `{"to":"jane@example.org","card":4111111111111111}` {
		t.Errorf("arguments = %q, want them as sent, canonical", got)
	}
	if len(req.Findings) != 2 {
		t.Errorf("findings = %+v, want EMAIL and CREDIT_CARD", req.Findings)
	}
}

func TestOutputArgsCanaryEscaped(t *testing.T) {
	p, err := NewPolicy("t", PolicySpec{SystemPrompt: "You are a helpful assistant for the Example Shop."})
	if err != nil {
		t.Fatal(err)
	}
	c := p.Canary()
	escaped := ""
	for _, r := range c {
		escaped += fmt.Sprintf(`\u%04X`, r)
	}
	for _, args := range []string{`{"x":"` + escapeFirst(c) + `"}`, `{"x":"` + c[:4] + `\u` + fmt.Sprintf("%04x", c[4]) + c[5:] + `"}`, `{"x":"` + escaped + `"}`} {
		everySplit(args, func(pieces []string) {
			req := &gateway.Request{}
			if _, err := runArgs(p.newOutput(req, nil), pieces...); err != errLeak {
				t.Fatalf("pieces %d: err = %v, want the canary leak refused", len(pieces), err)
			}
		})
	}
	if _, err := runArgs(p.newOutput(&gateway.Request{}, nil), `{"x":"cnry\u002d"}`); err != nil {
		t.Errorf("text that is no canary refused: %v", err)
	}
}

func TestOutputArgsVerbatimPromptEscaped(t *testing.T) {
	prompt := "You are the support assistant of Example Shop.\nOnly answer questions about Example Shop orders, returns and products."
	p, err := NewPolicy("t", PolicySpec{SystemPrompt: prompt})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(map[string]string{"note": prompt})
	args := strings.ReplaceAll(string(b), "e", `\u0065`)
	if _, err := runArgs(p.newOutput(&gateway.Request{}, nil), args[:40], args[40:]); err != errLeak {
		t.Errorf("err = %v, want the escaped prompt refused", err)
	}
}

func TestOutputArgsRestoresPseudonyms(t *testing.T) {
	p, err := NewPolicy("t", PolicySpec{PII: map[string]string{"EMAIL": "pseudonymize"}})
	if err != nil {
		t.Fatal(err)
	}
	r := pii.NewRedactor(p.piiFind)
	if out, _ := r.Apply("write to jane@example.org", p.piiPolicy); out != "write to <EMAIL_1>" {
		t.Fatalf("pseudonymised: %q", out)
	}
	for _, args := range []string{`{"to":"<EMAIL_1>","cc":"<EMAIL_2>"}`, `{"to":"\u003cEMAIL_1\u003e","cc":"<EMAIL_2>"}`} {
		everySplit(args, func(pieces []string) {
			got, err := runArgs(p.newOutput(&gateway.Request{}, r.Vault()), pieces...)
			if err != nil {
				t.Fatal(err)
			}
			if got != `{"to":"jane@example.org","cc":"<EMAIL_2>"}` {
				t.Fatalf("pieces %q: arguments = %q, want the e-mail address restored", pieces, got)
			}
		})
	}
}

// FuzzOutputArgsValid: arguments that are valid JSON stay valid JSON
// through a redacting guard, however they are cut into pieces; through a
// flagging one they decode to the same value.
func FuzzOutputArgsValid(f *testing.F) {
	for _, s := range []string{
		`{"to":"jane\u0040example.org","card":4111111111111111}`,
		`{"a":["call +1 415 555 0132","4111 1111\n1111 1111"],"b":{"c":-12.5e3}}`,
		`{"jane@example.org":[4111111111111111,"x"],"ip":"10.0.0.1\u0020"}`,
		`["\ud83d\ude00 IBAN DE89370400440532013000",378282246310005]`,
		`{"phone":14155550100,"created_at":1700000000,"mobile":"447911123456","card":4.111111111111111e15}`,
	} {
		f.Add(s, 5, 17)
	}
	redact, err := NewPolicy("r", PolicySpec{OutputSecrets: ActionRedact, OutputPII: ActionRedact})
	if err != nil {
		f.Fatal(err)
	}
	flag, err := NewPolicy("f", PolicySpec{OutputSecrets: ActionFlag, OutputPII: ActionFlag})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, in string, i, j int) {
		if !json.Valid([]byte(in)) {
			return
		}
		i, j = min(max(i, 0), len(in)), min(max(j, 0), len(in))
		i, j = min(i, j), max(i, j)
		out, err := runArgs(redact.newOutput(&gateway.Request{}, nil), in[:i], in[i:j], in[j:])
		if err != nil || !json.Valid([]byte(out)) {
			t.Fatalf("redacted %q in pieces at %d, %d: %q (%v), not valid JSON", in, i, j, out, err)
		}
		out, err = runArgs(flag.newOutput(&gateway.Request{}, nil), in[:i], in[i:j], in[j:])
		// Numbers decode as written: 1E700 is valid JSON but no float64.
		decode := func(s string) (v any, err error) {
			d := json.NewDecoder(strings.NewReader(s))
			d.UseNumber()
			err = d.Decode(&v)
			return v, err
		}
		a, _ := decode(in)
		b, berr := decode(out)
		if err != nil || berr != nil || !reflect.DeepEqual(a, b) {
			t.Fatalf("flagged %q: %q (%v), want the same value", in, out, err)
		}
	})
}

// A value the scan stage let begin in one chunk (an IBAN's letters, cut
// before its digits) is still found with the next, and what is left of it
// redacted.
func TestOutputArgsValueAcrossChunks(t *testing.T) {
	p, err := NewPolicy("t", PolicySpec{OutputPII: ActionRedact})
	if err != nil {
		t.Fatal(err)
	}
	const args = `{"iban":"DE89 3704 0044 0532 0130 00","n":1}`
	everySplit(args, func(pieces []string) {
		got, err := runArgs(p.newOutput(&gateway.Request{}, nil), pieces...)
		if err != nil {
			t.Fatal(err)
		}
		var v struct{ IBAN string }
		if err := json.Unmarshal([]byte(got), &v); err != nil || strings.Contains(v.IBAN, "3704") || !strings.HasSuffix(v.IBAN, "[IBAN]") {
			t.Fatalf("pieces %q: arguments = %s (%v), want the IBAN redacted", pieces, got, err)
		}
	})
}
