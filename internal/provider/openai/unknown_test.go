package openai

import (
	"strings"
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider/providertest"
)

// TestDecodeUnknownContent: a Responses input item or a content part (of
// a chat message or a Responses message) of a type the adapter does not
// know is read as read-only tool text, keys and values at any depth, but
// for its type, ids, encrypted content, media types and base64 data;
// known items and parts (reasoning, images, refusals) are read as before.
func TestDecodeUnknownContent(t *testing.T) {
	b64 := strings.Repeat("iVBORw0KGgo", 30)
	t.Run("chat", func(t *testing.T) {
		body := `{"model":"m","messages":[{"role":"system","content":"sys"},` +
			`{"role":"user","content":[{"type":"text","text":"hello"},{"type":"image_url","image_url":{"url":"https://i.example/a.png"}},` +
			`{"type":"future_part","payload":{"body":"first leaf","file_id":"file_9","data":"` + b64 + `"}}]},` +
			`{"role":"assistant","content":[{"type":"refusal","refusal":"no"},{"type":"new_part","note":"model\u0020aside","n":7}]}]}`
		providertest.CheckUnknown(t, Adapter{}, gateway.OpChatCompletions, "", body,
			[]string{"type", "payload", "body", "first leaf", "file_id", "data", "type", "note", "model aside", "n", "7"},
			[]string{"messages[1].content[2]", "messages[2].content[1]"})
	})
	t.Run("responses", func(t *testing.T) {
		body := `{"model":"m","input":[{"role":"user","content":[{"type":"input_text","text":"hello"},{"type":"input_image","image_url":"data:image/png;base64,` + b64 + `"}]},` +
			`{"type":"reasoning","id":"rs","summary":[{"type":"summary_text","text":"thinking"}],"encrypted_content":"ENC"},` +
			`{"type":"future_item","id":"fi_1","call_id":"c1","encrypted_content":"ENC","action":{"command":["first leaf"],"screenshot":"data:image/png;base64,` + b64 + `"},"output":7},` +
			`{"type":"message","role":"assistant","content":[{"type":"output_text","text":"ok"},{"type":"output_clip","transcript":"said aloud"}]},` +
			`{"type":"compaction","encrypted_content":"ENC"},{"type":"item_reference","id":"msg_1"},{"type":"compaction_trigger"},` +
			`{"type":"additional_tools","role":"developer","tools":[{"type":"function","name":"f","description":"does f"}]}]}`
		providertest.CheckUnknown(t, Adapter{}, gateway.OpResponses, "", body,
			[]string{"type", "id", "call_id", "encrypted_content", "action", "command", "first leaf", "screenshot", "output", "7",
				"type", "transcript", "said aloud"},
			[]string{"input[2]", "input[3].content[1]"})
	})
}

// TestDecodeUnknownItemTooBig: an unknown input item with more text than
// aigate checks is refused, not read in part.
func TestDecodeUnknownItemTooBig(t *testing.T) {
	big := strings.Repeat("word ", gateway.MaxUnknownBytes/5+1)
	body := `{"model":"m","input":[{"type":"future_item","text":"` + big + `"}]}`
	_, err := Adapter{}.Decode(gateway.OpResponses, "", []byte(body))
	if gateway.ErrorCode(err) != gateway.CodeInvalid || !strings.Contains(err.Error(), "input[0]: ") || strings.Contains(err.Error(), "word") {
		t.Errorf("Decode = %v, want invalid_request naming the item", err)
	}
}
