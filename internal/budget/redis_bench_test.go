package budget_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/internal/budget"
)

// BenchmarkRedisReserveSettle measures a budget decision on the Redis
// ledger against the server named by AIGATE_TEST_REDIS_URL: a reservation
// over a request's key, user and team budgets and its settlement, two
// round trips. "hot-user" is every request against the same budgets (one
// user, one key); "spread" over 1024 users. Decisions/s counts
// reserve+settle pairs.
func BenchmarkRedisReserveSettle(b *testing.B) {
	env := realRedisEnv(b)
	store := openSQLite(b, filepath.Join(b.TempDir(), "aigate.db"))
	r, err := budget.NewRedis(env.client, store, budget.RedisOptions{Prefix: env.prefix})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	budgetsOf := func(user int) []budget.Budget {
		huge := budget.Amount{Cap: 1 << 50, Period: budget.PeriodMonth}
		return []budget.Budget{
			{Kind: budget.ScopeKey, ID: fmt.Sprint("key-", user), Amount: huge},
			{Kind: budget.ScopeUser, ID: fmt.Sprint("user-", user), Amount: huge},
			{Kind: budget.ScopeTeam, ID: "eng", Amount: budget.Amount{Cap: 1 << 50, Period: budget.PeriodDay}},
		}
	}
	for _, c := range []struct {
		name  string
		users int
	}{{"hot-user", 1}, {"spread", 1024}} {
		bs := make([][]budget.Budget, c.users)
		for i := range bs {
			bs[i] = budgetsOf(i)
		}
		op := func(i int) {
			now := time.Now()
			h, err := r.Reserve(ctx, bs[i%len(bs)], 5_000, now)
			if err != nil {
				b.Fatal(err)
			}
			if err := budget.SettleInRedis(r, h, 1_234); err != nil {
				b.Fatal(err)
			}
		}
		op(0) // load the scripts, seed the counters
		b.Run(c.name+"/serial", func(b *testing.B) {
			d := make([]time.Duration, 0, 1<<16)
			i := 0
			for b.Loop() {
				start := time.Now()
				op(i)
				if len(d) < cap(d) {
					d = append(d, time.Since(start))
				}
				i++
			}
			reportLatency(b, d)
		})
		b.Run(c.name+"/parallel", func(b *testing.B) {
			var mu sync.Mutex
			var all []time.Duration
			b.SetParallelism(8)
			b.RunParallel(func(pb *testing.PB) {
				d := make([]time.Duration, 0, 1<<14)
				i := 0
				for pb.Next() {
					start := time.Now()
					op(i)
					if len(d) < cap(d) {
						d = append(d, time.Since(start))
					}
					i++
				}
				mu.Lock()
				all = append(all, d...)
				mu.Unlock()
			})
			reportLatency(b, all)
		})
	}
}

func reportLatency(b *testing.B, d []time.Duration) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
	if len(d) > 0 {
		slices.Sort(d)
		b.ReportMetric(float64(d[len(d)/2].Microseconds()), "p50-µs")
		b.ReportMetric(float64(d[len(d)*99/100].Microseconds()), "p99-µs")
	}
}
