package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
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
// and restores it in the arguments; tool-pinned pins a prompt with a
// canary; tool-in redacts e-mail addresses on the way in.
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
  tool-pinned:
    system_prompt: "` + pinnedPrompt + `"
  tool-in:
    pii: {EMAIL: redact}
`

// toolCall is what a client read of the simulated model's tool call: the
// tool's name and its arguments as JSON text.
type toolCall struct{ name, args string }

// toolSDKs calls the gateway through each SDK, streaming and not, with
// prompt, and returns the tool call each read, by case name.
func toolSDKs(t *testing.T, g *testGateway, key, prompt string) map[string]toolCall {
	t.Helper()
	got, errs := toolCalls(t, g, key, prompt)
	for _, name := range toolCases {
		if err := errs[name]; err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	return got
}

// toolCalls is toolSDKs returning, by case name, the error a call or a
// stream ended with instead of failing on it.
func toolCalls(t *testing.T, g *testGateway, key, prompt string) (map[string]toolCall, map[string]error) {
	t.Helper()
	ctx := context.Background()
	got := map[string]toolCall{}
	errs := map[string]error{}
	oc := openaiClient(g, key)
	chat := openai.ChatCompletionNewParams{Model: "gpt-4o-mini", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage(prompt)}}
	r, err := oc.Chat.Completions.New(ctx, chat)
	errs["openai-chat"] = err
	if err == nil {
		if tc := r.Choices[0].Message.ToolCalls; len(tc) == 1 {
			got["openai-chat"] = toolCall{tc[0].Function.Name, tc[0].Function.Arguments}
		}
	}
	s := oc.Chat.Completions.NewStreaming(ctx, chat)
	var acc openai.ChatCompletionAccumulator
	for s.Next() {
		acc.AddChunk(s.Current())
	}
	errs["openai-chat-stream"] = s.Err()
	if s.Err() == nil {
		if tc := acc.Choices[0].Message.ToolCalls; len(tc) == 1 {
			got["openai-chat-stream"] = toolCall{tc[0].Function.Name, tc[0].Function.Arguments}
		}
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
	errs["openai-responses"] = err
	if err == nil {
		if c, ok := responsesCall(rr); ok {
			got["openai-responses"] = c
		}
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
	errs["openai-responses-stream"] = rs.Err()

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
	errs["anthropic"] = err
	if err == nil {
		if c, ok := anthropicCall(m); ok {
			got["anthropic"] = c
		}
	}
	as := ac.Messages.NewStreaming(ctx, ap)
	var msg anthropic.Message
	var accErr error
	for as.Next() {
		if err := msg.Accumulate(as.Current()); err != nil && accErr == nil {
			accErr = err
		}
	}
	errs["anthropic-stream"] = cmp.Or(as.Err(), accErr)
	if errs["anthropic-stream"] == nil {
		if c, ok := anthropicCall(&msg); ok {
			got["anthropic-stream"] = c
		}
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
	errs["gemini"] = err
	if err == nil {
		if c, ok := geminiCall(gr); ok {
			got["gemini"] = c
		}
	}
	for r, err := range gc.Models.GenerateContentStream(ctx, "gemini-2.5-flash", genai.Text(prompt), nil) {
		if err != nil {
			errs["gemini-stream"] = err
			break
		}
		if c, ok := geminiCall(r); ok {
			got["gemini-stream"] = c
		}
	}
	return got, errs
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

// escapeJSON spells every byte of s, ASCII, as a \u escape.
func escapeJSON(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, `\u%04x`, s[i])
	}
	return b.String()
}

// escapedArgs returns tool-call arguments that spell an e-mail address, a
// key and a card number so a detector reading the JSON text would not see
// them: the address with \u escapes (enough of them that streamed
// fragments of a few bytes cut some in two), the key with its first
// letter escaped, the card number once with an escaped space and once as
// a JSON number; the address again as an object key.
func escapedArgs(secret string) string {
	local, domain, _ := strings.Cut(testEmail, "@")
	return `{"note":"mail ` + escapeJSON(local) + `\u0040` + domain + ` the key \u` + fmt.Sprintf("%04x", secret[0]) + secret[1:] + ` today",` +
		`"card":"4111\u00201111 1111 1111","n":4111111111111111,"\u0074o":["` + escapeJSON(testEmail) + `"],"` + escapeJSON(testEmail) + `":1}`
}

// TestToolCallArgumentsEscapedRedacted: values spelt with JSON escapes in
// a tool call's arguments are redacted all the same, in each dialect,
// streaming (escapes cut between fragments) and not, and the arguments
// stay valid JSON: a card number written as a number becomes a string.
func TestToolCallArgumentsEscapedRedacted(t *testing.T) {
	g := mustRunGatewayWith(t, upstreamsim.New(), toolPolicyConfig, nil)
	key, _ := g.mustKey(t, keys.CreateOptions{Name: "tools", Owner: "alice", Policy: "tool-scan"})
	rule, secret := pastedKey(t)
	got := toolSDKs(t, g, key, "File this. "+upstreamsim.ToolArgsMarker+" "+escapedArgs(secret))
	for _, name := range toolCases {
		t.Run(name, func(t *testing.T) {
			c, ok := got[name]
			if !ok {
				t.Fatal("the client read no tool call")
			}
			if c.name != upstreamsim.SimToolName || !json.Valid([]byte(c.args)) {
				t.Fatalf("tool %q, or arguments (%d bytes) that are not valid JSON", c.name, len(c.args))
			}
			var a struct {
				Note, Card string
				N          any
				To         []string
			}
			if err := json.Unmarshal([]byte(c.args), &a); err != nil {
				t.Fatalf("the arguments do not decode as the model wrote them: %v", err)
			}
			var m map[string]any
			_ = json.Unmarshal([]byte(c.args), &m)
			all := a.Note + a.Card + fmt.Sprint(a.N) + strings.Join(a.To, "") + fmt.Sprint(m)
			if strings.Contains(all, secret) || strings.Contains(all, "example.org") || strings.Contains(all, "4111") {
				t.Fatalf("a value reached the client unredacted (the arguments are %d bytes)", len(c.args))
			}
			if a.Note != "mail [EMAIL] the key [REDACTED "+rule+" "+secretscan.Mask([]byte(secret))+"] today" {
				t.Errorf("note (%d bytes) lacks the redaction markers or the text around them", len(a.Note))
			}
			if a.Card != "[CREDIT_CARD]" || a.N != "[CREDIT_CARD]" || len(a.To) != 1 || a.To[0] != "[EMAIL]" {
				t.Errorf("card %q, n %v, to %q: want the markers", a.Card, a.N, a.To)
			}
		})
	}
	log := g.log.String()
	for _, want := range []string{`"guard":"output_secrets","rule":"` + rule + `","action":"redact"`, `"guard":"output_pii","rule":"EMAIL","action":"redact"`, `"guard":"output_pii","rule":"CREDIT_CARD","action":"redact"`} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %s", want)
		}
	}
	if strings.Contains(log, secret) || strings.Contains(log, testEmail) {
		t.Error("the log holds matched text")
	}
}

// TestToolCallArgumentsPhoneUnderKey: a phone number the model writes as
// bare digits under a phone key, as a JSON number or a string, is redacted
// in every dialect, streaming and not (OpenAI's arguments are JSON text,
// Anthropic's and Gemini's whole objects, or fragments when streamed);
// a timestamp under another key is left as the model wrote it.
func TestToolCallArgumentsPhoneUnderKey(t *testing.T) {
	g := mustRunGatewayWith(t, upstreamsim.New(), toolPolicyConfig, nil)
	key, _ := g.mustKey(t, keys.CreateOptions{Name: "tools", Owner: "alice", Policy: "tool-scan"})
	const phone, alt = "14155550134", "442079460123"
	got := toolSDKs(t, g, key, "Call them. "+upstreamsim.ToolArgsMarker+` {"phone":`+phone+`,"contact":{"mobile_number":"`+alt+`"},"created_at":1700000000}`)
	for _, name := range toolCases {
		t.Run(name, func(t *testing.T) {
			c, ok := got[name]
			if !ok {
				t.Fatal("the client read no tool call")
			}
			var a struct {
				Phone   any
				Contact struct {
					Mobile any `json:"mobile_number"`
				}
				Created json.Number `json:"created_at"`
			}
			d := json.NewDecoder(strings.NewReader(c.args))
			d.UseNumber()
			if err := d.Decode(&a); err != nil {
				t.Fatalf("the arguments are not the JSON object the model wrote: %v", err)
			}
			if a.Phone != "[PHONE]" || a.Contact.Mobile != "[PHONE]" {
				t.Errorf("phone redacted %v, mobile_number redacted %v: want both", a.Phone == "[PHONE]", a.Contact.Mobile == "[PHONE]")
			}
			if a.Created != "1700000000" {
				t.Errorf("created_at = %q, want the timestamp as written", a.Created)
			}
		})
	}
	if log := g.log.String(); strings.Contains(log, phone) || strings.Contains(log, alt) {
		t.Error("the log holds matched text")
	}
}

// TestToolCallArgumentsEscapedFlagged: flag forwards escaped arguments
// with the same values (their escapes may be written out) and records what
// the escapes hid.
func TestToolCallArgumentsEscapedFlagged(t *testing.T) {
	g := mustRunGatewayWith(t, upstreamsim.New(), toolPolicyConfig, nil)
	key, _ := g.mustKey(t, keys.CreateOptions{Name: "tools", Owner: "alice", Policy: "tool-flag"})
	rule, secret := pastedKey(t)
	args := `{"note":"the key \u` + fmt.Sprintf("%04x", secret[0]) + secret[1:] + `"}`
	got := toolSDKs(t, g, key, upstreamsim.ToolArgsMarker+" "+args)
	for _, name := range toolCases {
		if c, ok := got[name]; !ok || note(t, c) != "the key "+secret {
			t.Errorf("%s: the arguments were not forwarded with the same values", name)
		}
	}
	log := g.log.String()
	if n := strings.Count(log, `"guard":"output_secrets","rule":"`+rule+`","action":"flag"`); n != len(toolCases) {
		t.Errorf("the log holds %d flag findings, want one per call (%d)", n, len(toolCases))
	}
	if strings.Contains(log, secret) {
		t.Error("the log holds the key")
	}
}

// TestToolCallArgumentsEscapedCanary: a model that smuggles its pinned
// prompt out through a tool call, every character an escape, has the
// answer withheld, in each dialect, streaming and not.
func TestToolCallArgumentsEscapedCanary(t *testing.T) {
	g := mustRunGatewayWith(t, upstreamsim.New(), toolPolicyConfig, nil)
	key, _ := g.mustKey(t, keys.CreateOptions{Name: "tools", Owner: "alice", Policy: "tool-pinned"})
	got, errs := toolCalls(t, g, key, "How do returns work? "+upstreamsim.LeakArgsMarker)
	for _, name := range toolCases {
		err := errs[name]
		var apiErr *openai.Error
		if errors.As(err, &apiErr) {
			err = errors.New(apiErr.Message)
		}
		if err == nil || !strings.Contains(err.Error(), "withheld") {
			t.Errorf("%s: err = %v, want the answer withheld", name, err)
		}
		if c, ok := got[name]; ok && (strings.Contains(c.args, "cnry-") || strings.Contains(c.args, `\u0063\u006e`)) {
			t.Errorf("%s: the client read the arguments", name)
		}
	}
	if log := g.log.String(); !strings.Contains(log, `"guard":"canary","rule":"canary","action":"block"`) || strings.Contains(log, "cnry-") {
		t.Error("the log lacks the canary finding, or holds the canary")
	}
}

// TestToolCallArgumentsEscapedRestored: a placeholder the model writes
// with escapes in a tool call's arguments is restored too.
func TestToolCallArgumentsEscapedRestored(t *testing.T) {
	g := mustRunGatewayWith(t, upstreamsim.New(), toolPolicyConfig, nil)
	key, _ := g.mustKey(t, keys.CreateOptions{Name: "tools", Owner: "alice", Policy: "tool-pseudo"})
	got := toolSDKs(t, g, key, "Invoice "+testEmail+". "+upstreamsim.ToolArgsMarker+` {"note":"send to \u003cEMAIL_1\u003e"}`)
	if up := string(g.upstream.last(t).body); strings.Contains(up, testEmail) {
		t.Fatal("the model saw the e-mail address")
	}
	for _, name := range toolCases {
		if c, ok := got[name]; !ok || note(t, c) != "send to "+testEmail {
			t.Errorf("%s: read %q, want the e-mail address restored in the arguments", name, strings.ReplaceAll(got[name].args, testEmail, "(the e-mail address)"))
		}
	}
}

// TestToolResultEscapesSeenThrough: a tool's result that is a JSON
// document spelling an e-mail address with escapes has it redacted before
// it goes upstream, as it would be written plainly.
func TestToolResultEscapesSeenThrough(t *testing.T) {
	g := mustRunGatewayWith(t, upstreamsim.New(), toolPolicyConfig, nil)
	key, _ := g.mustKey(t, keys.CreateOptions{Name: "tools", Owner: "alice", Policy: "tool-in"})
	local, domain, _ := strings.Cut(testEmail, "@")
	result := string(mustJSON(t, `{"customer":{"email":"`+escapeJSON(local)+`\u0040`+domain+`"}}`))
	call := `{"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{}"}}`
	bodies := map[string]struct{ path, body string }{
		"openai-chat": {"/v1/chat/completions", `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"who?"},` +
			`{"role":"assistant","tool_calls":[` + call + `]},{"role":"tool","tool_call_id":"call_1","content":` + result + `}]}`},
		"openai-responses": {"/v1/responses", `{"model":"gpt-4o-mini","input":[{"role":"user","content":"who?"},` +
			`{"type":"function_call","call_id":"call_1","name":"lookup","arguments":"{}"},{"type":"function_call_output","call_id":"call_1","output":` + result + `}]}`},
		"anthropic": {"/v1/messages", `{"model":"claude-haiku-4-5","max_tokens":100,"messages":[{"role":"user","content":"who?"},` +
			`{"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"lookup","input":{}}]},` +
			`{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":` + result + `}]}]}`},
	}
	for name, b := range bodies {
		t.Run(name, func(t *testing.T) {
			h := bearerHeader(key)
			if name == "anthropic" {
				h = http.Header{"X-Api-Key": {key}, "Anthropic-Version": {"2023-06-01"}}
			}
			resp, data := g.do(t, "POST", b.path, b.body, h)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", resp.StatusCode, data)
			}
			up := string(g.upstream.last(t).body)
			if !json.Valid([]byte(up)) || strings.Contains(up, domain) || !strings.Contains(up, `{\"email\":\"[EMAIL]\"}`) {
				t.Errorf("upstream body (%d bytes) holds the e-mail address, or not the redacted tool result", len(up))
			}
		})
	}
}
