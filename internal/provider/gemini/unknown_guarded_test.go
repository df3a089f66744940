package gemini_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/guard"
	"github.com/aigate-dev/aigate/internal/provider/gemini"
	"github.com/aigate-dev/aigate/internal/provider/providertest"
	"github.com/aigate-dev/aigate/internal/upstreamsim"
)

// TestUnknownPartGuarded: a part member of a kind aigate does not know,
// sent as raw JSON (the SDK cannot build one), is checked by the real
// policy guard and never edited: see providertest.CheckUnknownGuarded.
func TestUnknownPartGuarded(t *testing.T) {
	gw := func(t *testing.T, upstream string, spec guard.PolicySpec) string {
		return newMiniGateway(t, upstream, providertest.PolicyGuard(t, gateway.DialectGemini, gemini.Adapter{}, spec)).URL
	}
	providertest.CheckUnknownGuarded(t, upstreamsim.Gemini(), gw, "/v1beta/models/"+model+":generateContent", func(leaf string) string {
		return `{"contents":[{"role":"user","parts":[{"text":"Summarise the note."},` +
			`{"futureNote":{"id":"n1","body":{"lines":[` + strconv.Quote(leaf) + `]}}}]}]}`
	})
}

// TestTranscriptionPseudonymized: an e-mail address in a part's
// audioTranscription and speechMetadata style, content aigate models, is
// pseudonymized on its way upstream like a part's text, not refused.
func TestTranscriptionPseudonymized(t *testing.T) {
	const email = "jane.roe@example.org"
	spec := guard.PolicySpec{PII: map[string]string{"default": "allow", "EMAIL": "pseudonymize"}}
	rec := providertest.NewRecordingServer(t, upstreamsim.Gemini())
	body := `{"contents":[{"role":"user","parts":[{"inlineData":{"mimeType":"audio/wav","data":"AAAA"},` +
		`"audioTranscription":{"text":"mail ` + email + ` please","words":[{"word":"` + email + `"}]}}]},` +
		`{"role":"model","parts":[{"text":"ok","speechMetadata":{"speaker":"A","style":"warm, for ` + email + `"}}]},` +
		`{"role":"user","parts":[{"text":"go on"}]}]}`
	gw := newMiniGateway(t, rec.URL, providertest.PolicyGuard(t, gateway.DialectGemini, gemini.Adapter{}, spec)).URL
	resp, err := http.Post(gw+"/v1beta/models/"+model+":generateContent", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	got := rec.Received()
	if resp.StatusCode != http.StatusOK || len(got) != 1 {
		t.Fatalf("status %d, upstream received %d requests; want 200 and one", resp.StatusCode, len(got))
	}
	if strings.Contains(got[0], email) || !json.Valid([]byte(got[0])) || strings.Count(got[0], "EMAIL_1") != 3 {
		t.Errorf("upstream received %s; want valid JSON with the address pseudonymized in its three places", got[0])
	}
}
