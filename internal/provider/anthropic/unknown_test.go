package anthropic

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider/providertest"
)

// TestDecodeUnknownBlocks: a block (or a document's source) of a type the
// adapter does not know, wherever it stands (system, a message, a tool
// result), is read as
// read-only tool text, keys and values at any depth, but for its type,
// ids, signatures, media types and base64 data; known blocks are read as
// before and stay editable.
func TestDecodeUnknownBlocks(t *testing.T) {
	b64 := strings.Repeat("iVBORw0KGgo", 30)
	body := `{"model":"m","max_tokens":5,` +
		`"system":[{"type":"text","text":"sys"},{"type":"sys_note","note":"system aside"}],` +
		`"messages":[{"role":"user","content":[{"type":"text","text":"hello"},` +
		`{"type":"future_doc","id":"blk_1","signature":"SIGVALUE","cache_control":{"type":"ephemeral"},` +
		`"payload":{"items":[{"body":"first leaf","file_id":"file_9"},{"media_type":"image/png","data":"` + b64 + `"}],"count":42}}]},` +
		`{"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"S"},{"type":"redacted_thinking","data":"R"},{"type":"text","text":"ok"}]},` +
		`{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"future_result","text":"nested\u0020leaf"}]},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}},` +
		`{"type":"document","title":"Doc","source":{"type":"future_src","body":"source leaf"}}]}]}`
	providertest.CheckUnknown(t, Adapter{}, gateway.OpMessages, "", body,
		[]string{"type", "note", "system aside",
			"type", "id", "signature", "cache_control", "type", "payload", "items", "body", "first leaf", "file_id", "media_type", "data", "count", "42",
			"type", "text", "nested leaf", "type", "body", "source leaf"},
		[]string{"system[1]", "messages[0].content[1]", "messages[2].content[0].content[0]", "messages[2].content[2].source"})

	req, err := Adapter{}.Decode(gateway.OpMessages, "", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	var roles []string
	for _, m := range req.Messages {
		roles = append(roles, string(m.Role))
	}
	if want := "tool system tool user assistant tool user"; strings.Join(roles, " ") != want {
		t.Errorf("message roles = %s, want %s", roles, want)
	}
	for _, m := range req.Messages {
		for _, p := range m.Parts {
			if p.ReadOnly == (m.Role != gateway.RoleTool) {
				t.Errorf("%s text %q: read-only %v", m.Role, p.Value, p.ReadOnly)
			}
		}
	}
}

// TestDecodeUnknownBlockTooBig: a block of an unknown type with more text
// than aigate checks is refused, not read in part.
func TestDecodeUnknownBlockTooBig(t *testing.T) {
	big := strings.Repeat("word ", gateway.MaxUnknownBytes/5+1)
	body := `{"model":"m","messages":[{"role":"user","content":[{"type":"future_doc","text":"` + big + `"}]}]}`
	_, err := Adapter{}.Decode(gateway.OpMessages, "", []byte(body))
	if gateway.ErrorCode(err) != gateway.CodeInvalid || !strings.Contains(err.Error(), "messages[0].content[0]: ") || strings.Contains(err.Error(), "word") {
		t.Errorf("Decode = %v, want invalid_request naming the block", err)
	}
}

// TestDecodeListingAndBrowserState: an mcp_tool_listing's tool
// descriptions, those in its input schemas, and a browser_state's tab
// titles and URLs and its downloads' URLs, paths and errors are tool text,
// editable; names, ids, the schemas' structure and sizes are not read, and
// neither block is unknown content.
func TestDecodeListingAndBrowserState(t *testing.T) {
	body := `{"model":"m","max_tokens":5,"messages":[` +
		`{"role":"assistant","content":[{"type":"mcp_tool_listing","mcp_server_name":"srv","tools":[` +
		`{"name":"find","description":"Finds a \u0022user\u0022.","input_schema":{"type":"object","properties":{"q":{"description":"query"}}}},{"name":"x","description":null}]}]},` +
		`{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"browser_state",` +
		`"tabs":[{"tab_id":"t1","title":"Inbox","url":"https://mail.example/","active":true}],` +
		`"state_changes":[{"type":"tab_opened","tab_id":"t1"},{"type":"download_completed","download_id":"d1","url":"https://f.example/a.pdf","path":"/tmp/a.pdf","size_bytes":12},{"type":"download_failed","download_id":"d2","url":"https://f.example/b","error":"denied"}]}]}]}]}`
	req, err := Adapter{}.Decode(gateway.OpMessages, "", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(req.Unknown) != 0 {
		t.Errorf("Unknown = %+v, want none", req.Unknown)
	}
	want := []msg{
		{gateway.RoleTool, []string{`Finds a "user".`, "query"}},
		{gateway.RoleTool, []string{"Inbox", "https://mail.example/", "https://f.example/a.pdf", "/tmp/a.pdf", "https://f.example/b", "denied"}},
	}
	if diff := cmp.Diff(want, summarize(req).Messages); diff != "" {
		t.Errorf("messages mismatch (-want +got):\n%s", diff)
	}
	checkSpans(t, req)
	req.Messages[0].Parts[0].Set("[REDACTED]")
	req.Messages[1].Parts[0].Set("Box")
	got, err := Adapter{}.Encode(req)
	if err != nil {
		t.Fatalf("Encode(edited) = %v", err)
	}
	wantBody := strings.Replace(strings.Replace(body, `"Finds a \u0022user\u0022."`, `"[REDACTED]"`, 1), `"title":"Inbox"`, `"title":"Box"`, 1)
	if string(got) != wantBody {
		t.Errorf("Encode(edited) =\n%s\nwant\n%s", got, wantBody)
	}

	for bad, msg := range map[string]string{
		`{"type":"mcp_tool_listing","tools":{}}`:                               "messages[0].content[0].tools: must be an array of objects",
		`{"type":"mcp_tool_listing","tools":["x"]}`:                            "messages[0].content[0].tools[0]: must be an object",
		`{"type":"mcp_tool_listing","tools":[{"description":1}]}`:              "messages[0].content[0].tools[0].description: must be a string",
		`{"type":"browser_state","tabs":[{"title":"a","title":"b"}]}`:          "messages[0].content[0].tabs[0].title: appears more than once",
		`{"type":"browser_state","tabs":[],"state_changes":[{"error":false}]}`: "messages[0].content[0].state_changes[0].error: must be a string",
	} {
		b := `{"model":"m","messages":[{"role":"user","content":[` + bad + `]}]}`
		_, err := Adapter{}.Decode(gateway.OpMessages, "", []byte(b))
		if e := gateway.AsError(err); err == nil || e.Code != gateway.CodeInvalid || e.Message != msg {
			t.Errorf("Decode(%s) = %v; want %q", bad, err, msg)
		}
	}
}

// TestDecodeUnknownServerResult: a result of a type the adapter does not
// know inside a known server tool's result block is read as read-only tool
// text, like an unknown block; known results without text (errors, a
// created file, a redacted advisor result) still pass unread.
func TestDecodeUnknownServerResult(t *testing.T) {
	body := `{"model":"m","max_tokens":5,"messages":[{"role":"assistant","content":[` +
		`{"type":"web_search_tool_result","tool_use_id":"s1","content":[{"type":"web_search_result","title":"T","url":"https://u.example/","encrypted_content":"E"},{"type":"future_search_result","snippet":"new leaf","result_id":"r1"}]},` +
		`{"type":"code_execution_tool_result","tool_use_id":"s2","content":{"type":"future_exec_result","stdout":"printed"}},` +
		`{"type":"bash_code_execution_tool_result","tool_use_id":"s3","content":{"type":"bash_code_execution_tool_result_error","error_code":"unavailable"}},` +
		`{"type":"text_editor_code_execution_tool_result","tool_use_id":"s4","content":{"type":"text_editor_code_execution_create_result","is_file_update":false}},` +
		`{"type":"advisor_tool_result","tool_use_id":"s5","content":{"type":"advisor_redacted_result","encrypted_content":"E2"}},` +
		`{"type":"web_fetch_tool_result","tool_use_id":"s6","content":{"type":"web_fetch_tool_result_error","error_code":"url_not_accessible"}}]}]}`
	providertest.CheckUnknown(t, Adapter{}, gateway.OpMessages, "", body,
		[]string{"type", "snippet", "new leaf", "result_id", "type", "stdout", "printed"},
		[]string{"messages[0].content[0].content[1]", "messages[0].content[1].content"})
}
