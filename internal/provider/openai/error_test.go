package openai

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/responses"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/sse"
)

func TestWriteError(t *testing.T) {
	tests := []struct {
		code             gateway.Code
		status           int
		wantType, wantCd string
	}{
		{gateway.CodeInvalid, 400, "invalid_request_error", "invalid_request"},
		{gateway.CodeUnauthenticated, 401, "authentication_error", "invalid_api_key"},
		{gateway.CodeForbidden, 403, "permission_error", "forbidden"},
		{gateway.CodeNotFound, 404, "invalid_request_error", "unknown_url"},
		{gateway.CodeTooLarge, 413, "invalid_request_error", "request_too_large"},
		{gateway.CodeRateLimited, 429, "rate_limit_error", "rate_limit_exceeded"},
		{gateway.CodeBudgetExceeded, 402, "insufficient_quota", "insufficient_quota"},
		{gateway.CodeUpstream, 502, "api_error", "upstream_error"},
		{gateway.CodeInternal, 500, "api_error", "internal"},
		{gateway.Code("made_up"), 500, "api_error", "internal"},
	}
	for _, tt := range tests {
		t.Run(string(tt.code), func(t *testing.T) {
			rec := httptest.NewRecorder()
			rec.Header().Set("Content-Length", "999") // stale, from an upstream
			Adapter{}.WriteError(rec, &gateway.Error{Code: tt.code, Message: "no <way>", Err: errors.New("log only")})
			want := `{"error":{"message":"no \u003cway\u003e","type":"` + tt.wantType + `","param":null,"code":"` + tt.wantCd + `"}}`
			if rec.Code != tt.status || rec.Body.String() != want {
				t.Errorf("WriteError = %d %s, want %d %s", rec.Code, rec.Body, tt.status, want)
			}
			if rec.Header().Get("Content-Length") != "" {
				t.Error("WriteError kept a stale Content-Length")
			}
		})
	}
}

func TestWriteErrorEmptyMessage(t *testing.T) {
	rec := httptest.NewRecorder()
	Adapter{}.WriteError(rec, &gateway.Error{Code: gateway.CodeRateLimited})
	want := `{"error":{"message":"Too Many Requests","type":"rate_limit_error","param":null,"code":"rate_limit_exceeded"}}`
	if rec.Body.String() != want {
		t.Errorf("WriteError = %s, want %s", rec.Body, want)
	}
}

// TestWriteErrorSDK checks what the SDK makes of a refusal: its type, code
// and status, and that it does not retry a budget refusal.
func TestWriteErrorSDK(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls++
		Adapter{}.WriteError(w, gateway.Errorf(gateway.CodeBudgetExceeded, "the monthly budget of this key is used up"))
	}))
	defer srv.Close()
	client := openai.NewClient(option.WithBaseURL(srv.URL+"/v1"), option.WithAPIKey("test"))
	_, err := client.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{
		Model:    "gpt-4o-mini",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("hi")},
	})
	var apiErr *openai.Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v, want *openai.Error", err)
	}
	if apiErr.StatusCode != 402 || apiErr.Type != "insufficient_quota" || apiErr.Code != "insufficient_quota" || apiErr.Message != "the monthly budget of this key is used up" {
		t.Errorf("SDK error = %d %q %q %q", apiErr.StatusCode, apiErr.Type, apiErr.Code, apiErr.Message)
	}
	if calls != 1 {
		t.Errorf("SDK sent %d requests, want 1 (no retry of a budget refusal)", calls)
	}
}

// TestStreamErrorSDK ends a stream mid-way with StreamError and checks the
// SDK reports it as an error, for chat and Responses API streams.
func TestStreamErrorSDK(t *testing.T) {
	e := gateway.Errorf(gateway.CodeForbidden, "the answer was blocked by policy")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		sw := sse.NewWriter(w)
		if r.URL.Path == "/v1/responses" {
			_ = sw.WriteRaw([]byte("event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"id\":\"r\",\"object\":\"response\",\"status\":\"in_progress\",\"output\":[]}}\n\n"))
		} else {
			_ = sw.WriteRaw([]byte(`data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hel"}}]}` + "\n")) // cut short
		}
		name, data := Adapter{}.StreamError(e)
		_ = sw.WriteEvent(name, data)
	}))
	defer srv.Close()
	client := openai.NewClient(option.WithBaseURL(srv.URL+"/v1"), option.WithAPIKey("test"), option.WithMaxRetries(0))

	chat := client.Chat.Completions.NewStreaming(context.Background(), openai.ChatCompletionNewParams{
		Model: "m", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("hi")},
	})
	n := 0
	for chat.Next() {
		n++
	}
	if chat.Err() == nil || n != 1 {
		t.Errorf("chat stream: %d chunks, err %v; want 1 chunk then an error", n, chat.Err())
	}

	resp := client.Responses.NewStreaming(context.Background(), responsesParams("hi"))
	n = 0
	for resp.Next() {
		n++
	}
	if resp.Err() == nil || n != 1 {
		t.Errorf("responses stream: %d events, err %v; want 1 event then an error", n, resp.Err())
	}
}

func responsesParams(input string) responses.ResponseNewParams {
	return responses.ResponseNewParams{
		Model: "m",
		Input: responses.ResponseNewParamsInputUnion{OfString: openai.String(input)},
	}
}
