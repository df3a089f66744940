package anthropic_test

import (
	"strconv"
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
