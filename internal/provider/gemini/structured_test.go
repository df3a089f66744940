package gemini

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

// functionCall args and functionResponse response objects are Structured,
// in either spelling.
func TestDecodeStructured(t *testing.T) {
	checkStructured(t, gateway.OpGenerateContent, "m",
		`{"contents":[{"role":"model","parts":[{"functionCall":{"name":"f","args":{"a":1}}}]},{"role":"user","parts":[{"function_response":{"name":"f","response":{"r":"ok"}}}]}]}`,
		`{"a":1}`, `{"r":"ok"}`)
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
