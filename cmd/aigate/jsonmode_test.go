package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/responses"
	"github.com/openai/openai-go/v3/shared"
	"google.golang.org/genai"

	"github.com/aigate-dev/aigate/internal/keys"
	"github.com/aigate-dev/aigate/internal/upstreamsim"
)

// jsonPolicyConfig: json-scan redacts e-mail addresses in what the model
// writes; json-pseudo pseudonymises them on the way in and restores them.
const jsonPolicyConfig = `
limits:
  requests_per_minute: 60000
  tokens_per_minute: 10000000
policies:
  json-scan:
    output_pii: redact
  json-pseudo:
    pii: {default: allow, EMAIL: pseudonymize}
`

var jsonCases = []string{"openai-chat", "openai-chat-stream", "openai-responses", "openai-responses-stream", "gemini", "gemini-stream"}

// jsonAnswers calls the gateway through the OpenAI (chat and Responses)
// and Gemini SDKs, streaming and not, with prompt, asking for the answer
// as JSON when jsonMode is set, and returns the answer text each client
// read, by case name.
func jsonAnswers(t *testing.T, g *testGateway, key, prompt string, jsonMode bool) map[string]string {
	t.Helper()
	ctx := context.Background()
	got := map[string]string{}
	oc := openaiClient(g, key)
	chat := openai.ChatCompletionNewParams{Model: "gpt-4o-mini", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage(prompt)}}
	rp := responses.ResponseNewParams{Model: "gpt-4o-mini", Input: responses.ResponseNewParamsInputUnion{OfString: openai.String(prompt)}}
	var config *genai.GenerateContentConfig
	if jsonMode {
		chat.ResponseFormat = openai.ChatCompletionNewParamsResponseFormatUnion{OfJSONObject: &shared.ResponseFormatJSONObjectParam{}}
		rp.Text = responses.ResponseTextConfigParam{Format: responses.ResponseFormatTextConfigUnionParam{OfJSONObject: &shared.ResponseFormatJSONObjectParam{}}}
		config = &genai.GenerateContentConfig{ResponseMIMEType: "application/json"}
	}

	r, err := oc.Chat.Completions.New(ctx, chat)
	if err != nil {
		t.Fatalf("openai-chat: %v", err)
	}
	got["openai-chat"] = r.Choices[0].Message.Content
	s := oc.Chat.Completions.NewStreaming(ctx, chat)
	var acc openai.ChatCompletionAccumulator
	for s.Next() {
		acc.AddChunk(s.Current())
	}
	if err := s.Err(); err != nil {
		t.Fatalf("openai-chat-stream: %v", err)
	}
	got["openai-chat-stream"] = acc.Choices[0].Message.Content

	rr, err := oc.Responses.New(ctx, rp)
	if err != nil {
		t.Fatalf("openai-responses: %v", err)
	}
	got["openai-responses"] = rr.OutputText()
	rs := oc.Responses.NewStreaming(ctx, rp)
	var deltas string
	for rs.Next() {
		switch ev := rs.Current(); ev.Type {
		case "response.output_text.delta":
			deltas += ev.Delta
		case "response.completed":
			if final := ev.Response.OutputText(); final != deltas {
				t.Errorf("openai-responses-stream: the deltas (%d bytes) do not add up to the final text (%d bytes)", len(deltas), len(final))
			}
		}
	}
	if err := rs.Err(); err != nil {
		t.Fatalf("openai-responses-stream: %v", err)
	}
	got["openai-responses-stream"] = deltas

	gc, err := genai.NewClient(ctx, &genai.ClientConfig{APIKey: key, Backend: genai.BackendGeminiAPI, HTTPOptions: genai.HTTPOptions{BaseURL: g.URL()}})
	if err != nil {
		t.Fatal(err)
	}
	gr, err := gc.Models.GenerateContent(ctx, "gemini-2.5-flash", genai.Text(prompt), config)
	if err != nil {
		t.Fatalf("gemini: %v", err)
	}
	got["gemini"] = gr.Text()
	var text strings.Builder
	for r, err := range gc.Models.GenerateContentStream(ctx, "gemini-2.5-flash", genai.Text(prompt), config) {
		if err != nil {
			t.Fatalf("gemini-stream: %v", err)
		}
		text.WriteString(r.Text())
	}
	got["gemini-stream"] = text.String()
	return got
}

// TestJSONOutputEscapesRedacted: when the client asks for the answer as
// JSON, an e-mail address the model spells with an escape is redacted all
// the same, in each dialect that has a JSON mode, streaming and not, and
// the answer stays the valid JSON the application parses.
func TestJSONOutputEscapesRedacted(t *testing.T) {
	g := mustRunGatewayWith(t, upstreamsim.New(), jsonPolicyConfig, nil)
	key, _ := g.mustKey(t, keys.CreateOptions{Name: "json", Owner: "alice", Policy: "json-scan"})
	local, domain, _ := strings.Cut(testEmail, "@")
	for _, answer := range []string{
		`{"email":"` + local + `\u0040` + domain + `","n":1}`,
		// Spaces make the stream cut the string between events.
		`{"email": "mail ` + escapeJSON(local) + `\u0040` + domain + ` today", "n": 1}`,
	} {
		got := jsonAnswers(t, g, key, "Give me JSON. "+upstreamsim.AnswerMarker+" "+answer, true)
		if up := string(g.upstream.last(t).body); !strings.Contains(up, `"responseMimeType":"application/json"`) {
			t.Fatal("the Gemini request did not ask the model for JSON")
		}
		for _, name := range jsonCases {
			t.Run(name, func(t *testing.T) {
				text := got[name]
				var v struct {
					Email string
					N     int
				}
				if err := json.Unmarshal([]byte(text), &v); err != nil {
					t.Fatalf("the answer (%d bytes) is not valid JSON any more: %v", len(text), err)
				}
				if strings.Contains(text, domain) || strings.Contains(v.Email, domain) {
					t.Fatalf("the e-mail address reached the client (the answer is %d bytes)", len(text))
				}
				if (v.Email != "[EMAIL]" && v.Email != "mail [EMAIL] today") || v.N != 1 {
					t.Errorf("read %q, want the e-mail address redacted and n kept", text)
				}
			})
		}
	}
	if log := g.log.String(); !strings.Contains(log, `"guard":"output_pii","rule":"EMAIL","action":"redact"`) || strings.Contains(log, testEmail) {
		t.Error("the log lacks the finding, or holds the e-mail address")
	}
}

// TestJSONOutputOffKeepsProse: without JSON mode the answer is prose, read
// as written: a literal "\u0040" is no "@", and is left alone, while an
// address written plainly is redacted.
func TestJSONOutputOffKeepsProse(t *testing.T) {
	g := mustRunGatewayWith(t, upstreamsim.New(), jsonPolicyConfig, nil)
	key, _ := g.mustKey(t, keys.CreateOptions{Name: "json", Owner: "alice", Policy: "json-scan"})
	local, domain, _ := strings.Cut(testEmail, "@")
	escaped := `{"email":"` + local + `\u0040` + domain + `","n":1}`
	got := jsonAnswers(t, g, key, upstreamsim.AnswerMarker+" write "+escaped+" or "+testEmail, false)
	for _, name := range jsonCases {
		if want := "write " + escaped + " or [EMAIL]"; got[name] != want {
			t.Errorf("%s: read %q, want %q", name, strings.ReplaceAll(got[name], testEmail, "(the e-mail address)"), want)
		}
	}
}

// TestJSONOutputRestored: a placeholder the model writes in a JSON answer,
// plainly or with escapes, comes back as the e-mail address it stands for,
// and the answer stays valid JSON.
func TestJSONOutputRestored(t *testing.T) {
	g := mustRunGatewayWith(t, upstreamsim.New(), jsonPolicyConfig, nil)
	key, _ := g.mustKey(t, keys.CreateOptions{Name: "json", Owner: "alice", Policy: "json-pseudo"})
	got := jsonAnswers(t, g, key, "Invoice "+testEmail+". "+upstreamsim.AnswerMarker+` {"to": "<EMAIL_1>", "cc": "\u003cEMAIL_1\u003e"}`, true)
	if up := string(g.upstream.last(t).body); strings.Contains(up, testEmail) {
		t.Fatal("the model saw the e-mail address")
	}
	for _, name := range jsonCases {
		var v struct{ To, Cc string }
		if err := json.Unmarshal([]byte(got[name]), &v); err != nil || v.To != testEmail || v.Cc != testEmail {
			t.Errorf("%s: read %q (%v), want the e-mail address restored twice", name, strings.ReplaceAll(got[name], testEmail, "(the e-mail address)"), err)
		}
	}
}
