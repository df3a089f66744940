package gemini_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"google.golang.org/genai"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider/gemini"
	"github.com/aigate-dev/aigate/internal/provider/providertest"
)

func TestConformance(t *testing.T) {
	requests := providertest.ReadFixtures(t, "testdata/requests")
	for i := range requests {
		requests[i].Model = "gemini-2.5-flash" // Gemini carries the model in the path
	}
	providertest.Run(t, providertest.Case{
		Adapter: gemini.Adapter{},
		Routes: []providertest.Route{
			{Method: "POST", Path: "/v1beta/models/gemini-2.5-flash:generateContent", Op: gateway.OpGenerateContent, Model: "gemini-2.5-flash", OK: true},
			{Method: "POST", Path: "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", Op: gateway.OpStreamGenerate, Model: "gemini-2.5-flash", OK: true},
			{Method: "POST", Path: "/v1/models/gemini-2.5-flash:countTokens", Op: gateway.OpGeminiCountTokens, Model: "gemini-2.5-flash", OK: true},
			{Method: "POST", Path: "/v1beta/models/text-embedding-004:embedContent", Op: gateway.OpEmbedContent, Model: "text-embedding-004", OK: true},
			{Method: "POST", Path: "/v1beta/models/text-embedding-004:batchEmbedContents", Op: gateway.OpGeminiBatchEmbed, Model: "text-embedding-004", OK: true},
			{Method: "POST", Path: "/v1beta/tunedModels/t1:generateContent", Op: gateway.OpGenerateContent, Model: "tunedModels/t1", OK: true},
			{Method: "GET", Path: "/v1beta/models/gemini-2.5-flash:generateContent"},
			{Method: "GET", Path: "/v1beta/models"},
			{Method: "POST", Path: "/v1beta/models/gemini-2.5-flash:predict"},
			{Method: "POST", Path: "/v1/chat/completions"},
		},
		Requests: requests,
		Usage: []providertest.UsageFixture{
			{Name: "response", Data: providertest.MustRead(t, "testdata/response.json"), Want: gateway.Usage{InputTokens: 1200, OutputTokens: 90, CachedInputTokens: 1024}},
			{Name: "stream-array", Data: providertest.MustRead(t, "testdata/stream_array.json"), Want: gateway.Usage{InputTokens: 8, OutputTokens: 15}},
			{Name: "sse-chunk", Data: []byte(`{"candidates":[{"content":{"parts":[{"text":"!"}],"role":"model"}}],"usageMetadata":{"promptTokenCount":8,"candidatesTokenCount":10}}`), Want: gateway.Usage{InputTokens: 8, OutputTokens: 10}},
		},
		ParseError: sdkParseError,
	})
}

// sdkParseError replays an error response to the official SDK and returns
// the message its genai.APIError holds.
func sdkParseError(status int, header http.Header, body []byte) (string, error) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		for k, vs := range header {
			w.Header()[k] = vs
		}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	client, err := genai.NewClient(context.Background(), &genai.ClientConfig{
		APIKey:      providertest.RandomKey("AIzaTEST"),
		Backend:     genai.BackendGeminiAPI,
		HTTPOptions: genai.HTTPOptions{BaseURL: srv.URL},
	})
	if err != nil {
		return "", err
	}
	_, err = client.Models.GenerateContent(context.Background(), "gemini-2.5-flash", genai.Text("hi"), nil)
	var apiErr genai.APIError
	if !errors.As(err, &apiErr) {
		return "", err
	}
	if apiErr.Code != status || apiErr.Status == "" {
		return "", errors.New("status not kept")
	}
	return apiErr.Message, nil
}
