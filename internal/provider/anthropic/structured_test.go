package anthropic

import (
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider/providertest"
)

// checkStructured checks the spans Decode lists in Request.Structured.
func checkStructured(t *testing.T, op gateway.Operation, model, body string, want ...string) {
	t.Helper()
	providertest.CheckStructured(t, Adapter{}, op, model, body, want...)
}

// tool_use input objects are Structured; tool_result content, read as
// text, is not.
func TestDecodeStructured(t *testing.T) {
	checkStructured(t, gateway.OpMessages, "",
		`{"model":"m","messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input": {"a":{"b":[1,"x"]}} },{"type":"tool_use","id":"u","name":"g","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"{}"}]}]}`,
		`{"a":{"b":[1,"x"]}}`, `{}`)
}

func TestDecodeToolUseInputMustBeObject(t *testing.T) {
	_, err := Adapter{}.Decode(gateway.OpMessages, "", []byte(`{"model":"m","messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":"x"}]}]}`))
	if gateway.ErrorCode(err) != gateway.CodeInvalid {
		t.Errorf("Decode = %v, want invalid", err)
	}
}

// An MCP tool's result is tool text, as a tool_result is.
func TestDecodeMCPToolResult(t *testing.T) {
	req, err := Adapter{}.Decode(gateway.OpMessages, "", []byte(`{"model":"m","messages":[{"role":"user","content":"u"},`+
		`{"role":"assistant","content":[{"type":"mcp_tool_use","id":"m","name":"f","server_name":"s","input":{"k":"v"}},{"type":"mcp_tool_result","tool_use_id":"m","content":[{"type":"text","text":"mcp out"}]}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(req.Messages); n != 3 || req.Messages[1].Role != gateway.RoleTool || req.Messages[1].Parts[0].Value != "mcp out" ||
		req.Messages[2].Role != gateway.RoleAssistant || len(req.Messages[2].Parts) != 2 {
		t.Errorf("messages = %+v, want the user's, the MCP result as tool text, the call's input as assistant text", req.Messages)
	}
}
