package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/aigate-dev/aigate/internal/budget"
	"github.com/aigate-dev/aigate/internal/keys"
	"github.com/aigate-dev/aigate/internal/store/postgres"
	"github.com/aigate-dev/aigate/internal/store/postgres/pgtest"
	"github.com/aigate-dev/aigate/internal/testenv"
	"github.com/aigate-dev/aigate/internal/upstreamsim"
)

// cluster is n gateways sharing one PostgreSQL schema and one Redis key
// prefix, in front of one recording simulated provider.
type cluster struct {
	nodes    []*testGateway
	upstream *recorder
	dbURL    string
	prefix   string // of every Redis key
}

// mustRunCluster starts n gateways on 127.0.0.1:0 with redisURL and a
// PostgreSQL schema of the test's own; extra is appended to the
// configuration. Every Redis key they write starts with a prefix of this
// run, deleted when the test ends.
func mustRunCluster(t testing.TB, n int, redisURL, extra string) *cluster {
	t.Helper()
	return mustRunClusterWith(t, n, redisURL, extra, upstreamsim.New())
}

// mustRunClusterWith is mustRunCluster in front of provider.
func mustRunClusterWith(t testing.TB, n int, redisURL, extra string, provider http.Handler) *cluster {
	t.Helper()
	dbURL, _ := pgtest.URL(t)
	prefix := "aigate-test:" + rand.Text()[:12] + ":"
	if redisURL == os.Getenv("AIGATE_TEST_REDIS_URL") {
		// The shared server: leave nothing behind. A server of the
		// test's own goes away with it.
		t.Cleanup(func() { deleteRedisPrefix(t, redisURL, prefix) })
	}
	c := &cluster{upstream: &recorder{next: provider}, dbURL: dbURL, prefix: prefix}
	sim := httptest.NewServer(c.upstream)
	t.Cleanup(sim.Close)

	cfg := strings.Replace(fmt.Sprintf(gatewayConfig, "unused", sim.URL),
		"database: sqlite:unused", "database: "+strconv.Quote(dbURL)+"\nredis: "+strconv.Quote(redisURL), 1) + extra
	cfgPath := filepath.Join(t.TempDir(), "aigate.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for _, k := range []string{"TEST_OPENAI_KEY", "TEST_ANTHROPIC_KEY", "TEST_GEMINI_KEY"} {
		env[k] = "prov-" + k + "-" + randomHex(12)
	}
	for range n {
		g := &testGateway{upstream: c.upstream, sim: sim, log: &syncBuffer{}, cfgPath: cfgPath, env: env}
		a, err := newApp(context.Background(), appOptions{
			source:      configSource{path: cfgPath, env: func(k string) (string, bool) { v, ok := env[k]; return v, ok }},
			listen:      "127.0.0.1:0",
			logOut:      g.log,
			redisPrefix: prefix,
		})
		if err != nil {
			t.Fatalf("newApp: %v", err)
		}
		if err := a.Start(); err != nil {
			t.Fatalf("Start: %v", err)
		}
		g.app = a
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = a.Shutdown(ctx)
		})
		c.nodes = append(c.nodes, g)
	}
	return c
}

func deleteRedisPrefix(t testing.TB, redisURL, prefix string) {
	opts, err := goredis.ParseURL(redisURL)
	if err != nil {
		t.Error(err)
		return
	}
	client := goredis.NewClient(opts)
	defer client.Close()
	ctx := context.Background()
	iter := client.Scan(ctx, 0, prefix+"*", 500).Iterator()
	for iter.Next(ctx) {
		client.Del(ctx, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Errorf("cleaning up %s*: %v", prefix, err)
	}
}

// hammer sends total requests at once, spread over the nodes, and counts
// the statuses.
func (c *cluster) hammer(t *testing.T, total int, body, key string) map[int]int {
	t.Helper()
	var mu sync.Mutex
	got := map[int]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range total {
		g := c.nodes[i%len(c.nodes)]
		wg.Go(func() {
			<-start
			resp, _ := g.do(t, "POST", "/v1/chat/completions", body, bearerHeader(key))
			mu.Lock()
			got[resp.StatusCode]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	return got
}

const clusterChat = `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`

// Three gateways sharing Redis and PostgreSQL are one: 500 concurrent
// requests for one user with 10 per minute, spread over all three, and
// exactly 10 reach the provider.
func TestClusterRateLimitIsExact(t *testing.T) {
	c := mustRunCluster(t, 3, testenv.Redis(t), "limits:\n  concurrent: 0\n  tokens_per_minute: 0\n")
	key, _ := c.nodes[0].mustKey(t, keys.CreateOptions{Name: "web-app", Owner: "alice"})
	got := c.hammer(t, 500, clusterChat, key)
	if got[200] != 10 || got[429] != 490 {
		t.Errorf("statuses %v, want exactly 10×200 and 490×429", got)
	}
	if n := c.upstream.count(); n != 10 {
		t.Errorf("provider saw %d requests, want 10", n)
	}
}

// A $1 budget and requests of known maximum cost, 500 at once over three
// gateways: spend ends at most $1.00 and within one request's cost of it.
func TestClusterBudgetNeverOverspent(t *testing.T) {
	c := mustRunCluster(t, 3, testenv.Redis(t), "limits:\n  requests_per_minute: 0\n  tokens_per_minute: 0\n  concurrent: 0\n"+
		"prices:\n  gpt-4o-mini: {input: \"10000\", output: \"10000\"}\n")
	amount := budget.Amount{Cap: budget.Dollar, Period: budget.PeriodMonth}
	key, id := c.nodes[0].mustKey(t, keys.CreateOptions{Name: "web-app", Owner: "carol", Limits: keys.Limits{Budget: amount}})
	body := `{"model":"gpt-4o-mini","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}`
	got := c.hammer(t, 500, body, key)
	if got[200]+got[402] != 500 {
		t.Errorf("statuses %v, want only 200 and 402", got)
	}
	// The burst is refused while the holds of the requests in flight fill
	// the budget, and actual costs come in under the holds; once they have
	// settled, what is left is served, one node after another, until
	// nothing fits: no money is lost to reservations.
	flush := func() {
		for _, g := range c.nodes {
			if err := g.acct.flush(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	}
	flush()
	more := 0
	for i := 0; ; i++ {
		resp, data := c.nodes[i%3].do(t, "POST", "/v1/chat/completions", body, bearerHeader(key))
		if resp.StatusCode == 402 {
			break
		}
		if resp.StatusCode != 200 || i > 100 {
			t.Fatalf("after the burst: %d %s", resp.StatusCode, data)
		}
		more++
		flush()
	}
	flush()
	db, err := postgres.Open(context.Background(), c.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	spent, held, err := db.Spent(context.Background(), budget.Budget{Kind: budget.ScopeKey, ID: id, Amount: amount}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	maxCost := budget.Micros(7 * 10_000) // (2 input + 5 output tokens) × 1¢
	t.Logf("burst statuses %v, then %d more served; spent %v of $1.00", got, more, spent)
	if spent > budget.Dollar || spent < budget.Dollar-maxCost || held != 0 {
		t.Errorf("spent %v, held %v; want ≤ $1.00, within %v of it, nothing held", spent, held, maxCost)
	}
	// The reservations were decided in Redis, whose counter agrees with
	// the spend the database recorded behind the requests.
	start, _ := budget.PeriodMonth.Window(time.Now())
	rk := c.prefix + "budget:{key:" + id + "}:" + start.Format(time.DateOnly)
	v, err := redisClient(t, testenv.Redis(t)).HMGet(context.Background(), rk, "spent", "held").Result()
	if err != nil || fmt.Sprint(v) != fmt.Sprintf("[%d 0]", spent) {
		t.Errorf("redis %s = %v (%v), want spent %d and nothing held", rk, v, err, spent)
	}
}

func redisClient(t *testing.T, url string) *goredis.Client {
	t.Helper()
	opts, err := goredis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	client := goredis.NewClient(opts)
	t.Cleanup(func() { client.Close() })
	return client
}

// gate is a provider that holds every request until opened, counting how
// many it holds at once.
type gate struct {
	next          http.Handler
	open          chan struct{}
	mu            sync.Mutex
	inFlight, max int
}

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	g.inFlight++
	g.max = max(g.max, g.inFlight)
	g.mu.Unlock()
	<-g.open
	g.next.ServeHTTP(w, r)
	g.mu.Lock()
	g.inFlight--
	g.mu.Unlock()
}

// Three gateways share one concurrency limit: with 3 requests in flight
// per user, 30 at once over all three nodes put exactly 3 in flight at the
// provider and refuse the rest at once; when they end, their slots are
// free again on every node.
func TestClusterConcurrencyIsShared(t *testing.T) {
	g := &gate{next: upstreamsim.New(), open: make(chan struct{})}
	c := mustRunClusterWith(t, 3, testenv.Redis(t), "limits:\n  requests_per_minute: 0\n  tokens_per_minute: 0\n  concurrent: 3\n", g)
	key, _ := c.nodes[0].mustKey(t, keys.CreateOptions{Name: "web-app", Owner: "alice"})
	var mu sync.Mutex
	got := map[int]int{}
	refused := make(chan struct{}, 30)
	var wg sync.WaitGroup
	for i := range 30 {
		n := c.nodes[i%3]
		wg.Go(func() {
			resp, _ := n.do(t, "POST", "/v1/chat/completions", clusterChat, bearerHeader(key))
			mu.Lock()
			got[resp.StatusCode]++
			mu.Unlock()
			if resp.StatusCode != 200 {
				refused <- struct{}{}
			}
		})
	}
	timeout := time.After(10 * time.Second)
	for range 27 {
		select {
		case <-refused:
		case <-timeout:
			close(g.open)
			wg.Wait()
			t.Fatalf("27 refusals did not come while 3 were held: %v", got)
		}
	}
	close(g.open)
	wg.Wait()
	g.mu.Lock()
	most := g.max
	g.mu.Unlock()
	if got[200] != 3 || got[429] != 27 || most != 3 {
		t.Errorf("statuses %v, at most %d in flight at the provider; want 3×200, 27×429, 3 at once", got, most)
	}
	// Released everywhere: three at once pass again, over all nodes.
	again := c.hammer(t, 3, clusterChat, key)
	if again[200] != 3 {
		t.Errorf("after the first ended: %v, want 3×200", again)
	}
}

// Usage recorded before a graceful restart is all there after it when
// budgets are kept in Redis: the records were written behind, and the
// shutdown flushed them.
func TestClusterUsageSurvivesRestart(t *testing.T) {
	c := mustRunCluster(t, 1, testenv.Redis(t), "limits:\n  requests_per_minute: 0\n  tokens_per_minute: 0\n  concurrent: 0\n")
	amount := budget.Amount{Cap: 5 * budget.Dollar, Period: budget.PeriodMonth}
	key, _ := c.nodes[0].mustKey(t, keys.CreateOptions{Name: "web-app", Owner: "alice", Limits: keys.Limits{Budget: amount}})
	g := c.nodes[0]
	for range 4 {
		if resp, data := g.do(t, "POST", "/v1/chat/completions", clusterChat, bearerHeader(key)); resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, data)
		}
	}
	ctx := context.Background()
	if err := g.app.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	a, err := newApp(ctx, g.app.opts)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Shutdown(ctx)
	rows, err := a.acct.ledger.Usage(ctx, budget.UsageQuery{By: budget.ByUser})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Group != "alice" || rows[0].Requests != 4 || rows[0].Cost == 0 {
		t.Errorf("usage after restart = %+v, want 4 priced requests for alice", rows)
	}
}

// A key revoked on one gateway is refused by every gateway within a second.
func TestClusterRevocationWithinOneSecond(t *testing.T) {
	c := mustRunCluster(t, 3, testenv.Redis(t), "limits:\n  requests_per_minute: 0\n  tokens_per_minute: 0\n  concurrent: 0\n")
	key, id := c.nodes[0].mustKey(t, keys.CreateOptions{Name: "web-app", Owner: "alice"})
	// Every node serves the key first, so any cache it keeps holds it.
	for range 3 {
		for i, g := range c.nodes {
			if resp, data := g.do(t, "POST", "/v1/chat/completions", clusterChat, bearerHeader(key)); resp.StatusCode != 200 {
				t.Fatalf("node %d before revocation: %d %s", i, resp.StatusCode, data)
			}
		}
	}
	revoked := time.Now()
	if err := c.nodes[1].keys.Revoke(context.Background(), id, "test"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i, g := range c.nodes {
		wg.Go(func() {
			for {
				resp, _ := g.do(t, "POST", "/v1/chat/completions", clusterChat, bearerHeader(key))
				if resp.StatusCode == http.StatusUnauthorized {
					t.Logf("node %d refuses the key %v after the revocation", i, time.Since(revoked).Round(time.Millisecond))
					return
				}
				if time.Since(revoked) > time.Second {
					t.Errorf("node %d still serves a key revoked %v ago (status %d)", i, time.Since(revoked), resp.StatusCode)
					return
				}
				time.Sleep(5 * time.Millisecond)
			}
		})
	}
	wg.Wait()
}

// ownRedis is a redis-server of the test's own on a free port, which the
// test stops and restarts by PID. It never touches any other server.
type ownRedis struct {
	t    *testing.T
	port int
	cmd  *exec.Cmd
}

func startOwnRedis(t *testing.T, port int) *ownRedis {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("redis-server is not installed: CI must run the Redis failure tests")
		}
		t.Skip("skipping: redis-server is not installed")
	}
	if port == 0 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port = ln.Addr().(*net.TCPAddr).Port
		ln.Close()
	}
	r := &ownRedis{t: t, port: port}
	r.cmd = exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	r.cmd.Stdout, r.cmd.Stderr = io.Discard, io.Discard
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.stop)
	client := goredis.NewClient(&goredis.Options{Addr: r.addr()})
	defer client.Close()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if client.Ping(context.Background()).Err() == nil {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server on port %d did not answer", port)
		}
	}
}

func (r *ownRedis) addr() string { return "127.0.0.1:" + strconv.Itoa(r.port) }
func (r *ownRedis) url() string  { return "redis://" + r.addr() + "/0" }

// stop kills this server, by its PID, and waits for it.
func (r *ownRedis) stop() {
	if r.cmd == nil || r.cmd.Process == nil || r.cmd.ProcessState != nil {
		return
	}
	_ = r.cmd.Process.Kill()
	_ = r.cmd.Wait()
}

// Redis stopped mid-test: with fail_closed every gateway refuses with 503
// and a clear message, sets aigate_redis_up to 0 and logs once; with
// fail_open_local each counts in its own memory. When Redis is back, both
// share the limits again.
func TestClusterRedisFailure(t *testing.T) {
	testenv.Postgres(t)
	for _, mode := range []string{"fail_closed", "fail_open_local"} {
		t.Run(mode, func(t *testing.T) {
			rs := startOwnRedis(t, 0)
			c := mustRunCluster(t, 2, rs.url(), "limits:\n  requests_per_minute: 4\n  concurrent: 0\n  tokens_per_minute: 0\n  on_redis_error: "+mode+"\n")
			key, _ := c.nodes[0].mustKey(t, keys.CreateOptions{Name: "web-app", Owner: "alice"})
			status := func(g *testGateway) (int, string) {
				resp, data := g.do(t, "POST", "/v1/chat/completions", clusterChat, bearerHeader(key))
				return resp.StatusCode, string(data)
			}
			// Shared: 2 on each node spend the 4 per minute.
			for _, g := range c.nodes {
				for range 2 {
					if s, data := status(g); s != 200 {
						t.Fatalf("with redis: %d %s", s, data)
					}
				}
			}
			if s, _ := status(c.nodes[1]); s != 429 {
				t.Fatalf("5th request with redis up = %d, want 429", s)
			}

			rs.stop()
			for i, g := range c.nodes {
				s, data := status(g)
				switch mode {
				case "fail_closed":
					if s != 503 || !strings.Contains(data, "cannot check rate limits") {
						t.Errorf("node %d, redis down, fail_closed: %d %s; want 503 saying limits cannot be checked", i, s, data)
					}
				case "fail_open_local":
					if s != 200 {
						t.Errorf("node %d, redis down, fail_open_local: %d %s; want 200 from the local limit", i, s, data)
					}
				}
				if !strings.Contains(g.log.String(), "redis is unavailable for rate limits") {
					t.Errorf("node %d logged no transition", i)
				}
				if m := metricsText(t, g); !strings.Contains(m, "aigate_redis_up 0") || !strings.Contains(m, "aigate_redis_unavailable_total 1") {
					t.Errorf("node %d metrics while down lack aigate_redis_up 0 and one outage", i)
				}
			}
			if mode == "fail_open_local" {
				// Locally each node allows 4 per minute: 3 more, then 429.
				g := c.nodes[0]
				for range 3 {
					if s, data := status(g); s != 200 {
						t.Fatalf("local limit: %d %s", s, data)
					}
				}
				if s, _ := status(g); s != 429 {
					t.Errorf("5th request on the local limit = %d, want 429", s)
				}
			}

			// Back on the same port, empty: the limits are shared again.
			startOwnRedis(t, rs.port)
			for i, g := range c.nodes {
				deadline := time.Now().Add(5 * time.Second)
				for !g.acct.failover.Up() {
					if time.Now().After(deadline) {
						t.Fatalf("node %d did not see redis come back", i)
					}
					time.Sleep(20 * time.Millisecond)
				}
				if !strings.Contains(g.log.String(), "redis is back") {
					t.Errorf("node %d logged no recovery", i)
				}
				if m := metricsText(t, g); !strings.Contains(m, "aigate_redis_up 1") {
					t.Errorf("node %d metrics after recovery lack aigate_redis_up 1", i)
				}
			}
			for i, g := range c.nodes {
				for range 2 {
					if s, data := status(g); s != 200 {
						t.Fatalf("node %d after recovery: %d %s", i, s, data)
					}
				}
			}
			if s, _ := status(c.nodes[0]); s != 429 {
				t.Errorf("5th request after recovery = %d, want 429 from the shared limit", s)
			}
		})
	}
}

func metricsText(t *testing.T, g *testGateway) string {
	t.Helper()
	_, data := g.do(t, "GET", "/metrics", "", nil)
	return string(data)
}

// Budgets follow limits.on_redis_error too: with Redis stopped, a request
// under a budget is refused with 503 (fail_closed) or reserved on the
// instance's own ledger over the database (fail_open_local), the outage
// is logged and counted once; with Redis back (empty), budgets are shared
// again, seeded from the spend the database recorded.
func TestClusterRedisFailureBudgets(t *testing.T) {
	testenv.Postgres(t)
	for _, mode := range []string{"fail_closed", "fail_open_local"} {
		t.Run(mode, func(t *testing.T) {
			rs := startOwnRedis(t, 0)
			c := mustRunCluster(t, 1, rs.url(), "limits:\n  requests_per_minute: 0\n  concurrent: 0\n  tokens_per_minute: 0\n  on_redis_error: "+mode+"\n"+
				"prices:\n  gpt-4o-mini: {input: \"10000\", output: \"10000\"}\n")
			g := c.nodes[0]
			amount := budget.Amount{Cap: budget.Dollar / 4, Period: budget.PeriodMonth} // 3 requests of at most 7¢
			key, id := g.mustKey(t, keys.CreateOptions{Name: "web-app", Owner: "alice", Limits: keys.Limits{Budget: amount}})
			body := `{"model":"gpt-4o-mini","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}`
			status := func() (int, string) {
				resp, data := g.do(t, "POST", "/v1/chat/completions", body, bearerHeader(key))
				return resp.StatusCode, string(data)
			}
			if s, data := status(); s != 200 {
				t.Fatalf("with redis: %d %s", s, data)
			}
			if err := g.acct.flush(context.Background()); err != nil {
				t.Fatal(err)
			}
			rs.stop()
			s, data := status()
			switch mode {
			case "fail_closed":
				// The failed-authentication limit, ahead in the chain, may
				// be the first to find Redis down.
				if s != 503 || !strings.Contains(data, "aigate cannot check") {
					t.Errorf("redis down, fail_closed: %d %s; want 503 saying limits cannot be checked", s, data)
				}
			case "fail_open_local":
				if s != 200 {
					t.Errorf("redis down, fail_open_local: %d %s; want 200 from the local ledger", s, data)
				}
			}
			if !strings.Contains(g.log.String(), "redis is unavailable") {
				t.Error("no transition logged")
			}
			if m := metricsText(t, g); !strings.Contains(m, "aigate_redis_up 0") || !strings.Contains(m, "aigate_redis_unavailable_total 1") {
				t.Error("metrics while down lack aigate_redis_up 0 and one outage")
			}

			startOwnRedis(t, rs.port)
			for deadline := time.Now().Add(5 * time.Second); !g.acct.failover.Up(); time.Sleep(20 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatal("redis did not come back")
				}
			}
			if err := g.acct.flush(context.Background()); err != nil {
				t.Fatal(err)
			}
			// Serve until the budget is spent: a counter that Redis
			// started from zero, not from the database's spend, would let
			// the total pass the cap.
			served := 0
			for range 10 {
				s, data := status()
				if s == 402 {
					break
				}
				if s != 200 {
					t.Fatalf("after recovery: %d %s", s, data)
				}
				served++
				if err := g.acct.flush(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			db, err := postgres.Open(context.Background(), c.dbURL)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := g.acct.flush(context.Background()); err != nil {
				t.Fatal(err)
			}
			spent, _, err := db.Spent(context.Background(), budget.Budget{Kind: budget.ScopeKey, ID: id, Amount: amount}, time.Now())
			maxCost := budget.Micros(7 * 10_000)
			t.Logf("%d served after recovery; spent %v of %v", served, spent, amount.Cap)
			if err != nil || spent > amount.Cap || spent < amount.Cap-maxCost {
				t.Errorf("spent %v (%v), want at most %v and within %v of it", spent, err, amount.Cap, maxCost)
			}
		})
	}
}
