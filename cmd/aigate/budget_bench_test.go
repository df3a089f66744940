package main

import (
	"context"
	"net/http"
	"testing"

	"github.com/aigate-dev/aigate/internal/benchlat"
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
			benchlat.Parallel(b, "req/s", 8, postChat(b, client, g.app.URL(), secret.Reveal(), body))
		})
	}
}
