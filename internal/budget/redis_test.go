package budget_test

import (
	"context"
	"crypto/rand"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"

	"github.com/aigate-dev/aigate/internal/budget"
	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/testenv"
)

// redisEnv is one server for the Redis ledger suite and a key prefix of
// this run.
type redisEnv struct {
	client *goredis.Client
	prefix string
	mr     *miniredis.Miniredis // nil for the real server
}

func miniredisEnv(t *testing.T) redisEnv {
	mr := miniredis.RunT(t)
	client := goredis.NewClient(&goredis.Options{Addr: mr.Addr(), MaxRetries: -1})
	t.Cleanup(func() { client.Close() })
	return redisEnv{client: client, prefix: "t:", mr: mr}
}

func realRedisEnv(t testing.TB) redisEnv {
	url := testenv.Redis(t)
	opts, err := goredis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	client := goredis.NewClient(opts)
	prefix := "aigate-test:" + rand.Text()[:12] + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		iter := client.Scan(ctx, 0, prefix+"*", 500).Iterator()
		for iter.Next(ctx) {
			client.Del(ctx, iter.Val())
		}
		client.Close()
	})
	return redisEnv{client: client, prefix: prefix}
}

// The Redis ledger's behaviour, on miniredis and on the real server.
func TestRedisLedger(t *testing.T) {
	for _, srv := range []struct {
		name string
		env  func(*testing.T) redisEnv
	}{{"miniredis", miniredisEnv}, {"redis", func(t *testing.T) redisEnv { return realRedisEnv(t) }}} {
		t.Run(srv.name, func(t *testing.T) {
			t.Run("ConcurrentNeverOverCap", func(t *testing.T) { testRedisConcurrent(t, srv.env(t)) })
			t.Run("SettleAndRelease", func(t *testing.T) { testRedisSettle(t, srv.env(t)) })
			t.Run("PeriodRollOver", func(t *testing.T) { testRedisRollOver(t, srv.env(t)) })
			t.Run("SeededFromDatabase", func(t *testing.T) { testRedisSeed(t, srv.env(t)) })
			t.Run("ExpiredHoldsSwept", func(t *testing.T) { testRedisSweep(t, srv.env(t)) })
			t.Run("KeysExpireAfterPeriod", func(t *testing.T) { testRedisTTL(t, srv.env(t)) })
		})
	}
}

func newRedisLedger(t *testing.T, env redisEnv, store budget.Store, opts budget.RedisOptions) *budget.Redis {
	t.Helper()
	opts.Prefix = env.prefix
	r, err := budget.NewRedis(env.client, store, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func tempStore(t *testing.T) budget.Store {
	return openSQLite(t, filepath.Join(t.TempDir(), "aigate.db"))
}

// 200 reservations at once, through two ledgers (two gateway instances),
// against a key, a user and a team budget: exactly as many as the
// tightest cap holds are taken, and every budget holds just those.
func testRedisConcurrent(t *testing.T, env redisEnv) {
	ctx := t.Context()
	store := tempStore(t)
	ledgers := []*budget.Redis{newRedisLedger(t, env, store, budget.RedisOptions{}), newRedisLedger(t, env, store, budget.RedisOptions{})}
	bs := []budget.Budget{
		{Kind: budget.ScopeKey, ID: "k1", Amount: budget.Amount{Cap: budget.Dollar, Period: budget.PeriodMonth}},
		{Kind: budget.ScopeUser, ID: "alice", Amount: budget.Amount{Cap: 2 * budget.Dollar, Period: budget.PeriodDay}},
		{Kind: budget.ScopeTeam, ID: "eng", Amount: budget.Amount{Cap: 3 * budget.Dollar / 2, Period: budget.PeriodNone}},
	}
	const amount = 7_000
	var ok, refused atomic.Int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 200 {
		wg.Go(func() {
			<-start
			_, err := ledgers[i%2].Reserve(ctx, bs, amount, noon)
			var ee *budget.ExceededError
			switch {
			case err == nil:
				ok.Add(1)
			case errors.As(err, &ee) && ee.Budget.Kind == budget.ScopeKey:
				refused.Add(1)
			default:
				t.Errorf("reserve: %v", err)
			}
		})
	}
	close(start)
	wg.Wait()
	want := int64(budget.Dollar / amount) // 142
	if ok.Load() != want || refused.Load() != 200-want {
		t.Errorf("%d reserved, %d refused by the key budget; want %d and %d", ok.Load(), refused.Load(), want, 200-want)
	}
	for _, b := range bs {
		spent, held, err := ledgers[0].Spent(ctx, b, noon)
		if err != nil {
			t.Fatal(err)
		}
		if spent != 0 || held != budget.Micros(want*amount) {
			t.Errorf("%s: spent %v held %v, want 0 and %v", b.Label(), spent, held, budget.Micros(want*amount))
		}
	}
}

// Commit replaces the hold with the actual cost (in Redis and in the
// store), Release drops it, and neither can settle a hold twice; the
// request path (a settlement queued when a request ends) does the same and
// leaves the store's write to the writer.
func testRedisSettle(t *testing.T, env redisEnv) {
	ctx := t.Context()
	store := tempStore(t)
	r := newRedisLedger(t, env, store, budget.RedisOptions{})
	bs := []budget.Budget{alice, {Kind: budget.ScopeTeam, ID: "eng", Amount: budget.Amount{Cap: 5 * budget.Dollar, Period: budget.PeriodWeek}}}
	check := func(what string, b budget.Budget, wantSpent, wantHeld budget.Micros) {
		t.Helper()
		spent, held, err := r.Spent(ctx, b, noon)
		if err != nil {
			t.Fatal(err)
		}
		if spent != wantSpent || held != wantHeld {
			t.Errorf("%s: %s spent %v held %v, want %v and %v", what, b.Label(), spent, held, wantSpent, wantHeld)
		}
	}
	h1, err := r.Reserve(ctx, bs, 300_000, noon)
	if err != nil {
		t.Fatal(err)
	}
	h2, err := r.Reserve(ctx, bs, 500_000, noon)
	if err != nil {
		t.Fatal(err)
	}
	check("two holds", alice, 0, 800_000)
	if _, err := r.Reserve(ctx, bs, 200_001, noon); !errors.Is(err, budget.ErrExceeded) {
		t.Errorf("reserve past the cap: %v, want ErrExceeded", err)
	}
	if err := r.Commit(ctx, h1, 120_000); err != nil {
		t.Fatal(err)
	}
	check("h1 committed at 120k", alice, 120_000, 500_000)
	check("h1 committed at 120k", bs[1], 120_000, 500_000)
	if err := r.Release(ctx, h2); err != nil {
		t.Fatal(err)
	}
	check("h2 released", alice, 120_000, 0)
	if err := r.Commit(ctx, h1, 1); !errors.Is(err, budget.ErrUnknownHold) {
		t.Errorf("second commit: %v, want ErrUnknownHold", err)
	}
	if err := r.Release(ctx, h2); !errors.Is(err, budget.ErrUnknownHold) {
		t.Errorf("second release: %v, want ErrUnknownHold", err)
	}
	if spent, _, err := store.Spent(ctx, alice, noon); err != nil || spent != 120_000 {
		t.Errorf("store spent after Commit = %v, %v; want 120000", spent, err)
	}

	// The request path: settled in Redis when the request ends, written
	// to the store by the writer, the record with it.
	prices, err := budget.DefaultPrices(nil)
	if err != nil {
		t.Fatal(err)
	}
	bud := &budget.Budgets{Ledger: r, Log: r, Prices: prices}
	bud.Start()
	h3, err := r.Reserve(ctx, bs, 400_000, noon)
	if err != nil {
		t.Fatal(err)
	}
	budget.Enqueue(bud, budget.Settlement{Hold: h3, Record: budget.Record{Time: noon, KeyID: "k1", User: "alice", Model: "gpt-4o-mini", Cost: 30_000}})
	check("h3 settled at once", alice, 150_000, 0)
	h4, err := r.Reserve(ctx, bs, 400_000, noon)
	if err != nil {
		t.Fatal(err)
	}
	budget.Enqueue(bud, budget.Settlement{Hold: h4, Release: true, Record: budget.Record{Time: noon, KeyID: "k1", User: "alice", Model: "gpt-4o-mini", Status: 502}})
	check("h4 released at once", alice, 150_000, 0)
	if err := bud.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if spent, held, err := store.Spent(ctx, alice, noon); err != nil || spent != 150_000 || held != 0 {
		t.Errorf("store after the writer: spent %v held %v (%v); want 150000 and 0", spent, held, err)
	}
	rows, err := store.Usage(ctx, budget.UsageQuery{By: budget.ByUser})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Requests != 2 || rows[0].Cost != 30_000 {
		t.Errorf("usage = %+v, want 2 requests costing 30000 (Commit writes no record)", rows)
	}
}

// A new period starts from nothing, in keys of its own, while the last
// period's spend stays where it was.
func testRedisRollOver(t *testing.T, env redisEnv) {
	ctx := t.Context()
	r := newRedisLedger(t, env, tempStore(t), budget.RedisOptions{})
	day := budget.Budget{Kind: budget.ScopeKey, ID: "k1", Amount: budget.Amount{Cap: 100, Period: budget.PeriodDay}}
	late := time.Date(2026, 11, 30, 23, 59, 59, 0, time.UTC)
	h, err := r.Reserve(ctx, []budget.Budget{alice, day}, 100, late)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Commit(ctx, h, 100); err != nil {
		t.Fatal(err)
	}
	var ee *budget.ExceededError
	if _, err := r.Reserve(ctx, []budget.Budget{day}, 1, late); !errors.As(err, &ee) || !ee.Until.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("day budget spent: %v, want exceeded until 2026-12-01", err)
	}
	next := late.Add(2 * time.Second) // 2026-12-01, a new day and month
	if _, err := r.Reserve(ctx, []budget.Budget{alice, day}, 100, next); err != nil {
		t.Fatalf("new period: %v", err)
	}
	for _, c := range []struct {
		b     budget.Budget
		at    time.Time
		spent budget.Micros
		held  budget.Micros
	}{{day, late, 100, 0}, {alice, late, 100, 0}, {day, next, 0, 100}, {alice, next, 0, 100}} {
		spent, held, err := r.Spent(ctx, c.b, c.at)
		if err != nil || spent != c.spent || held != c.held {
			t.Errorf("%s at %v: spent %v held %v (%v), want %v and %v", c.b.Label(), c.at, spent, held, err, c.spent, c.held)
		}
	}
	if k1, k2 := r.Key(day, late), r.Key(day, next); k1 == k2 || !strings.HasSuffix(k1, "}:2026-11-30") || !strings.Contains(k1, "{key:k1}") {
		t.Errorf("keys %q and %q: want one per period, tagged by budget", k1, k2)
	}
}

// A counter Redis does not hold starts from the database's spend for the
// period, however many instances seed it at once.
func testRedisSeed(t *testing.T, env redisEnv) {
	ctx := t.Context()
	store := tempStore(t)
	if err := store.Settle(ctx, []budget.Settlement{{Hold: budget.Hold{Budgets: []budget.Budget{alice}, At: noon},
		Direct: true, NoRecord: true, Record: budget.Record{Cost: 900_000}}}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var ok atomic.Int64
	start := make(chan struct{})
	for range 20 {
		r := newRedisLedger(t, env, store, budget.RedisOptions{})
		wg.Go(func() {
			<-start
			if _, err := r.Reserve(ctx, []budget.Budget{alice}, 10_000, noon); err == nil {
				ok.Add(1)
			} else if !errors.Is(err, budget.ErrExceeded) {
				t.Errorf("reserve: %v", err)
			}
		})
	}
	close(start)
	wg.Wait()
	if ok.Load() != 10 {
		t.Errorf("%d of 20 reservations of $0.01 fit the $0.10 left of the database's spend, want 10", ok.Load())
	}
	r := newRedisLedger(t, env, store, budget.RedisOptions{})
	if spent, held, err := r.Spent(ctx, alice, noon); err != nil || spent != 900_000 || held != 100_000 {
		t.Errorf("spent %v held %v (%v), want 900000 seeded and 100000 held", spent, held, err)
	}
}

// A hold nobody settles (its instance died) stops holding budget when its
// lease runs out; a request that outlived its lease still has its cost
// counted when it ends.
func testRedisSweep(t *testing.T, env redisEnv) {
	ctx := t.Context()
	r := newRedisLedger(t, env, tempStore(t), budget.RedisOptions{HoldTTL: time.Minute})
	orphan, err := r.Reserve(ctx, []budget.Budget{alice}, 600_000, noon)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Reserve(ctx, []budget.Budget{alice}, 600_000, noon.Add(30*time.Second)); !errors.Is(err, budget.ErrExceeded) {
		t.Fatalf("within the lease: %v, want ErrExceeded", err)
	}
	later := noon.Add(61 * time.Second)
	h, err := r.Reserve(ctx, []budget.Budget{alice}, 600_000, later)
	if err != nil {
		t.Fatalf("after the lease: %v, want the orphan swept", err)
	}
	if spent, held, _ := r.Spent(ctx, alice, later); spent != 0 || held != 600_000 {
		t.Errorf("after the sweep: spent %v held %v, want 0 and 600000", spent, held)
	}
	if err := r.Commit(ctx, orphan, 5); !errors.Is(err, budget.ErrUnknownHold) {
		t.Errorf("commit of a swept hold: %v, want ErrUnknownHold", err)
	}
	// The request path counts what the swept request spent all the same.
	prices, _ := budget.DefaultPrices(nil)
	bud := &budget.Budgets{Ledger: r, Log: r, Prices: prices}
	bud.Start()
	budget.Enqueue(bud, budget.Settlement{Hold: orphan, Record: budget.Record{Time: noon, User: "alice", Cost: 250_000}})
	budget.Enqueue(bud, budget.Settlement{Hold: h, Record: budget.Record{Time: later, User: "alice", Cost: 100_000}})
	if err := bud.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if spent, held, _ := r.Spent(ctx, alice, later); spent != 350_000 || held != 0 {
		t.Errorf("after settling: spent %v held %v, want 350000 and 0", spent, held)
	}
}

// Keys live a little beyond the end of their period.
func testRedisTTL(t *testing.T, env redisEnv) {
	ctx := t.Context()
	r := newRedisLedger(t, env, tempStore(t), budget.RedisOptions{})
	day := budget.Budget{Kind: budget.ScopeKey, ID: "k1", Amount: budget.Amount{Cap: 100, Period: budget.PeriodDay}}
	if _, err := r.Reserve(ctx, []budget.Budget{day}, 1, noon); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{r.Key(day, noon), r.Key(day, noon) + ":holds"} {
		ttl, err := env.client.PTTL(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		// 12h to the end of the day, plus a day.
		if want := 36 * time.Hour; ttl <= want-time.Minute || ttl > want {
			t.Errorf("%s expires in %v, want about %v", k, ttl, want)
		}
	}
}

// health is a Health for tests: down after a failure until set up again.
type health struct {
	mu     sync.Mutex
	down   bool
	failed []string
}

func (h *health) Up() bool { h.mu.Lock(); defer h.mu.Unlock(); return !h.down }
func (h *health) Failed(what string, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.down = true
	h.failed = append(h.failed, what)
}
func (h *health) set(up bool) { h.mu.Lock(); defer h.mu.Unlock(); h.down = !up }

// Redis down: fail_closed refuses (an error that is not ErrExceeded, so
// the middleware answers 503), fail_open_local decides on this instance's
// database; both report the outage, and Redis back is used again, seeded
// from the database's spend.
func TestRedisLedgerFailover(t *testing.T) {
	for _, failOpen := range []bool{false, true} {
		t.Run(map[bool]string{false: "fail_closed", true: "fail_open_local"}[failOpen], func(t *testing.T) {
			ctx := t.Context()
			env := miniredisEnv(t)
			store := tempStore(t)
			hl := &health{}
			r := newRedisLedger(t, env, store, budget.RedisOptions{Health: hl, FailOpen: failOpen})
			h, err := r.Reserve(ctx, []budget.Budget{alice}, 400_000, noon)
			if err != nil {
				t.Fatal(err)
			}
			env.mr.Close()
			h2, err := r.Reserve(ctx, []budget.Budget{alice}, 100_000, noon)
			if len(hl.failed) != 1 || hl.Up() {
				t.Errorf("failures reported %v, up %v; want one and down", hl.failed, hl.Up())
			}
			if !failOpen {
				if err == nil || errors.Is(err, budget.ErrExceeded) {
					t.Fatalf("fail_closed reserve with redis down: %v, want an unavailable error", err)
				}
				if _, err := r.Reserve(ctx, []budget.Budget{alice}, 1, noon); err == nil {
					t.Error("fail_closed: a second reserve while down succeeded")
				}
			} else {
				if err != nil {
					t.Fatalf("fail_open_local reserve: %v", err)
				}
				// The local ledger counts from the database (nothing
				// settled yet): $1.00 fits no more than $1.00.
				if _, err := r.Reserve(ctx, []budget.Budget{alice}, 900_001, noon); !errors.Is(err, budget.ErrExceeded) {
					t.Errorf("local ledger past the cap: %v, want ErrExceeded", err)
				}
			}
			// The request of the first hold ends while Redis is down: the
			// store still gets its cost.
			prices, _ := budget.DefaultPrices(nil)
			bud := &budget.Budgets{Ledger: r, Log: r, Prices: prices}
			bud.Start()
			budget.Enqueue(bud, budget.Settlement{Hold: h, Record: budget.Record{Time: noon, User: "alice", Cost: 300_000}})
			if failOpen {
				budget.Enqueue(bud, budget.Settlement{Hold: h2, Record: budget.Record{Time: noon, User: "alice", Cost: 50_000}})
			}
			if err := bud.Close(ctx); err != nil {
				t.Fatal(err)
			}
			want := budget.Micros(300_000)
			if failOpen {
				want += 50_000
			}
			if spent, _, _ := store.Spent(ctx, alice, noon); spent != want {
				t.Errorf("store spent %v, want %v", spent, want)
			}

			// Back, empty: seeded from the database.
			if err := env.mr.Restart(); err != nil {
				t.Fatal(err)
			}
			env.mr.FlushAll()
			hl.set(true)
			if _, err := r.Reserve(ctx, []budget.Budget{alice}, budget.Dollar-want+1, noon); !errors.Is(err, budget.ErrExceeded) {
				t.Errorf("after recovery, past the database's spend: %v, want ErrExceeded", err)
			}
			if _, err := r.Reserve(ctx, []budget.Budget{alice}, budget.Dollar-want, noon); err != nil {
				t.Errorf("after recovery: %v", err)
			}
		})
	}
}

// A panic below the budget middleware releases the request's hold at
// once (and still reaches the caller), and its record is written.
func TestMiddlewareReleasesOnPanic(t *testing.T) {
	ctx := t.Context()
	env := miniredisEnv(t)
	store := tempStore(t)
	r := newRedisLedger(t, env, store, budget.RedisOptions{})
	prices, err := budget.DefaultPrices(nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &budget.Budgets{Ledger: r, Log: r, Prices: prices, MaxOutputTokens: 100,
		For: func(*gateway.Request) []budget.Budget { return []budget.Budget{alice} }, Now: func() time.Time { return noon }}
	b.Start()
	held := func() budget.Micros {
		_, h, err := r.Spent(ctx, alice, noon)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	h := b.Middleware(gateway.HandlerFunc(func(context.Context, *gateway.Request) (*gateway.Response, error) {
		if held() == 0 {
			t.Error("nothing held while the request runs")
		}
		panic("boom")
	}))
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic did not reach the caller")
			}
		}()
		_, _ = h.Serve(ctx, &gateway.Request{Model: "gpt-4o-mini", MaxTokens: 10, Principal: &gateway.Principal{KeyID: "k1", User: "alice"}})
	}()
	if n := held(); n != 0 {
		t.Errorf("after the panic %v is still held, want nothing", n)
	}
	if err := b.Close(ctx); err != nil {
		t.Fatal(err)
	}
	rows, err := store.Usage(ctx, budget.UsageQuery{By: budget.ByUser})
	if err != nil || len(rows) != 1 || rows[0].Requests != 1 || rows[0].Cost != 0 {
		t.Errorf("usage = %+v (%v), want one request costing nothing", rows, err)
	}
}
