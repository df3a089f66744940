package gemini

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

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

// TestDecodeAudioTranscriptionAndSpeech: a part's audioTranscription (its
// text and words) and the style of its speechMetadata are text of the
// content's role, editable like a part's text; the speaker, which names a
// voice the config declares, and the transcription's metadata are not
// read, and neither is read as unknown content.
func TestDecodeAudioTranscriptionAndSpeech(t *testing.T) {
	body := `{"contents":[{"role":"user","parts":[{"inlineData":{"mimeType":"audio/wav","data":"AAAA"},` +
		`"audioTranscription":{"text":"my number is 555 0100","languageCode":"en","speakerLabel":"spk_1","words":[{"word":"my","startOffset":"0s"},{"word":"number"}],"finished":true}}]},` +
		`{"role":"model","parts":[{"text":"ok","speech_metadata":{"speaker":"Narrator","style":"calm"}},{"audio_transcription":{"text":"ok \u0021"}}]}]}`
	req, err := Adapter{}.Decode(gateway.OpGenerateContent, "gemini-x", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(req.Unknown) != 0 {
		t.Errorf("Unknown = %+v, want none", req.Unknown)
	}
	want := []msg{
		{gateway.RoleUser, []string{"my number is 555 0100", "my", "number"}},
		{gateway.RoleAssistant, []string{"ok", "calm", "ok !"}},
	}
	if diff := cmp.Diff(want, summarize(req).Messages); diff != "" {
		t.Errorf("messages mismatch (-want +got):\n%s", diff)
	}
	checkSpans(t, req)
	for _, m := range req.Messages {
		for _, p := range m.Parts {
			if p.ReadOnly {
				t.Errorf("text %q is read-only", p.Value)
			}
		}
	}
	req.Messages[0].Parts[0].Set("my number is [PHONE]")
	req.Messages[1].Parts[1].Set("loud")
	got, err := Adapter{}.Encode(req)
	if err != nil {
		t.Fatalf("Encode(edited) = %v", err)
	}
	wantBody := strings.Replace(strings.Replace(body, `"my number is 555 0100"`, `"my number is [PHONE]"`, 1), `"style":"calm"`, `"style":"loud"`, 1)
	if string(got) != wantBody {
		t.Errorf("Encode(edited) =\n%s\nwant\n%s", got, wantBody)
	}
}

// TestDecodeAudioTranscriptionShape: a transcription's text and words, and
// a speech style, of the wrong shape are refused, naming the member.
func TestDecodeAudioTranscriptionShape(t *testing.T) {
	for body, want := range map[string]string{
		`{"contents":[{"parts":[{"audioTranscription":"x"}]}]}`:                         "contents[0].parts[0].audioTranscription: must be an object",
		`{"contents":[{"parts":[{"audioTranscription":{"text":1}}]}]}`:                  "contents[0].parts[0].audioTranscription.text: must be a string",
		`{"contents":[{"parts":[{"audioTranscription":{"words":{}}}]}]}`:                "contents[0].parts[0].audioTranscription.words: must be an array of words",
		`{"contents":[{"parts":[{"audioTranscription":{"words":[{"word":2}]}}]}]}`:      "contents[0].parts[0].audioTranscription.words[0].word: must be a string",
		`{"contents":[{"parts":[{"speechMetadata":{"style":[]}}]}]}`:                    "contents[0].parts[0].speechMetadata.style: must be a string",
		`{"contents":[{"parts":[{"audioTranscription":{},"audio_transcription":{}}]}]}`: "contents[0].parts[0].audioTranscription: appears more than once",
	} {
		_, err := Adapter{}.Decode(gateway.OpGenerateContent, "gemini-x", []byte(body))
		if e := gateway.AsError(err); err == nil || e.Code != gateway.CodeInvalid || e.Message != want {
			t.Errorf("Decode(%s) = %v; want %q", body, err, want)
		}
	}
}
