package anthropic

import (
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
)

// checkStructured decodes body and compares the body spans Decode lists in
// Request.Structured with want.
func checkStructured(t *testing.T, op gateway.Operation, model, body string, want ...string) {
	t.Helper()
	req, err := Adapter{}.Decode(op, model, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range req.Structured {
		got = append(got, string(req.Raw[s.Start:s.End]))
	}
	if len(got) != len(want) {
		t.Fatalf("Structured = %q, want %q", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("Structured[%d] = %s, want %s", i, got[i], want[i])
		}
	}
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
