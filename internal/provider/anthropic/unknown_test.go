package anthropic

import (
	"strings"
	"testing"

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
