package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/internal/keys"
	"github.com/aigate-dev/aigate/internal/upstreamsim"
)

// testGateway is a real gateway on 127.0.0.1:0 in front of a recording
// simulated provider, with a key issued.
type testGateway struct {
	*app
	upstream *recorder
	sim      *httptest.Server
	key      string // an aigate key for owner alice
	keyID    string
	provKeys map[string]string // provider keys by env name, made up per test
	log      *syncBuffer
	cfgPath  string
	env      map[string]string
}

// gatewayConfig is the test configuration; %[1]s is the database path and
// %[2]s the simulator's URL. Extra YAML can be appended.
const gatewayConfig = `
database: sqlite:%[1]s
providers:
  - name: openai
    type: openai
    api_key: env:TEST_OPENAI_KEY
    base_url: %[2]s
  - name: anthropic
    type: anthropic
    api_key: env:TEST_ANTHROPIC_KEY
    base_url: %[2]s
  - name: gemini
    type: gemini
    api_key: env:TEST_GEMINI_KEY
    base_url: %[2]s
`

// mustRunGateway starts a gateway for the test; extra is appended to the
// configuration. It is stopped when the test ends.
func mustRunGateway(t *testing.T, extra string) *testGateway {
	t.Helper()
	return mustRunGatewayWith(t, upstreamsim.New(), extra, nil)
}

// mustRunGatewayWith starts a gateway in front of upstream; env adds
// environment variables the configuration may reference.
func mustRunGatewayWith(t *testing.T, upstream http.Handler, extra string, env map[string]string) *testGateway {
	t.Helper()
	g := &testGateway{upstream: &recorder{next: upstream}, log: &syncBuffer{}}
	g.sim = httptest.NewServer(g.upstream)
	t.Cleanup(g.sim.Close)

	dir := t.TempDir()
	g.cfgPath = filepath.Join(dir, "aigate.yaml")
	cfg := fmt.Sprintf(gatewayConfig, filepath.Join(dir, "aigate.db"), g.sim.URL) + extra
	if err := os.WriteFile(g.cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	g.env = map[string]string{}
	g.provKeys = map[string]string{}
	for _, k := range []string{"TEST_OPENAI_KEY", "TEST_ANTHROPIC_KEY", "TEST_GEMINI_KEY"} {
		g.env[k] = "prov-" + k + "-" + randomHex(12)
		g.provKeys[k] = g.env[k]
	}
	for k, v := range env {
		g.env[k] = v
	}
	a, err := newApp(context.Background(), appOptions{
		source: configSource{path: g.cfgPath, env: func(k string) (string, bool) { v, ok := g.env[k]; return v, ok }},
		listen: "127.0.0.1:0",
		logOut: g.log,
	})
	if err != nil {
		t.Fatalf("newApp: %v", err)
	}
	if err := a.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	g.app = a
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = a.Shutdown(ctx)
	})
	secret, vk, err := a.keys.Create(context.Background(), keys.CreateOptions{Name: "test-app", Owner: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	g.key, g.keyID = secret.Reveal(), vk.ID
	return g
}

// mustKey issues another key with opts.
func (g *testGateway) mustKey(t *testing.T, opts keys.CreateOptions) (key, id string) {
	t.Helper()
	secret, vk, err := g.keys.Create(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return secret.Reveal(), vk.ID
}

// do sends a raw request to the gateway.
func (g *testGateway) do(t *testing.T, method, path, body string, h http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, g.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, data
}

// secrets returns every secret the test gateway holds, for leak checks.
func (g *testGateway) secrets() []string {
	s := []string{g.key}
	for _, v := range g.provKeys {
		s = append(s, v)
	}
	return s
}

// recorder passes requests to next and keeps a copy of each, so tests can
// check what reached the provider.
type recorder struct {
	next http.Handler
	mu   sync.Mutex
	reqs []recorded
}

type recorded struct {
	method, path, query string
	header              http.Header
	body                []byte
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	req.Body = io.NopCloser(bytes.NewReader(body))
	r.mu.Lock()
	r.reqs = append(r.reqs, recorded{req.Method, req.URL.Path, req.URL.RawQuery, req.Header.Clone(), body})
	r.mu.Unlock()
	r.next.ServeHTTP(w, req)
}

// last returns the last request the provider received.
func (r *recorder) last(t *testing.T) recorded {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.reqs) == 0 {
		t.Fatal("no request reached the provider")
	}
	return r.reqs[len(r.reqs)-1]
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reqs)
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
