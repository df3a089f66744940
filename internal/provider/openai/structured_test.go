package openai

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
