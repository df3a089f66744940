package gemini

import (
	"strings"
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider/providertest"
)

// TestDecodeUnknownParts: a member of a part that the adapter does not
// know, in systemInstruction or contents, is read as read-only tool text,
// keys and values at any depth, but for ids, signatures, media types and
// base64 data; known members (text, inline data, thoughts and their
// signatures) are read as before and stay editable.
func TestDecodeUnknownParts(t *testing.T) {
	b64 := strings.Repeat("iVBORw0KGgo", 30)
	body := `{"systemInstruction":{"parts":[{"text":"sys"},{"futureNote":{"note":"system aside"}}]},` +
		`"contents":[{"role":"user","parts":[{"text":"hello"},` +
		`{"futurePart":{"id":"p1","thoughtSignature":"SIG","payload":{"body":"first leaf","fileId":"f9","mimeType":"image/png","data":"` + b64 + `"},"count":42}},` +
		`{"inlineData":{"mimeType":"image/png","data":"AAAA"},"mediaProcessing":"STATIC"},{"partMetadata":{"k":"v"}}]},` +
		`{"role":"model","parts":[{"text":"ok","thought_signature":"S"},{"thought":true,"text":"hmm"}]},` +
		`{"role":"user","parts":[{"future_part":"plain\u0020string leaf","text":"beside"}]}]}`
	providertest.CheckUnknown(t, Adapter{}, gateway.OpGenerateContent, "gemini-x", body,
		[]string{"note", "system aside",
			"id", "thoughtSignature", "payload", "body", "first leaf", "fileId", "mimeType", "data", "count", "42",
			"plain string leaf"},
		[]string{"systemInstruction.parts[1]", "contents[0].parts[1]", "contents[2].parts[0]"})

	req, err := Adapter{}.Decode(gateway.OpGenerateContent, "gemini-x", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	var roles []string
	for _, m := range req.Messages {
		roles = append(roles, string(m.Role))
		for _, p := range m.Parts {
			if p.ReadOnly == (m.Role != gateway.RoleTool) {
				t.Errorf("%s text %q: read-only %v", m.Role, p.Value, p.ReadOnly)
			}
		}
	}
	if want := "tool system tool user assistant tool user"; strings.Join(roles, " ") != want {
		t.Errorf("message roles = %s, want %s", roles, want)
	}
}

// TestDecodeUnknownPartTooBig: an unknown part with more text than aigate
// checks is refused, not read in part.
func TestDecodeUnknownPartTooBig(t *testing.T) {
	big := strings.Repeat("word ", gateway.MaxUnknownBytes/5+1)
	body := `{"contents":[{"parts":[{"futurePart":{"text":"` + big + `"}}]}]}`
	_, err := Adapter{}.Decode(gateway.OpGenerateContent, "gemini-x", []byte(body))
	if gateway.ErrorCode(err) != gateway.CodeInvalid || !strings.Contains(err.Error(), "contents[0].parts[0]: ") || strings.Contains(err.Error(), "word") {
		t.Errorf("Decode = %v, want invalid_request naming the part", err)
	}
}
