package openai

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aigate-dev/aigate/internal/gateway"
)

// decoded is the comparable part of a decoded request.
type decoded struct {
	Model     string
	Stream    bool
	MaxTokens int64
	User      string
	Messages  []msg
}

type msg struct {
	Role  gateway.Role
	Texts []string
}

func summarize(r *gateway.Request) decoded {
	d := decoded{Model: r.Model, Stream: r.Stream, MaxTokens: r.MaxTokens, User: r.User}
	for _, m := range r.Messages {
		mm := msg{Role: m.Role}
		for _, p := range m.Parts {
			mm.Texts = append(mm.Texts, p.Value)
		}
		d.Messages = append(d.Messages, mm)
	}
	return d
}

func TestDecode(t *testing.T) {
	const (
		chat  = gateway.OpChatCompletions
		resp  = gateway.OpResponses
		embed = gateway.OpEmbeddings
	)
	tests := []struct {
		name string
		op   gateway.Operation
		body string
		want decoded
	}{
		{
			"chat-minimal", chat,
			`{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}`,
			decoded{Model: "gpt-4o", Messages: []msg{{gateway.RoleUser, []string{"hi"}}}},
		},
		{
			"chat-roles", chat,
			`{"model":"m","messages":[{"role":"system","content":"s"},{"role":"developer","content":"d"},{"role":"user","content":"u"},{"role":"assistant","content":"a"},{"role":"tool","content":"t","tool_call_id":"c"},{"role":"function","name":"f","content":"f"}]}`,
			decoded{Model: "m", Messages: []msg{
				{gateway.RoleSystem, []string{"s"}}, {gateway.RoleSystem, []string{"d"}}, {gateway.RoleUser, []string{"u"}},
				{gateway.RoleAssistant, []string{"a"}}, {gateway.RoleTool, []string{"t"}}, {gateway.RoleTool, []string{"f"}},
			}},
		},
		{
			"chat-content-parts", chat,
			`{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"x"}},{"type":"input_text","text":"b"},{"type":"file","file":{"file_id":"f"}}]}]}`,
			decoded{Model: "m", Messages: []msg{{gateway.RoleUser, []string{"a", "b"}}}},
		},
		{
			"chat-null-and-missing-content", chat,
			`{"model":"m","messages":[{"role":"assistant","content":null,"tool_calls":[]},{"role":"assistant"}]}`,
			decoded{Model: "m", Messages: []msg{{Role: gateway.RoleAssistant}, {Role: gateway.RoleAssistant}}},
		},
		{
			"chat-tool-call-arguments", chat,
			`{"model":"m","messages":[{"role":"user","content":"u"},{"role":"assistant","content":"a","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\"to\":\"x\"}"}},{"id":"c2","type":"custom","custom":{"name":"g","input":"i"}}]},` +
				`{"role":"assistant","content":null,"function_call":{"name":"f","arguments":"{}"}},{"role":"tool","tool_call_id":"c1","content":"r"}]}`,
			decoded{Model: "m", Messages: []msg{
				{gateway.RoleUser, []string{"u"}}, {gateway.RoleAssistant, []string{"a", `{"to":"x"}`, "i"}},
				{gateway.RoleAssistant, []string{"{}"}}, {gateway.RoleTool, []string{"r"}},
			}},
		},
		{
			"chat-escapes", chat,
			`{"model":"m","messages":[{"role":"user","content":"caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \n"}]}`,
			decoded{Model: "m", Messages: []msg{{gateway.RoleUser, []string{"café 😀 \"q\" \\ / \n"}}}},
		},
		{
			"chat-escaped-key", chat,
			`{"model":"m","\u006dessages":[{"role":"user","content":"hidden?"}]}`,
			decoded{Model: "m", Messages: []msg{{gateway.RoleUser, []string{"hidden?"}}}},
		},
		{
			"chat-stream-max-tokens-user", chat,
			`{"model":"m","stream":true,"max_tokens":100,"user":"alice","messages":[]}`,
			decoded{Model: "m", Stream: true, MaxTokens: 100, User: "alice"},
		},
		{
			"chat-max-completion-tokens-wins-when-larger", chat,
			`{"model":"m","max_tokens":100,"max_completion_tokens":300,"messages":[]}`,
			decoded{Model: "m", MaxTokens: 300},
		},
		{
			"chat-max-tokens-larger", chat,
			`{"model":"m","max_tokens":500,"max_completion_tokens":300,"messages":[]}`,
			decoded{Model: "m", MaxTokens: 500},
		},
		{
			"chat-integral-float-and-nulls", chat,
			`{"model":"m","max_completion_tokens":2e3,"max_tokens":null,"stream":null,"user":null,"stream_options":null,"messages":[]}`,
			decoded{Model: "m", MaxTokens: 2000},
		},
		{
			"chat-safety-identifier-as-user", chat,
			`{"model":"m","safety_identifier":"sid","messages":[]}`,
			decoded{Model: "m", User: "sid"},
		},
		{
			"chat-user-before-safety-identifier", chat,
			`{"model":"m","safety_identifier":"sid","user":"u","messages":[]}`,
			decoded{Model: "m", User: "u"},
		},
		{
			"chat-ignores-fields-of-other-operations", chat,
			`{"model":"m","input":5,"instructions":7,"max_output_tokens":"x","messages":[]}`,
			decoded{Model: "m"},
		},
		{
			"responses-string-input", resp,
			`{"model":"gpt-4.1","instructions":"be brief","input":"hello","max_output_tokens":50,"stream":true}`,
			decoded{Model: "gpt-4.1", Stream: true, MaxTokens: 50, Messages: []msg{
				{gateway.RoleSystem, []string{"be brief"}}, {gateway.RoleUser, []string{"hello"}},
			}},
		},
		{
			"responses-instructions-first-whatever-the-order", resp,
			`{"input":"hello","instructions":"sys","model":"m"}`,
			decoded{Model: "m", Messages: []msg{{gateway.RoleSystem, []string{"sys"}}, {gateway.RoleUser, []string{"hello"}}}},
		},
		{
			"responses-items", resp,
			`{"model":"m","input":[
				{"role":"developer","content":"dev"},
				{"role":"system","content":[{"type":"input_text","text":"sys"}]},
				{"type":"message","role":"user","content":[{"type":"input_text","text":"u1"},{"type":"input_image","image_url":"x"}]},
				{"type":"message","role":"assistant","content":[{"type":"output_text","text":"a1","annotations":[]},{"type":"refusal","refusal":"no"}]},
				{"type":"function_call","call_id":"c","name":"f","arguments":"{}"},
				{"type":"function_call_output","call_id":"c","output":"out"},
				{"type":"function_call_output","call_id":"d","output":[{"type":"input_text","text":"out2"}]},
				{"type":"custom_tool_call_output","call_id":"e","output":"out3"},
				{"type":"reasoning","summary":[{"type":"summary_text","text":"ignored"}]}
			]}`,
			decoded{Model: "m", Messages: []msg{
				{gateway.RoleSystem, []string{"dev"}}, {gateway.RoleSystem, []string{"sys"}},
				// A call's arguments join the assistant message before it.
				{gateway.RoleUser, []string{"u1"}}, {gateway.RoleAssistant, []string{"a1", "{}"}},
				{gateway.RoleTool, []string{"out"}}, {gateway.RoleTool, []string{"out2"}}, {gateway.RoleTool, []string{"out3"}},
			}},
		},
		{
			"responses-calls", resp,
			`{"model":"m","input":[
				{"role":"user","content":"u"},
				{"type":"function_call","call_id":"c","name":"f","arguments":"{\"to\":\"a@b.example\"}"},
				{"type":"custom_tool_call","call_id":"d","name":"g","input":"free text"},
				{"type":"function_call_output","call_id":"c","output":"out"},
				{"type":"function_call","call_id":"e","name":"f","arguments":"{}"}
			]}`,
			decoded{Model: "m", Messages: []msg{
				{gateway.RoleUser, []string{"u"}},
				{gateway.RoleAssistant, []string{`{"to":"a@b.example"}`, "free text"}},
				{gateway.RoleTool, []string{"out"}},
				{gateway.RoleAssistant, []string{"{}"}},
			}},
		},
		{
			"responses-prompt-variables", resp,
			`{"prompt":{"id":"p","variables":{"a":"x","b":{"type":"input_text","text":"y"},"c":{"type":"input_image","file_id":"f"}}}}`,
			decoded{Messages: []msg{{gateway.RoleUser, []string{"x", "y"}}}},
		},
		{
			"responses-no-model-null-instructions", resp,
			`{"prompt":{"id":"p"},"instructions":null,"input":[]}`,
			decoded{},
		},
		{
			"embeddings-string", embed,
			`{"model":"e","input":"text","stream":true}`,
			decoded{Model: "e", Messages: []msg{{gateway.RoleUser, []string{"text"}}}},
		},
		{
			"embeddings-strings", embed,
			`{"model":"e","input":["a","b"],"user":"u"}`,
			decoded{Model: "e", User: "u", Messages: []msg{{gateway.RoleUser, []string{"a", "b"}}}},
		},
		{
			"embeddings-tokens", embed,
			`{"model":"e","input":[[1,2],[3]]}`,
			decoded{Model: "e", Messages: []msg{{Role: gateway.RoleUser}}},
		},
		{
			"embeddings-token-list", embed,
			`{"model":"e","input":[1,2,3]}`,
			decoded{Model: "e", Messages: []msg{{Role: gateway.RoleUser}}},
		},
		{
			"models-ignores-body", gateway.OpModels,
			``,
			decoded{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := Adapter{}.Decode(tt.op, "", []byte(tt.body))
			if err != nil {
				t.Fatalf("Decode = %v", err)
			}
			if diff := cmp.Diff(tt.want, summarize(req)); diff != "" {
				t.Errorf("Decode (-want +got):\n%s", diff)
			}
			if req.Dialect != gateway.DialectOpenAI || req.Operation != tt.op || string(req.Raw) != tt.body {
				t.Errorf("Decode: dialect %q, operation %q, raw kept %v", req.Dialect, req.Operation, string(req.Raw) == tt.body)
			}
		})
	}
}

func TestDecodeRefuses(t *testing.T) {
	const (
		chat  = gateway.OpChatCompletions
		resp  = gateway.OpResponses
		embed = gateway.OpEmbeddings
	)
	tests := []struct {
		name    string
		op      gateway.Operation
		body    string
		wantMsg string
	}{
		{"not-an-object", chat, `[1]`, "request body must be a JSON object"},
		{"empty", chat, ``, "request body must be a JSON object"},
		{"truncated", chat, `{"model":"m","messages":[`, "request body is not valid JSON"},
		{"model-missing", chat, `{"messages":[]}`, "model: is required"},
		{"model-not-string", chat, `{"model":4,"messages":[]}`, "model: must be a string"},
		{"model-null", embed, `{"model":null,"input":"x"}`, "model: must be a string"},
		{"messages-missing", chat, `{"model":"m"}`, "messages: is required"},
		{"messages-not-array", chat, `{"model":"m","messages":{"role":"user"}}`, "messages: must be an array of messages"},
		{"message-not-object", chat, `{"model":"m","messages":["hi"]}`, "messages[0]: must be an object"},
		{"role-missing", chat, `{"model":"m","messages":[{"content":"x"}]}`, "messages[0].role: is required"},
		{"role-unknown", chat, `{"model":"m","messages":[{"role":"user","content":"a"},{"role":"root","content":"x"}]}`, "messages[1].role: must be one of system, developer, user, assistant, tool"},
		{"role-not-string", chat, `{"model":"m","messages":[{"role":1,"content":"x"}]}`, "messages[0].role: must be one of"},
		{"content-number", chat, `{"model":"m","messages":[{"role":"user","content":"a"},{"role":"user","content":"b"},{"role":"user","content":7}]}`, "messages[2].content: must be a string or an array of content parts"},
		{"content-object", chat, `{"model":"m","messages":[{"role":"user","content":{"text":"x"}}]}`, "messages[0].content: must be a string or an array of content parts"},
		{"part-not-object", chat, `{"model":"m","messages":[{"role":"user","content":["x"]}]}`, "messages[0].content[0]: must be an object"},
		{"part-type-missing", chat, `{"model":"m","messages":[{"role":"user","content":[{"text":"x"}]}]}`, "messages[0].content[0].type: is required"},
		{"part-type-not-string", chat, `{"model":"m","messages":[{"role":"user","content":[{"type":1,"text":"x"}]}]}`, "messages[0].content[0].type: must be a string"},
		{"part-text-missing", chat, `{"model":"m","messages":[{"role":"user","content":[{"type":"text"}]}]}`, "messages[0].content[0].text: is required"},
		{"part-text-not-string", chat, `{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":["x"]}]}]}`, "messages[0].content[0].text: must be a string"},
		{"stream-not-bool", chat, `{"model":"m","stream":"yes","messages":[]}`, "stream: must be a boolean"},
		{"stream-options-not-object", chat, `{"model":"m","stream_options":true,"messages":[]}`, "stream_options: must be an object"},
		{"max-tokens-string", chat, `{"model":"m","max_tokens":"100","messages":[]}`, "max_tokens: must be an integer"},
		{"max-tokens-fraction", chat, `{"model":"m","max_tokens":1.5,"messages":[]}`, "max_tokens: must be an integer"},
		{"max-tokens-negative", chat, `{"model":"m","max_tokens":-1,"messages":[]}`, "max_tokens: must not be negative"},
		{"max-tokens-huge", chat, `{"model":"m","max_tokens":1e300,"messages":[]}`, "max_tokens: must be an integer"},
		{"max-completion-tokens-bool", chat, `{"model":"m","max_completion_tokens":true,"messages":[]}`, "max_completion_tokens: must be an integer"},
		{"user-not-string", chat, `{"model":"m","user":1,"messages":[]}`, "user: must be a string"},
		{"safety-identifier-not-string", chat, `{"model":"m","safety_identifier":{},"messages":[]}`, "safety_identifier: must be a string"},
		{"duplicate-messages", chat, `{"model":"m","messages":[{"role":"user","content":"a"}],"messages":[{"role":"user","content":"b"}]}`, "messages: appears more than once"},
		{"duplicate-model", chat, `{"model":"a","model":"b","messages":[]}`, "model: appears more than once"},
		{"duplicate-escaped-key", chat, `{"model":"m","messages":[],"m\u0065ssages":[]}`, "messages: appears more than once"},
		{"duplicate-content", chat, `{"model":"m","messages":[{"role":"user","content":"a","content":"b"}]}`, "messages[0].content: appears more than once"},
		{"duplicate-role", chat, `{"model":"m","messages":[{"role":"user","content":"a","role":"system"}]}`, "messages[0].role: appears more than once"},
		{"duplicate-part-text", chat, `{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"a","text":"b"}]}]}`, "messages[0].content[0].text: appears more than once"},
		{"duplicate-part-type", chat, `{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","text":"a","type":"text"}]}]}`, "messages[0].content[0].type: appears more than once"},
		{"responses-input-number", resp, `{"model":"m","input":3}`, "input: must be a string or an array of input items"},
		{"responses-item-not-object", resp, `{"model":"m","input":["x"]}`, "input[0]: must be an object"},
		{"responses-item-role-missing", resp, `{"model":"m","input":[{"type":"message","content":"x"}]}`, "input[0].role: is required"},
		{"responses-item-role-tool", resp, `{"model":"m","input":[{"role":"tool","content":"x"}]}`, "input[0].role: must be one of system, developer, user, assistant"},
		{"responses-item-type-not-string", resp, `{"model":"m","input":[{"type":5,"role":"user"}]}`, "input[0].type: must be a string"},
		{"responses-item-content-number", resp, `{"model":"m","input":[{"role":"user","content":1}]}`, "input[0].content: must be a string or an array of content parts"},
		{"responses-item-part-text-number", resp, `{"model":"m","input":[{"role":"user","content":[{"type":"input_text","text":1}]}]}`, "input[0].content[0].text: must be a string"},
		{"responses-output-number", resp, `{"model":"m","input":[{"type":"function_call_output","call_id":"c","output":1}]}`, "input[0].output: must be a string or an array of content parts"},
		{"responses-duplicate-item-content", resp, `{"model":"m","input":[{"role":"user","content":"a","content":"b"}]}`, "input[0].content: appears more than once"},
		{"responses-duplicate-input", resp, `{"model":"m","input":"a","input":"b"}`, "input: appears more than once"},
		{"responses-instructions-array", resp, `{"model":"m","instructions":["x"]}`, "instructions: must be a string"},
		{"responses-max-output-tokens-string", resp, `{"model":"m","max_output_tokens":"5"}`, "max_output_tokens: must be an integer"},
		{"responses-prompt-not-object", resp, `{"prompt":"p"}`, "prompt: must be an object"},
		{"responses-prompt-variables-array", resp, `{"prompt":{"variables":["x"]}}`, "prompt.variables: must be an object"},
		{"responses-prompt-variable-number", resp, `{"prompt":{"variables":{"a":1}}}`, "prompt.variables: each value must be a string or an input part"},
		{"responses-prompt-duplicate-variables", resp, `{"prompt":{"variables":{"a":"x"},"variables":{"a":"y"}}}`, "prompt.variables: appears more than once"},
		{"embeddings-input-missing", embed, `{"model":"e"}`, "input: is required"},
		{"embeddings-input-object", embed, `{"model":"e","input":{}}`, "input: must be a string or an array"},
		{"embeddings-input-element-object", embed, `{"model":"e","input":["a",{}]}`, "input[1]: must be a string, a token id or an array of token ids"},
		{"embeddings-input-nested-string", embed, `{"model":"e","input":[[1,"a"]]}`, "input[0]: must be an array of token ids"},
		{"unknown-operation", gateway.OpMessages, `{}`, "the OpenAI API has no operation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := Adapter{}.Decode(tt.op, "", []byte(tt.body))
			if err == nil {
				t.Fatalf("Decode = %+v, nil; want error %q", summarize(req), tt.wantMsg)
			}
			var e *gateway.Error
			if !errors.As(err, &e) {
				t.Fatalf("Decode error %v is not a *gateway.Error", err)
			}
			wantCode := gateway.CodeInvalid
			if tt.op == gateway.OpMessages {
				wantCode = gateway.CodeNotFound
			}
			if e.Code != wantCode || !strings.Contains(e.Message, tt.wantMsg) {
				t.Errorf("Decode error = %q (%s), want %q (%s)", e.Message, e.Code, tt.wantMsg, wantCode)
			}
			for _, secret := range []string{`"a"`, `"b"`, `"x"`, "hi", "yes"} {
				if strings.Contains(e.Message, secret) {
					t.Errorf("Decode error %q quotes the request", e.Message)
				}
			}
		})
	}
}

func TestDecodeSpans(t *testing.T) {
	body := []byte(`{"model":"m","messages":[{"role":"user","content":[ {"type":"text", "text" : "caf\u00e9"} ]}]}`)
	req, err := Adapter{}.Decode(gateway.OpChatCompletions, "", body)
	if err != nil {
		t.Fatal(err)
	}
	p := req.Messages[0].Parts[0]
	if got := string(body[p.Start:p.End]); got != `"caf\u00e9"` {
		t.Errorf("span = %s, want the JSON string", got)
	}
	p.Set("tea")
	got, err := Adapter{}.Encode(req)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"model":"m","messages":[{"role":"user","content":[ {"type":"text", "text" : "tea"} ]}]}`
	if string(got) != want {
		t.Errorf("Encode after Set = %s, want %s", got, want)
	}
}
