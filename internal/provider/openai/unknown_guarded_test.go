package openai_test

import (
	"strconv"
	"testing"

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
