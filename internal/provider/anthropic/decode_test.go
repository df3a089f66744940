package anthropic

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/jsonscan"
)

// decoded is the part of a decoded request the tables compare.
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

func summarize(req *gateway.Request) decoded {
	d := decoded{Model: req.Model, Stream: req.Stream, MaxTokens: req.MaxTokens, User: req.User}
	for _, m := range req.Messages {
		s := msg{Role: m.Role}
		for _, p := range m.Parts {
			s.Texts = append(s.Texts, p.Value)
		}
		d.Messages = append(d.Messages, s)
	}
	return d
}

// checkSpans fails unless every text's span in Raw is a JSON string that
// decodes to its value.
func checkSpans(t *testing.T, req *gateway.Request) {
	t.Helper()
	for i, m := range req.Messages {
		for j, p := range m.Parts {
			if p.Start < 0 || p.End > len(req.Raw) || p.Start >= p.End {
				t.Fatalf("message %d part %d: span [%d,%d) outside body of %d bytes", i, j, p.Start, p.End, len(req.Raw))
			}
			if p.Number {
				if lit := string(req.Raw[p.Start:p.End]); lit != p.Value || !json.Valid(req.Raw[p.Start:p.End]) || jsonscan.Kind(req.Raw[p.Start:p.End]) == '"' {
					t.Errorf("message %d part %d: Raw[%d:%d] = %s, want the JSON number %s", i, j, p.Start, p.End, lit, p.Value)
				}
				continue
			}
			s, err := jsonscan.String(req.Raw[p.Start:p.End])
			if err != nil || s != p.Value {
				t.Errorf("message %d part %d: Raw[%d:%d] = %s, want the JSON string %q", i, j, p.Start, p.End, req.Raw[p.Start:p.End], p.Value)
			}
		}
	}
}

var decodeTests = []struct {
	name string
	op   gateway.Operation
	body string
	want decoded
}{
	{
		name: "string-content",
		op:   gateway.OpMessages,
		body: `{"model":"claude-x","max_tokens":1024,"messages":[{"role":"user","content":"Hello"}]}`,
		want: decoded{Model: "claude-x", MaxTokens: 1024, Messages: []msg{{gateway.RoleUser, []string{"Hello"}}}},
	},
	{
		name: "every-field",
		op:   gateway.OpMessages,
		body: `{"model":"claude-x","stream":true,"max_tokens":7,"metadata":{"user_id":"u-42"},"system":"Be brief.",` +
			`"messages":[{"role":"user","content":"a"},{"role":"assistant","content":[{"type":"text","text":"b"}]}]}`,
		want: decoded{Model: "claude-x", Stream: true, MaxTokens: 7, User: "u-42", Messages: []msg{
			{gateway.RoleSystem, []string{"Be brief."}},
			{gateway.RoleUser, []string{"a"}},
			{gateway.RoleAssistant, []string{"b"}},
		}},
	},
	{
		name: "system-after-messages-still-first",
		op:   gateway.OpMessages,
		body: `{"messages":[{"role":"user","content":"q"}],"system":[{"type":"text","text":"s1","cache_control":{"type":"ephemeral"}},{"type":"text","text":"s2"}],"model":"m"}`,
		want: decoded{Model: "m", Messages: []msg{{gateway.RoleSystem, []string{"s1", "s2"}}, {gateway.RoleUser, []string{"q"}}}},
	},
	{
		name: "nulls-are-absent",
		op:   gateway.OpMessages,
		body: `{"model":"m","stream":null,"max_tokens":null,"metadata":null,"system":null,"messages":[{"role":"user","content":"x"}]}`,
		want: decoded{Model: "m", Messages: []msg{{gateway.RoleUser, []string{"x"}}}},
	},
	{
		name: "metadata-user-null",
		op:   gateway.OpMessages,
		body: `{"model":"m","metadata":{"user_id":null,"other":1},"messages":[]}`,
		want: decoded{Model: "m"},
	},
	{
		name: "escapes-decoded",
		op:   gateway.OpMessages,
		body: `{"model":"m","messages":[{"role":"user","content":"caf\u00e9 \"q\" \n\ud83d\ude00"}]}`,
		want: decoded{Model: "m", Messages: []msg{{gateway.RoleUser, []string{"café \"q\" \n😀"}}}},
	},
	{
		name: "escaped-keys",
		op:   gateway.OpMessages,
		body: `{"mod\u0065l":"m","m\u0065ssages":[{"r\u006fle":"user","content":"x"}]}`,
		want: decoded{Model: "m", Messages: []msg{{gateway.RoleUser, []string{"x"}}}},
	},
	{
		name: "tool-result-is-tool-role",
		op:   gateway.OpMessages,
		body: `{"model":"m","messages":[` +
			`{"role":"assistant","content":[{"type":"text","text":"calling"},{"type":"tool_use","id":"t1","name":"f","input":{"text":"not text"}}]},` +
			`{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"result one"},` +
			`{"type":"tool_result","tool_use_id":"t2","content":[{"type":"text","text":"r2"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}}]},` +
			`{"type":"tool_result","tool_use_id":"t3","is_error":true},` +
			`{"type":"text","text":"and now?"}]}]}`,
		want: decoded{Model: "m", Messages: []msg{
			// tool_use input is read value by value, keys included.
			{gateway.RoleAssistant, []string{"calling", "text", "not text"}},
			{gateway.RoleTool, []string{"result one", "r2"}},
			{gateway.RoleUser, []string{"and now?"}},
		}},
	},
	{
		name: "tool-use-input-nested",
		op:   gateway.OpMessages,
		body: `{"model":"m","messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"f","input":{"to":["a@b.example",{"n":12}],"ok":true,"x":null}}]}]}`,
		want: decoded{Model: "m", Messages: []msg{{gateway.RoleAssistant, []string{"to", "a@b.example", "n", "12", "ok", "x"}}}},
	},
	{
		name: "tool-results-only",
		op:   gateway.OpMessages,
		body: `{"model":"m","messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"r"}]}]}`,
		want: decoded{Model: "m", Messages: []msg{{gateway.RoleTool, []string{"r"}}}},
	},
	{
		name: "documents-and-search-results",
		op:   gateway.OpMessages,
		body: `{"model":"m","messages":[{"role":"user","content":[` +
			`{"type":"document","source":{"type":"text","media_type":"text/plain","data":"doc text"}},` +
			`{"type":"document","source":{"type":"content","content":[{"type":"text","text":"chunk"}]}},` +
			`{"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0="}},` +
			`{"type":"search_result","source":"https://x","title":"t","content":[{"type":"text","text":"found"}]},` +
			`{"type":"image","source":{"type":"url","url":"https://x/y.png"}}]}]}`,
		// A document's title and context, a search result's title and
		// source, are read with their text.
		want: decoded{Model: "m", Messages: []msg{{gateway.RoleUser, []string{"doc text", "chunk", "t", "https://x", "found"}}}},
	},
	{
		name: "document-title-and-context",
		op:   gateway.OpMessages,
		body: `{"model":"m","messages":[{"role":"user","content":[` +
			`{"type":"document","title":"Q3 report","context":"from the wiki","source":{"type":"text","media_type":"text/plain","data":"doc"}},` +
			`{"type":"document","title":null,"context":null,"source":{"type":"url","url":"https://x/a.pdf"}}]}]}`,
		want: decoded{Model: "m", Messages: []msg{{gateway.RoleUser, []string{"Q3 report", "from the wiki", "doc"}}}},
	},
	{
		// What server tools (web search and fetch, code execution, the
		// text editor, the advisor) returned on an earlier turn is tool
		// text; encrypted content, file ids and error codes are not read.
		name: "server-tool-results",
		op:   gateway.OpMessages,
		body: `{"model":"m","messages":[{"role":"user","content":"look it up"},{"role":"assistant","content":[` +
			`{"type":"server_tool_use","id":"s1","name":"web_search","input":{"query":"q"}},` +
			`{"type":"web_search_tool_result","tool_use_id":"s1","content":[{"type":"web_search_result","title":"T1","url":"https://a.example/1","encrypted_content":"ENC","page_age":"2 days"},{"type":"web_search_result","title":"T2","url":"https://a.example/2","encrypted_content":"ENC"}]},` +
			`{"type":"web_search_tool_result","tool_use_id":"s2","content":{"type":"web_search_tool_result_error","error_code":"max_uses_exceeded"}},` +
			`{"type":"web_fetch_tool_result","tool_use_id":"s3","content":{"type":"web_fetch_result","url":"https://a.example/page","retrieved_at":"2025-01-01T00:00:00Z","content":{"type":"document","title":"Page","source":{"type":"text","media_type":"text/plain","data":"page text"}}}},` +
			`{"type":"web_fetch_tool_result","tool_use_id":"s4","content":{"type":"web_fetch_tool_result_error","error_code":"url_not_accessible"}},` +
			`{"type":"code_execution_tool_result","tool_use_id":"s5","content":{"type":"code_execution_result","stdout":"out","stderr":"err","return_code":0,"content":[{"type":"code_execution_output","file_id":"f"}]}},` +
			`{"type":"code_execution_tool_result","tool_use_id":"s6","content":{"type":"encrypted_code_execution_result","encrypted_stdout":"ENC","stderr":"err2","return_code":1,"content":[]}},` +
			`{"type":"bash_code_execution_tool_result","tool_use_id":"s7","content":{"type":"bash_code_execution_result","stdout":"ls out","stderr":"","return_code":0,"content":[]}},` +
			`{"type":"text_editor_code_execution_tool_result","tool_use_id":"s8","content":{"type":"text_editor_code_execution_view_result","file_type":"text","content":"file body","num_lines":1}},` +
			`{"type":"text_editor_code_execution_tool_result","tool_use_id":"s9","content":{"type":"text_editor_code_execution_str_replace_result","lines":["l1","l2"],"new_start":1}},` +
			`{"type":"text_editor_code_execution_tool_result","tool_use_id":"s10","content":{"type":"text_editor_code_execution_tool_result_error","error_code":"file_not_found","error_message":"no such file"}},` +
			`{"type":"text_editor_code_execution_tool_result","tool_use_id":"s11","content":{"type":"text_editor_code_execution_create_result","is_file_update":false}},` +
			`{"type":"advisor_tool_result","tool_use_id":"s12","content":{"type":"advisor_result","text":"advice"}},` +
			`{"type":"advisor_tool_result","tool_use_id":"s13","content":{"type":"advisor_redacted_result","encrypted_content":"ENC"}},` +
			`{"type":"tool_search_tool_result","tool_use_id":"s14","content":{"type":"tool_search_tool_search_result","tool_references":[{"type":"tool_reference","tool_name":"f"}]}},` +
			`{"type":"future_tool_result","tool_use_id":"s15","content":{"title":1}},` +
			`{"type":"text","text":"done"}]}]}`,
		want: decoded{Model: "m", Messages: []msg{
			{gateway.RoleUser, []string{"look it up"}},
			{gateway.RoleTool, []string{"T1", "https://a.example/1", "T2", "https://a.example/2",
				"https://a.example/page", "Page", "page text", "out", "err", "err2", "ls out", "",
				"file body", "l1", "l2", "no such file", "advice",
				// the block of an unknown type, read-only: its keys and
				// values but for the type and the id
				"type", "tool_use_id", "content", "title", "1"}},
			{gateway.RoleAssistant, []string{"query", "q", "done"}},
		}},
	},
	{
		name: "image-only-message-kept",
		op:   gateway.OpMessages,
		body: `{"model":"m","messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AA=="}}]}]}`,
		want: decoded{Model: "m", Messages: []msg{{Role: gateway.RoleUser}}},
	},
	{
		name: "count-tokens",
		op:   gateway.OpCountTokens,
		body: `{"model":"m","system":"s","messages":[{"role":"user","content":"how many?"}],"tools":[]}`,
		want: decoded{Model: "m", Messages: []msg{{gateway.RoleSystem, []string{"s"}}, {gateway.RoleUser, []string{"how many?"}}}},
	},
	{
		name: "unknown-fields-and-spacing",
		op:   gateway.OpMessages,
		body: "{ \"future\" : {\"messages\":[1]} ,\n\t\"model\" : \"m\" , \"messages\" : [ { \"content\" : \"x\" , \"role\" : \"user\" } ] , \"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1e3} }",
		want: decoded{Model: "m", Messages: []msg{{gateway.RoleUser, []string{"x"}}}},
	},
}

var decodeErrorTests = []struct {
	name, body, want string
}{
	{"empty-body", ``, "request body: must be a JSON object"},
	{"array-body", `[]`, "request body: must be a JSON object"},
	{"truncated", `{"model":"m","messages":[`, "request body: must be a JSON object"},
	{"no-model", `{"messages":[]}`, "model: is required"},
	{"empty-model", `{"model":"","messages":[]}`, "model: is required"},
	{"model-number", `{"model":1,"messages":[]}`, "model: must be a string"},
	{"no-messages", `{"model":"m"}`, "messages: is required"},
	{"messages-object", `{"model":"m","messages":{}}`, "messages: must be an array of messages"},
	{"messages-null", `{"model":"m","messages":null}`, "messages: must be an array of messages"},
	{"stream-string", `{"model":"m","stream":"yes","messages":[]}`, "stream: must be a boolean"},
	{"max-tokens-negative", `{"model":"m","max_tokens":-1,"messages":[]}`, "max_tokens: must be a non-negative integer"},
	{"max-tokens-fraction", `{"model":"m","max_tokens":1.5,"messages":[]}`, "max_tokens: must be a non-negative integer"},
	{"max-tokens-string", `{"model":"m","max_tokens":"5","messages":[]}`, "max_tokens: must be a non-negative integer"},
	{"metadata-string", `{"model":"m","metadata":"u","messages":[]}`, "metadata: must be an object"},
	{"user-id-number", `{"model":"m","metadata":{"user_id":5},"messages":[]}`, "metadata.user_id: must be a string"},
	{"user-id-twice", `{"model":"m","metadata":{"user_id":"a","user_id":"b"},"messages":[]}`, "metadata.user_id: appears more than once"},
	{"system-number", `{"model":"m","system":5,"messages":[]}`, "system: must be a string or an array of text blocks"},
	{"system-block-not-object", `{"model":"m","system":["s"],"messages":[]}`, "system[0]: must be a content block object"},
	{"system-text-number", `{"model":"m","system":[{"type":"text","text":1}],"messages":[]}`, "system[0].text: must be a string"},
	{"message-not-object", `{"model":"m","messages":["hi"]}`, "messages[0]: must be an object"},
	{"role-missing", `{"model":"m","messages":[{"content":"x"}]}`, "messages[0].role: is required"},
	{"role-system", `{"model":"m","messages":[{"role":"system","content":"x"}]}`, `messages[0].role: must be "user" or "assistant"`},
	{"role-twice", `{"model":"m","messages":[{"role":"user","role":"assistant","content":"x"}]}`, "messages[0].role: appears more than once"},
	{"content-missing", `{"model":"m","messages":[{"role":"user"}]}`, "messages[0].content: is required"},
	{"content-number", `{"model":"m","messages":[{"role":"user","content":"x"},{"role":"user","content":3}]}`, "messages[1].content: must be a string or an array of content blocks"},
	{"content-null", `{"model":"m","messages":[{"role":"user","content":null}]}`, "messages[0].content: must be a string or an array of content blocks"},
	{"content-twice", `{"model":"m","messages":[{"role":"user","content":"a","content":"b"}]}`, "messages[0].content: appears more than once"},
	{"block-no-type", `{"model":"m","messages":[{"role":"user","content":[{"text":"x"}]}]}`, "messages[0].content[0].type: is required"},
	{"block-type-number", `{"model":"m","messages":[{"role":"user","content":[{"type":1}]}]}`, "messages[0].content[0].type: must be a string"},
	{"text-missing", `{"model":"m","messages":[{"role":"user","content":[{"type":"text"}]}]}`, "messages[0].content[0].text: is required"},
	{"text-array", `{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":["x"]}]}]}`, "messages[0].content[0].text: must be a string"},
	{"text-twice", `{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"a","text":"b"}]}]}`, "messages[0].content[0].text: appears more than once"},
	{"tool-result-content-number", `{"model":"m","messages":[{"role":"user","content":[{"type":"tool_result","content":1}]}]}`, "messages[0].content[0].content: must be a string or an array of content blocks"},
	{"tool-result-nested", `{"model":"m","messages":[{"role":"user","content":[{"type":"tool_result","content":[{"type":"tool_result","content":"x"}]}]}]}`, "messages[0].content[0].content[0]: a tool_result cannot hold another tool_result"},
	{"document-source-string", `{"model":"m","messages":[{"role":"user","content":[{"type":"document","source":"x"}]}]}`, "messages[0].content[0].source: must be an object"},
	{"document-text-no-data", `{"model":"m","messages":[{"role":"user","content":[{"type":"document","source":{"type":"text"}}]}]}`, "messages[0].content[0].source.data: is required"},
	{"document-data-twice", `{"model":"m","messages":[{"role":"user","content":[{"type":"document","source":{"type":"text","data":"a","data":"b"}}]}]}`, "messages[0].content[0].source.data: appears more than once"},
	{"search-result-title-number", `{"model":"m","messages":[{"role":"user","content":[{"type":"search_result","title":1,"source":"s","content":[]}]}]}`, "messages[0].content[0].title: must be a string"},
	{"document-context-object", `{"model":"m","messages":[{"role":"user","content":[{"type":"document","context":{},"source":{"type":"url","url":"u"}}]}]}`, "messages[0].content[0].context: must be a string"},
	{"document-title-twice", `{"model":"m","messages":[{"role":"user","content":[{"type":"document","title":"a","title":"b","source":{"type":"url","url":"u"}}]}]}`, "messages[0].content[0].title: appears more than once"},
	{"server-result-content-string", `{"model":"m","messages":[{"role":"assistant","content":[{"type":"web_search_tool_result","tool_use_id":"s","content":"x"}]}]}`, "messages[0].content[0].content: must be an object or an array of results"},
	{"web-search-result-not-object", `{"model":"m","messages":[{"role":"assistant","content":[{"type":"web_search_tool_result","tool_use_id":"s","content":["x"]}]}]}`, "messages[0].content[0].content[0]: must be an object"},
	{"web-search-title-number", `{"model":"m","messages":[{"role":"assistant","content":[{"type":"web_search_tool_result","tool_use_id":"s","content":[{"type":"web_search_result","title":1,"url":"u"}]}]}]}`, "messages[0].content[0].content[0].title: must be a string"},
	{"stdout-twice", `{"model":"m","messages":[{"role":"assistant","content":[{"type":"bash_code_execution_tool_result","tool_use_id":"s","content":{"type":"bash_code_execution_result","stdout":"a","stdout":"b"}}]}]}`, "messages[0].content[0].content.stdout: appears more than once"},
	{"str-replace-line-number", `{"model":"m","messages":[{"role":"assistant","content":[{"type":"text_editor_code_execution_tool_result","tool_use_id":"s","content":{"type":"text_editor_code_execution_str_replace_result","lines":["a",2]}}]}]}`, "messages[0].content[0].content.lines[1]: must be a string"},
	{"web-fetch-document-not-object", `{"model":"m","messages":[{"role":"assistant","content":[{"type":"web_fetch_tool_result","tool_use_id":"s","content":{"type":"web_fetch_result","url":"u","content":"page"}}]}]}`, "messages[0].content[0].content.content: must be a content block object"},
	{"duplicate-output-config", `{"model":"m","output_config":{},"output_config":{"format":{"type":"json_schema","schema":{}}},"messages":[]}`, "output_config: appears more than once"},
	{"output-config-format-twice", `{"model":"m","output_config":{"format":null,"format":{"type":"json_schema","schema":{}}},"messages":[]}`, "output_config.format: appears more than once"},
	{"output-format-type-twice", `{"model":"m","output_format":{"type":"text","type":"json_schema","schema":{}},"messages":[]}`, "output_format.type: appears more than once"},
	{"duplicate-messages", `{"model":"m","messages":[{"role":"user","content":"ok"}],"messages":[{"role":"user","content":"unseen"}]}`, "messages: appears more than once"},
	{"duplicate-model-escaped", `{"model":"a","mod\u0065l":"b","messages":[]}`, "model: appears more than once"},
	{"duplicate-system", `{"model":"m","system":"a","system":"b","messages":[]}`, "system: appears more than once"},
}

func TestDecode(t *testing.T) {
	for _, tt := range decodeTests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := Adapter{}.Decode(tt.op, "", []byte(tt.body))
			if err != nil {
				t.Fatalf("Decode(%s) = %v", tt.body, err)
			}
			if req.Dialect != gateway.DialectAnthropic || req.Operation != tt.op {
				t.Errorf("Decode: dialect, operation = %q, %q; want anthropic, %q", req.Dialect, req.Operation, tt.op)
			}
			if !bytes.Equal(req.Raw, []byte(tt.body)) {
				t.Errorf("Decode: Raw is not the body")
			}
			if diff := cmp.Diff(tt.want, summarize(req)); diff != "" {
				t.Errorf("Decode(%s) mismatch (-want +got):\n%s", tt.body, diff)
			}
			checkSpans(t, req)
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, tt := range decodeErrorTests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := Adapter{}.Decode(gateway.OpMessages, "", []byte(tt.body))
			if err == nil {
				t.Fatalf("Decode(%s) = %+v, nil; want error %q", tt.body, summarize(req), tt.want)
			}
			e := gateway.AsError(err)
			if e.Code != gateway.CodeInvalid || e.Message != tt.want {
				t.Errorf("Decode(%s) = %v, %q; want %v, %q", tt.body, e.Code, e.Message, gateway.CodeInvalid, tt.want)
			}
		})
	}
}

func TestDecodeErrorsHideText(t *testing.T) {
	// A refusal names the field, never the text that was in it.
	body := `{"model":"m","messages":[{"role":"user","content":"secret-ish words"},{"role":"robot","content":"more words"}]}`
	_, err := Adapter{}.Decode(gateway.OpMessages, "", []byte(body))
	if err == nil || strings.Contains(err.Error(), "words") {
		t.Errorf("Decode = %v; want an error that does not quote the request", err)
	}
}

func TestDecodeUnknownOperation(t *testing.T) {
	_, err := Adapter{}.Decode(gateway.OpChatCompletions, "", []byte(`{}`))
	if gateway.ErrorCode(err) != gateway.CodeNotFound {
		t.Errorf("Decode(chat.completions) = %v, want not_found", err)
	}
}

func TestEncodeFidelity(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "requests", "messages", "fidelity.json"))
	if err != nil {
		t.Fatal(err)
	}
	req, err := Adapter{}.Decode(gateway.OpMessages, "", body)
	if err != nil {
		t.Fatalf("Decode(fidelity.json) = %v", err)
	}
	checkSpans(t, req)

	got, err := Adapter{}.Encode(req)
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("Encode(unedited) changed the body (err %v):\n%s", err, got)
	}

	// Edit one user text: only that string changes.
	user := req.UserText()
	if len(user) < 2 {
		t.Fatalf("fidelity.json: want at least 2 user texts, got %d", len(user))
	}
	edited := user[1]
	old := string(body[edited.Start:edited.End])
	edited.Set(`[REDACTED] "quoted" <tag> é`)
	got, err = Adapter{}.Encode(req)
	if err != nil {
		t.Fatal(err)
	}
	repl := `"[REDACTED] \"quoted\" <tag> é"`
	want := string(body[:edited.Start]) + repl + string(body[edited.End:])
	if string(got) != want {
		t.Errorf("Encode(edited) =\n%s\nwant\n%s", got, want)
	}
	if !json.Valid(got) {
		t.Errorf("Encode(edited) is not valid JSON")
	}
	if strings.Count(string(got), old) != strings.Count(string(body), old)-1 {
		t.Errorf("Encode(edited): the old text %s should appear once less", old)
	}

	// The edited body decodes to the edit, and every other text is unchanged.
	again, err := Adapter{}.Decode(gateway.OpMessages, "", got)
	if err != nil {
		t.Fatalf("Decode(edited) = %v", err)
	}
	before, after := summarize(req), summarize(again)
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("re-decoded edited body differs (-edited request +re-decoded):\n%s", diff)
	}
}

func FuzzDecode(f *testing.F) {
	for _, tt := range decodeTests {
		f.Add([]byte(tt.body))
	}
	for _, tt := range decodeErrorTests {
		f.Add([]byte(tt.body))
	}
	if b, err := os.ReadFile(filepath.Join("testdata", "requests", "messages", "fidelity.json")); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, op := range []gateway.Operation{gateway.OpMessages, gateway.OpCountTokens} {
			req, err := Adapter{}.Decode(op, "", body)
			if err != nil {
				if gateway.ErrorCode(err) != gateway.CodeInvalid {
					t.Fatalf("Decode(%q) = %v, want invalid_request", body, err)
				}
				continue
			}
			if !json.Valid(body) {
				continue // the contract promises valid JSON; only "no panic" holds here
			}
			checkSpans(t, req)
			if got, _ := (Adapter{}).Encode(req); !bytes.Equal(got, body) {
				t.Fatalf("Encode(unedited) changed %q", body)
			}
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	body, err := os.ReadFile(filepath.Join("testdata", "bench.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (Adapter{}).Decode(gateway.OpMessages, "", body); err != nil {
			b.Fatal(err)
		}
	}
}
