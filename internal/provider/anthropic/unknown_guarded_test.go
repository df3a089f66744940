package anthropic_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/guard"
	"github.com/aigate-dev/aigate/internal/provider/anthropic"
	"github.com/aigate-dev/aigate/internal/provider/providertest"
	"github.com/aigate-dev/aigate/internal/upstreamsim"
)

// TestUnknownBlockGuarded: a block of a type aigate does not know, sent as
// raw JSON (the SDK cannot build one), is checked by the real policy guard
// and never edited: see providertest.CheckUnknownGuarded.
func TestUnknownBlockGuarded(t *testing.T) {
	gw := func(t *testing.T, upstream string, spec guard.PolicySpec) string {
		return newMiniGateway(t, upstream, providertest.PolicyGuard(t, gateway.DialectAnthropic, anthropic.Adapter{}, spec)).URL
	}
	providertest.CheckUnknownGuarded(t, upstreamsim.Anthropic(), gw, "/v1/messages", func(leaf string) string {
		return `{"model":"claude-sim-1","max_tokens":64,"messages":[{"role":"user","content":[` +
			`{"type":"text","text":"Summarise the note."},` +
			`{"type":"future_note","id":"n1","body":{"lines":[` + strconv.Quote(leaf) + `]}}]}]}`
	})
}

// TestListingAndBrowserStatePseudonymized: an e-mail address in an
// mcp_tool_listing's tool description and in a browser_state's tab title,
// content aigate models, is pseudonymized on its way upstream like other
// tool text, not refused.
func TestListingAndBrowserStatePseudonymized(t *testing.T) {
	const email = "jane.roe@example.org"
	spec := guard.PolicySpec{PII: map[string]string{"default": "allow", "EMAIL": "pseudonymize"}}
	rec := providertest.NewRecordingServer(t, upstreamsim.Anthropic())
	body := `{"model":"claude-sim-1","max_tokens":64,"messages":[{"role":"user","content":"Check my inbox."},` +
		`{"role":"assistant","content":[{"type":"mcp_tool_listing","mcp_server_name":"mail","tools":[{"name":"send","description":"Sends as ` + email + `","input_schema":{"type":"object"}}]},` +
		`{"type":"tool_use","id":"toolu_1","name":"browser_navigate","input":{"url":"https://mail.example/"}}]},` +
		`{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"browser_state","tabs":[{"tab_id":"t1","title":"Inbox - ` + email + `","url":"https://mail.example/","active":true}]}]}]}]}`
	gw := newMiniGateway(t, rec.URL, providertest.PolicyGuard(t, gateway.DialectAnthropic, anthropic.Adapter{}, spec)).URL
	resp, err := http.Post(gw+"/v1/messages", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	got := rec.Received()
	if resp.StatusCode != http.StatusOK || len(got) != 1 {
		t.Fatalf("status %d, upstream received %d requests; want 200 and one", resp.StatusCode, len(got))
	}
	if strings.Contains(got[0], email) || !json.Valid([]byte(got[0])) || strings.Count(got[0], "EMAIL_1") != 2 {
		t.Errorf("upstream received %s; want valid JSON with the address pseudonymized in its two places", got[0])
	}
}
