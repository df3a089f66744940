package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/internal/keys"
	"github.com/aigate-dev/aigate/internal/upstreamsim"
)

func bearerHeader(key string) http.Header { return http.Header{"Authorization": {"Bearer " + key}} }

func TestKeyInURLIsRefusedAndMarkedExposed(t *testing.T) {
	g := mustRunGateway(t, "")
	for _, path := range []string{
		"/v1beta/models/gemini-2.5-flash:generateContent?key=" + g.key,
		"/v1/chat/completions?api_key=" + g.key,
	} {
		before := g.upstream.count()
		body := `{"contents":[{"parts":[{"text":"hi"}]}]}`
		if strings.HasPrefix(path, "/v1/chat") {
			body = `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`
		}
		resp, data := g.do(t, "POST", path, body, nil)
		if resp.StatusCode != http.StatusBadRequest || !bytes.Contains(data, []byte("must not be sent in the URL")) {
			t.Errorf("POST %s = %d %s, want 400 saying keys must not be in the URL", strings.Split(path, "?")[0], resp.StatusCode, data)
		}
		if g.upstream.count() != before {
			t.Error("a request with a key in the URL reached the provider")
		}
	}
	vk, err := g.db.ByID(context.Background(), g.keyID)
	if err != nil {
		t.Fatal(err)
	}
	if vk.Exposed.IsZero() || vk.ExposedReason == "" {
		t.Errorf("key not marked exposed: %+v", vk)
	}
	if strings.Contains(g.log.String(), g.key) {
		t.Error("the key in the URL reached the log")
	}
}

func TestBodyForwardedByteForByte(t *testing.T) {
	g := mustRunGateway(t, "")
	// Unknown fields, odd spacing, escapes and number formats must arrive untouched.
	body := "{ \"model\" : \"gpt-4o-mini\",\n\t\"messages\":[{\"role\":\"user\",\"content\":\"caf\\u00e9 \\\"q\\\" <b>\"}],\n" +
		"  \"future_feature\": {\"x\": 1.50e2, \"y\": [true, null]}, \"temperature\": 0.70 }"
	resp, data := g.do(t, "POST", "/v1/chat/completions", body, bearerHeader(g.key))
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, data)
	}
	if got := string(g.upstream.last(t).body); got != body {
		t.Errorf("provider got\n%s\nwant byte-identical\n%s", got, body)
	}
}

func TestClientCredentialsNeverForwarded(t *testing.T) {
	g := mustRunGateway(t, "")
	h := http.Header{
		"Authorization":       {"Bearer " + g.key},
		"Cookie":              {"session=abc"},
		"X-Forwarded-For":     {"10.0.0.1"},
		"Openai-Organization": {"org-client"},
		"X-Stainless-Lang":    {"go"},
	}
	resp, data := g.do(t, "POST", "/v1/chat/completions", `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`, h)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, data)
	}
	up := g.upstream.last(t)
	for name, vals := range up.header {
		for _, v := range vals {
			if strings.Contains(v, g.key) {
				t.Errorf("provider got the aigate key in %s", name)
			}
		}
	}
	for _, name := range []string{"Cookie", "X-Forwarded-For", "Openai-Organization"} {
		if up.header.Get(name) != "" {
			t.Errorf("provider got client header %s", name)
		}
	}
	if up.header.Get("X-Stainless-Lang") != "go" {
		t.Error("SDK telemetry header was dropped")
	}
	for _, s := range g.secrets() {
		if bytes.Contains(data, []byte(s)) {
			t.Error("a key was echoed to the client")
		}
	}
}

func TestRefusals(t *testing.T) {
	g := mustRunGateway(t, "validation:\n  max_body_bytes: 4KiB\n")
	limited, _ := g.mustKey(t, keys.CreateOptions{Name: "mini", Models: []string{"gpt-4o-mini"}})
	revoked, revokedID := g.mustKey(t, keys.CreateOptions{Name: "gone"})
	if err := g.keys.Revoke(context.Background(), revokedID, "test"); err != nil {
		t.Fatal(err)
	}
	expired, expiredID := g.mustKey(t, keys.CreateOptions{Name: "old", TTL: time.Hour})
	if err := g.db.SetExpiry(context.Background(), expiredID, time.Now().Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	chat := `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`
	tests := []struct {
		name, method, path, body string
		header                   http.Header
		status                   int
		format                   string // openai, anthropic, gemini
		msg                      string
	}{
		{"no-key", "POST", "/v1/chat/completions", chat, nil, 401, "openai", "missing aigate key"},
		{"revoked", "POST", "/v1/chat/completions", chat, bearerHeader(revoked), 401, "openai", "revoked"},
		{"expired", "POST", "/v1/chat/completions", chat, bearerHeader(expired), 401, "openai", "expired"},
		{"model-not-allowed", "POST", "/v1/messages", `{"model":"claude-opus-4-1","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}`,
			http.Header{"X-Api-Key": {limited}, "Anthropic-Version": {"2023-06-01"}}, 403, "anthropic", "not allowed"},
		{"too-large", "POST", "/v1/chat/completions", `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"` + strings.Repeat("a", 5000) + `"}]}`,
			bearerHeader(g.key), 413, "openai", "4 KiB"},
		{"bad-json", "POST", "/v1/messages", `{"model":`, http.Header{"X-Api-Key": {g.key}}, 400, "anthropic", "not valid JSON"},
		{"wrong-content-type", "POST", "/v1beta/models/gemini-2.5-flash:generateContent", "", http.Header{"X-Goog-Api-Key": {g.key}, "Content-Type": {"text/plain"}}, 415, "gemini", "application/json"},
		{"too-many-messages", "POST", "/v1/chat/completions", `{"model":"gpt-4o-mini","messages":[` + strings.Repeat(`{"role":"user","content":"a"},`, 50) + `{"role":"user","content":"a"}]}`,
			bearerHeader(g.key), 400, "openai", "51 messages"},
		{"unknown-route", "POST", "/v1/images/generations", chat, bearerHeader(g.key), 404, "openai", "does not serve"},
		{"unknown-gemini-route", "POST", "/v1beta/models/x:unknownMethod", `{}`, http.Header{"X-Goog-Api-Key": {g.key}}, 404, "gemini", "does not serve"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := g.upstream.count()
			h := tt.header.Clone()
			if h == nil {
				h = http.Header{}
			}
			resp, data := g.do(t, tt.method, tt.path, tt.body, h)
			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d (%s), want %d", resp.StatusCode, data, tt.status)
			}
			if msg := errorMessage(t, tt.format, data); !strings.Contains(msg, tt.msg) {
				t.Errorf("message %q does not contain %q", msg, tt.msg)
			}
			if g.upstream.count() != before {
				t.Error("a refused request reached the provider")
			}
		})
	}
}

// errorMessage parses a refusal in the given provider format.
func errorMessage(t *testing.T, format string, data []byte) string {
	t.Helper()
	var v struct {
		Type  string `json:"type"`
		Error struct {
			Message string `json:"message"`
			Type    string `json:"type"`
			Code    any    `json:"code"`
			Status  string `json:"status"`
		} `json:"error"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("error body is not JSON: %s", data)
	}
	switch format {
	case "anthropic":
		if v.Type != "error" || v.Error.Type == "" {
			t.Errorf("not an Anthropic error: %s", data)
		}
	case "gemini":
		if v.Error.Status == "" || v.Error.Code == nil {
			t.Errorf("not a Gemini error: %s", data)
		}
	default:
		if v.Error.Type == "" {
			t.Errorf("not an OpenAI error: %s", data)
		}
	}
	return v.Error.Message
}

func TestUpstreamDown(t *testing.T) {
	g := mustRunGateway(t, "")
	g.sim.Close()
	resp, data := g.do(t, "POST", "/v1/chat/completions", `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`, bearerHeader(g.key))
	if resp.StatusCode != http.StatusBadGateway || !strings.Contains(errorMessage(t, "openai", data), "could not be reached") {
		t.Errorf("status %d %s, want 502 saying the provider could not be reached", resp.StatusCode, data)
	}
}

func TestProviderRejectsGatewayKey(t *testing.T) {
	g := mustRunGatewayWith(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(401)
		io.WriteString(w, `{"error":{"message":"Incorrect API key provided: prov-****","type":"invalid_request_error"}}`)
	}), "", nil)
	resp, data := g.do(t, "POST", "/v1/chat/completions", `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`, bearerHeader(g.key))
	if resp.StatusCode != http.StatusBadGateway || bytes.Contains(data, []byte("prov-")) {
		t.Errorf("status %d %s: want 502 without the provider's message about our key", resp.StatusCode, data)
	}
}

// slowStream is an upstream that sends one SSE event, then waits for
// release (or the request's end) before finishing.
func slowStream(release <-chan struct{}, cancelled *atomic.Bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: {\"id\":\"1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\n")
		w.(http.Flusher).Flush()
		select {
		case <-release:
			io.WriteString(w, "data: {\"id\":\"1\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":5,\"total_tokens\":8}}\n\ndata: [DONE]\n\n")
		case <-r.Context().Done():
			cancelled.Store(true)
		}
	})
}

func TestStreamRelayedEventByEventAndDisconnectCancelsUpstream(t *testing.T) {
	release := make(chan struct{})
	var cancelled atomic.Bool
	g := mustRunGatewayWith(t, slowStream(release, &cancelled), "", nil)
	defer close(release)
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "POST", g.URL()+"/v1/chat/completions",
		strings.NewReader(`{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+g.key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	// The first event arrives while the provider is still holding the stream
	// open: nothing is buffered whole.
	line, err := bufio.NewReader(resp.Body).ReadString('\n')
	if err != nil || !strings.Contains(line, `"content":"hi"`) {
		t.Fatalf("first line = %q, %v", line, err)
	}
	cancel()
	resp.Body.Close()
	deadline := time.Now().Add(5 * time.Second)
	for !cancelled.Load() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if !cancelled.Load() {
		t.Error("the client went away but the upstream request was not cancelled")
	}
}

func TestGracefulShutdownLetsStreamsFinish(t *testing.T) {
	release := make(chan struct{})
	var cancelled atomic.Bool
	g := mustRunGatewayWith(t, slowStream(release, &cancelled), "", nil)
	req, _ := http.NewRequest("POST", g.URL()+"/v1/chat/completions",
		strings.NewReader(`{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+g.key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	if _, err := br.ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		done <- g.Shutdown(ctx)
	}()
	time.Sleep(100 * time.Millisecond) // let Shutdown start; it must wait for the stream
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned (%v) while a stream was in flight", err)
	default:
	}
	close(release)
	rest, err := io.ReadAll(br)
	if err != nil || !strings.Contains(string(rest), "[DONE]") {
		t.Errorf("stream rest = %q, %v; want it to finish", rest, err)
	}
	if err := <-done; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}

func TestReloadSwapsProviderKeys(t *testing.T) {
	g := mustRunGateway(t, "")
	chat := `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`
	g.do(t, "POST", "/v1/chat/completions", chat, bearerHeader(g.key))
	old := g.upstream.last(t).header.Get("Authorization")
	g.env["TEST_OPENAI_KEY"] = "prov-rotated-" + randomHex(8)
	if err := g.Reload(); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	g.do(t, "POST", "/v1/chat/completions", chat, bearerHeader(g.key))
	if got := g.upstream.last(t).header.Get("Authorization"); got == old || got != "Bearer "+g.env["TEST_OPENAI_KEY"] {
		t.Error("after reload the provider did not get the rotated key")
	}
	// A broken configuration keeps the running one.
	delete(g.env, "TEST_OPENAI_KEY")
	if err := g.Reload(); err == nil || !strings.Contains(err.Error(), "TEST_OPENAI_KEY is not set") {
		t.Errorf("Reload with a missing key = %v, want an error naming it", err)
	}
	if resp, _ := g.do(t, "POST", "/v1/chat/completions", chat, bearerHeader(g.key)); resp.StatusCode != 200 {
		t.Errorf("after a failed reload status = %d, want the old configuration serving", resp.StatusCode)
	}
}

func TestOperatorEndpoints(t *testing.T) {
	g := mustRunGateway(t, "")
	g.do(t, "POST", "/v1/chat/completions", `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`, bearerHeader(g.key))
	for _, path := range []string{"/healthz", "/readyz"} {
		if resp, data := g.do(t, "GET", path, "", nil); resp.StatusCode != 200 || string(data) != "ok\n" {
			t.Errorf("GET %s = %d %q", path, resp.StatusCode, data)
		}
	}
	_, data := g.do(t, "GET", "/metrics", "", nil)
	for _, want := range []string{
		`aigate_requests_total{decision="allowed",model="gpt-4o-mini",provider="openai",status="200"} 1`,
		`aigate_tokens_total{direction="output",model="gpt-4o-mini",provider="openai"}`,
		"aigate_upstream_duration_seconds_bucket",
		"aigate_streams_in_flight 0",
	} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if resp, _ := g.do(t, "GET", "/admin/keys", "", bearerHeader("anything")); resp.StatusCode != 404 {
		t.Errorf("admin API without admin_key: status %d, want 404 (off)", resp.StatusCode)
	}
}

func TestAdminAPI(t *testing.T) {
	adminKey := "adm-" + randomHex(16)
	g := mustRunGatewayWith(t, upstreamsim.New(), "admin_key: env:TEST_ADMIN_KEY\n", map[string]string{"TEST_ADMIN_KEY": adminKey})
	if resp, _ := g.do(t, "GET", "/admin/keys", "", bearerHeader("wrong")); resp.StatusCode != 401 {
		t.Errorf("wrong admin credential: %d, want 401", resp.StatusCode)
	}
	resp, data := g.do(t, "POST", "/admin/keys", `{"name":"from-api","owner":"carol","models":["gpt-*"]}`, bearerHeader(adminKey))
	var created struct{ ID, Key, Status string }
	if err := json.Unmarshal(data, &created); err != nil || resp.StatusCode != 201 || !keys.Valid(created.Key) {
		t.Fatalf("create = %d, want 201 with a valid key", resp.StatusCode)
	}
	chat := `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`
	if resp, _ := g.do(t, "POST", "/v1/chat/completions", chat, bearerHeader(created.Key)); resp.StatusCode != 200 {
		t.Errorf("new key: status %d", resp.StatusCode)
	}
	_, data = g.do(t, "GET", "/admin/keys", "", bearerHeader(adminKey))
	if !bytes.Contains(data, []byte(created.ID)) || bytes.Contains(data, []byte(created.Key)) || bytes.Contains(data, []byte(g.key)) {
		t.Error("list must name the key and hold no secret")
	}
	if resp, _ := g.do(t, "POST", "/admin/keys/"+created.ID+"/revoke", `{"reason":"test"}`, bearerHeader(adminKey)); resp.StatusCode != 200 {
		t.Errorf("revoke: %d", resp.StatusCode)
	}
	if resp, _ := g.do(t, "POST", "/v1/chat/completions", chat, bearerHeader(created.Key)); resp.StatusCode != 401 {
		t.Errorf("revoked key: status %d, want 401", resp.StatusCode)
	}
	if strings.Contains(g.log.String(), adminKey) || strings.Contains(g.log.String(), created.Key) {
		t.Error("a key reached the log")
	}
}

func TestKeysCommand(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AIGATE_DATABASE", "sqlite:"+dir+"/k.db")
	ctx := context.Background()
	runOut := func(args ...string) (string, error) {
		var out, errb bytes.Buffer
		err := run(ctx, args, strings.NewReader(""), &out, &errb)
		return out.String(), err
	}
	out, err := runOut("keys", "create", "--name", "cli", "--owner", "dora", "--models", "gpt-4o-mini, claude-*", "--json")
	if err != nil {
		t.Fatalf("keys create: %v", err)
	}
	var created struct {
		ID, Key string
		Models  []string
	}
	if err := json.Unmarshal([]byte(out), &created); err != nil || !keys.Valid(created.Key) || len(created.Models) != 2 {
		t.Fatalf("keys create --json = %q", redactForTest(out))
	}
	out, err = runOut("keys", "list", "--json")
	if err != nil || !strings.Contains(out, created.ID) || strings.Contains(out, created.Key) {
		t.Fatalf("keys list --json: err %v; want the id and no secret", err)
	}
	out, err = runOut("keys", "rotate", created.ID, "--grace", "1h", "--json")
	var rotated struct{ ID, Key string }
	if err != nil || json.Unmarshal([]byte(out), &rotated) != nil || rotated.ID == created.ID || !keys.Valid(rotated.Key) {
		t.Fatalf("keys rotate: %v", err)
	}
	if _, err := runOut("keys", "revoke", rotated.ID); err != nil {
		t.Fatalf("keys revoke: %v", err)
	}
	out, _ = runOut("keys", "show", rotated.ID)
	if !strings.Contains(out, "revoked") {
		t.Errorf("keys show after revoke = %q", out)
	}
	if _, err := runOut("keys", "show", "vk_nope"); err == nil || !strings.Contains(err.Error(), "no key with that ID") {
		t.Errorf("keys show unknown = %v", err)
	}
	if _, err := runOut("keys", "revoke"); exitCode(err, io.Discard) != 2 {
		t.Errorf("keys revoke without an ID: exit %d, want 2", exitCode(err, io.Discard))
	}
}

func TestServeStartupErrors(t *testing.T) {
	dir := t.TempDir()
	cfg := dir + "/aigate.yaml"
	os.WriteFile(cfg, []byte("database: sqlite:"+dir+"/x.db\nproviders:\n  - name: anthropic\n    type: anthropic\n    api_key: env:AIGATE_TEST_UNSET_KEY\n"), 0o600)
	err := run(context.Background(), []string{"serve", "--config", cfg}, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "AIGATE_TEST_UNSET_KEY is not set") {
		t.Errorf("serve with an unset key = %v, want an error naming the variable", err)
	}
	for _, k := range []string{"OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("AIGATE_DATABASE", "sqlite:"+dir+"/y.db")
	err = run(context.Background(), []string{"serve"}, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "no provider is configured") {
		t.Errorf("serve with no provider = %v", err)
	}
}

func TestDemo(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"demo"}, nil, &out, io.Discard); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	for _, want := range []string{"OpenAI chat completion", "200", "401", "must not be sent in the URL", "marked exposed", "limit for a user message", "none holds a prompt",
		"prompt-injection attempt", "pins the system prompt", "looks like a credential", "I will write to jane.roe@example.org", `received: {"order":{"id":"1042","status":"shipped","items":[{"sku":"KB-7"}]}}`, "withheld",
		"Backend mints a token", "Page streams a chat with the token", "not valid for this origin", "token expired"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
}

// TestLogsHoldNoSecretsOrContent sends canary keys and canary personal data
// through every path (success, stream, each refusal, upstream failure) and
// checks that none reaches the log.
func TestLogsHoldNoSecretsOrContent(t *testing.T) {
	g := mustRunGateway(t, "")
	email := "canary.person." + randomHex(4) + "@example.org"
	phone := "+44 20 7946 " + "0" + randomHex(2)[:1] + "12"
	prompt := "My email is " + email + " and phone " + phone + " please help"
	canaryKey, _ := keys.Generate()
	chat := func(extra string) string {
		return `{"model":"gpt-4o-mini"` + extra + `,"messages":[{"role":"user","content":"` + prompt + `"}]}`
	}
	g.do(t, "POST", "/v1/chat/completions", chat(""), bearerHeader(g.key))
	g.do(t, "POST", "/v1/chat/completions", chat(`,"stream":true`), bearerHeader(g.key))
	g.do(t, "POST", "/v1/messages", `{"model":"claude-haiku-4-5","max_tokens":50,"messages":[{"role":"user","content":"`+prompt+`"}]}`,
		http.Header{"X-Api-Key": {g.key}, "Anthropic-Version": {"2023-06-01"}})
	g.do(t, "POST", "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", `{"contents":[{"parts":[{"text":"`+prompt+`"}]}]}`,
		http.Header{"X-Goog-Api-Key": {g.key}})
	g.do(t, "POST", "/v1/chat/completions", chat(""), bearerHeader(canaryKey.Reveal()))                        // unknown key
	g.do(t, "POST", "/v1/chat/completions?key="+canaryKey.Reveal(), chat(""), nil)                             // key in URL
	g.do(t, "POST", "/v1/chat/completions", chat(`,"max_tokens":999999`), bearerHeader(g.key))                 // refused
	g.do(t, "POST", "/v1/chat/completions", `{"model":"gpt-4o-mini","messages":[`+prompt, bearerHeader(g.key)) // malformed
	g.sim.Close()
	g.do(t, "POST", "/v1/chat/completions", chat(""), bearerHeader(g.key)) // upstream down

	log := g.log.String()
	if strings.Count(log, `"msg":"request"`) < 9 {
		t.Fatalf("expected an access record per request, got log:\n%d bytes", len(log))
	}
	for _, leak := range append(g.secrets(), canaryKey.Reveal(), email, phone, "please help") {
		if strings.Contains(log, leak) {
			t.Errorf("the log holds a canary (%d chars long)", len(leak))
		}
	}
	for _, want := range []string{`"key_id":"` + g.keyID + `"`, `"tokens_out":`, `"decision":"refused"`, `"decision":"upstream_error"`} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %s", want)
		}
	}
}

// Without alt=sse Gemini streams one JSON array; the gateway asks the
// provider for SSE and writes the events back as the array's elements.
func TestGeminiArrayStream(t *testing.T) {
	g := mustRunGateway(t, "")
	resp, data := g.do(t, "POST", "/v1beta/models/gemini-2.5-flash:streamGenerateContent",
		`{"contents":[{"role":"user","parts":[{"text":"hello there"}]}]}`, http.Header{"X-Goog-Api-Key": {g.key}})
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, data)
	}
	var chunks []map[string]any
	if err := json.Unmarshal(data, &chunks); err != nil || len(chunks) == 0 {
		t.Fatalf("body is not a JSON array of chunks: %v", err)
	}
	if q := g.upstream.last(t).query; q != "alt=sse" {
		t.Errorf("provider got query %q, want alt=sse", q)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	if !strings.Contains(g.log.String(), `"operation":"stream_generate_content"`) || strings.Contains(g.log.String(), `"tokens_out":0,`) {
		t.Error("the access record lacks the stream's usage")
	}
}
