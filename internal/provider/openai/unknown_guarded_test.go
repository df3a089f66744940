package openai_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/aigate-dev/aigate/internal/guard"
	"github.com/aigate-dev/aigate/internal/provider/providertest"
	"github.com/aigate-dev/aigate/internal/upstreamsim"
)

// TestUnknownItemGuarded: a Responses input item and a chat content part
// of types aigate does not know, sent as raw JSON (the SDK cannot build
// them), are checked by the real policy guard and never edited: see
// providertest.CheckUnknownGuarded.
func TestUnknownItemGuarded(t *testing.T) {
	t.Run("responses-item", func(t *testing.T) {
		providertest.CheckUnknownGuarded(t, upstreamsim.OpenAI(), guardedGateway, "/v1/responses", func(leaf string) string {
			return `{"model":"gpt-sim-1","input":[{"role":"user","content":"Summarise the note."},` +
				`{"type":"future_note","id":"n1","body":{"lines":[` + strconv.Quote(leaf) + `]}}]}`
		})
	})
	t.Run("chat-part", func(t *testing.T) {
		providertest.CheckUnknownGuarded(t, upstreamsim.OpenAI(), guardedGateway, "/v1/chat/completions", func(leaf string) string {
			return `{"model":"gpt-sim-1","messages":[{"role":"user","content":[{"type":"text","text":"Summarise the note."},` +
				`{"type":"future_note","body":{"lines":[` + strconv.Quote(leaf) + `]}}]}]}`
		})
	})
}

// TestSafetyCheckPseudonymized: an e-mail address in the message of a
// safety check a computer call output acknowledges, content aigate models,
// is pseudonymized on its way upstream like other tool text, not refused;
// a configuration_update item beside it is not unknown content.
func TestSafetyCheckPseudonymized(t *testing.T) {
	const email = "jane.roe@example.org"
	spec := guard.PolicySpec{PII: map[string]string{"default": "allow", "EMAIL": "pseudonymize"}}
	rec := providertest.NewRecordingServer(t, upstreamsim.OpenAI())
	body := `{"model":"gpt-sim-1","input":[{"role":"user","content":"Reply to the mail."},` +
		`{"type":"computer_call","id":"cu_1","call_id":"c1","status":"completed","pending_safety_checks":[],"action":{"type":"click","x":1,"y":2,"button":"left"}},` +
		`{"type":"computer_call_output","call_id":"c1","acknowledged_safety_checks":[{"id":"sc_1","code":"irrelevant_domain","message":"The page asks to write to ` + email + `."}],` +
		`"output":{"type":"computer_screenshot","image_url":"https://img.example/s.png"}},` +
		`{"type":"configuration_update","agent":{"agent_name":"mailer"},"reasoning":{"effort":"low"},"text":{"format":{"type":"text"}}}]}`
	resp, err := http.Post(guardedGateway(t, rec.URL, spec)+"/v1/responses", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	got := rec.Received()
	if resp.StatusCode != http.StatusOK || len(got) != 1 {
		t.Fatalf("status %d, upstream received %d requests; want 200 and one", resp.StatusCode, len(got))
	}
	want := strings.Replace(body, `write to `+email, `write to <EMAIL_1>`, 1)
	if got[0] != want && got[0] != strings.ReplaceAll(strings.ReplaceAll(want, "<", `\u003c`), ">", `\u003e`) {
		t.Errorf("upstream received %s\nwant %s", got[0], want)
	}
}
