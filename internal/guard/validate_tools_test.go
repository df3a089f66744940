package guard

import (
	"context"
	"strings"
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider"
	"github.com/aigate-dev/aigate/internal/provider/anthropic"
	"github.com/aigate-dev/aigate/internal/provider/gemini"
	"github.com/aigate-dev/aigate/internal/provider/openai"
)

// One tool round trip (a user question, two parallel calls, their two
// results, a follow-up) counts as about the same number of messages in
// every wire format now that calls' arguments are read, and long
// arguments and results never count against the user message limit.
func TestValidatorToolRoundTrip(t *testing.T) {
	long := strings.Repeat("x", 200)
	args := `{"q":"` + long + `"}`
	argsText := `"{\"q\":\"` + long + `\"}"`
	tests := []struct {
		name  string
		ad    provider.Adapter
		op    gateway.Operation
		model string
		body  string
		want  int // messages
	}{
		{"openai-chat", openai.Adapter{}, gateway.OpChatCompletions, "",
			`{"model":"m","messages":[{"role":"user","content":"q?"},{"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":` + argsText + `}},{"id":"b","type":"function","function":{"name":"f","arguments":` + argsText + `}}]},` +
				`{"role":"tool","tool_call_id":"a","content":` + argsText + `},{"role":"tool","tool_call_id":"b","content":"r"},{"role":"user","content":"and?"}]}`, 5},
		{"openai-responses", openai.Adapter{}, gateway.OpResponses, "",
			`{"model":"m","input":[{"role":"user","content":"q?"},{"type":"function_call","call_id":"a","name":"f","arguments":` + argsText + `},{"type":"function_call","call_id":"b","name":"f","arguments":` + argsText + `},` +
				`{"type":"function_call_output","call_id":"a","output":` + argsText + `},{"type":"function_call_output","call_id":"b","output":"r"},{"role":"user","content":"and?"}]}`, 5},
		{"anthropic", anthropic.Adapter{}, gateway.OpMessages, "",
			`{"model":"m","max_tokens":10,"messages":[{"role":"user","content":"q?"},{"role":"assistant","content":[{"type":"tool_use","id":"a","name":"f","input":` + args + `},{"type":"tool_use","id":"b","name":"f","input":` + args + `}]},` +
				`{"role":"user","content":[{"type":"tool_result","tool_use_id":"a","content":` + argsText + `},{"type":"tool_result","tool_use_id":"b","content":"r"},{"type":"text","text":"and?"}]}]}`, 4},
		{"gemini", gemini.Adapter{}, gateway.OpGenerateContent, "m",
			`{"contents":[{"role":"user","parts":[{"text":"q?"}]},{"role":"model","parts":[{"functionCall":{"name":"f","args":` + args + `}},{"functionCall":{"name":"f","args":` + args + `}}]},` +
				`{"role":"user","parts":[{"functionResponse":{"name":"f","response":` + args + `}},{"functionResponse":{"name":"f","response":{"r":"r"}}}]},{"role":"user","parts":[{"text":"and?"}]}]}`, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := tt.ad.Decode(tt.op, tt.model, []byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if len(req.Messages) != tt.want {
				t.Errorf("%d messages, want %d", len(req.Messages), tt.want)
			}
			v := &Validator{MaxUserMessageChars: 10, MaxMessages: 5}
			if err := v.Check(context.Background(), req); err != nil {
				t.Errorf("Check = %v", err)
			}
		})
	}
}
