package openai

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider/providertest"
)

func TestConformance(t *testing.T) {
	providertest.Run(t, providertest.Case{
		Adapter: Adapter{},
		Routes: []providertest.Route{
			{Method: "POST", Path: "/v1/chat/completions", Op: gateway.OpChatCompletions, OK: true},
			{Method: "POST", Path: "/v1/responses", Op: gateway.OpResponses, OK: true},
			{Method: "POST", Path: "/v1/embeddings", Op: gateway.OpEmbeddings, OK: true},
			{Method: "GET", Path: "/v1/models", Op: gateway.OpModels, OK: true},
			{Method: "GET", Path: "/v1/chat/completions"},
			{Method: "POST", Path: "/v1/models"},
			{Method: "POST", Path: "/chat/completions"},
			{Method: "POST", Path: "/v1/chat/completions/"},
			{Method: "POST", Path: "/openai/deployments/gpt-4o/chat/completions"},
			{Method: "POST", Path: "/openai/v1/chat/completions"},
			{Method: "GET", Path: "/v1/models/gpt-4o"},
		},
		Requests: providertest.ReadFixtures(t, "testdata/requests"),
		Usage: []providertest.UsageFixture{
			{Name: "chat", Data: providertest.MustRead(t, "testdata/usage/chat.json"), Want: gateway.Usage{InputTokens: 1117, OutputTokens: 46, CachedInputTokens: 1024}},
			{Name: "chat-usage-chunk", Data: providertest.MustRead(t, "testdata/usage/chat-usage-chunk.json"), Want: gateway.Usage{InputTokens: 9, OutputTokens: 12}},
			{Name: "responses", Data: providertest.MustRead(t, "testdata/usage/responses.json"), Want: gateway.Usage{InputTokens: 36, OutputTokens: 87, CachedInputTokens: 4}},
			{Name: "responses-completed-event", Data: providertest.MustRead(t, "testdata/usage/responses-completed-event.json"), Want: gateway.Usage{InputTokens: 37, OutputTokens: 11}},
			{Name: "embeddings", Data: providertest.MustRead(t, "testdata/usage/embeddings.json"), Want: gateway.Usage{InputTokens: 8}},
		},
		ParseError: sdkParseError,
	})
}

// sdkParseError replays an error response to the official SDK and returns
// the message the SDK's *openai.Error holds.
func sdkParseError(status int, header http.Header, body []byte) (string, error) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		for k, vs := range header {
			w.Header()[k] = vs
		}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	client := openai.NewClient(option.WithBaseURL(srv.URL+"/v1"), option.WithAPIKey("test"), option.WithMaxRetries(0))
	_, err := client.Models.List(context.Background())
	var apiErr *openai.Error
	if !errors.As(err, &apiErr) {
		return "", err
	}
	if apiErr.StatusCode != status {
		return "", errors.New("status not kept")
	}
	return apiErr.Message, nil
}
