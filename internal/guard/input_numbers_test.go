package guard

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/pii"
)

const testCard = "4111111111111111"

func piiPolicy(t *testing.T, m map[string]string) *Policy {
	t.Helper()
	p, err := NewPolicy("t", PolicySpec{Injection: ActionOff, PII: m})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// A number in a tool call's argument object (a Number text) is checked:
// redacted, masked or pseudonymised into a string, or refused.
func TestInputNumberText(t *testing.T) {
	for _, tt := range []struct{ action, want string }{
		{"redact", "[CREDIT_CARD]"},
		{"mask", "************1111"},
		{"pseudonymize", "<CREDIT_CARD_1>"},
	} {
		num := &gateway.Text{Value: testCard, Number: true}
		req := &gateway.Request{Messages: []gateway.Message{{Role: gateway.RoleAssistant, Parts: []*gateway.Text{num}}}}
		vault, err := piiPolicy(t, map[string]string{"default": tt.action}).checkInput(req, nil)
		if err != nil {
			t.Fatal(err)
		}
		if num.Value != tt.want || !num.Edited() {
			t.Errorf("%s: number became %q, want %q", tt.action, num.Value, tt.want)
		}
		if tt.action == "pseudonymize" {
			if v, ok := vault.Lookup(tt.want); !ok || v != testCard {
				t.Errorf("vault has %q for %s, want the card number", v, tt.want)
			}
		}
	}
	num := &gateway.Text{Value: testCard, Number: true}
	req := &gateway.Request{Messages: []gateway.Message{{Role: gateway.RoleTool, Parts: []*gateway.Text{num}}}}
	if _, err := piiPolicy(t, map[string]string{"CREDIT_CARD": "block"}).checkInput(req, nil); err == nil || !strings.Contains(err.Error(), "CREDIT_CARD") {
		t.Errorf("err = %v, want the card number refused", err)
	}
	// A number that is no personal data is left as sent.
	qty := &gateway.Text{Value: "12", Number: true}
	req = &gateway.Request{Messages: []gateway.Message{{Role: gateway.RoleTool, Parts: []*gateway.Text{qty}}}}
	if _, err := piiPolicy(t, map[string]string{"default": "redact"}).checkInput(req, nil); err != nil || qty.Edited() {
		t.Errorf("12 became %q (%v)", qty.Value, err)
	}
}

// Personal data in a text that is a JSON document (tool-call arguments
// written as JSON text, a tool's result) is replaced keeping the document
// valid JSON, under every action: a card number written as a number
// becomes a string, and a value next to an escape is found and replaced
// without cutting the escape.
func TestInputJSONRedactionStaysValid(t *testing.T) {
	docs := []string{
		`{"card":` + testCard + `,"note":"ok"}`,
		`[` + testCard + `, {"n": -` + testCard + `}]`,
		`{"note":"x\n` + testCard + `\tend"}`,
		`{"note":"he said \"` + testCard + `\" twice","phone":"+1 415 555 0100"}`,
		`{"email":"jane@example.org","dob":"1990-01-02"}`,
	}
	for _, action := range []string{"redact", "mask", "pseudonymize"} {
		p := piiPolicy(t, map[string]string{"default": action})
		for _, doc := range docs {
			req, text := toolResult(doc)
			if _, err := p.checkInput(req, nil); err != nil {
				t.Fatal(err)
			}
			if !json.Valid([]byte(text.Value)) {
				t.Errorf("%s: %s became %s, not valid JSON", action, doc, text.Value)
				continue
			}
			if strings.Contains(text.Value, testCard) || strings.Contains(text.Value, "jane@example.org") || !text.Edited() {
				t.Errorf("%s: %s became %s", action, doc, text.Value)
			}
		}
	}
	// Redacted, a card number written as a number is the marker as a string.
	req, text := toolResult(`{"card": ` + testCard + `, "qty": 2}`)
	if _, err := piiPolicy(t, map[string]string{"default": "redact"}).checkInput(req, nil); err != nil {
		t.Fatal(err)
	}
	if want := `{"card": "[CREDIT_CARD]", "qty": 2}`; text.Value != want {
		t.Errorf("tool result = %s, want %s", text.Value, want)
	}
	// The placeholder of a number restores to it.
	req, text = toolResult(`{"card":` + testCard + `}`)
	vault, err := piiPolicy(t, map[string]string{"default": "pseudonymize"}).checkInput(req, nil)
	if err != nil {
		t.Fatal(err)
	}
	if text.Value != `{"card":"<CREDIT_CARD_1>"}` || vault.Restore("<CREDIT_CARD_1>") != testCard {
		t.Errorf("tool result = %s, want the card number pseudonymised", text.Value)
	}
	// Text in braces that is not JSON is redacted as any text.
	for _, tt := range []struct{ in, want string }{
		{`{not json: jane@example.org}`, `{not json: [EMAIL]}`},
		{`[x\n jane@example.org]`, `[x\n [EMAIL]]`},
	} {
		req, text = toolResult(tt.in)
		if _, err := piiPolicy(t, map[string]string{"default": "redact"}).checkInput(req, nil); err != nil || text.Value != tt.want {
			t.Errorf("%s became %s (%v), want %s", tt.in, text.Value, err, tt.want)
		}
	}
	// Blocked, the request is refused.
	req, _ = toolResult(`{"card":` + testCard + `}`)
	if _, err := piiPolicy(t, map[string]string{"CREDIT_CARD": "block"}).checkInput(req, nil); err == nil {
		t.Error("a card number in a JSON document was not refused")
	}
}

// A credential in a JSON document right after an escape is found through
// the view and redacted keeping the document valid JSON.
func TestInputJSONSecretRedactedValid(t *testing.T) {
	p, err := NewPolicy("t", PolicySpec{Injection: ActionOff, Secrets: ActionRedact})
	if err != nil {
		t.Fatal(err)
	}
	_, key := testKey(t)
	req, text := toolResult(`{"env":"A=1\nKEY=` + key + `\"","n":[1]}`)
	if _, err := p.checkInput(req, nil); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text.Value, key) || !json.Valid([]byte(text.Value)) {
		t.Errorf("tool result = %s, want valid JSON without the key", text.Value)
	}
}

// Whatever the JSON document and the action, applyPIIJSON returns valid
// JSON in which no entity of a type it does not allow is still found.
func FuzzApplyPIIJSON(f *testing.F) {
	for _, s := range []string{
		`{"card":` + testCard + `}`, `["x\n` + testCard + `"]`, `{"p":"+1 415 555 0100","e":"a@b.example"}`,
		`{"k\"":"\u00e9 jane@example.org\\"}`, `[1990, "1990-01-02", -4111111111111111e0]`,
		`{"phone":14155550100,"created_at":1700000000,"tel":"447911123456"}`,
		`{"card":4.111111111111111e15,"phone":1.4155550100e10,"x":1e400,"y":[4111111111111111E0]}`,
	} {
		f.Add(s, uint8(0))
	}
	d, err := pii.New(pii.Options{})
	if err != nil {
		f.Fatal(err)
	}
	actions := []pii.Action{pii.Redact, pii.Mask, pii.Pseudonymize}
	f.Fuzz(func(t *testing.T, s string, a uint8) {
		if !isJSONDoc(s) {
			return
		}
		c, _ := canonJSON(nil, s, true)
		pol := pii.Policy{Default: actions[int(a)%len(actions)]}
		out, _ := applyPIIJSON(pii.NewRedactor(d), d, string(c), pol)
		if !json.Valid([]byte(out)) {
			t.Fatalf("%s with %s became %s, not valid JSON", c, pol.Default, out)
		}
		if es := d.Find(jsonView(out)); len(es) > 0 {
			t.Fatalf("%s with %s became %s, where %s is still found", c, pol.Default, out, es[0].Type)
		}
	})
}
