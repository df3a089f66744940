package main

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/anthropics/anthropic-sdk-go/v2"
	anthropicopt "github.com/anthropics/anthropic-sdk-go/v2/option"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/responses"
	"google.golang.org/genai"

	"github.com/aigate-dev/aigate/internal/keys"
	"github.com/aigate-dev/aigate/internal/upstreamsim"
	"github.com/aigate-dev/aigate/secretscan"
)

// toolPolicyConfig: tool-scan lets a prompt's secret and e-mail address
// reach the model (input secrets off, no input PII rule) and redacts them
// in what the model writes, tool-call arguments included; tool-flag only
// records them; tool-pseudo pseudonymises the e-mail address on the way in
// and restores it in the arguments.
const toolPolicyConfig = `
limits:
  requests_per_minute: 60000
  tokens_per_minute: 10000000
policies:
  tool-scan:
    secrets: off
    output_secrets: redact
    output_pii: redact
  tool-flag:
    secrets: off
    output_secrets: flag
  tool-pseudo:
    pii: {default: allow, EMAIL: pseudonymize}
`

// toolCall is what a client read of the simulated model's tool call: the
// tool's name and its arguments as JSON text.
type toolCall struct{ name, args string }

// toolSDKs calls the gateway through each SDK, streaming and not, with
// prompt, and returns the tool call each read, by case name.
func toolSDKs(t *testing.T, g *testGateway, key, prompt string) map[string]toolCall {
	t.Helper()
	ctx := context.Background()
	got := map[string]toolCall{}
	oc := openaiClient(g, key)
	chat := openai.ChatCompletionNewParams{Model: "gpt-4o-mini", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage(prompt)}}
	r, err := oc.Chat.Completions.New(ctx, chat)
	if err != nil {
		t.Fatalf("openai-chat: %v", err)
	}
	if tc := r.Choices[0].Message.ToolCalls; len(tc) == 1 {
		got["openai-chat"] = toolCall{tc[0].Function.Name, tc[0].Function.Arguments}
	}
	s := oc.Chat.Completions.NewStreaming(ctx, chat)
	var acc openai.ChatCompletionAccumulator
	for s.Next() {
		acc.AddChunk(s.Current())
	}
	if err := s.Err(); err != nil {
		t.Fatalf("openai-chat-stream: %v", err)
	}
	if tc := acc.Choices[0].Message.ToolCalls; len(tc) == 1 {
		got["openai-chat-stream"] = toolCall{tc[0].Function.Name, tc[0].Function.Arguments}
	}
	responsesCall := func(r *responses.Response) (toolCall, bool) {
		for _, it := range r.Output {
			if it.Type == "function_call" {
				return toolCall{it.Name, it.Arguments.OfString}, true
			}
		}
		return toolCall{}, false
	}
	rp := responses.ResponseNewParams{Model: "gpt-4o-mini", Input: responses.ResponseNewParamsInputUnion{OfString: openai.String(prompt)}}
	rr, err := oc.Responses.New(ctx, rp)
	if err != nil {
		t.Fatalf("openai-responses: %v", err)
	}
	if c, ok := responsesCall(rr); ok {
		got["openai-responses"] = c
	}
	rs := oc.Responses.NewStreaming(ctx, rp)
	var deltas string
	for rs.Next() {
		switch ev := rs.Current(); ev.Type {
		case "response.function_call_arguments.delta":
			deltas += ev.Delta
		case "response.completed":
			if c, ok := responsesCall(&ev.Response); ok && c.args == deltas {
				got["openai-responses-stream"] = c
			} else if ok {
				t.Errorf("openai-responses-stream: the deltas (%d bytes) do not add up to the final arguments (%d bytes)", len(deltas), len(c.args))
			}
		}
	}
	if err := rs.Err(); err != nil {
		t.Fatalf("openai-responses-stream: %v", err)
	}

	ac := anthropic.NewClient(anthropicopt.WithBaseURL(g.URL()), anthropicopt.WithAPIKey(key), anthropicopt.WithMaxRetries(0))
	ap := anthropic.MessageNewParams{Model: "claude-haiku-4-5", MaxTokens: 300, Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock(prompt))}}
	anthropicCall := func(m *anthropic.Message) (toolCall, bool) {
		for _, b := range m.Content {
			if tu, ok := b.AsAny().(anthropic.ToolUseBlock); ok {
				return toolCall{tu.Name, string(tu.Input)}, true
			}
		}
		return toolCall{}, false
	}
	m, err := ac.Messages.New(ctx, ap)
	if err != nil {
		t.Fatalf("anthropic: %v", err)
	}
	if c, ok := anthropicCall(m); ok {
		got["anthropic"] = c
	}
	as := ac.Messages.NewStreaming(ctx, ap)
	var msg anthropic.Message
	for as.Next() {
		if err := msg.Accumulate(as.Current()); err != nil {
			t.Fatalf("anthropic-stream: %v", err)
		}
	}
	if err := as.Err(); err != nil {
		t.Fatalf("anthropic-stream: %v", err)
	}
	if c, ok := anthropicCall(&msg); ok {
		got["anthropic-stream"] = c
	}

	gc, err := genai.NewClient(ctx, &genai.ClientConfig{APIKey: key, Backend: genai.BackendGeminiAPI, HTTPOptions: genai.HTTPOptions{BaseURL: g.URL()}})
	if err != nil {
		t.Fatal(err)
	}
	geminiCall := func(r *genai.GenerateContentResponse) (toolCall, bool) {
		if fc := r.FunctionCalls(); len(fc) == 1 {
			args, err := json.Marshal(fc[0].Args)
			if err != nil {
				t.Fatal(err)
			}
			return toolCall{fc[0].Name, string(args)}, true
		}
		return toolCall{}, false
	}
	gr, err := gc.Models.GenerateContent(ctx, "gemini-2.5-flash", genai.Text(prompt), nil)
	if err != nil {
		t.Fatalf("gemini: %v", err)
	}
	if c, ok := geminiCall(gr); ok {
		got["gemini"] = c
	}
	for r, err := range gc.Models.GenerateContentStream(ctx, "gemini-2.5-flash", genai.Text(prompt), nil) {
		if err != nil {
			t.Fatalf("gemini-stream: %v", err)
		}
		if c, ok := geminiCall(r); ok {
			got["gemini-stream"] = c
		}
	}
	return got
}

var toolCases = []string{"openai-chat", "openai-chat-stream", "openai-responses", "openai-responses-stream", "anthropic", "anthropic-stream", "gemini", "gemini-stream"}

// note returns the "note" argument of a call, failing when the arguments
// are not the JSON object the model wrote.
func note(t *testing.T, c toolCall) string {
	t.Helper()
	if c.name != upstreamsim.SimToolName {
		t.Fatalf("tool = %q, want %q", c.name, upstreamsim.SimToolName)
	}
	var a struct{ Note string }
	if err := json.Unmarshal([]byte(c.args), &a); err != nil {
		t.Fatalf("the arguments are not JSON any more (%d bytes): %v", len(c.args), err)
	}
	return a.Note
}

// pastedKey returns a key of a known rule, generated so no real-looking
// key is committed.
func pastedKey(t *testing.T) (rule, key string) {
	t.Helper()
	r, ok := secretscan.Default().Rule("anthropic-api-key")
	if !ok {
		t.Fatal("no anthropic-api-key rule")
	}
	return r.ID, r.Example(rand.New(rand.NewPCG(7, 7)))
}

// TestToolCallArgumentsRedacted: a model that copies a secret and an e-mail
// address into a tool call's arguments has them redacted, in each dialect,
// streaming and not, and the arguments stay valid JSON.
func TestToolCallArgumentsRedacted(t *testing.T) {
	g := mustRunGatewayWith(t, upstreamsim.New(), toolPolicyConfig, nil)
	key, _ := g.mustKey(t, keys.CreateOptions{Name: "tools", Owner: "alice", Policy: "tool-scan"})
	rule, secret := pastedKey(t)
	prompt := "File this for me. " + upstreamsim.ToolCallMarker + " mail " + testEmail + " the key " + secret + " before noon"
	got := toolSDKs(t, g, key, prompt)
	up := string(g.upstream.last(t).body)
	if !strings.Contains(up, testEmail) || !strings.Contains(up, secret) {
		t.Fatal("the policy should let the e-mail address and the key reach the model")
	}
	for _, name := range toolCases {
		t.Run(name, func(t *testing.T) {
			c, ok := got[name]
			if !ok {
				t.Fatal("the client read no tool call")
			}
			n := note(t, c)
			if strings.Contains(n, secret) || strings.Contains(n, testEmail) {
				t.Errorf("the key or the e-mail address reached the client in the arguments (%d bytes)", len(n))
			}
			if !strings.Contains(n, "[REDACTED "+rule) || !strings.Contains(n, "[EMAIL]") || !strings.HasPrefix(n, "mail ") || !strings.HasSuffix(n, " before noon") {
				t.Errorf("note (%d bytes) lacks the redaction markers or the text around them", len(n)) // the note may hold the key: not printed
			}
		})
	}
	log := g.log.String()
	if !strings.Contains(log, `"guard":"output_secrets","rule":"`+rule+`","action":"redact"`) || !strings.Contains(log, `"guard":"output_pii","rule":"EMAIL","action":"redact"`) {
		t.Error("the log lacks the output findings")
	}
	if strings.Contains(log, secret) || strings.Contains(log, testEmail) {
		t.Error("the log holds matched text")
	}
}

// TestToolCallArgumentsFlagged: flag records a secret in tool-call
// arguments and forwards the arguments unchanged.
func TestToolCallArgumentsFlagged(t *testing.T) {
	g := mustRunGatewayWith(t, upstreamsim.New(), toolPolicyConfig, nil)
	key, _ := g.mustKey(t, keys.CreateOptions{Name: "tools", Owner: "alice", Policy: "tool-flag"})
	rule, secret := pastedKey(t)
	got := toolSDKs(t, g, key, upstreamsim.ToolCallMarker+" the key is "+secret)
	for _, name := range toolCases {
		if c, ok := got[name]; !ok || note(t, c) != "the key is "+secret {
			t.Errorf("%s: the arguments were not forwarded unchanged", name)
		}
	}
	if log := g.log.String(); !strings.Contains(log, `"guard":"output_secrets","rule":"`+rule+`","action":"flag"`) || strings.Contains(log, secret) {
		t.Error("the log lacks the flag finding, or holds the key")
	}
}

// TestToolCallArgumentsRestored: an e-mail address pseudonymised on the way
// in comes back as itself in the tool call the model makes with the
// placeholder, so the application's tool gets the real value.
func TestToolCallArgumentsRestored(t *testing.T) {
	g := mustRunGatewayWith(t, upstreamsim.New(), toolPolicyConfig, nil)
	key, _ := g.mustKey(t, keys.CreateOptions{Name: "tools", Owner: "alice", Policy: "tool-pseudo"})
	got := toolSDKs(t, g, key, upstreamsim.ToolCallMarker+" send the invoice to "+testEmail+" today")
	if up := string(g.upstream.last(t).body); strings.Contains(up, testEmail) || !strings.Contains(up, "<EMAIL_1>") {
		t.Fatal("the model saw the e-mail address, or no placeholder")
	}
	for _, name := range toolCases {
		if c, ok := got[name]; !ok || note(t, c) != "send the invoice to "+testEmail+" today" {
			t.Errorf("%s: read %q, want the e-mail address restored in the arguments", name, strings.ReplaceAll(got[name].args, testEmail, "(the e-mail address)"))
		}
	}
}
