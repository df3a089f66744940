package guard

import (
	"strings"
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
)

// toolResult returns a request whose only checked text is a tool's result.
func toolResult(text string) (*gateway.Request, *gateway.Text) {
	t := &gateway.Text{Value: text}
	return &gateway.Request{Messages: []gateway.Message{{Role: gateway.RoleTool, Parts: []*gateway.Text{t}}}}, t
}

func TestInputJSONEscapesSeenThrough(t *testing.T) {
	redact, err := NewPolicy("t", PolicySpec{Injection: ActionOff, PII: map[string]string{"EMAIL": "redact"}})
	if err != nil {
		t.Fatal(err)
	}
	req, text := toolResult(`{"customer":{"email":"jane\u0040example.org","name":"Jos\u00e9"}}`)
	if _, err := redact.checkInput(req, nil); err != nil {
		t.Fatal(err)
	}
	if text.Value != `{"customer":{"email":"[EMAIL]","name":"José"}}` {
		t.Errorf("tool result = %q, want the escaped e-mail address redacted", text.Value)
	}

	block, err := NewPolicy("t", PolicySpec{Injection: ActionOff})
	if err != nil {
		t.Fatal(err)
	}
	_, key := testKey(t)
	req, _ = toolResult(`[{"config":"` + escapeFirst(key) + `"}]`)
	if _, err := block.checkInput(req, nil); err == nil || !strings.Contains(err.Error(), "credential") {
		t.Errorf("err = %v, want the escaped key refused", err)
	}

	// Text that is not a JSON document is left as written.
	for _, s := range []string{`print("jane\u0040example.org")`, `{"a":"\u0040"`} {
		req, text = toolResult(s)
		if _, err := redact.checkInput(req, nil); err != nil || text.Value != s || text.Edited() {
			t.Errorf("%q became %q (%v)", s, text.Value, err)
		}
	}
}

// TestInputJSONEscapesReadOnly: a read-only text (content aigate does not
// know) that is a JSON document is read through its escapes, but only a
// finding edits it: escapes alone leave it unedited, so it goes upstream
// as written; an escaped e-mail address to redact is an edit (which the
// adapter's Encode then refuses).
func TestInputJSONEscapesReadOnly(t *testing.T) {
	redact, err := NewPolicy("t", PolicySpec{Injection: ActionOff, PII: map[string]string{"EMAIL": "redact"}})
	if err != nil {
		t.Fatal(err)
	}
	req, text := toolResult(`{"path":"C:\\tmp","note":"\u0041BC"}`)
	text.ReadOnly = true
	if _, err := redact.checkInput(req, nil); err != nil || text.Edited() {
		t.Errorf("escapes alone: edited %v, err %v; want unedited", text.Edited(), err)
	}
	req, text = toolResult(`{"email":"jane\u0040example.org"}`)
	text.ReadOnly = true
	if _, err := redact.checkInput(req, nil); err != nil || !text.Edited() || strings.Contains(text.Value, "jane") {
		t.Errorf("escaped e-mail address: edited %v, err %v; want it redacted as an edit", text.Edited(), err)
	}
}
