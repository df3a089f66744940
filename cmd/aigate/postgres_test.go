package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/internal/budget"
	"github.com/aigate-dev/aigate/internal/keys"
	"github.com/aigate-dev/aigate/internal/store/postgres"
	"github.com/aigate-dev/aigate/internal/store/postgres/pgtest"
	"github.com/aigate-dev/aigate/internal/upstreamsim"
)

// The gateway and `aigate keys` share a PostgreSQL database (in a schema of
// the test's own): a key created by the command serves requests, a
// revocation by the command is refused at once, and the usage ledger is
// written there.
func TestPostgresDatabase(t *testing.T) {
	dbURL, _ := pgtest.URL(t)
	upstream := &recorder{next: upstreamsim.New()}
	sim := httptest.NewServer(upstream)
	t.Cleanup(sim.Close)

	// strconv.Quote makes a YAML double-quoted string of the URL.
	cfg := strings.Replace(fmt.Sprintf(gatewayConfig, "unused", sim.URL),
		"database: sqlite:unused", "database: "+strconv.Quote(dbURL), 1)
	cfgPath := filepath.Join(t.TempDir(), "aigate.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"TEST_OPENAI_KEY", "TEST_ANTHROPIC_KEY", "TEST_GEMINI_KEY"} {
		t.Setenv(k, "prov-"+k+"-"+randomHex(12))
	}
	ctx := context.Background()
	aigate := func(args ...string) (string, error) {
		t.Helper()
		var out, errb bytes.Buffer
		err := run(ctx, append(args, "--config", cfgPath), strings.NewReader(""), &out, &errb)
		return out.String(), err
	}

	logs := &syncBuffer{}
	a, err := newApp(ctx, appOptions{source: configSource{path: cfgPath, env: os.LookupEnv}, listen: "127.0.0.1:0", logOut: logs})
	if err != nil {
		t.Fatalf("newApp: %v", err)
	}
	if err := a.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = a.Shutdown(ctx)
	})
	g := &testGateway{app: a, upstream: upstream, sim: sim, log: logs}

	out, err := aigate("keys", "create", "--name", "pg-app", "--owner", "alice", "--json")
	if err != nil {
		t.Fatalf("keys create: %v", err)
	}
	var created struct{ ID, Key string }
	if err := json.Unmarshal([]byte(out), &created); err != nil || !keys.Valid(created.Key) {
		t.Fatalf("keys create --json = %q", redactForTest(out))
	}

	const chat = `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`
	resp, data := g.do(t, "POST", "/v1/chat/completions", chat, bearerHeader(created.Key))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("chat with the key from `keys create` = %d %s, want 200", resp.StatusCode, data)
	}
	if upstream.count() != 1 {
		t.Errorf("provider got %d requests, want 1", upstream.count())
	}
	if resp, _ := g.do(t, "GET", "/readyz", "", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("GET /readyz = %d, want 200", resp.StatusCode)
	}

	if _, err := aigate("keys", "revoke", created.ID); err != nil {
		t.Fatalf("keys revoke: %v", err)
	}
	// The gateway caches keys for up to keys.DefaultCacheTTL and has no
	// Redis to hear of the change through: the revocation holds within it.
	revoked := time.Now()
	served := upstream.count()
	for {
		resp, data = g.do(t, "POST", "/v1/chat/completions", chat, bearerHeader(created.Key))
		if resp.StatusCode == http.StatusUnauthorized && bytes.Contains(data, []byte("revoked")) {
			served = upstream.count() - served
			break
		}
		if time.Since(revoked) > keys.DefaultCacheTTL+100*time.Millisecond {
			t.Fatalf("chat with a key revoked %v ago = %d %s, want 401 saying it was revoked", time.Since(revoked), resp.StatusCode, data)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if resp, _ := g.do(t, "POST", "/v1/chat/completions", chat, bearerHeader(created.Key)); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("after the revocation was seen: %d, want 401", resp.StatusCode)
	}
	t.Logf("revocation by the command seen after %v (%d requests served meanwhile)", time.Since(revoked).Round(time.Millisecond), served)
	if strings.Contains(logs.String(), created.Key) {
		t.Error("a key reached the log")
	}

	// After a graceful shutdown the served request is in the usage ledger.
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := a.Shutdown(sctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	db, err := postgres.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Usage(ctx, budget.UsageQuery{By: budget.ByKey})
	if err != nil {
		t.Fatal(err)
	}
	var requests int64
	for _, r := range rows {
		if r.Group == created.ID {
			requests = r.Requests
		}
	}
	if requests < 1 {
		t.Errorf("usage ledger by key = %+v, want the request made with %s", rows, created.ID)
	}
}
