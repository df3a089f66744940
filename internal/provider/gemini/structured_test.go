package gemini

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

// functionCall args and functionResponse response objects are Structured,
// in either spelling.
func TestDecodeStructured(t *testing.T) {
	checkStructured(t, gateway.OpGenerateContent, "m",
		`{"contents":[{"role":"model","parts":[{"functionCall":{"name":"f","args":{"a":1}}}]},{"role":"user","parts":[{"function_response":{"name":"f","response":{"r":"ok"}}}]}]}`,
		`{"a":1}`, `{"r":"ok"}`)
	// A server toolCall's args and toolResponse's response are too; code
	// and its output, read as text, are not.
	checkStructured(t, gateway.OpGenerateContent, "m",
		`{"contents":[{"role":"model","parts":[{"executableCode":{"code":"x=1"}},{"codeExecutionResult":{"output":"1"}},{"toolCall":{"toolType":"URL_CONTEXT","args":{"u":"v"}}},{"tool_response":{"response":{"r":[1]}}}]}]}`,
		`{"u":"v"}`, `{"r":[1]}`)
}

func TestDecodeFunctionArgsMustBeObject(t *testing.T) {
	for _, body := range []string{
		`{"contents":[{"role":"model","parts":[{"functionCall":{"name":"f","args":[1]}}]}]}`,
		`{"contents":[{"role":"user","parts":[{"functionResponse":{"name":"f","response":"x"}}]}]}`,
		`{"contents":[{"role":"user","parts":[{"functionResponse":"x"}]}]}`,
	} {
		if _, err := (Adapter{}).Decode(gateway.OpGenerateContent, "m", []byte(body)); gateway.ErrorCode(err) != gateway.CodeInvalid {
			t.Errorf("Decode(%s) = %v, want invalid", body, err)
		}
	}
}
