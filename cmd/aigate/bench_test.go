package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/internal/benchlat"
	"github.com/aigate-dev/aigate/internal/keys"
	"github.com/aigate-dev/aigate/internal/testenv"
	"github.com/aigate-dev/aigate/internal/upstreamsim"
)

// BenchmarkProxy compares, against one simulated provider on loopback, the
// provider reached directly, through a bare httputil.ReverseProxy, and
// through aigate with keys, validation and logging on. It reports
// requests/s and p50/p99 latency for a JSON and a streamed chat completion:
//
//	go test ./cmd/aigate -run '^$' -bench Proxy -benchtime 5000x
func BenchmarkProxy(b *testing.B) {
	up := httptest.NewServer(upstreamsim.New())
	defer up.Close()
	upURL, _ := url.Parse(up.URL)

	rp := httptest.NewServer(&httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) { pr.SetURL(upURL) },
		// Flush every write, as aigate does for streams, and pool
		// connections as aigate's upstream transport does.
		FlushInterval: -1,
		Transport:     &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 128},
		ErrorLog:      log.New(io.Discard, "", 0),
	})
	defer rp.Close()

	dir := b.TempDir()
	cfg := filepath.Join(dir, "aigate.yaml")
	// Limits and budgets on, set high enough never to refuse: every request
	// pays for the rate checks, the reservation and the settlement.
	os.WriteFile(cfg, []byte(fmt.Sprintf(gatewayConfig, filepath.Join(dir, "b.db"), up.URL)+
		"limits:\n  requests_per_minute: 60000\n  tokens_per_minute: 100000000\n  concurrent: 1000\n"+
		"budgets:\n  per_user: 1000000/month\n"+benchPolicyConfig), 0o600)
	env := map[string]string{"TEST_OPENAI_KEY": "k1", "TEST_ANTHROPIC_KEY": "k2", "TEST_GEMINI_KEY": "k3"}
	a, err := newApp(context.Background(), appOptions{
		source: configSource{path: cfg, env: func(k string) (string, bool) { v, ok := env[k]; return v, ok }},
		listen: "127.0.0.1:0",
		logOut: io.Discard,
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := a.Start(); err != nil {
		b.Fatal(err)
	}
	defer a.Shutdown(context.Background())
	secret, _, err := a.keys.Create(context.Background(), keys.CreateOptions{Name: "bench"})
	if err != nil {
		b.Fatal(err)
	}

	guarded, _, err := a.keys.Create(context.Background(), keys.CreateOptions{Name: "bench-guarded", Policy: "bench"})
	if err != nil {
		b.Fatal(err)
	}

	targets := []struct{ name, base, key string }{
		{"direct", up.URL, "k1"},
		{"reverseproxy", rp.URL, "k1"},
		{"aigate", a.URL(), secret.Reveal()},
		{"aigate+guards", a.URL(), guarded.Reveal()},
	}
	bodies := []struct{ name, body string }{
		{"json", `{"model":"gpt-4o-mini","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"` + strings.Repeat("hello ", 80) + `"}]}`},
		{"stream", `{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"` + strings.Repeat("hello ", 80) + `"}]}`},
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxIdleConns: 256}}
	for _, body := range bodies {
		for _, tg := range targets {
			b.Run(body.name+"/"+tg.name, func(b *testing.B) {
				var (
					mu  sync.Mutex
					lat []time.Duration
				)
				b.SetParallelism(8)
				b.ResetTimer()
				start := time.Now()
				b.RunParallel(func(pb *testing.PB) {
					var mine []time.Duration
					for pb.Next() {
						t0 := time.Now()
						req, _ := http.NewRequest("POST", tg.base+"/v1/chat/completions", strings.NewReader(body.body))
						req.Header.Set("Content-Type", "application/json")
						req.Header.Set("Authorization", "Bearer "+tg.key)
						resp, err := client.Do(req)
						if err != nil {
							b.Error(err)
							return
						}
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode != 200 {
							b.Errorf("status %d", resp.StatusCode)
							return
						}
						mine = append(mine, time.Since(t0))
					}
					mu.Lock()
					lat = append(lat, mine...)
					mu.Unlock()
				})
				elapsed := time.Since(start)
				b.StopTimer()
				slices.Sort(lat)
				if len(lat) > 0 {
					b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "req/s")
					b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
					b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
				}
			})
		}
	}
}

// benchPolicyConfig turns every guard on for the aigate+guards target: a
// pinned prompt (the client's "be brief" allowed after it) with a canary,
// injection, secrets and PII with pseudonyms on the way in, and the output
// guard on the way back.
const benchPolicyConfig = `
policies:
  bench:
    system_prompt: "You are the support assistant of Example Shop. Only answer questions about Example Shop orders, returns and products."
    client_system: allow
    pii: {default: redact, EMAIL: pseudonymize, PHONE: pseudonymize}
    output_secrets: flag
`

// BenchmarkStreamsRSS builds the aigate binary, runs it as its own process
// with 256 concurrent streams held open through it, and reports the
// process's resident memory:
//
//	go test ./cmd/aigate -run '^$' -bench StreamsRSS -benchtime 1x
func BenchmarkStreamsRSS(b *testing.B) {
	const streams = 256
	dir := b.TempDir()
	bin := filepath.Join(dir, "aigate")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	release := make(chan struct{})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: {\"id\":\"1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\n")
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
		io.WriteString(w, "data: [DONE]\n\n")
	}))
	defer up.Close()
	defer close(release)

	cfg := filepath.Join(dir, "aigate.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf(gatewayConfig, filepath.Join(dir, "rss.db"), up.URL)+
		"listen: 127.0.0.1:0\nlimits:\n  requests_per_minute: 0\n  tokens_per_minute: 0\n  concurrent: 0\n"), 0o600)
	environ := append(os.Environ(), "TEST_OPENAI_KEY=k1", "TEST_ANTHROPIC_KEY=k2", "TEST_GEMINI_KEY=k3")
	create := exec.Command(bin, "keys", "create", "--config", cfg, "--name", "rss", "--json")
	create.Env = environ
	out, err := create.Output()
	if err != nil {
		b.Fatal(err)
	}
	var key struct{ Key string }
	if err := json.Unmarshal(out, &key); err != nil {
		b.Fatal(err)
	}

	srv := exec.Command(bin, "serve", "--config", cfg)
	srv.Env = environ
	stdout, _ := srv.StdoutPipe()
	srv.Stderr = io.Discard
	if err := srv.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { srv.Process.Signal(os.Interrupt); srv.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatal(err)
	}
	base := strings.TrimSpace(line[strings.LastIndex(line, " "):])

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: streams, MaxConnsPerHost: streams}}
	var wg sync.WaitGroup
	opened := make(chan error, streams)
	for range streams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("POST", base+"/v1/chat/completions",
				strings.NewReader(`{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+key.Key)
			resp, err := client.Do(req)
			if err != nil {
				opened <- err
				return
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				msg, _ := io.ReadAll(resp.Body)
				opened <- fmt.Errorf("stream refused: %d %s", resp.StatusCode, msg)
				return
			}
			br := bufio.NewReader(resp.Body)
			_, err = br.ReadString('\n')
			opened <- err
			io.Copy(io.Discard, br)
		}()
	}
	for range streams {
		if err := <-opened; err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rssKiB(b, srv.Process.Pid))/1024, "RSS-MiB")
	b.ReportMetric(streams, "streams")
}

// rssKiB reads a process's resident set size from /proc.
func rssKiB(b *testing.B, pid int) int {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Skipf("no /proc: %v", err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.Fields(v)[0])
			return n
		}
	}
	b.Fatal("VmRSS not found")
	return 0
}

// BenchmarkProxyShared is BenchmarkProxy's JSON case through one gateway
// configured for many instances — PostgreSQL (keys, budget reservations,
// usage ledger) and Redis (rate limits, key changes) — next to a bare
// reverse proxy in the same run. Limits and a per-user budget are on, so
// every request takes the Redis limit decisions and a PostgreSQL
// reservation. It needs AIGATE_TEST_POSTGRES_URL and AIGATE_TEST_REDIS_URL:
//
//	go test ./cmd/aigate -run '^$' -bench ProxyShared -benchtime 3000x
func BenchmarkProxyShared(b *testing.B) {
	c := mustRunCluster(b, 1, testenv.Redis(b),
		"limits:\n  requests_per_minute: 60000\n  tokens_per_minute: 100000000\n  concurrent: 1000\n"+
			"budgets:\n  per_user: 1000000/month\n")
	a := c.nodes[0].app
	upURL, _ := url.Parse(c.nodes[0].sim.URL)
	rp := httptest.NewServer(&httputil.ReverseProxy{
		Rewrite:       func(pr *httputil.ProxyRequest) { pr.SetURL(upURL) },
		FlushInterval: -1,
		Transport:     &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 128},
		ErrorLog:      log.New(io.Discard, "", 0),
	})
	defer rp.Close()
	secret, _, err := a.keys.Create(context.Background(), keys.CreateOptions{Name: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	body := `{"model":"gpt-4o-mini","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"` + strings.Repeat("hello ", 80) + `"}]}`
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxIdleConns: 256}}
	for _, tg := range []struct{ name, base, key string }{
		{"reverseproxy", rp.URL, "k1"},
		{"aigate-postgres-redis", a.URL(), secret.Reveal()},
	} {
		b.Run(tg.name, func(b *testing.B) {
			benchlat.Parallel(b, "req/s", 8, postChat(b, client, tg.base, tg.key, body))
		})
	}
}

// postChat returns a benchmark operation that POSTs body to base's chat
// completions with key and checks for a 200.
func postChat(b *testing.B, client *http.Client, base, key, body string) func(int) {
	return func(int) {
		req, _ := http.NewRequest("POST", base+"/v1/chat/completions", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := client.Do(req)
		if err != nil {
			b.Error(err)
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Errorf("status %d", resp.StatusCode)
		}
	}
}
