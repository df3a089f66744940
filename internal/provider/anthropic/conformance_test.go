package anthropic_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	sdk "github.com/anthropics/anthropic-sdk-go/v2"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider/anthropic"
	"github.com/aigate-dev/aigate/internal/provider/providertest"
)

func TestConformance(t *testing.T) {
	providertest.Run(t, providertest.Case{
		Adapter: anthropic.Adapter{},
		Routes: []providertest.Route{
			{Method: "POST", Path: "/v1/messages", Op: gateway.OpMessages, OK: true},
			{Method: "POST", Path: "/v1/messages/count_tokens", Op: gateway.OpCountTokens, OK: true},
			{Method: "GET", Path: "/v1/messages"},
			{Method: "POST", Path: "/v1/messages/batches"},
			{Method: "POST", Path: "/v1/complete"},
			{Method: "POST", Path: "/messages"},
		},
		Requests: providertest.ReadFixtures(t, "testdata/requests"),
		Usage: []providertest.UsageFixture{
			{Name: "message", Data: providertest.MustRead(t, "testdata/message.json"), Want: gateway.Usage{InputTokens: 2598, OutputTokens: 503, CachedInputTokens: 503}},
			{Name: "message_start", Data: []byte(`{"type":"message_start","message":{"id":"m","type":"message","role":"assistant","content":[],"usage":{"input_tokens":25,"output_tokens":1}}}`), Want: gateway.Usage{InputTokens: 25, OutputTokens: 1}},
			{Name: "message_delta", Data: []byte(`{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":15}}`), Want: gateway.Usage{OutputTokens: 15}},
		},
		ParseError: sdkParseError,
	})
}

// sdkParseError replays an error response to the official SDK and returns
// the message its *anthropic.Error holds.
func sdkParseError(status int, header http.Header, body []byte) (string, error) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		for k, vs := range header {
			w.Header()[k] = vs
		}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	client := newClient(srv.URL)
	_, err := client.Messages.CountTokens(context.Background(), sdk.MessageCountTokensParams{Model: "m", Messages: question.Messages})
	var apiErr *sdk.Error
	if !errors.As(err, &apiErr) {
		return "", err
	}
	if apiErr.StatusCode != status || apiErr.Type() == "" {
		return "", errors.New("status or error type not kept")
	}
	return apiErr.Message, nil
}
