package openai

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/jsonscan"
)

// roleTexts lists req's texts as "role:value", checking that each span
// holds its value as a JSON string.
func roleTexts(t *testing.T, req *gateway.Request) []string {
	t.Helper()
	var got []string
	for _, m := range req.Messages {
		for _, p := range m.Parts {
			if s, err := jsonscan.String(req.Raw[p.Start:p.End]); err != nil || s != p.Value {
				t.Errorf("Raw[%d:%d] = %s, want the JSON string %q", p.Start, p.End, req.Raw[p.Start:p.End], p.Value)
			}
			got = append(got, string(m.Role)+":"+p.Value)
		}
	}
	return got
}

// TestDecodeBuiltinToolItems: the Responses history's built-in tool calls
// and outputs are read: what the model wrote (commands, code, queries,
// patches, typed text) as assistant text, what the tools returned as tool
// text, one message per output; an MCP approval's reason is user text.
// The safety checks a computer call's output acknowledges are tool text,
// as are a listed MCP tool's description and the descriptions in its input
// schema (not the schema's types or property names).
// Items without text pass as they are (unknown items: unknown_test.go).
func TestDecodeBuiltinToolItems(t *testing.T) {
	body := `{"model":"m","input":[{"role":"user","content":"u"},` +
		`{"type":"local_shell_call","id":"l1","call_id":"c1","status":"completed","action":{"type":"exec","command":["ls","-la"],"env":{"TOKEN":"t0k"},"working_directory":"/srv","timeout_ms":1000,"user":null}},` +
		`{"type":"local_shell_call_output","id":"l1","output":"total 0"},` +
		`{"type":"shell_call","call_id":"c2","action":{"commands":["echo hi","pwd"],"max_output_length":100}},` +
		`{"type":"shell_call_output","call_id":"c2","output":[{"stdout":"hi\n","stderr":"","outcome":{"type":"exit","exit_code":0}},{"stdout":"/srv","stderr":"warn","outcome":{"type":"timeout"}}]},` +
		`{"type":"apply_patch_call","call_id":"c3","status":"completed","operation":{"type":"update_file","path":"a.go","diff":"@@ -1 +1 @@\n-a\n+b"}},` +
		`{"type":"apply_patch_call","call_id":"c3b","status":"completed","operation":{"type":"delete_file","path":"b.go"}},` +
		`{"type":"apply_patch_call_output","call_id":"c3","status":"completed","output":"patched"},` +
		`{"type":"apply_patch_call_output","call_id":"c3b","status":"failed","output":null},` +
		`{"type":"computer_call","id":"cc","call_id":"c4","status":"completed","pending_safety_checks":[],"action":{"type":"type","text":"hello world"},"actions":[{"type":"click","x":1,"y":2,"button":"left"},{"type":"type","text":"more"}]},` +
		`{"type":"computer_call_output","call_id":"c4","acknowledged_safety_checks":[{"id":"sc1","code":"irrelevant_domain","message":"check \u0021"},{"id":"sc2","code":null,"message":null}],"output":{"type":"computer_screenshot","image_url":"data:image/png;base64,AAAA"}},` +
		`{"type":"computer_call_output","call_id":"c5","acknowledged_safety_checks":null,"output":{"type":"computer_screenshot","file_id":"f"}},` +
		`{"type":"configuration_update","id":"cu","agent":{"agent_name":"a"},"reasoning":{"effort":"low"},"text":{"format":{"type":"text"}}},` +
		`{"type":"web_search_call","id":"w1","status":"completed","action":{"type":"search","query":"q1","queries":["q2"],"sources":[{"type":"url","url":"https://s.example/"}]}},` +
		`{"type":"web_search_call","id":"w2","status":"completed","action":{"type":"open_page","url":"https://p.example/"}},` +
		`{"type":"web_search_call","id":"w3","status":"completed","action":{"type":"find_in_page","pattern":"needle","url":"https://p.example/"}},` +
		`{"type":"code_interpreter_call","id":"ci","container_id":"k","status":"completed","code":"print(1)","outputs":[{"type":"logs","logs":"1"},{"type":"image","url":"https://i.example/x.png"}]},` +
		`{"type":"code_interpreter_call","id":"ci2","container_id":"k","status":"completed","code":null,"outputs":null},` +
		`{"type":"file_search_call","id":"fs","status":"completed","queries":["policy"],"results":[{"file_id":"f","filename":"p.pdf","score":0.9,"text":"hit","attributes":{"k":"v"}}]},` +
		`{"type":"image_generation_call","id":"ig","status":"completed","result":"AAAA","revised_prompt":"a cat"},` +
		`{"type":"mcp_list_tools","id":"ml","server_label":"s","tools":[{"name":"f","description":"does f","input_schema":{"type":"object","properties":{"q":{"type":"string","description":"the query"}}}},{"name":"g","input_schema":{}}],"error":null},` +
		`{"type":"mcp_approval_request","id":"ar","server_label":"s","name":"f","arguments":"{\"to\":\"x\"}"},` +
		`{"type":"mcp_approval_response","approval_request_id":"ar","approve":false,"reason":"not today"},` +
		`{"type":"mcp_call","id":"mc","server_label":"s","name":"f","arguments":"{}","output":null,"error":{"type":"mcp_protocol_error","code":-1,"message":"bad call"}},` +
		`{"type":"mcp_call","id":"mc2","server_label":"s","name":"f","arguments":"{}","error":{"type":"mcp_tool_execution_error","content":[{"type":"text","text":"tool failed"}]}},` +
		`{"type":"program_output","id":"po","call_id":"pr","result":"42","status":"completed"},` +
		`{"type":"program","id":"pr","call_id":"pr","code":"return 42","fingerprint":"fp"},` +
		`{"type":"reasoning","id":"rs","summary":[{"type":"summary_text","text":"thinking"}],"encrypted_content":"ENC"},` +
		`{"type":"custom_tool_call_output","call_id":"ct","output":[{"type":"input_text","text":"custom out"},{"type":"input_image","image_url":"https://i.example/y.png"}]},` +
		`{"role":"user","content":"v"}]}`
	req, err := Adapter{}.Decode(gateway.OpResponses, "", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"user:u",
		"assistant:ls", "assistant:-la", "assistant:t0k", "assistant:/srv",
		"tool:total 0",
		"assistant:echo hi", "assistant:pwd",
		"tool:hi\n", "tool:", "tool:/srv", "tool:warn",
		"assistant:@@ -1 +1 @@\n-a\n+b",
		"tool:patched",
		"assistant:hello world", "assistant:more",
		"tool:check !",
		"assistant:q1", "assistant:q2", "assistant:https://s.example/", "assistant:https://p.example/", "assistant:needle", "assistant:https://p.example/",
		"assistant:print(1)", "tool:1",
		"assistant:policy", "tool:hit",
		"assistant:a cat",
		"tool:does f", "tool:the query",
		`assistant:{"to":"x"}`,
		"user:not today",
		"assistant:{}", "tool:bad call",
		"assistant:{}", "tool:tool failed",
		"tool:42",
		"tool:custom out",
		"user:v"}
	if diff := cmp.Diff(want, roleTexts(t, req)); diff != "" {
		t.Errorf("texts mismatch (-want +got):\n%s", diff)
	}
	// The arguments awaiting approval are JSON text, as an MCP call's are.
	var structured []string
	for _, s := range req.Structured {
		structured = append(structured, body[s.Start:s.End])
	}
	if want := []string{`"{\"to\":\"x\"}"`, `"{}"`, `"{}"`}; strings.Join(structured, " ") != strings.Join(want, " ") {
		t.Errorf("Structured = %s, want %s", structured, want)
	}
	// Every text edited: the body stays valid JSON and each edit lands in
	// its own string.
	for _, m := range req.Messages {
		for _, p := range m.Parts {
			p.Set("<" + p.Value + ">")
		}
	}
	out, err := Adapter{}.Encode(req)
	if err != nil || !json.Valid(out) {
		t.Fatalf("Encode = %v, valid JSON %v", err, json.Valid(out))
	}
	again, err := Adapter{}.Decode(gateway.OpResponses, "", out)
	if err != nil {
		t.Fatal(err)
	}
	var edited []string
	for _, w := range want {
		role, v, _ := strings.Cut(w, ":")
		edited = append(edited, role+":<"+v+">")
	}
	if diff := cmp.Diff(edited, roleTexts(t, again)); diff != "" {
		t.Errorf("texts after editing (-want +got):\n%s", diff)
	}
}

func TestDecodeBuiltinToolItemErrors(t *testing.T) {
	for _, c := range []struct{ item, want string }{
		{`{"type":"local_shell_call","action":"ls"}`, "input[0].action: must be an object"},
		{`{"type":"local_shell_call","action":{"command":"ls"}}`, "input[0].action.command: must be an array"},
		{`{"type":"local_shell_call","action":{"command":["ls",1]}}`, "input[0].action.command[1]: must be a string"},
		{`{"type":"local_shell_call","action":{"env":{"A":1}}}`, "input[0].action.env: must be a string"},
		{`{"type":"local_shell_call","action":{},"action":{"command":["rm"]}}`, "input[0].action: appears more than once"},
		{`{"type":"shell_call","action":{"commands":["a"],"commands":["b"]}}`, "input[0].action.commands: appears more than once"},
		{`{"type":"shell_call_output","output":"text"}`, "input[0].output: must be an array"},
		{`{"type":"shell_call_output","output":[{"stdout":1}]}`, "input[0].output[0].stdout: must be a string"},
		{`{"type":"apply_patch_call","operation":{"diff":["x"]}}`, "input[0].operation.diff: must be a string"},
		{`{"type":"computer_call","action":{"type":"type","text":5}}`, "input[0].action.text: must be a string"},
		{`{"type":"computer_call","actions":[{"type":"type","text":"a","text":"b"}]}`, "input[0].actions[0].text: appears more than once"},
		{`{"type":"web_search_call","action":{"type":"search","queries":"q"}}`, "input[0].action.queries: must be an array"},
		{`{"type":"code_interpreter_call","code":1}`, "input[0].code: must be a string"},
		{`{"type":"code_interpreter_call","outputs":[{"type":"logs","logs":{}}]}`, "input[0].outputs[0].logs: must be a string"},
		{`{"type":"file_search_call","results":[{"text":1}]}`, "input[0].results[0].text: must be a string"},
		{`{"type":"mcp_list_tools","tools":[{"description":1}]}`, "input[0].tools[0].description: must be a string"},
		{`{"type":"mcp_approval_request","arguments":{}}`, "input[0].arguments: must be a string"},
		{`{"type":"mcp_approval_response","reason":"a","reason":"b"}`, "input[0].reason: appears more than once"},
		{`{"type":"mcp_call","arguments":"{}","error":{"message":2}}`, "input[0].error.message: must be a string"},
		{`{"type":"program_output","result":[]}`, "input[0].result: must be a string"},
	} {
		_, err := Adapter{}.Decode(gateway.OpResponses, "", []byte(`{"model":"m","input":[`+c.item+`]}`))
		if e := gateway.AsError(err); err == nil || e.Code != gateway.CodeInvalid || e.Message != c.want {
			t.Errorf("Decode(%s) = %v, want %q", c.item, err, c.want)
		}
	}
}

// A chat tool message's content may be an array of text parts: each is
// tool text.
func TestDecodeChatToolArrayContent(t *testing.T) {
	req, err := Adapter{}.Decode(gateway.OpChatCompletions, "", []byte(`{"model":"m","messages":[{"role":"user","content":"u"},`+
		`{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},`+
		`{"role":"tool","tool_call_id":"c","content":[{"type":"text","text":"part one"},{"type":"text","text":"part two"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"user:u", "assistant:{}", "tool:part one", "tool:part two"}, roleTexts(t, req)); diff != "" {
		t.Errorf("texts mismatch (-want +got):\n%s", diff)
	}
}
