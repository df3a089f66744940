package openai

import (
	"strings"
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider/providertest"
)

// checkStructured checks the spans Decode lists in Request.Structured.
func checkStructured(t *testing.T, op gateway.Operation, model, body string, want ...string) {
	t.Helper()
	providertest.CheckStructured(t, Adapter{}, op, model, body, want...)
}

// The arguments of the history's function calls are Structured, as the
// JSON strings they are; a custom tool's free-text input is not.
func TestDecodeStructured(t *testing.T) {
	checkStructured(t, gateway.OpChatCompletions, "",
		`{"model":"m","messages":[{"role":"user","content":"{\"a\":1}"},{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{\"x\":1}"}},{"id":"d","type":"custom","custom":{"name":"g","input":"free"}}]},{"role":"assistant","function_call":{"name":"f","arguments":"{}"}}]}`,
		`"{\"x\":1}"`, `"{}"`)
	checkStructured(t, gateway.OpResponses, "",
		`{"model":"m","input":[{"type":"function_call","call_id":"c","name":"f","arguments":"{\"y\":2}"},{"type":"custom_tool_call","call_id":"d","name":"g","input":"free"},{"type":"function_call_output","call_id":"c","output":"{}"}]}`,
		`"{\"y\":2}"`)
}

// MCP calls and local shell outputs in the history are read too: the
// call's arguments as assistant text, its output or error and the shell's
// output as tool text.
func TestDecodeMCPAndShellItems(t *testing.T) {
	req, err := Adapter{}.Decode(gateway.OpResponses, "", []byte(`{"model":"m","input":[{"role":"user","content":"u"},`+
		`{"type":"mcp_call","id":"m1","server_label":"s","name":"f","arguments":"{\"a\":1}","output":"mcp out"},`+
		`{"type":"mcp_call","id":"m2","server_label":"s","name":"f","arguments":"{}","output":null,"error":"x"},`+
		`{"type":"local_shell_call_output","id":"l","output":"shell out"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range req.Messages {
		for _, p := range m.Parts {
			got = append(got, string(m.Role)+":"+p.Value)
		}
	}
	want := []string{"user:u", `assistant:{"a":1}`, "tool:mcp out", "assistant:{}", "tool:x", "tool:shell out"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("texts = %q, want %q", got, want)
	}
	if len(req.Structured) != 2 {
		t.Errorf("Structured = %v, want the two calls' arguments", req.Structured)
	}
}
