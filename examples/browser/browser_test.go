package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/aigate-dev/aigate/internal/upstreamsim"
)

// chromiumPath is Debian's chromium package; .ci/run installs it.
const chromiumPath = "/usr/bin/chromium"

// tokenSkew is the clock skew the test's gateway allows on a token's
// expiry (tokens.clock_skew, 30s by default): an expired token is refused
// once its expiry plus this has passed.
const tokenSkew = time.Second

// prompt is what the test asks through the page.
const prompt = "Say hello to the browser."

// TestBrowserExample runs the example end to end: the upstream simulator
// behind a real aigate gateway (the cmd/aigate binary), the example's
// backend, and its page in headless Chromium. It checks that the streamed
// answer appears, that an expired token is refused with a 401 the SDK
// reports, that a page from an origin the key does not allow is blocked,
// and that nothing the browser holds or received contains the provider
// key or the aigate key.
func TestBrowserExample(t *testing.T) {
	need(t, chromiumPath, "Debian's chromium package (apt-get install chromium)")
	need(t, filepath.Join("node_modules", "openai", "index.mjs"), "the openai npm package (cd examples/browser && npm ci)")

	provKey := "prov-openai-" + randomHex(t, 16)
	up := startUpstream(t, provKey)

	// Three backends: the page under test, one minting 1s tokens for the
	// expiry check (both origins are on the key's CORS list), and a
	// stranger whose origin is not.
	good, short, stranger := mustListen(t), mustListen(t), mustListen(t)
	gw := startGateway(t, up.URL, provKey, []string{originOf(good), originOf(short)})
	for _, b := range []struct {
		ln  net.Listener
		ttl time.Duration
	}{{good, 10 * time.Minute}, {short, time.Second}, {stranger, 10 * time.Minute}} {
		startBackend(t, b.ln, Config{Gateway: gw.url, Key: gw.key, Origin: originOf(b.ln), Model: "gpt-4o-mini",
			TTL: b.ttl, Vendor: filepath.Join("node_modules", "openai")})
	}
	secrets := map[string]string{"provider key": provKey, "aigate key": gw.key}

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	browser := startBrowser(t, ctx)

	// The tabs share one cookie jar, and cookies ignore ports, so each
	// tab signs in right before it needs the backend.

	// 1. The short-lived token, minted first so its expiry runs while the
	// other checks do.
	shortTab := openPage(t, browser, originOf(short), secrets)
	shortTab.do(t, "sign in and get a 1s token",
		chromedp.Click(chromedp.ID("login")), waitState("signed-in"),
		chromedp.Click(chromedp.ID("get-token")), waitState("token"))
	// The token's exp is in whole seconds; two more cover the rounding.
	refusedAfter := time.Now().Add(time.Second + tokenSkew + 2*time.Second)

	// 2. The streamed answer appears in the page.
	goodTab := openPage(t, browser, originOf(good), secrets)
	state, errText, errStatus := goodTab.ask(t)
	if state != "done" {
		t.Fatalf("the page did not stream an answer: state %q, error %s %q", state, errStatus, errText)
	}
	answer := get(t, goodTab, "read the answer", chromedp.Text(chromedp.ID("answer")))
	deltas := get(t, goodTab, "read the deltas", chromedp.AttributeValue(chromedp.ID("answer"), "data-deltas"))
	if want := up.answer(t, "gpt-4o-mini", prompt); answer != want {
		t.Errorf("answer on the page = %q, want the simulator's %q", answer, want)
	}
	if n, err := strconv.Atoi(deltas.Value); err != nil || n < 2 {
		t.Errorf("the answer came in %q deltas, want a stream of several", deltas.Value)
	}
	// The gateway saw the page's Origin and allowed it, in the preflight
	// the browser sent first and in the answer.
	chatURL := gw.url + "/v1/chat/completions"
	for _, pre := range []bool{true, false} {
		r := goodTab.net.find(chatURL, pre)
		if r == nil {
			t.Fatalf("the browser saw no response (preflight %v) from the gateway's /v1/chat/completions", pre)
		}
		if want := map[bool]int64{true: http.StatusNoContent, false: http.StatusOK}[pre]; r.Status != want {
			t.Errorf("the gateway's response (preflight %v) = %d, want %d", pre, r.Status, want)
		}
		if got := header(r.Headers, "Access-Control-Allow-Origin"); got != originOf(good) {
			t.Errorf("Access-Control-Allow-Origin (preflight %v) = %q, want the page's origin %q", pre, got, originOf(good))
		}
	}

	// 3. A page whose origin the key does not allow is stopped by the
	// browser at the preflight: the SDK reports a connection error and
	// nothing reaches the provider.
	strangerTab := openPage(t, browser, originOf(stranger), secrets)
	before := up.calls.Load()
	state, errText, errStatus = strangerTab.ask(t)
	if state != "error" || errStatus != "connection" {
		t.Errorf("a page from an origin not on the key's list: state %q, error %s %q; want a connection error", state, errStatus, errText)
	}
	if r := strangerTab.net.find(chatURL, true); r == nil || r.Status != http.StatusForbidden ||
		header(r.Headers, "Access-Control-Allow-Origin") != "" {
		t.Error("the preflight of a page from an origin not on the key's list got no 403 without CORS headers")
	}
	if strangerTab.net.find(chatURL, false) != nil {
		t.Error("the browser sent a chat request for a page from an origin not on the key's list")
	}

	// 4. The expired token is refused, and the page shows the SDK's 401.
	select {
	case <-time.After(time.Until(refusedAfter)):
	case <-ctx.Done():
		t.Fatalf("waiting for the token to expire: %v", ctx.Err())
	}
	state, errText, errStatus = shortTab.ask(t)
	if state != "error" || errStatus != "401" || !strings.Contains(errText, "401") {
		t.Errorf("an expired token: state %q, error %s %q; want the SDK's 401", state, errStatus, errText)
	}
	if n := up.calls.Load(); n != before {
		t.Errorf("%d requests reached the provider after the first answer, want none", n-before)
	}

	// 5. Nothing the browser holds or received holds a key.
	for _, tab := range []*page{shortTab, goodTab, strangerTab} {
		tab.checkNoSecrets(t, secrets)
	}
	cookies, err := chromedp.Call(goodTab.ctx, network.GetCookies, network.GetCookiesParams{
		URLs: []string{originOf(good), originOf(short), originOf(stranger), gw.url}})
	if err != nil {
		t.Fatalf("reading the cookies: %v", err)
	}
	for _, c := range cookies.Cookies {
		noSecret(t, "cookie "+c.Name, c.Value, secrets)
	}
}

// need skips the test when path is missing, or fails it under CI, which
// must run it (see internal/testenv).
func need(t *testing.T, path, what string) {
	t.Helper()
	if _, err := os.Stat(path); err == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is missing: CI must run the browser test; .ci/run installs %s", path, what)
	}
	t.Skipf("skipping: %s is missing; install %s to run the browser test", path, what)
}

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

func mustListen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

func originOf(ln net.Listener) string { return "http://" + ln.Addr().String() }

// upstream is the simulated provider. It refuses any credential but the
// provider key, so an answer proves the gateway attached it.
type upstream struct {
	*httptest.Server
	key   string
	calls atomic.Int64 // requests that reached it with the key
}

func startUpstream(t *testing.T, key string) *upstream {
	u := &upstream{key: key}
	sim := upstreamsim.New()
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+key {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		u.calls.Add(1)
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(u.Close)
	return u
}

// answer asks the simulator itself, without streaming, what it answers to
// prompt: the text the page must show.
func (u *upstream) answer(t *testing.T, model, prompt string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"model": model, "messages": []map[string]string{{"role": "user", "content": prompt}}})
	req, _ := http.NewRequest(http.MethodPost, u.URL+"/v1/chat/completions", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+u.key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Choices []struct {
			Message struct {
				Content string `json:"content"`
			} `json:"message"`
		} `json:"choices"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.Choices) == 0 {
		t.Fatalf("the simulator's answer: %d %v", resp.StatusCode, err)
	}
	u.calls.Add(-1) // this call is the test's, not the browser's
	return out.Choices[0].Message.Content
}

// gateway is a running `aigate serve`.
type gateway struct {
	url string
	key string // an aigate key allowing the given origins
}

// startGateway builds cmd/aigate, creates a key whose CORS list holds
// origins, and runs `aigate serve` in front of upstreamURL with tokens on.
// The key is created before the gateway starts, so its first preflight
// already sees the list.
func startGateway(t *testing.T, upstreamURL, provKey string, origins []string) *gateway {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "aigate")
	bctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(bctx, "go", "build", "-o", bin, "github.com/aigate-dev/aigate/cmd/aigate").CombinedOutput(); err != nil {
		t.Fatalf("go build cmd/aigate: %v\n%s", err, out)
	}
	cfg := filepath.Join(dir, "aigate.yaml")
	yaml := fmt.Sprintf(`database: sqlite:%s
providers:
  - name: openai
    type: openai
    api_key: env:BROWSER_TEST_OPENAI_KEY
    base_url: %s
tokens:
  signing_key: env:BROWSER_TEST_TOKEN_KEY
  clock_skew: %s
`, filepath.Join(dir, "aigate.db"), upstreamURL, tokenSkew)
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "BROWSER_TEST_OPENAI_KEY="+provKey, "BROWSER_TEST_TOKEN_KEY="+randomHex(t, 32))

	create := exec.CommandContext(bctx, bin, "keys", "create", "--config", cfg, "--name", "browser-example",
		"--owner", "example", "--cors-origins", strings.Join(origins, ","), "--json")
	create.Env = env
	out, err := create.Output()
	if err != nil {
		t.Fatalf("aigate keys create: %v", err) // stdout would hold the key
	}
	var k struct {
		Key string `json:"key"`
	}
	if err := json.Unmarshal(out, &k); err != nil || k.Key == "" {
		t.Fatalf("aigate keys create --json printed no key (%v)", err)
	}

	hide := map[string]string{"provider key": provKey, "aigate key": k.Key}
	serve := exec.Command(bin, "serve", "--config", cfg, "--listen", "127.0.0.1:0")
	serve.Env = env
	var logs syncBuffer
	serve.Stderr = &logs
	stdout, err := serve.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = serve.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = serve.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = serve.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("aigate's log:\n%s", redact(logs.String(), hide))
		}
	})
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "aigate is listening on "); ok {
				urlc <- strings.TrimSpace(u)
			}
		}
	}()
	select {
	case u := <-urlc:
		return &gateway{url: u, key: k.Key}
	case <-done:
		t.Fatalf("aigate serve exited:\n%s", redact(logs.String(), hide))
	case <-time.After(30 * time.Second):
		t.Fatalf("aigate serve did not start within 30s:\n%s", redact(logs.String(), hide))
	}
	return nil
}

func startBackend(t *testing.T, ln net.Listener, cfg Config) {
	t.Helper()
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
}

// startBrowser starts headless Chromium with a fresh profile; it ends with
// ctx or the test.
func startBrowser(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromiumPath),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("starting %s: %v", chromiumPath, err)
	}
	return browser
}

// page is one tab of the example, with what the browser received in it.
type page struct {
	ctx     context.Context
	net     *netlog
	secrets map[string]string // redacted from what the test prints
}

// openPage opens url in a new tab and waits until its script is ready.
func openPage(t *testing.T, browser context.Context, url string, secrets map[string]string) *page {
	t.Helper()
	ctx, _ := chromedp.NewContext(browser) // ends with the browser
	p := &page{ctx: ctx, secrets: secrets, net: &netlog{resp: map[network.RequestID]*network.Response{}, typ: map[network.RequestID]network.ResourceType{}}}
	if err := chromedp.Listen(ctx, p.net.listen); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatalf("enabling the network domain: %v", err)
	}
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("enabling the log domain: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() && len(p.net.problems) > 0 {
			p.net.mu.Lock()
			defer p.net.mu.Unlock()
			t.Logf("what the browser reported in %s:\n%s", url, redact(strings.Join(p.net.problems, "\n"), p.secrets))
		}
	})
	p.do(t, "open "+url, chromedp.Navigate(url), waitState("ready"))
	return p
}

func (p *page) do(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(p.ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func get[T any](t *testing.T, p *page, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(p.ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// ask signs in (unless the page holds a token), sends the prompt and
// waits for the answer or an error: it returns the page's state and its
// error text and status ("401", "connection"…).
func (p *page) ask(t *testing.T) (state, errText, errStatus string) {
	t.Helper()
	if !get(t, p, "check the sign-in", chromedp.Evaluate[bool](`document.getElementById('get-token').disabled === false`)) {
		p.do(t, "sign in", chromedp.Click(chromedp.ID("login")), waitState("signed-in"))
	}
	p.do(t, "ask",
		chromedp.SetValue(chromedp.ID("prompt"), prompt),
		chromedp.Click(chromedp.ID("ask")),
		chromedp.WaitVisible(chromedp.CSS(`#status[data-state="done"], #status[data-state="error"]`)))
	state = get(t, p, "read the state", chromedp.AttributeValue(chromedp.ID("status"), "data-state")).Value
	errText = redact(get(t, p, "read the error", chromedp.Text(chromedp.ID("error"))), p.secrets)
	errStatus = get(t, p, "read the error status", chromedp.AttributeValue(chromedp.ID("error"), "data-status")).Value
	return state, errText, errStatus
}

func waitState(s string) chromedp.Action[chromedp.Void] {
	return chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#status[data-state=%q]`, s)))
}

// checkNoSecrets looks for the secrets in the page's HTML, its
// JavaScript-visible storage and cookies, and every response body the
// browser received in the tab.
func (p *page) checkNoSecrets(t *testing.T, secrets map[string]string) {
	t.Helper()
	noSecret(t, "the page's HTML", get(t, p, "read the HTML", chromedp.OuterHTML(chromedp.CSS("html"))), secrets)
	for _, expr := range []string{`JSON.stringify(Object.entries(localStorage))`, `JSON.stringify(Object.entries(sessionStorage))`, `document.cookie`} {
		noSecret(t, expr, get(t, p, "evaluate "+expr, chromedp.Evaluate[string](expr)), secrets)
	}
	got := 0
	for _, r := range p.net.bodies() {
		res, err := chromedp.Call(p.ctx, network.GetResponseBody, network.GetResponseBodyParams{RequestID: r.id})
		if err != nil {
			t.Errorf("reading the body of %s: %v", r.url, err)
			continue
		}
		got++
		noSecret(t, "the response body of "+r.url, string(res.Body), secrets)
	}
	if got == 0 {
		t.Error("read no response body in the tab")
	}
}

// redact replaces the secrets in s by their names, for test output.
func redact(s string, secrets map[string]string) string {
	for name, v := range secrets {
		s = strings.ReplaceAll(s, v, "["+name+"]")
	}
	return s
}

func noSecret(t *testing.T, where, s string, secrets map[string]string) {
	t.Helper()
	for name, v := range secrets {
		if strings.Contains(s, v) {
			t.Errorf("%s holds the %s", where, name) // never the value
		}
	}
}

// netlog records the responses of a tab.
type netlog struct {
	mu       sync.Mutex
	resp     map[network.RequestID]*network.Response
	typ      map[network.RequestID]network.ResourceType
	order    []network.RequestID // of the responses
	finished []network.RequestID
	problems []string // console errors, exceptions and failed loads, for failure reports
}

func (n *netlog) listen(ev any) {
	n.mu.Lock()
	defer n.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventResponseReceived:
		if _, ok := n.resp[e.RequestID]; !ok {
			n.order = append(n.order, e.RequestID)
		}
		n.resp[e.RequestID] = e.Response
		n.typ[e.RequestID] = e.Type
	case *network.EventLoadingFinished:
		n.finished = append(n.finished, e.RequestID)
	case *network.EventLoadingFailed:
		n.problems = append(n.problems, fmt.Sprintf("load failed: %s %s", e.ErrorText, e.BlockedReason))
	case *runtime.EventExceptionThrown:
		d := e.ExceptionDetails
		msg := d.Text
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
		n.problems = append(n.problems, fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber, msg))
	case *cdplog.EventEntryAdded:
		n.problems = append(n.problems, fmt.Sprintf("console %s: %s (%s)", e.Entry.Level, e.Entry.Text, e.Entry.URL))
	}
}

// find returns the last response from url, if any: the preflight's when
// preflight is true, else the request's own.
func (n *netlog) find(url string, preflight bool) *network.Response {
	n.mu.Lock()
	defer n.mu.Unlock()
	var last *network.Response
	for _, id := range n.order {
		if r := n.resp[id]; r.URL == url && (n.typ[id] == network.ResourceTypePreflight) == preflight {
			last = r
		}
	}
	return last
}

type bodyRef struct {
	id  network.RequestID
	url string
}

// bodies returns the finished responses that have a body: all but
// preflights.
func (n *netlog) bodies() []bodyRef {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []bodyRef
	for _, id := range n.finished {
		if r, ok := n.resp[id]; ok && n.typ[id] != network.ResourceTypePreflight {
			out = append(out, bodyRef{id, r.URL})
		}
	}
	return out
}

func header(h network.Headers, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			s, _ := v.(string)
			return s
		}
	}
	return ""
}

// syncBuffer is a bytes.Buffer safe for a process's writes and the test's
// reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
