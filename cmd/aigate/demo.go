package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aigate-dev/aigate/internal/config"
	"github.com/aigate-dev/aigate/internal/keys"
	"github.com/aigate-dev/aigate/internal/upstreamsim"
)

const demoUsage = `Usage: aigate demo [--verbose]

Starts the gateway on embedded defaults (a temporary SQLite database,
in-memory state) in front of a built-in simulated provider that speaks the
OpenAI, Anthropic and Gemini wire formats, issues an aigate key, and sends
sample traffic that shows each protection at work. It needs no provider key
and no network, and removes what it created when it ends.

Flags:
`

// demoConfig is the gateway configuration the demo runs with: the three
// provider formats, all pointing at the simulator.
const demoConfig = `
listen: 127.0.0.1:0
database: sqlite:%s
providers:
  - name: openai
    type: openai
    api_key: env:DEMO_OPENAI_KEY
    base_url: %[2]s
  - name: anthropic
    type: anthropic
    api_key: env:DEMO_ANTHROPIC_KEY
    base_url: %[2]s
  - name: gemini
    type: gemini
    api_key: env:DEMO_GEMINI_KEY
    base_url: %[2]s
`

func runDemo(ctx context.Context, args []string, sio stdio) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(sio.err)
	verbose := fs.Bool("verbose", false, "also print the gateway's JSON access log")
	fs.Usage = func() { fmt.Fprint(sio.err, demoUsage); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil {
		return flagError(err)
	}

	dir, err := os.MkdirTemp("", "aigate-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	// The simulated provider, on loopback.
	simLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	seen := &lastRequest{h: upstreamsim.New()}
	sim := &http.Server{Handler: seen, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = sim.Serve(simLn) }()
	defer sim.Close()

	cfgPath := filepath.Join(dir, "aigate.yaml")
	cfg := fmt.Sprintf(demoConfig, filepath.Join(dir, "aigate.db"), "http://"+simLn.Addr().String()) + demoPolicyConfig + demoTokensConfig
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		return err
	}
	// Provider keys for the simulator, made up now; they never leave this process.
	env := map[string]string{}
	for _, k := range []string{"DEMO_OPENAI_KEY", "DEMO_ANTHROPIC_KEY", "DEMO_GEMINI_KEY"} {
		env[k] = "sim-" + randomHex(16)
	}
	env["DEMO_TOKEN_SIGNING_KEY"] = randomHex(32)
	var logBuf bytes.Buffer
	a, err := newApp(ctx, appOptions{
		source: configSource{path: cfgPath, env: config.Overlay(env, noEnv)},
		logOut: &logBuf,
	})
	if err != nil {
		return err
	}
	clk, err := installDemoClock(a)
	if err != nil {
		return err
	}
	if err := a.Start(); err != nil {
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = a.Shutdown(sctx)
	}()

	d := &demo{out: sio.out, base: a.URL(), client: &http.Client{Timeout: 30 * time.Second}, upstream: seen}
	d.say("aigate demo: a gateway on %s in front of a simulated provider (no network, no provider key).\n", a.URL())

	secret, vk, err := a.keys.Create(ctx, keys.CreateOptions{Name: "demo-app", Owner: "alice"})
	if err != nil {
		return err
	}
	key := secret.Reveal()
	d.say("Issued aigate key %s for owner alice (the key is shown once, stored only as a hash).\n", vk.ID)

	d.section("Drop-in: the official SDKs' wire formats, provider key kept inside aigate")
	d.call("OpenAI chat completion", "POST", "/v1/chat/completions", bearer(key),
		`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello in five words."}]}`)
	d.call("OpenAI chat completion, streamed", "POST", "/v1/chat/completions", bearer(key),
		`{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Count to three."}]}`)
	d.call("Anthropic message", "POST", "/v1/messages", header("x-api-key", key, "anthropic-version", "2023-06-01"),
		`{"model":"claude-haiku-4-5","max_tokens":100,"messages":[{"role":"user","content":"Name a colour."}]}`)
	d.call("Gemini generateContent, streamed", "POST", "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", header("x-goog-api-key", key),
		`{"contents":[{"role":"user","parts":[{"text":"Name a planet."}]}]}`)

	d.section("Refused before anything reaches the provider")
	d.call("No aigate key", "POST", "/v1/chat/completions", nil,
		`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`)
	d.call("A made-up key", "POST", "/v1/chat/completions", bearer("agk_not-a-real-key"),
		`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`)
	d.call("Key sent in the URL (?key=)", "POST", "/v1beta/models/gemini-2.5-flash:generateContent?key="+key, nil, // aigate:ignore key-in-url (the demo shows it refused)
		`{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}`)
	if v, err := a.db.ByID(ctx, vk.ID); err == nil && !v.Exposed.IsZero() {
		d.say("    → key %s is now marked exposed (%s); 'aigate keys list' tells its owner to rotate it.\n", vk.ID, v.ExposedReason)
	}
	d.call("A 2,500-character user message", "POST", "/v1/chat/completions", bearer(key),
		`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"`+strings.Repeat("a", 2500)+`"}]}`)
	d.call("max_tokens above the cap", "POST", "/v1/messages", header("x-api-key", key, "anthropic-version", "2023-06-01"),
		`{"model":"claude-haiku-4-5","max_tokens":100000,"messages":[{"role":"user","content":"hi"}]}`)
	d.call("Malformed JSON", "POST", "/v1/chat/completions", bearer(key), `{"model": "gpt-4o-mini", "messages": [`)
	d.call("Whitespace-only input", "POST", "/v1/chat/completions", bearer(key),
		`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"   "}]}`)

	limited, lvk, err := a.keys.Create(ctx, keys.CreateOptions{Name: "mini-only", Owner: "bob", Models: []string{"gpt-4o-mini"}})
	if err != nil {
		return err
	}
	d.call("A model this key may not use", "POST", "/v1/messages", header("x-api-key", limited.Reveal(), "anthropic-version", "2023-06-01"),
		`{"model":"claude-opus-4-1","max_tokens":100,"messages":[{"role":"user","content":"hi"}]}`)
	if err := a.keys.Revoke(ctx, lvk.ID, "demo"); err != nil {
		return err
	}
	d.call("A revoked key", "POST", "/v1/chat/completions", bearer(limited.Reveal()),
		`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`)

	if err := demoLimits(ctx, a, d); err != nil {
		return err
	}
	if err := demoPolicies(ctx, a, d); err != nil {
		return err
	}
	if err := demoTokens(ctx, a, d, clk); err != nil {
		return err
	}

	d.section("Logs hold metadata only")
	leaked := strings.Contains(logBuf.String(), key) || strings.Contains(logBuf.String(), "agt_eyJ") || strings.Contains(logBuf.String(), "Say hello in five words") ||
		strings.Contains(logBuf.String(), env["DEMO_OPENAI_KEY"])
	lines := strings.Split(strings.TrimSpace(logBuf.String()), "\n")
	for _, l := range lines {
		if strings.Contains(l, `"msg":"request"`) && strings.Contains(l, `"status":200`) {
			d.say("    %s\n", l)
			break
		}
	}
	if leaked {
		return errors.New("demo: a key or a prompt reached the log; this is a bug")
	}
	d.say("    %d log lines; none holds a prompt, an answer, an aigate key or a provider key.\n", len(lines))
	if *verbose {
		d.say("\nFull access log:\n%s", logBuf.String())
	}
	d.say("\nNext: run it for real with 'aigate serve' (see README).\n")
	return d.err
}

// demo sends requests and prints one readable line each.
type demo struct {
	out      io.Writer
	base     string
	client   *http.Client
	upstream *lastRequest // what the simulated provider last received
	err      error
}

// lastRequest keeps the body of the last request the simulated provider
// received, so the demo can show what left the gateway.
type lastRequest struct {
	h    http.Handler
	mu   sync.Mutex
	body []byte
}

func (l *lastRequest) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "reading the request: "+err.Error(), http.StatusBadRequest)
		return
	}
	l.mu.Lock()
	l.body = body
	l.mu.Unlock()
	r.Body = io.NopCloser(bytes.NewReader(body))
	l.h.ServeHTTP(w, r)
}

func (l *lastRequest) last() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.body
}

func (d *demo) say(format string, args ...any) { fmt.Fprintf(d.out, format, args...) }

func (d *demo) section(title string) { d.say("\n%s\n", title) }

func (d *demo) call(title, method, path string, h http.Header, body string) {
	req, err := http.NewRequest(method, d.base+path, strings.NewReader(body))
	if err != nil {
		d.err = err
		return
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := d.client.Do(req)
	if err != nil {
		d.say("  ✗ %-36s %v\n", title, err)
		d.err = fmt.Errorf("demo request %q failed: %w", title, err)
		return
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	mark := "✓"
	if resp.StatusCode >= 400 {
		mark = "⛔"
	}
	d.say("  %s %-36s %d %s\n", mark, title, resp.StatusCode, summary(resp, data))
}

// summary is a short account of a response: the answer's size and the
// stream's events for a success, the refusal message for an error.
func summary(resp *http.Response, data []byte) string {
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		return fmt.Sprintf("streamed %d events", bytes.Count(data, []byte("data:")))
	}
	var e struct {
		Error json.RawMessage `json:"error"`
	}
	if resp.StatusCode >= 400 && json.Unmarshal(data, &e) == nil && len(e.Error) > 0 {
		var m struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(e.Error, &m)
		return "— " + m.Message
	}
	return fmt.Sprintf("answered (%d bytes)", len(data))
}

func bearer(key string) http.Header { return header("Authorization", "Bearer "+key) }

func header(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func noEnv(string) (string, bool) { return "", false }
