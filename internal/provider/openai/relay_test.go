package openai

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"strings"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider"
	"github.com/aigate-dev/aigate/internal/sse"
	"github.com/aigate-dev/aigate/internal/upstreamsim"
)

// relay sends body for op through the adapter to the simulated OpenAI
// upstream, as the gateway does: Decode, Encode, Rewrite, then read the
// stream event by event, keep the usage, and pass on what Hide allows. It
// returns the bytes the client would get, the usage and the hidden count.
func relay(t *testing.T, op gateway.Operation, body string) (client []byte, u gateway.Usage, hidden int) {
	t.Helper()
	sim := httptest.NewServer(upstreamsim.OpenAI())
	t.Cleanup(sim.Close)
	a := Adapter{}
	req, err := a.Decode(op, "", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	out, err := a.Encode(req)
	if err != nil {
		t.Fatal(err)
	}
	in := httptest.NewRequest("POST", "http://aigate.local/v1/whatever", nil)
	pr := &httputil.ProxyRequest{In: in, Out: in.Clone(context.Background())}
	pr.Out.RequestURI = ""
	up := &provider.Upstream{Type: provider.TypeOpenAI, BaseURL: mustURL(t, sim.URL), Auth: provider.AuthBearer}
	a.Rewrite(pr, req, up, gateway.NewSecret(testKey(t)))
	pr.Out.Body = io.NopCloser(bytes.NewReader(out))
	pr.Out.ContentLength = int64(len(out))

	res, err := http.DefaultClient.Do(pr.Out)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("upstream status %d: %s", res.StatusCode, b) // 401 means no key was attached
	}
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		u, _ = a.Usage(b)
		return b, u, 0
	}
	var buf bytes.Buffer
	w := sse.NewWriter(&buf)
	r := sse.NewReader(res.Body)
	for {
		ev, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if ev.HasData {
			if v, ok := a.Usage(ev.Data); ok {
				u = gateway.Usage{
					InputTokens:       max(u.InputTokens, v.InputTokens),
					OutputTokens:      max(u.OutputTokens, v.OutputTokens),
					CachedInputTokens: max(u.CachedInputTokens, v.CachedInputTokens),
				}
			}
			if a.Hide(req, ev.Data) {
				hidden++
				continue
			}
		}
		if err := w.WriteRaw(ev.Raw); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes(), u, hidden
}

// replayToSDK serves stream to the official SDK as a chat completion stream
// and returns what it accumulated.
func replayToSDK(t *testing.T, stream []byte) openai.ChatCompletionAccumulator {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = w.Write(stream)
	}))
	defer srv.Close()
	client := openai.NewClient(option.WithBaseURL(srv.URL+"/v1"), option.WithAPIKey("test"), option.WithMaxRetries(0))
	s := client.Chat.Completions.NewStreaming(context.Background(), openai.ChatCompletionNewParams{
		Model: "gpt-4o-mini", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("x")},
	})
	var acc openai.ChatCompletionAccumulator
	for s.Next() {
		acc.AddChunk(s.Current())
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return acc
}

func TestRelayChatStreamInjectedUsage(t *testing.T) {
	got, u, hidden := relay(t, gateway.OpChatCompletions,
		`{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"How far is the moon?"}]}`)
	// 20 characters → 5 input tokens; the 85-character answer → 22.
	if want := (gateway.Usage{InputTokens: 5, OutputTokens: 22}); u != want {
		t.Errorf("usage = %+v, want %+v", u, want)
	}
	if hidden != 1 {
		t.Errorf("hidden %d events, want the usage chunk only", hidden)
	}
	if bytes.Contains(got, []byte(`"prompt_tokens"`)) {
		t.Errorf("the client got the usage chunk it did not ask for:\n%s", got)
	}
	if !bytes.HasSuffix(got, []byte("data: [DONE]\n\n")) {
		t.Errorf("stream does not end with [DONE]:\n%s", got)
	}
	acc := replayToSDK(t, got)
	if !strings.Contains(acc.Choices[0].Message.Content, "20 characters") || acc.Usage.TotalTokens != 0 {
		t.Errorf("SDK got content %q, usage %+v; want the answer and no usage", acc.Choices[0].Message.Content, acc.Usage)
	}
}

func TestRelayChatStreamClientUsage(t *testing.T) {
	got, u, hidden := relay(t, gateway.OpChatCompletions,
		`{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"How far is the moon?"}]}`)
	if hidden != 0 || u.InputTokens != 5 || u.OutputTokens != 22 {
		t.Errorf("hidden %d, usage %+v; want nothing hidden, 5 + 22", hidden, u)
	}
	if acc := replayToSDK(t, got); acc.Usage.TotalTokens != 27 {
		t.Errorf("SDK usage = %+v, want the 27 tokens it asked for", acc.Usage)
	}
}

func TestRelayResponsesStreamUsage(t *testing.T) {
	got, u, hidden := relay(t, gateway.OpResponses,
		`{"model":"gpt-4o-mini","stream":true,"input":"How far is the moon?"}`)
	if hidden != 0 || u.InputTokens != 5 || u.OutputTokens != 22 {
		t.Errorf("hidden %d, usage %+v; want nothing hidden, 5 + 22", hidden, u)
	}
	if !bytes.Contains(got, []byte("event: response.completed\n")) {
		t.Errorf("stream lacks response.completed:\n%s", got)
	}
}

func TestRelayChatBodyUsage(t *testing.T) {
	got, u, _ := relay(t, gateway.OpChatCompletions,
		`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"How far is the moon?"}]}`)
	if u.InputTokens != 5 || u.OutputTokens != 22 || !bytes.Contains(got, []byte(`"chat.completion"`)) {
		t.Errorf("usage %+v from body %s", u, got)
	}
}
