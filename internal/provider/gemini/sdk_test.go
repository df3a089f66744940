package gemini_test

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

	"google.golang.org/genai"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider"
	"github.com/aigate-dev/aigate/internal/provider/gemini"
	"github.com/aigate-dev/aigate/internal/provider/providertest"
	"github.com/aigate-dev/aigate/internal/upstreamsim"
)

func newClient(t *testing.T, base, version string, hc *http.Client) *genai.Client {
	t.Helper()
	c, err := genai.NewClient(t.Context(), &genai.ClientConfig{
		APIKey:      providertest.RandomKey("AIzaTEST"),
		Backend:     genai.BackendGeminiAPI,
		HTTPClient:  hc,
		HTTPOptions: genai.HTTPOptions{BaseURL: base, APIVersion: version},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const (
	model    = "gemini-sim-flash"
	question = "What is a quaternion?" // 21 characters
	answer   = "This is a simulated reply from gemini-sim-flash. Your last message was 21 characters long."
)

var config = &genai.GenerateContentConfig{
	SystemInstruction: genai.NewContentFromText("Be brief.", genai.RoleUser), // 9 characters
	MaxOutputTokens:   256,
}

func TestSDKAgainstSimulator(t *testing.T) {
	sim := httptest.NewServer(upstreamsim.Gemini())
	defer sim.Close()
	for _, version := range []string{"", "v1"} {
		t.Run("version="+version, func(t *testing.T) {
			testSDK(t, newClient(t, sim.URL, version, nil), answer)
		})
	}
}

func TestSDKThroughAdapter(t *testing.T) {
	var (
		mu    sync.Mutex
		paths []string
		keys  []string
	)
	simH := upstreamsim.Gemini()
	sim := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.RequestURI())
		keys = append(keys, r.Header.Get("X-Goog-Api-Key"))
		mu.Unlock()
		simH.ServeHTTP(w, r)
	}))
	defer sim.Close()
	gw := newMiniGateway(t, sim.URL, nil)
	for _, version := range []string{"", "v1"} {
		t.Run("version="+version, func(t *testing.T) {
			testSDK(t, newClient(t, gw.URL, version, nil), answer)
		})
	}
	mu.Lock()
	defer mu.Unlock()
	for i, p := range paths {
		if !strings.HasPrefix(p, "/v1beta/models/") || strings.Contains(p, "key=") {
			t.Errorf("upstream path %q; want /v1beta/models/… and no key parameter", p)
		}
		if keys[i] != gw.key.Reveal() {
			t.Errorf("upstream request %s did not carry the upstream key", p)
		}
	}
	// generateContent and the SSE stream report usage, twice over.
	if got := gw.usages(); len(got) != 4 || got[0].OutputTokens == 0 || got[0] != got[1] {
		t.Errorf("usage seen by the gateway = %+v; want 4 equal non-zero usages", got)
	}
}

func TestSDKThroughAdapterWithEdit(t *testing.T) {
	sim := httptest.NewServer(upstreamsim.Gemini())
	defer sim.Close()
	gw := newMiniGateway(t, sim.URL, func(req *gateway.Request) error {
		for _, p := range req.UserText() {
			p.Set("[redacted]") // 10 characters
		}
		return nil
	})
	resp, err := newClient(t, gw.URL, "", nil).Models.GenerateContent(t.Context(), model, genai.Text(question), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Text(); !strings.Contains(got, "was 10 characters") {
		t.Errorf("answer = %q; want the upstream to have seen the 10-character edit", got)
	}
}

func TestSDKErrorFromAdapter(t *testing.T) {
	sim := httptest.NewServer(upstreamsim.Gemini())
	defer sim.Close()
	gw := newMiniGateway(t, sim.URL, func(*gateway.Request) error {
		return &gateway.Error{Code: gateway.CodeBudgetExceeded, Message: "budget spent"}
	})
	_, err := newClient(t, gw.URL, "", nil).Models.GenerateContent(t.Context(), model, genai.Text(question), nil)
	var apiErr genai.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("GenerateContent error = %v (%T), want genai.APIError", err, err)
	}
	if apiErr.Code != 402 || apiErr.Status != "RESOURCE_EXHAUSTED" || apiErr.Message != "budget spent" {
		t.Errorf("error = %+v; want 402 RESOURCE_EXHAUSTED \"budget spent\"", apiErr)
	}
}

func TestSimulatorAuthError(t *testing.T) {
	sim := httptest.NewServer(upstreamsim.Gemini())
	defer sim.Close()
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		r = r.Clone(r.Context())
		r.Header.Del("X-Goog-Api-Key")
		return http.DefaultTransport.RoundTrip(r)
	})}
	_, err := newClient(t, sim.URL, "", hc).Models.GenerateContent(t.Context(), model, genai.Text(question), nil)
	var apiErr genai.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != 401 || apiErr.Status != "UNAUTHENTICATED" {
		t.Errorf("error = %v; want a 401 UNAUTHENTICATED genai.APIError", err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func testSDK(t *testing.T, client *genai.Client, answer string) {
	ctx := t.Context()

	t.Run("GenerateContent", func(t *testing.T) {
		resp, err := client.Models.GenerateContent(ctx, model, genai.Text(question), config)
		if err != nil {
			t.Fatal(err)
		}
		if got := resp.Text(); got != answer {
			t.Errorf("text = %q, want %q", got, answer)
		}
		u := resp.UsageMetadata
		if u == nil || u.PromptTokenCount != 8 || u.CandidatesTokenCount == 0 {
			t.Errorf("usage = %+v; want 8 prompt tokens (ceil(30/4)) and some output", u)
		}
		if resp.Candidates[0].FinishReason != genai.FinishReasonStop {
			t.Errorf("finish reason = %q", resp.Candidates[0].FinishReason)
		}
	})

	t.Run("GenerateContentStream", func(t *testing.T) {
		var (
			text   strings.Builder
			chunks int
			last   *genai.GenerateContentResponseUsageMetadata
		)
		for resp, err := range client.Models.GenerateContentStream(ctx, model, genai.Text(question), config) {
			if err != nil {
				t.Fatal(err)
			}
			chunks++
			text.WriteString(resp.Text())
			last = resp.UsageMetadata
		}
		if text.String() != answer || chunks < 2 {
			t.Errorf("streamed %d chunks %q; want several making %q", chunks, text.String(), answer)
		}
		if last == nil || last.PromptTokenCount != 8 || last.CandidatesTokenCount == 0 {
			t.Errorf("last chunk usage = %+v", last)
		}
	})

	t.Run("CountTokens", func(t *testing.T) {
		resp, err := client.Models.CountTokens(ctx, model, genai.Text(question), nil)
		if err != nil {
			t.Fatal(err)
		}
		if resp.TotalTokens != 6 {
			t.Errorf("totalTokens = %d, want 6 (ceil(21/4))", resp.TotalTokens)
		}
	})

	t.Run("EmbedContent", func(t *testing.T) {
		contents := append(genai.Text("first"), genai.Text("second text")...)
		resp, err := client.Models.EmbedContent(ctx, "gemini-embedding-sim", contents, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Embeddings) != 2 || len(resp.Embeddings[0].Values) != 8 {
			t.Fatalf("embeddings = %+v; want 2 of 8 values", resp.Embeddings)
		}
		again, err := client.Models.EmbedContent(ctx, "gemini-embedding-sim", contents, nil)
		if err != nil {
			t.Fatal(err)
		}
		if again.Embeddings[1].Values[3] != resp.Embeddings[1].Values[3] {
			t.Errorf("embeddings are not deterministic")
		}
	})
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

func (g *miniGateway) record(u gateway.Usage) {
	g.mu.Lock()
	g.seen = append(g.seen, u)
	g.mu.Unlock()
}

func newMiniGateway(t *testing.T, upstream string, guard func(*gateway.Request) error) *miniGateway {
	t.Helper()
	base, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	ad := gemini.Adapter{}
	up := &provider.Upstream{Name: "gemini", Type: provider.TypeGemini, BaseURL: base, Auth: provider.AuthGoogle}
	g := &miniGateway{key: gateway.NewSecret(providertest.RandomKey("AIzaUPSTREAM"))}
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op, model, ok := ad.Match(r)
		if !ok {
			ad.WriteError(w, gateway.Errorf(gateway.CodeNotFound, "no such route"))
			return
		}
		body, _ := io.ReadAll(r.Body)
		req, err := ad.Decode(op, model, body)
		if err == nil {
			req.Query = url.Values{}
			if v, ok := r.URL.Query()["alt"]; ok { // as the front door does
				req.Query["alt"] = v
			}
		}
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
				pr.Out.Header.Del("X-Goog-Api-Key") // the client's credential
				ad.Rewrite(pr, req, up, g.key)
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
	ad := gemini.Adapter{}
	var total gateway.Usage
	found := false
	ct, _, _ := mime.ParseMediaType(b.resp.Header.Get("Content-Type"))
	chunks := [][]byte{b.buf.Bytes()}
	if ct == "text/event-stream" {
		chunks = nil
		s := strings.ReplaceAll(b.buf.String(), "\r\n", "\n")
		for _, ev := range strings.Split(s, "\n\n") {
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
