package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2"
	anthropicopt "github.com/anthropics/anthropic-sdk-go/v2/option"
	"github.com/openai/openai-go/v3"

	"github.com/aigate-dev/aigate/internal/budget"
	"github.com/aigate-dev/aigate/internal/keys"
)

// longStreams is an upstream that ignores max_tokens and streams chunks
// pieces of "abcd" (one token each) in the OpenAI or Anthropic dialect,
// reporting 5 input tokens and the chunks as output at the end.
type longStreams struct{ chunks int }

func (l longStreams) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/event-stream")
	fl := w.(http.Flusher)
	send := func(name, data string) bool {
		if name != "" {
			fmt.Fprintf(w, "event: %s\n", name)
		}
		if _, err := fmt.Fprintf(w, "data: %s\n\n", data); err != nil {
			return false
		}
		fl.Flush()
		return r.Context().Err() == nil
	}
	if strings.HasSuffix(r.URL.Path, "/messages") {
		send("message_start", `{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-haiku-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":1}}}`)
		send("content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`)
		for range l.chunks {
			if !send("content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"abcd"}}`) {
				return
			}
		}
		send("content_block_stop", `{"type":"content_block_stop","index":0}`)
		send("message_delta", fmt.Sprintf(`{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":%d}}`, l.chunks))
		send("message_stop", `{"type":"message_stop"}`)
		return
	}
	for range l.chunks {
		if !send("", `{"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"abcd"},"finish_reason":null}]}`) {
			return
		}
	}
	send("", `{"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`)
	send("", fmt.Sprintf(`{"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":%d,"total_tokens":%d}}`, l.chunks, l.chunks+5))
	send("", `[DONE]`)
}

// A cent a token in and out; requests reserve 20 output tokens at most
// (validation.max_tokens), and the upstream streams 300 regardless.
const streamBudgetConfig = "limits:\n  requests_per_minute: 0\n  tokens_per_minute: 0\n  concurrent: 0\n" +
	"validation:\n  max_tokens: 20\n" +
	"prices:\n  gpt-4o-mini: {input: \"10000\", output: \"10000\"}\n  claude-haiku-4-5: {input: \"10000\", output: \"10000\"}\n"

const cent = budget.Micros(10_000)

// streamSpend runs one OpenAI and one Anthropic stream through the SDKs on
// a fresh key with a $1.00 budget each, and returns per dialect the text
// read, the stream's error and the spend settled.
func streamSpend(t *testing.T, extra string) map[string]streamResult {
	t.Helper()
	g := mustRunGatewayWith(t, longStreams{chunks: 300}, streamBudgetConfig+extra, nil)
	ctx := context.Background()
	res := map[string]streamResult{}
	for _, dialect := range []string{"openai", "anthropic"} {
		key, id := g.mustKey(t, keys.CreateOptions{Name: "web-app-" + dialect, Owner: dialect,
			Limits: keys.Limits{Budget: budget.Amount{Cap: budget.Dollar, Period: budget.PeriodMonth}}})
		var r streamResult
		r.text, r.err = streamWithSDK(ctx, g, dialect, key)
		waitStreamsDone(t, g) // the client sees the error before the gateway settles
		if err := g.app.acct.flush(ctx); err != nil {
			t.Fatal(err)
		}
		bg := budget.Budget{Kind: budget.ScopeKey, ID: id, Amount: budget.Amount{Cap: budget.Dollar, Period: budget.PeriodMonth}}
		spent, held, err := g.app.acct.ledger.Spent(ctx, bg, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if held != 0 {
			t.Errorf("%s: %v still held after the stream", dialect, held)
		}
		r.spent = spent
		res[dialect] = r
	}
	return res
}

type streamResult struct {
	text  string
	err   error
	spent budget.Micros
}

// A stream that outgrows its reservation reserves more as it goes and is
// cut, with an error event both SDKs raise, when the budget has no room
// left; the spend settled exceeds the cap by at most the cost of the event
// that crossed it (one token here).
func TestStreamCutWhenBudgetExhausted(t *testing.T) {
	for dialect, r := range streamSpend(t, "") {
		want := fmt.Sprintf("the stream was stopped: the budget of $1.00 for key 'web-app-%s' is exhausted", dialect)
		if r.err == nil || !strings.Contains(r.err.Error(), want) {
			t.Errorf("%s: stream err = %v, want %q", dialect, r.err, want)
		}
		if n := len(r.text) / 4; n >= 100 || n < 80 {
			t.Errorf("%s: client read %d tokens, want the stream cut near the $1.00 (100 tokens with the input)", dialect, n)
		}
		if r.spent > budget.Dollar+cent || r.spent < budget.Dollar-5*cent {
			t.Errorf("%s: spent %v, want within one token (1¢) above $1.00 and near it", dialect, r.spent)
		}
		t.Logf("%s: read %d tokens, spent %v", dialect, len(r.text)/4, r.spent)
	}
}

// With on_exhausted_stream: finish the stream completes and its whole
// reported cost is settled, over the cap.
func TestStreamFinishesWhenConfigured(t *testing.T) {
	for dialect, r := range streamSpend(t, "budgets:\n  on_exhausted_stream: finish\n") {
		if r.err != nil || len(r.text) != 300*4 {
			t.Errorf("%s: err %v, read %d chars; want the whole stream", dialect, r.err, len(r.text))
		}
		if want := 305 * cent; r.spent != want {
			t.Errorf("%s: spent %v, want the reported %v", dialect, r.spent, want)
		}
	}
}

// streamWithSDK streams a chat with the official SDK of dialect (openai or
// anthropic) using key, and returns the text read and the stream's error.
func streamWithSDK(ctx context.Context, g *testGateway, dialect, key string) (string, error) {
	var b strings.Builder
	switch dialect {
	case "openai":
		oc := openaiClient(g, key)
		s := oc.Chat.Completions.NewStreaming(ctx, openai.ChatCompletionNewParams{Model: "gpt-4o-mini",
			Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("hi")}})
		for s.Next() {
			for _, c := range s.Current().Choices {
				b.WriteString(c.Delta.Content)
			}
		}
		return b.String(), s.Err()
	case "anthropic":
		ac := anthropic.NewClient(anthropicopt.WithBaseURL(g.URL()), anthropicopt.WithAPIKey(key), anthropicopt.WithMaxRetries(0))
		s := ac.Messages.NewStreaming(ctx, anthropic.MessageNewParams{Model: "claude-haiku-4-5", MaxTokens: 10,
			Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("hi"))}})
		var msg anthropic.Message
		for s.Next() {
			_ = msg.Accumulate(s.Current())
		}
		for _, c := range msg.Content {
			b.WriteString(c.Text)
		}
		return b.String(), s.Err()
	}
	panic("streamWithSDK: unknown dialect " + dialect)
}
