package upstreamsim

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/responses"
)

// openaiPromptText is user text that must never come back in an answer.
const openaiPromptText = "my secret question about penguins"

// openaiClient returns an SDK client for a fresh simulator.
func openaiClient(t *testing.T) openai.Client {
	t.Helper()
	srv := httptest.NewServer(OpenAI())
	t.Cleanup(srv.Close)
	return openai.NewClient(option.WithBaseURL(srv.URL+"/v1"), option.WithAPIKey("sim-test"), option.WithMaxRetries(0))
}

func openaiChatParams(maxTokens int64) openai.ChatCompletionNewParams {
	p := openai.ChatCompletionNewParams{
		Model: "gpt-4o-mini",
		Messages: []openai.ChatCompletionMessageParamUnion{
			openai.SystemMessage("Be brief."),
			openai.UserMessage(openaiPromptText),
		},
	}
	if maxTokens > 0 {
		p.MaxCompletionTokens = openai.Int(maxTokens)
	}
	return p
}

const openaiWantAnswer = "This is a simulated reply from gpt-4o-mini. Your last message was 33 characters long."

func TestOpenAIChatSDK(t *testing.T) {
	client := openaiClient(t)
	c, err := client.Chat.Completions.New(context.Background(), openaiChatParams(0))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Choices[0].Message.Content; got != openaiWantAnswer {
		t.Errorf("content = %q, want %q", got, openaiWantAnswer)
	}
	if c.Choices[0].FinishReason != "stop" || c.Model != "gpt-4o-mini" || c.Object != "chat.completion" {
		t.Errorf("finish %q, model %q, object %q", c.Choices[0].FinishReason, c.Model, c.Object)
	}
	// 9 + 33 characters → 11 tokens; the 85-character answer → 22.
	if c.Usage.PromptTokens != 11 || c.Usage.CompletionTokens != 22 || c.Usage.TotalTokens != 33 {
		t.Errorf("usage = %+v, want 11 + 22 = 33", c.Usage)
	}
}

func TestOpenAIChatMaxTokens(t *testing.T) {
	client := openaiClient(t)
	c, err := client.Chat.Completions.New(context.Background(), openaiChatParams(5))
	if err != nil {
		t.Fatal(err)
	}
	if c.Choices[0].FinishReason != "length" || c.Usage.CompletionTokens != 5 || len(c.Choices[0].Message.Content) != 20 {
		t.Errorf("finish %q, completion tokens %d, content %q; want length, 5, 20 characters",
			c.Choices[0].FinishReason, c.Usage.CompletionTokens, c.Choices[0].Message.Content)
	}
}

func TestOpenAIChatStreamSDK(t *testing.T) {
	for _, withUsage := range []bool{true, false} {
		t.Run(map[bool]string{true: "with-usage", false: "without-usage"}[withUsage], func(t *testing.T) {
			p := openaiChatParams(0)
			if withUsage {
				p.StreamOptions = openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)}
			}
			client := openaiClient(t)
			stream := client.Chat.Completions.NewStreaming(context.Background(), p)
			var acc openai.ChatCompletionAccumulator
			chunks, usageChunks := 0, 0
			for stream.Next() {
				ch := stream.Current()
				acc.AddChunk(ch)
				chunks++
				if ch.JSON.Usage.Valid() && ch.Usage.TotalTokens > 0 {
					usageChunks++
					if len(ch.Choices) != 0 {
						t.Errorf("usage chunk has %d choices, want none", len(ch.Choices))
					}
				}
			}
			if err := stream.Err(); err != nil {
				t.Fatal(err)
			}
			if got := acc.Choices[0].Message.Content; got != openaiWantAnswer {
				t.Errorf("streamed content = %q, want %q", got, openaiWantAnswer)
			}
			if chunks < 4 {
				t.Errorf("%d chunks, want the answer in several", chunks)
			}
			wantUsage := map[bool]int{true: 1, false: 0}[withUsage]
			if usageChunks != wantUsage {
				t.Errorf("%d usage chunks, want %d", usageChunks, wantUsage)
			}
			if withUsage && (acc.Usage.PromptTokens != 11 || acc.Usage.CompletionTokens != 22) {
				t.Errorf("usage = %+v, want 11 + 22", acc.Usage)
			}
		})
	}
}

func openaiResponsesParams(maxTokens int64) responses.ResponseNewParams {
	p := responses.ResponseNewParams{
		Model:        "gpt-4o-mini",
		Instructions: openai.String("Be brief."),
		Input:        responses.ResponseNewParamsInputUnion{OfString: openai.String(openaiPromptText)},
	}
	if maxTokens > 0 {
		p.MaxOutputTokens = openai.Int(maxTokens)
	}
	return p
}

func TestOpenAIResponsesSDK(t *testing.T) {
	client := openaiClient(t)
	r, err := client.Responses.New(context.Background(), openaiResponsesParams(0))
	if err != nil {
		t.Fatal(err)
	}
	if got := r.OutputText(); got != openaiWantAnswer {
		t.Errorf("output text = %q, want %q", got, openaiWantAnswer)
	}
	if r.Status != "completed" || r.Usage.InputTokens != 11 || r.Usage.OutputTokens != 22 || r.Usage.TotalTokens != 33 {
		t.Errorf("status %q, usage %+v; want completed, 11 + 22", r.Status, r.Usage)
	}
}

func TestOpenAIResponsesMaxOutputTokens(t *testing.T) {
	client := openaiClient(t)
	r, err := client.Responses.New(context.Background(), openaiResponsesParams(3))
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != "incomplete" || r.IncompleteDetails.Reason != "max_output_tokens" || r.Usage.OutputTokens != 3 {
		t.Errorf("status %q (%q), output tokens %d; want incomplete (max_output_tokens), 3", r.Status, r.IncompleteDetails.Reason, r.Usage.OutputTokens)
	}
}

func TestOpenAIResponsesStreamSDK(t *testing.T) {
	client := openaiClient(t)
	stream := client.Responses.NewStreaming(context.Background(), openaiResponsesParams(0))
	var types []string
	var text strings.Builder
	var final responses.Response
	seq := int64(0)
	for stream.Next() {
		ev := stream.Current()
		if ev.SequenceNumber != seq {
			t.Errorf("event %s: sequence_number %d, want %d", ev.Type, ev.SequenceNumber, seq)
		}
		seq++
		if len(types) == 0 || types[len(types)-1] != ev.Type {
			types = append(types, ev.Type)
		}
		switch ev.Type {
		case "response.output_text.delta":
			text.WriteString(ev.AsResponseOutputTextDelta().Delta)
		case "response.completed":
			final = ev.AsResponseCompleted().Response
		}
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
		"response.output_text.delta", "response.output_text.done", "response.content_part.done",
		"response.output_item.done", "response.completed",
	}
	if strings.Join(types, " ") != strings.Join(want, " ") {
		t.Errorf("event types = %v, want %v", types, want)
	}
	if text.String() != openaiWantAnswer || final.OutputText() != openaiWantAnswer {
		t.Errorf("deltas %q, final %q; want %q", text.String(), final.OutputText(), openaiWantAnswer)
	}
	if final.Usage.InputTokens != 11 || final.Usage.OutputTokens != 22 {
		t.Errorf("final usage = %+v, want 11 + 22", final.Usage)
	}
}

func TestOpenAIEmbeddingsSDK(t *testing.T) {
	client := openaiClient(t)
	e, err := client.Embeddings.New(context.Background(), openai.EmbeddingNewParams{
		Model: "text-embedding-3-small",
		Input: openai.EmbeddingNewParamsInputUnion{OfArrayOfStrings: []string{"first text", "second"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Data) != 2 || len(e.Data[0].Embedding) != 16 || e.Data[1].Index != 1 {
		t.Fatalf("data = %d vectors of %d dimensions", len(e.Data), len(e.Data[0].Embedding))
	}
	if e.Usage.PromptTokens != 3+2 || e.Usage.TotalTokens != 5 {
		t.Errorf("usage = %+v, want 5 tokens", e.Usage)
	}
	again, err := client.Embeddings.New(context.Background(), openai.EmbeddingNewParams{
		Model:      "text-embedding-3-small",
		Input:      openai.EmbeddingNewParamsInputUnion{OfString: openai.String("first text")},
		Dimensions: openai.Int(4),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Data[0].Embedding) != 4 {
		t.Errorf("dimensions = %d, want 4", len(again.Data[0].Embedding))
	}
}

func TestOpenAIEmbeddingsBase64(t *testing.T) {
	rec := openaiDo(t, "POST", "/v1/embeddings", `{"model":"e","input":[[1,2,3]],"encoding_format":"base64","dimensions":8}`, true)
	var body struct {
		Data []struct {
			Embedding string `json:"embedding"`
		} `json:"data"`
		Usage struct {
			PromptTokens int `json:"prompt_tokens"`
		} `json:"usage"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	b, err := base64.StdEncoding.DecodeString(body.Data[0].Embedding)
	if err != nil || len(b) != 32 || body.Usage.PromptTokens != 3 {
		t.Errorf("base64 embedding of %d bytes (%v), %d tokens; want 32 bytes, 3 tokens", len(b), err, body.Usage.PromptTokens)
	}
}

func TestOpenAIModelsSDK(t *testing.T) {
	client := openaiClient(t)
	page, err := client.Models.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range page.Data {
		ids = append(ids, m.ID)
	}
	if len(ids) == 0 || ids[0] != "gpt-4o-mini" {
		t.Errorf("models = %v", ids)
	}
}

func openaiDo(t *testing.T, method, path, body string, auth bool) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if auth {
		req.Header.Set("Authorization", "Bearer sim-test")
	}
	rec := httptest.NewRecorder()
	OpenAI().ServeHTTP(rec, req)
	return rec
}

func TestOpenAIErrors(t *testing.T) {
	chat := `{"model":"m","messages":[{"role":"user","content":"hi"}]}`
	tests := []struct {
		name, method, path, body, authz string
		status                          int
		wantType                        string
	}{
		{"no-key", "POST", "/v1/chat/completions", chat, "", 401, "invalid_request_error"},
		{"basic-auth", "POST", "/v1/chat/completions", chat, "Basic abc", 401, "invalid_request_error"},
		{"empty-bearer", "POST", "/v1/responses", chat, "Bearer  ", 401, "invalid_request_error"},
		{"malformed-json", "POST", "/v1/chat/completions", `{"model":`, "Bearer k", 400, "invalid_request_error"},
		{"no-model", "POST", "/v1/embeddings", `{"input":"x"}`, "Bearer k", 400, "invalid_request_error"},
		{"no-messages", "POST", "/v1/chat/completions", `{"model":"m"}`, "Bearer k", 400, "invalid_request_error"},
		{"bad-embeddings-input", "POST", "/v1/embeddings", `{"model":"m","input":{}}`, "Bearer k", 400, "invalid_request_error"},
		{"unknown-path", "POST", "/v1/completions", chat, "Bearer k", 404, "invalid_request_error"},
		{"wrong-method", "GET", "/v1/chat/completions", "", "Bearer k", 405, "invalid_request_error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
			if tt.authz != "" {
				req.Header.Set("Authorization", tt.authz)
			}
			rec := httptest.NewRecorder()
			OpenAI().ServeHTTP(rec, req)
			var body struct {
				Error struct {
					Message string  `json:"message"`
					Type    string  `json:"type"`
					Param   *string `json:"param"`
				} `json:"error"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %q: %v", rec.Body, err)
			}
			if rec.Code != tt.status || body.Error.Type != tt.wantType || body.Error.Message == "" {
				t.Errorf("%s %s = %d %s, want %d %s", tt.method, tt.path, rec.Code, rec.Body, tt.status, tt.wantType)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
		})
	}
}

// TestOpenAIErrorSDK checks the SDK parses the simulator's 401.
func TestOpenAIErrorSDK(t *testing.T) {
	srv := httptest.NewServer(OpenAI())
	defer srv.Close()
	client := openai.NewClient(option.WithBaseURL(srv.URL+"/v1"), option.WithAPIKey("x"), option.WithMaxRetries(0),
		option.WithHeaderDel("Authorization"))
	_, err := client.Models.List(context.Background())
	var apiErr *openai.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 || !strings.Contains(apiErr.Message, "API key") {
		t.Errorf("error = %v, want a 401 *openai.Error about the API key", err)
	}
}

func TestOpenAINeverEchoesPrompt(t *testing.T) {
	for _, c := range []struct{ path, body string }{
		{"/v1/chat/completions", `{"model":"m","messages":[{"role":"user","content":"` + openaiPromptText + `"}]}`},
		{"/v1/chat/completions", `{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":[{"type":"text","text":"` + openaiPromptText + `"}]}]}`},
		{"/v1/responses", `{"model":"m","input":[{"role":"user","content":[{"type":"input_text","text":"` + openaiPromptText + `"}]}]}`},
		{"/v1/responses", `{"model":"m","stream":true,"input":"` + openaiPromptText + `"}`},
		{"/v1/embeddings", `{"model":"m","input":"` + openaiPromptText + `"}`},
	} {
		rec := openaiDo(t, "POST", c.path, c.body, true)
		if rec.Code != 200 {
			t.Errorf("POST %s = %d %s", c.path, rec.Code, rec.Body)
		}
		if strings.Contains(rec.Body.String(), "penguins") {
			t.Errorf("POST %s echoed the prompt: %s", c.path, rec.Body)
		}
	}
}

func TestOpenAIStreamWireFormat(t *testing.T) {
	rec := openaiDo(t, "POST", "/v1/chat/completions", `{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}`, true)
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Errorf("Content-Type = %q", ct)
	}
	if !rec.Flushed {
		t.Error("stream was not flushed")
	}
	body := rec.Body.String()
	if !strings.HasSuffix(body, "data: [DONE]\n\n") || strings.Contains(body, `"usage"`) {
		t.Errorf("stream without include_usage = %s", body)
	}
	for _, ev := range strings.SplitAfter(strings.TrimSuffix(body, "\n\n"), "\n\n") {
		if !strings.HasPrefix(ev, "data: ") {
			t.Errorf("event %q is not a data event", ev)
		}
	}
}
