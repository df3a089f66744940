package openai

import (
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider"
)

// TestDecodeJSONOutput: which response_format (chat), text.format and
// configuration_update items' text.format (Responses) ask for JSON output.
func TestDecodeJSONOutput(t *testing.T) {
	chat := `{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]`
	resp := `{"model":"gpt-4o","input":"hi"`
	upd := func(texts ...string) string { // a Responses body with configuration updates
		b := `{"model":"gpt-4o","input":[{"role":"user","content":"hi"}`
		for _, t := range texts {
			b += `,{"type":"configuration_update","reasoning":{"effort":"low"},"text":` + t + `}`
		}
		return b + `]`
	}
	for _, c := range []struct {
		op   gateway.Operation
		body string
		want bool
	}{
		{gateway.OpChatCompletions, chat + `}`, false},
		{gateway.OpChatCompletions, chat + `,"response_format":{"type":"text"}}`, false},
		{gateway.OpChatCompletions, chat + `,"response_format":{"type":"json_object"}}`, true},
		{gateway.OpChatCompletions, chat + `,"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{}}}}`, true},
		{gateway.OpChatCompletions, chat + `,"response_format":{"type":"json\u005fobject"}}`, true},
		{gateway.OpChatCompletions, chat + `,"text":{"format":{"type":"json_object"}}}`, false},
		{gateway.OpResponses, resp + `}`, false},
		{gateway.OpResponses, resp + `,"text":{"format":{"type":"text"}}}`, false},
		{gateway.OpResponses, resp + `,"text":{"format":{"type":"json_schema","name":"x","schema":{}}}}`, true},
		{gateway.OpResponses, resp + `,"text":{"verbosity":"low","format":{"type":"json_object"}}}`, true},
		{gateway.OpResponses, resp + `,"response_format":{"type":"json_object"}}`, false},
		// A configuration_update item's text.format holds until a later
		// one: the last that sets a format counts, and JSON wins over the
		// request's own text.format.
		{gateway.OpResponses, upd(`{"format":{"type":"json_schema","name":"x","schema":{}}}`) + `}`, true},
		{gateway.OpResponses, upd(`{"format":{"type":"json_object"}}`) + `,"text":{"format":{"type":"text"}}}`, true},
		{gateway.OpResponses, upd(`{"format":{"type":"text"}}`) + `,"text":{"format":{"type":"json_object"}}}`, true},
		{gateway.OpResponses, upd(`{"format":{"type":"json_object"}}`, `{"format":{"type":"text"}}`) + `}`, false},
		{gateway.OpResponses, upd(`{"format":{"type":"text"}}`, `{"verbosity":"low"}`, `null`) + `}`, false},
		{gateway.OpResponses, upd(`{"format":{"type":"text"}}`, `{"format":{"type":"json_object"}}`) + `}`, true},
	} {
		req, err := Adapter{}.Decode(c.op, "", []byte(c.body))
		if err != nil {
			t.Fatalf("%s: %v", c.body, err)
		}
		if req.JSONOutput != c.want {
			t.Errorf("%s: JSONOutput %v, want %v", c.body, req.JSONOutput, c.want)
		}
	}
	if _, err := (Adapter{}).Decode(gateway.OpChatCompletions, "", []byte(chat+`,"response_format":{"type":"text"},"response_format":{"type":"json_object"}}`)); err == nil {
		t.Error("a duplicate response_format was accepted")
	}
}

// TestJSONOutputKeys: the answer text of a JSON-output request is keyed
// as JSON text in every place the adapter finds it; without JSON output,
// and for tool-call arguments, keys are as before.
func TestJSONOutputKeys(t *testing.T) {
	const text = `{\"a\":1}`
	for _, c := range []struct {
		op     gateway.Operation
		whole  string
		events []string
	}{
		{gateway.OpChatCompletions,
			`{"choices":[{"index":0,"message":{"role":"assistant","content":"` + text + `","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]}}]}`,
			[]string{`{"choices":[{"index":0,"delta":{"content":"` + text + `"}}]}`}},
		{gateway.OpResponses,
			`{"output":[{"type":"message","content":[{"type":"output_text","text":"` + text + `"}]},{"type":"function_call","arguments":"{}"}]}`,
			[]string{
				`{"type":"response.output_text.delta","output_index":0,"content_index":0,"delta":"` + text + `"}`,
				`{"type":"response.output_text.done","output_index":0,"content_index":0,"text":"` + text + `"}`,
				`{"type":"response.content_part.done","output_index":0,"content_index":0,"part":{"type":"output_text","text":"` + text + `"}}`,
				`{"type":"response.output_item.done","output_index":0,"item":{"type":"message","content":[{"type":"output_text","text":"` + text + `"}]}}`,
				`{"type":"response.completed","response":{"output":[{"type":"message","content":[{"type":"output_text","text":"` + text + `"}]}]}}`,
			}},
	} {
		for _, jsonOut := range []bool{false, true} {
			req := &gateway.Request{Operation: c.op, JSONOutput: jsonOut}
			spans := Adapter{}.ResponseText(req, []byte(c.whole))
			for _, ev := range c.events {
				spans = append(spans, Adapter{}.EventText(req, []byte(ev))...)
			}
			texts := 0
			for _, sp := range spans {
				isText := sp.Value == `{"a":1}`
				if isText {
					texts++
				}
				if want := isText && jsonOut || !isText; gateway.IsToolArgs(sp.Choice) != want {
					t.Errorf("%s JSONOutput=%v: span %q keyed %#x", c.op, jsonOut, sp.Value, sp.Choice)
				}
				if isText && provider.PlainKey(sp.Choice) != 0 {
					t.Errorf("%s: text keyed %#x, want choice 0", c.op, sp.Choice)
				}
			}
			if texts != 1+len(c.events) {
				t.Errorf("%s: %d answer texts, want %d", c.op, texts, 1+len(c.events))
			}
		}
	}
}
