package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aigate-dev/aigate/internal/keys"
	"github.com/aigate-dev/aigate/internal/upstreamsim"
)

// numbersPolicyConfig: nums redacts personal data; nums-block refuses card
// numbers.
const numbersPolicyConfig = `
limits:
  requests_per_minute: 60000
  tokens_per_minute: 10000000
policies:
  nums:
    pii: {default: redact}
  nums-block:
    pii: {CREDIT_CARD: block}
`

// testCardNumber is a test card number (Visa's), sent as a JSON number.
const testCardNumber = 4111111111111111

// A card number written as a JSON number in the history's tool-call
// arguments and tool result is redacted in every wire format: in
// Anthropic's tool_use input and Gemini's functionCall args (objects) it
// becomes the string "[CREDIT_CARD]"; inside OpenAI's arguments, JSON
// text in a string, likewise, so the arguments stay valid JSON.
func TestHistoryNumberArgsRedacted(t *testing.T) {
	g := mustRunGatewayWith(t, upstreamsim.New(), numbersPolicyConfig, nil)
	key, _ := g.mustKey(t, keys.CreateOptions{Name: "bot", Owner: "alice", Policy: "nums"})
	for _, format := range historyFormats {
		t.Run(format, func(t *testing.T) {
			status := historyCall(t, g, key, format,
				map[string]any{"order_id": "A-1001", "card": testCardNumber, "qty": 2},
				map[string]any{"status": "shipped", "card_on_file": testCardNumber})
			if status != 0 {
				t.Fatalf("status = %d, want success", status)
			}
			body := g.upstream.last(t).body
			if strings.Contains(string(body), "4111111111111111") {
				t.Error("the provider received the card number")
			}
			args, result := upstreamHistory(t, format, body) // fails unless both are valid JSON
			if !json.Valid([]byte(args)) {
				t.Fatalf("upstream arguments are not valid JSON: %s", args)
			}
			var a struct {
				OrderID string `json:"order_id"`
				Card    any
				Qty     json.Number
			}
			mustUnmarshal(t, []byte(args), &a)
			if a.OrderID != "A-1001" || a.Card != "[CREDIT_CARD]" || a.Qty != "2" {
				t.Errorf("upstream arguments = %s, want the order id, the string [CREDIT_CARD] and qty 2", args)
			}
			var r struct {
				Status     string
				CardOnFile any `json:"card_on_file"`
			}
			mustUnmarshal(t, []byte(result), &r)
			if r.Status != "shipped" || r.CardOnFile != "[CREDIT_CARD]" {
				t.Errorf("upstream tool result = %s, want the status and [CREDIT_CARD]", result)
			}
		})
	}
	if !strings.Contains(g.log.String(), `"guard":"pii","rule":"CREDIT_CARD","action":"redact","count":2`) {
		t.Error("the log lacks the CREDIT_CARD findings")
	}
}

// Under CREDIT_CARD: block, a card number written as a JSON number in the
// history's tool-call arguments is refused in every wire format, and the
// request never reaches the provider.
func TestHistoryNumberArgsBlocked(t *testing.T) {
	g := mustRunGatewayWith(t, upstreamsim.New(), numbersPolicyConfig, nil)
	key, _ := g.mustKey(t, keys.CreateOptions{Name: "bot", Owner: "alice", Policy: "nums-block"})
	for _, format := range historyFormats {
		t.Run(format, func(t *testing.T) {
			before := g.upstream.count()
			status := historyCall(t, g, key, format,
				map[string]any{"order_id": "A-1001", "card": testCardNumber},
				map[string]any{"status": "shipped"})
			if status != 400 {
				t.Errorf("status = %d, want 400", status)
			}
			if g.upstream.count() != before {
				t.Error("the request reached the provider")
			}
		})
	}
	if strings.Contains(g.log.String(), "4111111111111111") {
		t.Error("the card number was logged")
	}
}
