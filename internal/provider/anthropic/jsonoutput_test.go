package anthropic

import (
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider"
)

// TestDecodeJSONOutput: which output_config.format (and the beta's
// output_format) ask for JSON output.
func TestDecodeJSONOutput(t *testing.T) {
	const head = `{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"hi"}]`
	for _, c := range []struct {
		body string
		want bool
	}{
		{head + `}`, false},
		{head + `,"output_config":null}`, false},
		{head + `,"output_config":{"effort":"low"}}`, false},
		{head + `,"output_config":{"format":null}}`, false},
		{head + `,"output_config":{"format":{"type":"json_schema","schema":{"type":"object"}}}}`, true},
		{head + `,"output_config":{"effort":"high","format":{"schema":{},"type":"json\u005fschema"}}}`, true},
		{head + `,"output_config":{"format":{"type":"text"}}}`, false},
		{head + `,"output_format":{"type":"json_schema","schema":{}}}`, true},
		{head + `,"output_format":null,"output_config":{"format":{"type":"json_schema","schema":{}}}}`, true},
		{head + `,"output_format":{"type":"json_schema","schema":{}},"output_config":{"effort":"low"}}`, true},
		{head + `,"metadata":{"output_config":{"format":{"type":"json_schema"}}}}`, false},
	} {
		for _, op := range []gateway.Operation{gateway.OpMessages, gateway.OpCountTokens} {
			req, err := Adapter{}.Decode(op, "", []byte(c.body))
			if err != nil {
				t.Fatalf("%s: %v", c.body, err)
			}
			if req.JSONOutput != c.want {
				t.Errorf("%s %s: JSONOutput %v, want %v", op, c.body, req.JSONOutput, c.want)
			}
		}
	}
}

// TestJSONOutputKeys: the text blocks of a JSON-output request's answer
// are keyed as JSON text, whole and streamed; tool_use input and the
// answers of other requests are keyed as before.
func TestJSONOutputKeys(t *testing.T) {
	const text = `{\"a\":1}`
	whole := `{"content":[{"type":"text","text":"` + text + `"},{"type":"tool_use","id":"t","name":"f","input":{"k":"v"}}]}`
	events := []string{
		`{"type":"content_block_start","index":0,"content_block":{"type":"text","text":"` + text + `"}}`,
		`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"` + text + `"}}`,
	}
	for _, jsonOut := range []bool{false, true} {
		req := &gateway.Request{Dialect: gateway.DialectAnthropic, JSONOutput: jsonOut}
		spans := Adapter{}.ResponseText(req, []byte(whole))
		for _, ev := range events {
			spans = append(spans, Adapter{}.EventText(req, []byte(ev))...)
		}
		texts := 0
		for _, sp := range spans {
			isText := sp.Value == `{"a":1}`
			if isText {
				texts++
				if provider.PlainKey(sp.Choice) != 0 {
					t.Errorf("JSONOutput=%v: text keyed %#x, want block 0", jsonOut, sp.Choice)
				}
			}
			if gateway.IsToolArgs(sp.Choice) != (isText && jsonOut) {
				t.Errorf("JSONOutput=%v: span %q keyed %#x", jsonOut, sp.Value, sp.Choice)
			}
		}
		if texts != 1+len(events) {
			t.Errorf("JSONOutput=%v: %d answer texts, want %d", jsonOut, texts, 1+len(events))
		}
	}
}
