package gemini_test

import (
	"strconv"
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
