package main

import (
	"context"
	"encoding/json"
	"errors"
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

// historyPolicyConfig: hist blocks secrets (the default) and pseudonymises
// e-mail addresses on the way in; hist-fields lets only an order's id and
// status through.
const historyPolicyConfig = `
limits:
  requests_per_minute: 60000
  tokens_per_minute: 10000000
policies:
  hist:
    pii: {default: allow, EMAIL: pseudonymize}
  hist-fields:
    context_fields: [order_id, status]
`

// historyFormats are the wire formats historyCall speaks.
var historyFormats = []string{"openai-chat", "openai-responses", "anthropic", "gemini"}

// historyCall sends, through the official SDK of format, a conversation
// whose history holds a call of the tool lookup_order with args (written
// by the SDK as the format wants it: JSON text for OpenAI, an object for
// Anthropic and Gemini) and that tool's result, result; it returns the
// HTTP status of a refusal (0 when the call succeeded).
func historyCall(t *testing.T, g *testGateway, key, format string, args, result map[string]any) int {
	t.Helper()
	ctx := context.Background()
	argsJSON := string(mustJSON(t, args))
	resultJSON := string(mustJSON(t, result))
	var err error
	switch format {
	case "openai-chat":
		oc := openaiClient(g, key)
		_, err = oc.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: "gpt-4o-mini", Messages: []openai.ChatCompletionMessageParamUnion{
			openai.UserMessage("where is my order?"),
			{OfAssistant: &openai.ChatCompletionAssistantMessageParam{ToolCalls: []openai.ChatCompletionMessageToolCallUnionParam{{
				OfFunction: &openai.ChatCompletionMessageFunctionToolCallParam{ID: "call_1", Function: openai.ChatCompletionMessageFunctionToolCallFunctionParam{Name: "lookup_order", Arguments: argsJSON}},
			}}}},
			openai.ToolMessage(resultJSON, "call_1"),
			openai.UserMessage("thanks, and when does it arrive?"),
		}})
		var apiErr *openai.Error
		if errors.As(err, &apiErr) {
			return apiErr.StatusCode
		}
	case "openai-responses":
		oc := openaiClient(g, key)
		_, err = oc.Responses.New(ctx, responses.ResponseNewParams{Model: "gpt-4o-mini", Input: responses.ResponseNewParamsInputUnion{OfInputItemList: responses.ResponseInputParam{
			responses.ResponseInputItemParamOfMessage("where is my order?", responses.EasyInputMessageRoleUser),
			responses.ResponseInputItemParamOfFunctionCall(argsJSON, "call_1", "lookup_order"),
			responses.ResponseInputItemParamOfFunctionCallOutput(resultJSON),
			responses.ResponseInputItemParamOfMessage("thanks, and when does it arrive?", responses.EasyInputMessageRoleUser),
		}}})
		var apiErr *openai.Error
		if errors.As(err, &apiErr) {
			return apiErr.StatusCode
		}
	case "anthropic":
		ac := anthropic.NewClient(anthropicopt.WithBaseURL(g.URL()), anthropicopt.WithAPIKey(key), anthropicopt.WithMaxRetries(0))
		_, err = ac.Messages.New(ctx, anthropic.MessageNewParams{Model: "claude-haiku-4-5", MaxTokens: 300, Messages: []anthropic.MessageParam{
			anthropic.NewUserMessage(anthropic.NewTextBlock("where is my order?")),
			anthropic.NewAssistantMessage(anthropic.NewToolUseBlock("toolu_1", args, "lookup_order")),
			anthropic.NewUserMessage(anthropic.NewToolResultBlock("toolu_1", resultJSON, false), anthropic.NewTextBlock("thanks, and when does it arrive?")),
		}})
		var apiErr *anthropic.Error
		if errors.As(err, &apiErr) {
			return apiErr.StatusCode
		}
	case "gemini":
		gc, cerr := genai.NewClient(ctx, &genai.ClientConfig{APIKey: key, Backend: genai.BackendGeminiAPI, HTTPOptions: genai.HTTPOptions{BaseURL: g.URL()}})
		if cerr != nil {
			t.Fatal(cerr)
		}
		_, err = gc.Models.GenerateContent(ctx, "gemini-2.5-flash", []*genai.Content{
			genai.NewContentFromText("where is my order?", genai.RoleUser),
			genai.NewContentFromParts([]*genai.Part{genai.NewPartFromFunctionCall("lookup_order", args)}, genai.RoleModel),
			genai.NewContentFromParts([]*genai.Part{genai.NewPartFromFunctionResponse("lookup_order", result)}, genai.RoleUser),
			genai.NewContentFromText("thanks, and when does it arrive?", genai.RoleUser),
		}, nil)
		var apiErr genai.APIError
		if errors.As(err, &apiErr) {
			return apiErr.Code
		}
	default:
		t.Fatalf("no format %q", format)
	}
	if err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	return 0
}

// upstreamHistory returns, from the body the provider received in format,
// the tool-call arguments and the tool result of the history, each as JSON
// text, failing when the body or either of them is not valid JSON.
func upstreamHistory(t *testing.T, format string, body []byte) (args, result string) {
	t.Helper()
	if !json.Valid(body) {
		t.Fatalf("%s: the provider received a body that is not valid JSON (%d bytes)", format, len(body))
	}
	switch format {
	case "openai-chat":
		var b struct {
			Messages []struct {
				Content   json.RawMessage
				ToolCalls []struct{ Function struct{ Arguments string } } `json:"tool_calls"`
			}
		}
		mustUnmarshal(t, body, &b)
		args = b.Messages[1].ToolCalls[0].Function.Arguments
		mustUnmarshal(t, b.Messages[2].Content, &result)
	case "openai-responses":
		var b struct {
			Input []struct {
				Arguments string
				Output    string
			}
		}
		mustUnmarshal(t, body, &b)
		args, result = b.Input[1].Arguments, b.Input[2].Output
	case "anthropic":
		var b struct {
			Messages []struct {
				Content []struct {
					Input   json.RawMessage
					Content []struct{ Text string } // the SDK sends a tool_result's text as blocks
				}
			}
		}
		mustUnmarshal(t, body, &b)
		args, result = string(b.Messages[1].Content[0].Input), b.Messages[2].Content[0].Content[0].Text
	case "gemini":
		var b struct {
			Contents []struct {
				Parts []struct {
					FunctionCall     struct{ Args json.RawMessage } `json:"functionCall"`
					FunctionResponse struct {
						Response json.RawMessage
					} `json:"functionResponse"`
				}
			}
		}
		mustUnmarshal(t, body, &b)
		args, result = string(b.Contents[1].Parts[0].FunctionCall.Args), string(b.Contents[2].Parts[0].FunctionResponse.Response)
	}
	for _, s := range []string{args, result} {
		if !json.Valid([]byte(s)) {
			t.Fatalf("%s: the provider received tool JSON that is not valid (%d bytes)", format, len(s))
		}
	}
	return args, result
}

// A secret pasted into the arguments of a tool call in the history is
// found and the request refused, in every wire format: the decoders hand
// the arguments to the input guards.
func TestHistoryToolArgsSecretBlocked(t *testing.T) {
	g := mustRunGatewayWith(t, upstreamsim.New(), historyPolicyConfig, nil)
	key, _ := g.mustKey(t, keys.CreateOptions{Name: "bot", Owner: "alice", Policy: "hist"})
	sc := secretscan.Default()
	rule, ok := sc.Rule("openai-project-key")
	if !ok || rule.Example == nil {
		t.Fatal("no generator for openai-project-key")
	}
	pasted := rule.Example(rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())))
	for _, format := range historyFormats {
		t.Run(format, func(t *testing.T) {
			before := g.upstream.count()
			status := historyCall(t, g, key, format, map[string]any{"order_id": "A-1001", "note": "my key is " + pasted}, map[string]any{"status": "shipped"})
			if status != 400 {
				t.Errorf("status = %d, want 400", status)
			}
			if g.upstream.count() != before {
				t.Error("the request reached the provider")
			}
		})
	}
	if strings.Contains(g.log.String(), pasted) {
		t.Error("the secret was logged")
	}
}

// An e-mail address in the history's tool-call arguments and tool result
// is pseudonymised: the provider receives the placeholder, never the
// address, and the arguments and result are still valid JSON.
func TestHistoryToolArgsPseudonymised(t *testing.T) {
	g := mustRunGatewayWith(t, upstreamsim.New(), historyPolicyConfig, nil)
	key, _ := g.mustKey(t, keys.CreateOptions{Name: "bot", Owner: "alice", Policy: "hist"})
	for _, format := range historyFormats {
		t.Run(format, func(t *testing.T) {
			status := historyCall(t, g, key, format,
				map[string]any{"order_id": "A-1001", "contact": map[string]any{"email": testEmail}},
				map[string]any{"status": "shipped", "notify": testEmail})
			if status != 0 {
				t.Fatalf("status = %d, want success", status)
			}
			body := g.upstream.last(t).body
			if strings.Contains(string(body), testEmail) {
				t.Error("the provider received the e-mail address")
			}
			args, result := upstreamHistory(t, format, body)
			var a struct {
				OrderID string `json:"order_id"`
				Contact struct{ Email string }
			}
			mustUnmarshal(t, []byte(args), &a)
			if a.OrderID != "A-1001" || a.Contact.Email != "<EMAIL_1>" {
				t.Errorf("upstream arguments = %s, want the order id and <EMAIL_1>", args)
			}
			var r struct{ Status, Notify string }
			mustUnmarshal(t, []byte(result), &r)
			if r.Status != "shipped" || r.Notify != "<EMAIL_1>" {
				t.Errorf("upstream tool result = %s, want the status and <EMAIL_1>", result)
			}
		})
	}
	if !strings.Contains(g.log.String(), `"guard":"pii","rule":"EMAIL","action":"pseudonymize","count":2`) {
		t.Error("the log lacks the EMAIL findings")
	}
}

// With context_fields, the provider receives only the allowed fields of
// the history's tool-call arguments and tool results, in every wire
// format, and the access log counts the texts cut.
func TestHistoryContextFields(t *testing.T) {
	g := mustRunGatewayWith(t, upstreamsim.New(), historyPolicyConfig, nil)
	key, _ := g.mustKey(t, keys.CreateOptions{Name: "bot", Owner: "alice", Policy: "hist-fields"})
	for _, format := range historyFormats {
		t.Run(format, func(t *testing.T) {
			status := historyCall(t, g, key, format,
				map[string]any{"order_id": "A-1001", "contact": map[string]any{"email": testEmail}},
				map[string]any{"status": "shipped", "notify": testEmail, "items": []any{map[string]any{"sku": "X"}}})
			if status != 0 {
				t.Fatalf("status = %d, want success", status)
			}
			body := g.upstream.last(t).body
			if strings.Contains(string(body), testEmail) {
				t.Error("the provider received a field that is not allowed")
			}
			args, result := upstreamHistory(t, format, body)
			var a, r map[string]any
			mustUnmarshal(t, []byte(args), &a)
			mustUnmarshal(t, []byte(result), &r)
			if len(a) != 1 || a["order_id"] != "A-1001" {
				t.Errorf("upstream arguments = %s, want only order_id", args)
			}
			if len(r) != 1 || r["status"] != "shipped" {
				t.Errorf("upstream tool result = %s, want only status", result)
			}
			if !strings.Contains(string(body), "where is my order?") {
				t.Error("text that is not JSON was not forwarded as sent")
			}
		})
	}
	if !strings.Contains(g.log.String(), `"guard":"fields","rule":"context_fields","action":"filter","count":2`) {
		t.Error("the log lacks the fields finding")
	}
}
