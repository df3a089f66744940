package main

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/anthropics/anthropic-sdk-go/v2"
	anthropicopt "github.com/anthropics/anthropic-sdk-go/v2/option"
	"github.com/openai/openai-go/v3"
	openaiopt "github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/responses"
	"google.golang.org/genai"
)

// The official SDKs are the clients in these tests: each must parse the
// gateway's successes, streams and refusals as it parses the provider's.

func openaiClient(g *testGateway, key string) openai.Client {
	return openai.NewClient(openaiopt.WithBaseURL(g.URL()+"/v1"), openaiopt.WithAPIKey(key), openaiopt.WithMaxRetries(0))
}

func TestOpenAISDK(t *testing.T) {
	g := mustRunGateway(t, "")
	ctx := context.Background()
	c := openaiClient(g, g.key)
	chat := openai.ChatCompletionNewParams{
		Model:    "gpt-4o-mini",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.SystemMessage("be brief"), openai.UserMessage("hello there")},
	}

	t.Run("chat", func(t *testing.T) {
		resp, err := c.Chat.Completions.New(ctx, chat)
		if err != nil {
			t.Fatalf("Chat.Completions.New: %v", err)
		}
		if len(resp.Choices) == 0 || resp.Choices[0].Message.Content == "" || resp.Usage.TotalTokens == 0 {
			t.Errorf("response = %+v, want a choice with content and usage", resp)
		}
		up := g.upstream.last(t)
		if got := up.header.Get("Authorization"); got != "Bearer "+g.provKeys["TEST_OPENAI_KEY"] {
			t.Errorf("provider saw Authorization %q, want the provider key", redactForTest(got))
		}
	})

	t.Run("chat-stream-hides-injected-usage", func(t *testing.T) {
		s := c.Chat.Completions.NewStreaming(ctx, chat)
		var text strings.Builder
		chunks, usageChunks := 0, 0
		for s.Next() {
			ch := s.Current()
			chunks++
			if len(ch.Choices) == 0 && ch.Usage.TotalTokens > 0 {
				usageChunks++
			}
			for _, c := range ch.Choices {
				text.WriteString(c.Delta.Content)
			}
		}
		if err := s.Err(); err != nil {
			t.Fatalf("stream: %v", err)
		}
		if text.Len() == 0 || chunks < 2 {
			t.Errorf("stream gave %d chunks and %q, want text in several chunks", chunks, text.String())
		}
		if usageChunks != 0 {
			t.Errorf("client saw %d usage chunks it did not ask for", usageChunks)
		}
		if !strings.Contains(string(g.upstream.last(t).body), `"include_usage":true`) {
			t.Error("the gateway did not ask the provider for stream usage")
		}
	})

	t.Run("chat-stream-with-usage-asked", func(t *testing.T) {
		p := chat
		p.StreamOptions = openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)}
		s := c.Chat.Completions.NewStreaming(ctx, p)
		var usage int64
		for s.Next() {
			usage = max(usage, s.Current().Usage.TotalTokens)
		}
		if err := s.Err(); err != nil || usage == 0 {
			t.Errorf("stream err %v, usage %d: want the usage chunk the client asked for", err, usage)
		}
	})

	t.Run("responses", func(t *testing.T) {
		r, err := c.Responses.New(ctx, responses.ResponseNewParams{
			Model: "gpt-4o-mini",
			Input: responses.ResponseNewParamsInputUnion{OfString: openai.String("hello")},
		})
		if err != nil {
			t.Fatalf("Responses.New: %v", err)
		}
		if r.OutputText() == "" || r.Usage.TotalTokens == 0 {
			t.Errorf("response output %q usage %d", r.OutputText(), r.Usage.TotalTokens)
		}
	})

	t.Run("responses-stream", func(t *testing.T) {
		s := c.Responses.NewStreaming(ctx, responses.ResponseNewParams{
			Model: "gpt-4o-mini",
			Input: responses.ResponseNewParamsInputUnion{OfString: openai.String("hello")},
		})
		completed := false
		for s.Next() {
			if s.Current().Type == "response.completed" {
				completed = true
			}
		}
		if err := s.Err(); err != nil || !completed {
			t.Errorf("stream err %v, completed %v", err, completed)
		}
	})

	t.Run("embeddings", func(t *testing.T) {
		e, err := c.Embeddings.New(ctx, openai.EmbeddingNewParams{
			Model: "text-embedding-3-small",
			Input: openai.EmbeddingNewParamsInputUnion{OfString: openai.String("hello")},
		})
		if err != nil || len(e.Data) == 0 {
			t.Fatalf("Embeddings.New = %v, %v", e, err)
		}
	})

	t.Run("models", func(t *testing.T) {
		page, err := c.Models.List(ctx)
		if err != nil || len(page.Data) == 0 {
			t.Fatalf("Models.List = %v, %v", page, err)
		}
	})

	errorCases := []struct {
		name   string
		client openai.Client
		params openai.ChatCompletionNewParams
		status int
		msg    string
	}{
		{"unknown-key", openaiClient(g, "agk_"+strings.Repeat("x", 46)), chat, 401, "aigate key"},
		{"too-long", c, openai.ChatCompletionNewParams{Model: "gpt-4o-mini", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage(strings.Repeat("a", 2001))}}, 400, "limit for a user message is 2,000"},
		{"max-tokens", c, openai.ChatCompletionNewParams{Model: "gpt-4o-mini", MaxTokens: openai.Int(5000), Messages: chat.Messages}, 400, "cap of 4096"},
		{"blank", c, openai.ChatCompletionNewParams{Model: "gpt-4o-mini", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("  \n")}}, 400, "whitespace"},
	}
	for _, tc := range errorCases {
		t.Run("error-"+tc.name, func(t *testing.T) {
			before := g.upstream.count()
			_, err := tc.client.Chat.Completions.New(ctx, tc.params)
			var apiErr *openai.Error
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v, want *openai.Error", err)
			}
			if apiErr.StatusCode != tc.status || !strings.Contains(apiErr.Message, tc.msg) {
				t.Errorf("error = %d %q, want %d containing %q", apiErr.StatusCode, apiErr.Message, tc.status, tc.msg)
			}
			if g.upstream.count() != before {
				t.Error("a refused request reached the provider")
			}
		})
	}
}

func TestAnthropicSDK(t *testing.T) {
	g := mustRunGateway(t, "")
	ctx := context.Background()
	c := anthropic.NewClient(anthropicopt.WithBaseURL(g.URL()), anthropicopt.WithAPIKey(g.key), anthropicopt.WithMaxRetries(0))
	params := anthropic.MessageNewParams{
		Model:     "claude-haiku-4-5",
		MaxTokens: 200,
		System:    []anthropic.TextBlockParam{{Text: "be brief"}},
		Messages:  []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("hello there"))},
	}

	t.Run("message", func(t *testing.T) {
		m, err := c.Messages.New(ctx, params)
		if err != nil {
			t.Fatalf("Messages.New: %v", err)
		}
		if len(m.Content) == 0 || m.Content[0].Text == "" || m.Usage.OutputTokens == 0 {
			t.Errorf("message = %+v", m)
		}
		up := g.upstream.last(t)
		if up.header.Get("X-Api-Key") != g.provKeys["TEST_ANTHROPIC_KEY"] || strings.Contains(up.header.Get("Authorization"), g.key) {
			t.Error("the provider did not get the provider key alone")
		}
	})

	t.Run("stream", func(t *testing.T) {
		s := c.Messages.NewStreaming(ctx, params)
		var msg anthropic.Message
		for s.Next() {
			if err := msg.Accumulate(s.Current()); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Err(); err != nil {
			t.Fatalf("stream: %v", err)
		}
		if len(msg.Content) == 0 || msg.Content[0].Text == "" || msg.Usage.OutputTokens == 0 {
			t.Errorf("accumulated message = %+v", msg)
		}
	})

	t.Run("count-tokens", func(t *testing.T) {
		n, err := c.Messages.CountTokens(ctx, anthropic.MessageCountTokensParams{
			Model:    "claude-haiku-4-5",
			Messages: params.Messages,
		})
		if err != nil || n.InputTokens == 0 {
			t.Fatalf("CountTokens = %v, %v", n, err)
		}
	})

	t.Run("errors", func(t *testing.T) {
		bad := anthropic.NewClient(anthropicopt.WithBaseURL(g.URL()), anthropicopt.WithAPIKey("wrong"), anthropicopt.WithMaxRetries(0))
		_, err := bad.Messages.New(ctx, params)
		var apiErr *anthropic.Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
			t.Fatalf("bad key: err = %v, want a 401 *anthropic.Error", err)
		}
		p := params
		p.MaxTokens = 8192
		_, err = c.Messages.New(ctx, p)
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest || !strings.Contains(err.Error(), "cap of 4096") {
			t.Fatalf("max_tokens: err = %v, want a 400 naming the cap", err)
		}
	})
}

func TestGeminiSDK(t *testing.T) {
	g := mustRunGateway(t, "")
	ctx := context.Background()
	newClient := func(key string) *genai.Client {
		c, err := genai.NewClient(ctx, &genai.ClientConfig{
			APIKey: key, Backend: genai.BackendGeminiAPI,
			HTTPOptions: genai.HTTPOptions{BaseURL: g.URL()},
		})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := newClient(g.key)
	const model = "gemini-2.5-flash"

	t.Run("generate", func(t *testing.T) {
		r, err := c.Models.GenerateContent(ctx, model, genai.Text("hello there"), nil)
		if err != nil {
			t.Fatalf("GenerateContent: %v", err)
		}
		if r.Text() == "" || r.UsageMetadata == nil || r.UsageMetadata.TotalTokenCount == 0 {
			t.Errorf("response text %q usage %+v", r.Text(), r.UsageMetadata)
		}
		if got := g.upstream.last(t).header.Get("X-Goog-Api-Key"); got != g.provKeys["TEST_GEMINI_KEY"] {
			t.Error("the provider did not get the provider key")
		}
	})

	t.Run("stream", func(t *testing.T) {
		var text strings.Builder
		n := 0
		for r, err := range c.Models.GenerateContentStream(ctx, model, genai.Text("hello there"), nil) {
			if err != nil {
				t.Fatalf("stream: %v", err)
			}
			n++
			text.WriteString(r.Text())
		}
		if n == 0 || text.Len() == 0 {
			t.Errorf("stream gave %d chunks, %q", n, text.String())
		}
	})

	t.Run("count-tokens", func(t *testing.T) {
		r, err := c.Models.CountTokens(ctx, model, genai.Text("hello there"), nil)
		if err != nil || r.TotalTokens == 0 {
			t.Fatalf("CountTokens = %+v, %v", r, err)
		}
	})

	t.Run("embed", func(t *testing.T) {
		r, err := c.Models.EmbedContent(ctx, "text-embedding-004", genai.Text("hello there"), nil)
		if err != nil || len(r.Embeddings) == 0 {
			t.Fatalf("EmbedContent = %+v, %v", r, err)
		}
	})

	t.Run("error", func(t *testing.T) {
		_, err := newClient("wrong").Models.GenerateContent(ctx, model, genai.Text("hello"), nil)
		var apiErr genai.APIError
		if !errors.As(err, &apiErr) || apiErr.Code != http.StatusUnauthorized {
			t.Fatalf("err = %v, want a 401 genai.APIError", err)
		}
	})
}

// redactForTest keeps a header value out of test output.
func redactForTest(s string) string {
	if len(s) > 12 {
		return s[:10] + "…"
	}
	return s
}
