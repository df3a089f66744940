package main

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/internal/budget"
	"github.com/aigate-dev/aigate/internal/keys"
	"github.com/aigate-dev/aigate/internal/testenv"
	"github.com/aigate-dev/aigate/internal/upstreamsim"
)

// BenchmarkHotUserBudget is one user's requests through one gateway over
// PostgreSQL, all under the same $1M monthly budget, with the budget kept
// in Redis and with it kept in PostgreSQL alone (a row lock per
// reservation and per settlement). It reports requests/s and p50/p99:
//
//	go test ./cmd/aigate -run '^$' -bench HotUserBudget -benchtime 3s
func BenchmarkHotUserBudget(b *testing.B) {
	redisURL := testenv.Redis(b)
	testenv.Postgres(b)
	const limitsOff = "limits:\n  requests_per_minute: 0\n  tokens_per_minute: 0\n  concurrent: 0\n  failed_auth_per_minute: 0\n"
	for _, c := range []struct{ name, redis string }{{"redis", redisURL}, {"postgres", ""}} {
		b.Run(c.name, func(b *testing.B) {
			cl := mustRunClusterWith(b, 1, c.redis, limitsOff, upstreamsim.New())
			g := cl.nodes[0]
			amount := budget.Amount{Cap: 1_000_000 * budget.Dollar, Period: budget.PeriodMonth}
			secret, _, err := g.app.keys.Create(context.Background(), keys.CreateOptions{Name: "bench", Owner: "alice", Limits: keys.Limits{Budget: amount}})
			if err != nil {
				b.Fatal(err)
			}
			body := `{"model":"gpt-4o-mini","max_tokens":16,"messages":[{"role":"user","content":"hello"}]}`
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxIdleConns: 256}}
			var mu sync.Mutex
			var lat []time.Duration
			b.SetParallelism(8)
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				var mine []time.Duration
				for pb.Next() {
					t0 := time.Now()
					req, _ := http.NewRequest("POST", g.app.URL()+"/v1/chat/completions", strings.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+secret.Reveal())
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
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
			slices.Sort(lat)
			if len(lat) > 0 {
				b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "req/s")
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
			}
		})
	}
}
