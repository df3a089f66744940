package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/internal/secrets/secretsfake"
	"github.com/aigate-dev/aigate/internal/upstreamsim"
)

// eventually polls cond every 100ms until it holds or within passes; it
// reports whether it held. Bounded in time, for the refresh loop's ticks.
func eventually(within time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(within)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestSecretsRefreshedOnInterval runs the gateway with its OpenAI key in a
// (fake) Vault KV v2 mount and its Anthropic key in a (fake, SigV4-checking)
// AWS Secrets Manager, refreshed every second: a rotation in either is used
// by the next requests without a restart or reload; an outage keeps the
// last good keys serving while the failure metric counts and /readyz names
// the stale references (200 until secrets.max_stale, then 503); recovery
// clears /readyz. No secret value is printed.
func TestSecretsRefreshedOnInterval(t *testing.T) {
	vault, vsrv := secretsfake.StartVault(t)
	vaultToken := vault.NewToken()
	sm, ssrv := secretsfake.StartSecretsManager(t) // sets the AWS credential chain's environment
	t.Setenv("AWS_ENDPOINT_URL", ssrv.URL)

	v1, a1 := "prov-vault-v1-"+randomHex(12), "prov-aws-v1-"+randomHex(12)
	vault.Put("secret/data/aigate/llm", map[string]string{"openai": v1})
	sm.Set("prod/anthropic", a1)

	g := mustRunGatewayWith(t, upstreamsim.New(), "secrets:\n  refresh_interval: 1s\n  max_stale: 3s\n"+
		"limits:\n  requests_per_minute: 60000\n  tokens_per_minute: 100000000\n",
		map[string]string{"VAULT_ADDR": vsrv.URL, "VAULT_TOKEN": vaultToken})
	// Move the two provider keys into the secret managers, as an operator
	// would, and reload once (SIGHUP); from then on the interval does it.
	cfg, err := os.ReadFile(g.cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	moved := strings.Replace(string(cfg), "api_key: env:TEST_OPENAI_KEY", "api_key: vault:secret/aigate/llm#openai", 1)
	moved = strings.Replace(moved, "api_key: env:TEST_ANTHROPIC_KEY", "api_key: aws-sm:prod/anthropic", 1)
	if err := os.WriteFile(g.cfgPath, []byte(moved), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := g.Reload(); err != nil {
		t.Fatalf("Reload with the keys in Vault and AWS: %v", err)
	}

	openaiKey := func() (int, string) {
		resp, _ := g.do(t, "POST", "/v1/chat/completions", `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`, bearerHeader(g.key))
		return resp.StatusCode, strings.TrimPrefix(g.upstream.last(t).header.Get("Authorization"), "Bearer ")
	}
	anthropicKey := func() (int, string) {
		resp, _ := g.do(t, "POST", "/v1/messages", `{"model":"claude-haiku-4-5","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}`,
			map[string][]string{"X-Api-Key": {g.key}, "Anthropic-Version": {"2023-06-01"}})
		return resp.StatusCode, g.upstream.last(t).header.Get("X-Api-Key")
	}
	if code, got := openaiKey(); code != 200 || got != v1 {
		t.Fatalf("OpenAI request: status %d, upstream got the Vault key: %v; want 200 and true", code, got == v1)
	}
	if code, got := anthropicKey(); code != 200 || got != a1 {
		t.Fatalf("Anthropic request: status %d, upstream got the AWS key: %v; want 200 and true", code, got == a1)
	}
	readyz := func() (int, string) {
		resp, data := g.do(t, "GET", "/readyz", "", nil)
		return resp.StatusCode, string(data)
	}
	if code, body := readyz(); code != 200 || body != "ok\n" {
		t.Fatalf("/readyz before any failure = %d %q, want 200 ok", code, body)
	}

	// Rotation: within a few intervals the next requests use v2.
	v2, a2 := "prov-vault-v2-"+randomHex(12), "prov-aws-v2-"+randomHex(12)
	vault.Put("secret/data/aigate/llm", map[string]string{"openai": v2})
	sm.Set("prod/anthropic", a2)
	if !eventually(5*time.Second, func() bool { _, got := openaiKey(); return got == v2 }) {
		t.Fatal("the key rotated in Vault did not reach the provider within 5s (refresh_interval 1s)")
	}
	if !eventually(5*time.Second, func() bool { _, got := anthropicKey(); return got == a2 }) {
		t.Fatal("the key rotated in AWS Secrets Manager did not reach the provider within 5s (refresh_interval 1s)")
	}
	if n := sm.Calls(); n < 2 {
		t.Errorf("the fake AWS Secrets Manager verified %d signed reads, want at least 2", n)
	}

	// Outage: both managers fail; the last good keys keep serving.
	vault.SetSealed(true)
	sm.SetDeny(true)
	failures := func(scheme string) float64 {
		return metricValue(t, g, `aigate_secret_refresh_failures_total{scheme="`+scheme+`"}`)
	}
	if !eventually(5*time.Second, func() bool { return failures("vault") >= 1 && failures("aws-sm") >= 1 }) {
		t.Fatalf("failure counters after the outage: vault %v, aws-sm %v; want both counting", failures("vault"), failures("aws-sm"))
	}
	if code, got := openaiKey(); code != 200 || got != v2 {
		t.Errorf("during the Vault outage: status %d, upstream got the last good key: %v; want 200 and true", code, got == v2)
	}
	if code, got := anthropicKey(); code != 200 || got != a2 {
		t.Errorf("during the AWS outage: status %d, upstream got the last good key: %v; want 200 and true", code, got == a2)
	}
	code, body := readyz()
	if code != 200 || !strings.Contains(body, "vault:secret/aigate/llm#openai") || !strings.Contains(body, "aws-sm:prod/anthropic") || !strings.Contains(body, "last good value") {
		t.Errorf("/readyz during a short outage = %d %q, want 200 naming both stale references", code, body)
	}
	// Stale longer than max_stale (3s): now the instance is not ready.
	if !eventually(6*time.Second, func() bool { code, _ := readyz(); return code == 503 }) {
		t.Errorf("/readyz stayed %d after the secrets were stale longer than secrets.max_stale", code)
	} else if _, body := readyz(); !strings.Contains(body, "secrets.max_stale") || !strings.Contains(body, "vault:secret/aigate/llm#openai") {
		t.Errorf("/readyz 503 body = %q, want it to name the reference and max_stale", body)
	}
	if metricValue(t, g, `aigate_secret_last_refresh_success_timestamp_seconds{ref="vault:secret/aigate/llm#openai"}`) <= 0 {
		t.Error("the last-success gauge of the Vault reference is not set")
	}

	// Recovery clears /readyz.
	vault.SetSealed(false)
	sm.SetDeny(false)
	if !eventually(5*time.Second, func() bool { code, body := readyz(); return code == 200 && body == "ok\n" }) {
		code, body := readyz()
		t.Errorf("/readyz after recovery = %d %q, want 200 ok", code, body)
	}
	if code, got := openaiKey(); code != 200 || got != v2 {
		t.Errorf("after recovery: status %d, upstream got v2: %v", code, got == v2)
	}

	logs := g.log.String()
	for _, s := range []string{v1, v2, a1, a2, vaultToken, sm.SecretKey} {
		if strings.Contains(logs, s) {
			t.Error("a secret value reached the log")
		}
	}
	if !strings.Contains(logs, "secret refresh failed") || !strings.Contains(logs, "vault:secret/aigate/llm#openai") {
		t.Error("the log does not name the reference whose refresh failed")
	}
}

// metricValue returns the value of the sample named exactly by series on
// /metrics, or -1 when there is none.
func metricValue(t *testing.T, g *testGateway, series string) float64 {
	t.Helper()
	_, data := g.do(t, "GET", "/metrics", "", nil)
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			var f float64
			if _, err := fmt.Sscan(v, &f); err == nil {
				return f
			}
		}
	}
	return -1
}

// TestSecretRefreshKeepsStreamsInFlight: a provider key in a file (as a
// Kubernetes secret mount) changes while a stream is in flight; new
// requests get the new key within the interval, and the stream, started
// with the old state, finishes untouched.
func TestSecretRefreshKeepsStreamsInFlight(t *testing.T) {
	release := make(chan struct{})
	var cancelled atomic.Bool
	slow, sim := slowStream(release, &cancelled), upstreamsim.New()
	upstream := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("slow") != "" || strings.Contains(r.Header.Get("Accept"), "text/event-stream") {
			slow.ServeHTTP(w, r)
			return
		}
		sim.ServeHTTP(w, r)
	})
	g := mustRunGatewayWith(t, upstream, "secrets:\n  refresh_interval: 1s\n"+
		"limits:\n  requests_per_minute: 60000\n  tokens_per_minute: 100000000\n", nil)
	keyFile := filepath.Join(t.TempDir(), "openai")
	v1, v2 := "prov-file-v1-"+randomHex(12), "prov-file-v2-"+randomHex(12)
	if err := os.WriteFile(keyFile, []byte(v1+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := os.ReadFile(g.cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	moved := strings.Replace(string(cfg), "api_key: env:TEST_OPENAI_KEY", "api_key: file:"+keyFile, 1)
	if err := os.WriteFile(g.cfgPath, []byte(moved), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := g.Reload(); err != nil {
		t.Fatalf("Reload with the key in a file: %v", err)
	}

	req, _ := http.NewRequest("POST", g.URL()+"/v1/chat/completions",
		strings.NewReader(`{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+g.key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body := bufio.NewReader(resp.Body)
	if line, err := body.ReadString('\n'); err != nil || !strings.Contains(line, `"content":"hi"`) {
		t.Fatalf("first stream line = %q, %v", line, err)
	}
	if got := g.upstream.last(t).header.Get("Authorization"); got != "Bearer "+v1 {
		t.Fatalf("the stream reached the provider with the file's key: %v, want true", got == "Bearer "+v1)
	}

	if err := os.WriteFile(keyFile, []byte(v2+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	chat := `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`
	if !eventually(5*time.Second, func() bool {
		resp, _ := g.do(t, "POST", "/v1/chat/completions", chat, bearerHeader(g.key))
		return resp.StatusCode == 200 && g.upstream.last(t).header.Get("Authorization") == "Bearer "+v2
	}) {
		t.Fatal("the key rewritten in the file did not reach the provider within 5s (refresh_interval 1s)")
	}

	close(release)
	rest, err := io.ReadAll(body)
	if err != nil || !strings.Contains(string(rest), "data: [DONE]") || cancelled.Load() {
		t.Errorf("the stream in flight during the refresh: rest %q, %v, upstream cancelled %v; want it to finish", rest, err, cancelled.Load())
	}
}
