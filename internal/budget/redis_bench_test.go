package budget_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/internal/benchlat"
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
		b.Run(c.name+"/serial", func(b *testing.B) { benchlat.Serial(b, "decisions/s", op) })
		b.Run(c.name+"/parallel", func(b *testing.B) { benchlat.Parallel(b, "decisions/s", 8, op) })
	}
}
