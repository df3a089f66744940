package anthropic_test

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	sdk "github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider"
	"github.com/aigate-dev/aigate/internal/provider/anthropic"
	"github.com/aigate-dev/aigate/internal/provider/providertest"
	"github.com/aigate-dev/aigate/internal/upstreamsim"
)

func newClient(base string, opts ...option.RequestOption) sdk.Client {
	return sdk.NewClient(append([]option.RequestOption{
		option.WithoutEnvironmentDefaults(),
		option.WithBaseURL(base),
		option.WithAPIKey(providertest.RandomKey("sk-ant-test-")),
		option.WithMaxRetries(0),
	}, opts...)...)
}

var question = sdk.MessageNewParams{
	Model:     "claude-sim-1",
	MaxTokens: 256,
	System:    []sdk.TextBlockParam{{Text: "Be brief."}},
	Messages: []sdk.MessageParam{
		sdk.NewUserMessage(sdk.NewTextBlock("What is a quaternion?")), // 21 characters
	},
}

const wantAnswer = "This is a simulated reply from claude-sim-1. Your last message was 21 characters long."

func TestSDKAgainstSimulator(t *testing.T) {
	sim := httptest.NewServer(upstreamsim.Anthropic())
	defer sim.Close()
	testSDK(t, sim.URL, wantAnswer)
}

func TestSDKThroughAdapter(t *testing.T) {
	var (
		mu      sync.Mutex
		headers []http.Header
	)
	simH := upstreamsim.Anthropic()
	sim := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		headers = append(headers, r.Header.Clone())
		mu.Unlock()
		simH.ServeHTTP(w, r)
	}))
	defer sim.Close()
	gw := newMiniGateway(t, sim.URL, nil)
	testSDK(t, gw.URL, wantAnswer)
	mu.Lock()
	for _, h := range headers {
		if h.Get("X-Api-Key") != gw.key.Reveal() || h.Get("Authorization") != "" || h.Get("Anthropic-Version") == "" {
			t.Errorf("upstream saw x-api-key set: %v, authorization set: %v, anthropic-version %q; want only the upstream key",
				h.Get("X-Api-Key") != "", h.Get("Authorization") != "", h.Get("Anthropic-Version"))
		}
	}
	mu.Unlock()
	// messages (non-streaming and streaming) report usage; count_tokens does not.
	if got := gw.usages(); len(got) != 2 || got[0].OutputTokens == 0 || got[1].OutputTokens == 0 || got[0] != got[1] {
		t.Errorf("usage seen by the gateway = %+v; want the same non-zero usage twice", got)
	}
}

func TestSDKThroughAdapterWithEdit(t *testing.T) {
	sim := httptest.NewServer(upstreamsim.Anthropic())
	defer sim.Close()
	gw := newMiniGateway(t, sim.URL, func(req *gateway.Request) error {
		for _, p := range req.UserText() {
			p.Set("[redacted]") // 10 characters
		}
		return nil
	})
	client := newClient(gw.URL)
	msg, err := client.Messages.New(t.Context(), question)
	if err != nil {
		t.Fatal(err)
	}
	if got := msg.Content[0].Text; !strings.Contains(got, "was 10 characters") {
		t.Errorf("answer = %q; want the upstream to have seen the 10-character edit", got)
	}
}

func TestSDKErrorFromAdapter(t *testing.T) {
	sim := httptest.NewServer(upstreamsim.Anthropic())
	defer sim.Close()
	gw := newMiniGateway(t, sim.URL, func(*gateway.Request) error {
		return &gateway.Error{Code: gateway.CodeRateLimited, Message: "slow down", Header: http.Header{"Retry-After": {"3"}}}
	})
	client := newClient(gw.URL)
	_, err := client.Messages.New(t.Context(), question)
	var apiErr *sdk.Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("Messages.New error = %v (%T), want *anthropic.Error", err, err)
	}
	if apiErr.StatusCode != 429 || apiErr.Type() != sdk.ErrorTypeRateLimitError || apiErr.Message != "slow down" {
		t.Errorf("error = %d %q %q; want 429 rate_limit_error \"slow down\"", apiErr.StatusCode, apiErr.Type(), apiErr.Message)
	}
}

func testSDK(t *testing.T, base, answer string) {
	ctx := t.Context()
	client := newClient(base)

	t.Run("messages", func(t *testing.T) {
		msg, err := client.Messages.New(ctx, question)
		if err != nil {
			t.Fatal(err)
		}
		if len(msg.Content) != 1 || msg.Content[0].Text != answer {
			t.Errorf("content = %+v, want one text block %q", msg.Content, answer)
		}
		if msg.StopReason != sdk.StopReasonEndTurn || msg.Usage.InputTokens != 8 || msg.Usage.OutputTokens == 0 {
			t.Errorf("stop, usage = %q, %+v; want end_turn, 8 input tokens (ceil(30 chars / 4))", msg.StopReason, msg.Usage)
		}
	})

	t.Run("streaming", func(t *testing.T) {
		stream := client.Messages.NewStreaming(ctx, question)
		defer stream.Close()
		var acc sdk.Message
		events := map[string]int{}
		for stream.Next() {
			ev := stream.Current()
			events[ev.Type]++
			if err := acc.Accumulate(ev); err != nil {
				t.Fatal(err)
			}
		}
		if err := stream.Err(); err != nil {
			t.Fatal(err)
		}
		if len(acc.Content) != 1 || acc.Content[0].Text != answer {
			t.Errorf("streamed content = %+v, want %q", acc.Content, answer)
		}
		if events["content_block_delta"] < 2 || events["message_start"] != 1 || events["message_delta"] != 1 || events["message_stop"] != 1 {
			t.Errorf("events = %v; want one start, delta and stop and several content deltas", events)
		}
		if acc.Usage.InputTokens != 8 || acc.Usage.OutputTokens == 0 || acc.StopReason != sdk.StopReasonEndTurn {
			t.Errorf("streamed usage, stop = %+v, %q", acc.Usage, acc.StopReason)
		}
	})

	t.Run("count_tokens", func(t *testing.T) {
		n, err := client.Messages.CountTokens(ctx, sdk.MessageCountTokensParams{
			Model:    question.Model,
			Messages: question.Messages,
		})
		if err != nil {
			t.Fatal(err)
		}
		if n.InputTokens != 6 {
			t.Errorf("input_tokens = %d, want 6 (21 chars / 4)", n.InputTokens)
		}
	})

	t.Run("error", func(t *testing.T) {
		// An empty conversation is refused by the upstream (or by Decode).
		_, err := client.Messages.New(ctx, sdk.MessageNewParams{Model: "claude-sim-1", MaxTokens: 1, Messages: []sdk.MessageParam{}})
		var apiErr *sdk.Error
		if !errors.As(err, &apiErr) {
			t.Fatalf("error = %v (%T), want *anthropic.Error", err, err)
		}
		if apiErr.StatusCode != 400 || apiErr.Type() != sdk.ErrorTypeInvalidRequestError {
			t.Errorf("error = %d %q; want 400 invalid_request_error", apiErr.StatusCode, apiErr.Type())
		}
	})
}

func TestSimulatorAuthError(t *testing.T) {
	sim := httptest.NewServer(upstreamsim.Anthropic())
	defer sim.Close()
	noKey := func(r *http.Request, next option.MiddlewareNext) (*http.Response, error) {
		r.Header.Del("X-Api-Key")
		r.Header.Del("Authorization") // this SDK sends its API key as a bearer token
		return next(r)
	}
	client := newClient(sim.URL, option.WithMiddleware(noKey))
	_, err := client.Messages.New(t.Context(), question)
	var apiErr *sdk.Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v (%T), want *anthropic.Error", err, err)
	}
	if apiErr.StatusCode != 401 || apiErr.Type() != sdk.ErrorTypeAuthenticationError {
		t.Errorf("error = %d %q; want 401 authentication_error", apiErr.StatusCode, apiErr.Type())
	}
}

// miniGateway is the adapter's part of the gateway and nothing else:
// Match, Decode, an optional guard, Encode, Rewrite onto the upstream, and
// Usage read from the relayed response.
type miniGateway struct {
	*httptest.Server
	key  gateway.Secret // the upstream key
	mu   sync.Mutex
	seen []gateway.Usage
}

func (g *miniGateway) usages() []gateway.Usage {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]gateway.Usage(nil), g.seen...)
}

func newMiniGateway(t *testing.T, upstream string, guard func(*gateway.Request) error) *miniGateway {
	t.Helper()
	base, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	ad := anthropic.Adapter{}
	up := &provider.Upstream{Name: "anthropic", Type: provider.TypeAnthropic, BaseURL: base, Auth: provider.AuthXAPIKey}
	key := gateway.NewSecret(providertest.RandomKey("sk-ant-upstream-"))
	g := &miniGateway{key: key}
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op, model, ok := ad.Match(r)
		if !ok {
			ad.WriteError(w, gateway.Errorf(gateway.CodeNotFound, "no such route"))
			return
		}
		body, _ := io.ReadAll(r.Body)
		req, err := ad.Decode(op, model, body)
		if err == nil && guard != nil {
			err = guard(req)
		}
		if err != nil {
			ad.WriteError(w, gateway.AsError(err))
			return
		}
		out, err := ad.Encode(req)
		if err != nil {
			ad.WriteError(w, gateway.AsError(err))
			return
		}
		rp := &httputil.ReverseProxy{
			Rewrite: func(pr *httputil.ProxyRequest) {
				pr.Out.Body = io.NopCloser(bytes.NewReader(out))
				pr.Out.ContentLength = int64(len(out))
				pr.Out.Header.Del("X-Api-Key") // the client's credential
				pr.Out.Header.Del("Authorization")
				ad.Rewrite(pr, req, up, key)
			},
			ModifyResponse: func(resp *http.Response) error {
				resp.Body = &usageBody{ReadCloser: resp.Body, resp: resp, done: g.record}
				return nil
			},
			FlushInterval: -1,
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(g.Close)
	return g
}

func (g *miniGateway) record(u gateway.Usage) {
	g.mu.Lock()
	g.seen = append(g.seen, u)
	g.mu.Unlock()
}

// usageBody copies what the client reads and reads usage from it on Close.
type usageBody struct {
	io.ReadCloser
	resp *http.Response
	buf  bytes.Buffer
	done func(gateway.Usage)
}

func (b *usageBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.buf.Write(p[:n])
	return n, err
}

func (b *usageBody) Close() error {
	ad := anthropic.Adapter{}
	var total gateway.Usage
	found := false
	ct, _, _ := mime.ParseMediaType(b.resp.Header.Get("Content-Type"))
	chunks := [][]byte{b.buf.Bytes()}
	if ct == "text/event-stream" {
		chunks = nil
		for _, ev := range strings.Split(b.buf.String(), "\n\n") {
			for _, line := range strings.Split(ev, "\n") {
				if d, ok := strings.CutPrefix(line, "data: "); ok {
					chunks = append(chunks, []byte(d))
				}
			}
		}
	}
	for _, c := range chunks {
		if u, ok := ad.Usage(c); ok {
			found = true
			total.InputTokens = max(total.InputTokens, u.InputTokens)
			total.OutputTokens = max(total.OutputTokens, u.OutputTokens)
			total.CachedInputTokens = max(total.CachedInputTokens, u.CachedInputTokens)
		}
	}
	if found {
		b.done(total)
	}
	return b.ReadCloser.Close()
}
