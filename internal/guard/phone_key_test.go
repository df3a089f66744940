package guard

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider"
)

// argsRequest returns a request whose body is a tool call's argument
// object, args, read into texts as the adapters do (provider.ArgTexts).
func argsRequest(args string) *gateway.Request {
	const pre = `{"input":`
	raw := []byte(pre + args + `}`)
	texts := provider.ArgTexts(raw[len(pre):len(raw)-1], len(pre), nil)
	return &gateway.Request{Raw: raw, Messages: []gateway.Message{{Role: gateway.RoleAssistant, Parts: texts}}}
}

// mustArgs decodes the argument object of the body of req.
func mustArgs(t *testing.T, req *gateway.Request) map[string]any {
	t.Helper()
	var v struct{ Input map[string]any }
	if err := json.Unmarshal(req.Body(), &v); err != nil {
		t.Fatalf("the body is not valid JSON any more: %v", err)
	}
	return v.Input
}

// A phone number written as a bare number (or a string of digits) in a
// tool call's argument object is recognised by its key, and replaced as
// the policy says, as a string; timestamps and IDs under other keys stay.
func TestInputPhoneUnderKeyArgs(t *testing.T) {
	const args = `{"phone": 14155550100, "mobile_number": "447911123456", "created_at": 1700000000, ` +
		`"order_id": 447911123456, "tels": [4915123456789], "qty": 2}`
	for _, tt := range []struct{ action, phone, mobile, tel string }{
		{"redact", "[PHONE]", "[PHONE]", "[PHONE]"},
		{"mask", "*******0100", "********3456", "*********6789"},
		{"pseudonymize", "<PHONE_1>", "<PHONE_2>", "<PHONE_3>"},
	} {
		req := argsRequest(args)
		vault, err := piiPolicy(t, map[string]string{"default": tt.action}).checkInput(req, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := mustArgs(t, req)
		want := map[string]any{"phone": tt.phone, "mobile_number": tt.mobile, "created_at": 1700000000.0,
			"order_id": 447911123456.0, "tels": []any{tt.tel}, "qty": 2.0}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: arguments = %v, want %v", tt.action, got, want)
		}
		if tt.action == "pseudonymize" {
			if back := vault.Restore("<PHONE_1> <PHONE_2> <PHONE_3>"); back != "14155550100 447911123456 4915123456789" {
				t.Errorf("pseudonyms restore to %q", back)
			}
		}
		if !hasFinding(req, "PHONE", 3) {
			t.Errorf("%s: findings %+v, want 3 PHONE", tt.action, req.Findings)
		}
	}
	req := argsRequest(args)
	if _, err := piiPolicy(t, map[string]string{"PHONE": "block"}).checkInput(req, nil); err == nil || !strings.Contains(err.Error(), "PHONE") {
		t.Errorf("err = %v, want the phone numbers refused", err)
	}
	// Nothing under other keys, whatever the policy.
	req = argsRequest(`{"created_at": 1700000000, "id": 14155550100, "n": "447911123456"}`)
	if _, err := piiPolicy(t, map[string]string{"default": "block"}).checkInput(req, nil); err != nil || req.Edited() {
		t.Errorf("timestamps and IDs: err %v, body %s", err, req.Body())
	}
}

// In a JSON document (a tool's result) the key is read from the document.
func TestInputPhoneUnderKeyDocument(t *testing.T) {
	const doc = `{"customer":{"phone":14155550100,"telefono":"393471234567"},"created_at":1700000000,"id":447911123456}`
	for _, tt := range []struct{ action, want string }{
		{"redact", `{"customer":{"phone":"[PHONE]","telefono":"[PHONE]"},"created_at":1700000000,"id":447911123456}`},
		{"mask", `{"customer":{"phone":"*******0100","telefono":"********4567"},"created_at":1700000000,"id":447911123456}`},
		{"pseudonymize", `{"customer":{"phone":"<PHONE_1>","telefono":"<PHONE_2>"},"created_at":1700000000,"id":447911123456}`},
	} {
		req, text := toolResult(doc)
		vault, err := piiPolicy(t, map[string]string{"default": tt.action}).checkInput(req, nil)
		if err != nil {
			t.Fatal(err)
		}
		if text.Value != tt.want {
			t.Errorf("%s: tool result = %s, want %s", tt.action, text.Value, tt.want)
		}
		if tt.action == "pseudonymize" && vault.Restore(text.Value) != strings.Replace(doc, `"phone":14155550100`, `"phone":"14155550100"`, 1) {
			t.Errorf("restored: %s", vault.Restore(text.Value))
		}
	}
	req, _ := toolResult(doc)
	if _, err := piiPolicy(t, map[string]string{"PHONE": "block"}).checkInput(req, nil); err == nil {
		t.Error("the phone numbers of a tool result were not refused")
	}
	// The elements of an array under the key too.
	req, text := toolResult(`{"phones": [14155550100, "447911123456"], "ids": [447911123456]}`)
	if _, err := piiPolicy(t, map[string]string{"default": "redact"}).checkInput(req, nil); err != nil {
		t.Fatal(err)
	}
	if want := `{"phones": ["[PHONE]", "[PHONE]"], "ids": [447911123456]}`; text.Value != want {
		t.Errorf("tool result = %s, want %s", text.Value, want)
	}
}

// The pseudonym of a phone number written as a number restores in the
// answer, as text and in a tool call's arguments.
func TestPhoneUnderKeyRestoresInAnswer(t *testing.T) {
	p := piiPolicy(t, map[string]string{"default": "pseudonymize"})
	req := argsRequest(`{"phone": 14155550100}`)
	vault, err := p.checkInput(req, nil)
	if err != nil || vault == nil {
		t.Fatalf("checkInput: vault %v, err %v", vault, err)
	}
	out := p.newOutput(req, vault)
	got, err := out.Text(0, "I will call <PHONE_1> now.")
	if err != nil {
		t.Fatal(err)
	}
	rest, _ := out.Flush(0)
	if got+rest != "I will call 14155550100 now." {
		t.Errorf("answer = %q, want the number restored", got+rest)
	}
	args, err := runArgs(p.newOutput(req, vault), `{"to":"<PHO`, `NE_1>"}`)
	if err != nil || args != `{"to":"14155550100"}` {
		t.Errorf("arguments = %q (%v), want the number restored", args, err)
	}
}

// The output guard finds a phone number under its key in a tool call's
// arguments written as JSON text, however they are cut into pieces, and
// leaves a timestamp.
func TestOutputArgsPhoneUnderKey(t *testing.T) {
	p, err := NewPolicy("t", PolicySpec{OutputPII: ActionRedact})
	if err != nil {
		t.Fatal(err)
	}
	const args = `{"phone":14155550100,"created_at":1700000000,"mobile":"447911123456"}`
	everySplit(args, func(pieces []string) {
		got, err := runArgs(p.newOutput(&gateway.Request{}, nil), pieces...)
		if err != nil {
			t.Fatal(err)
		}
		if want := `{"phone":"[PHONE]","created_at":1700000000,"mobile":"[PHONE]"}`; got != want {
			t.Fatalf("pieces %q: arguments = %s, want %s", pieces, got, want)
		}
	})
}

func hasFinding(req *gateway.Request, rule string, n int) bool {
	for _, f := range req.Findings {
		if f.Rule == rule && f.Count == n {
			return true
		}
	}
	return false
}
