package redis_test

import (
	"context"
	"crypto/rand"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"

	"github.com/aigate-dev/aigate/internal/testenv"
	"github.com/aigate-dev/aigate/ratelimit"
	"github.com/aigate-dev/aigate/ratelimit/ratelimittest"
	"github.com/aigate-dev/aigate/ratelimit/redis"
)

const redisURLEnv = "AIGATE_TEST_REDIS_URL"

// miniClock drives a miniredis server's TIME and key expiry together.
type miniClock struct {
	mu  sync.Mutex // protects now
	srv *miniredis.Miniredis
	now time.Time
}

func (c *miniClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.srv.SetTime(c.now)
	c.srv.FastForward(d)
}

func (c *miniClock) Slack() time.Duration { return 0 }

// mustMiniredis starts a miniredis whose clock is frozen until Advance.
func mustMiniredis(t *testing.T) (*miniredis.Miniredis, *goredis.Client, *miniClock) {
	t.Helper()
	srv := miniredis.RunT(t)
	clk := &miniClock{srv: srv, now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	srv.SetTime(clk.now)
	client := goredis.NewClient(&goredis.Options{Addr: srv.Addr()})
	t.Cleanup(func() { client.Close() })
	return srv, client, clk
}

func mustNew(t testing.TB, c goredis.Scripter, opts redis.Options) *redis.Limiter {
	t.Helper()
	lim, err := redis.New(c, opts)
	if err != nil {
		t.Fatalf("redis.New: %v", err)
	}
	return lim
}

func TestMiniredisConformance(t *testing.T) {
	ratelimittest.Run(t, func(t *testing.T) (ratelimit.Limiter, ratelimittest.Clock) {
		_, client, clk := mustMiniredis(t)
		return mustNew(t, client, redis.Options{}), clk
	})
}

// mustRealRedis connects to the server named by AIGATE_TEST_REDIS_URL, or
// skips. It returns a key prefix unique to this run, and deletes every key
// under it when the test ends. It never flushes anything.
func mustRealRedis(t testing.TB) (*goredis.Client, string) {
	t.Helper()
	url := testenv.Redis(t) // skips without AIGATE_TEST_REDIS_URL; fails under CI
	opts, err := goredis.ParseURL(url)
	if err != nil {
		t.Fatalf("%s: %v", redisURLEnv, err)
	}
	client := goredis.NewClient(opts)
	if err := client.Ping(context.Background()).Err(); err != nil {
		client.Close()
		t.Fatalf("ping %s: %v", redisURLEnv, err)
	}
	prefix := "aigate-test:" + rand.Text()[:12] + ":"
	t.Cleanup(func() {
		defer client.Close()
		n, err := deleteUnder(context.Background(), client, prefix)
		if err != nil {
			t.Errorf("cleaning up %s*: %v", prefix, err)
		}
		t.Logf("deleted %d keys under %s", n, prefix)
	})
	return client, prefix
}

// deleteUnder deletes the keys starting with prefix, which must hold no
// glob characters, with SCAN and DEL.
func deleteUnder(ctx context.Context, c *goredis.Client, prefix string) (int, error) {
	n := 0
	iter := c.Scan(ctx, 0, prefix+"*", 500).Iterator()
	var batch []string
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := c.Del(ctx, batch...).Err()
		n += len(batch)
		batch = batch[:0]
		return err
	}
	for iter.Next(ctx) {
		batch = append(batch, iter.Val())
		if len(batch) == 500 {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := iter.Err(); err != nil {
		return n, err
	}
	return n, flush()
}

func TestRedisConformance(t *testing.T) {
	client, prefix := mustRealRedis(t)
	ratelimittest.Run(t, func(t *testing.T) (ratelimit.Limiter, ratelimittest.Clock) {
		return mustNew(t, client, redis.Options{Prefix: prefix}), new(ratelimittest.SleepClock)
	})
}

// TestRedisStoresExactMicroseconds guards the script's number formatting:
// Lua's tostring keeps 14 significant digits, which would round a µs
// timestamp; the stored TAT must be an exact integer and expire with it.
func TestRedisStoresExactMicroseconds(t *testing.T) {
	client, prefix := mustRealRedis(t)
	lim := mustNew(t, client, redis.Options{Prefix: prefix})
	ctx := context.Background()
	l := ratelimit.Limit{Rate: 7, Burst: 7, Period: time.Second} // interval 142858µs
	if _, err := lim.AllowN(ctx, "alice", l, 1); err != nil {
		t.Fatal(err)
	}
	v, err := client.Get(ctx, lim.Key("alice")).Result()
	if err != nil {
		t.Fatalf("GET %s: %v", lim.Key("alice"), err)
	}
	if !regexp.MustCompile(`^[0-9]{16,}$`).MatchString(v) {
		t.Errorf("GET %s = %q, want the TAT as a 16-digit µs integer", lim.Key("alice"), v)
	}
	ttl, err := client.PTTL(ctx, lim.Key("alice")).Result()
	if err != nil || ttl <= 0 || ttl > l.Interval()+time.Millisecond {
		t.Errorf("PTTL %s = %v, %v; want in (0, %s]", lim.Key("alice"), ttl, err, l.Interval()+time.Millisecond)
	}
}

func TestKeyLayout(t *testing.T) {
	srv, client, _ := mustMiniredis(t)
	ctx := context.Background()
	for _, tc := range []struct {
		prefix, key, want string
	}{
		{"", "alice", "ratelimit:{alice}"},
		{"app:rl:", "rpm:alice", "app:rl:{rpm:alice}"},
	} {
		lim := mustNew(t, client, redis.Options{Prefix: tc.prefix})
		if got := lim.Key(tc.key); got != tc.want {
			t.Errorf("Key(%q) with prefix %q = %q, want %q", tc.key, tc.prefix, got, tc.want)
		}
		r, err := lim.AllowN(ctx, tc.key, ratelimit.PerMinute(2), 1)
		if err != nil || !r.Allowed {
			t.Fatalf("AllowN = %+v, %v; want allowed", r, err)
		}
		if !srv.Exists(tc.want) {
			t.Errorf("after AllowN, key %q does not exist; keys: %v", tc.want, srv.Keys())
		}
		if ttl := srv.TTL(tc.want); ttl <= 0 || ttl > r.ResetAfter+time.Millisecond {
			t.Errorf("TTL(%q) = %s, want in (0, %s]", tc.want, ttl, r.ResetAfter)
		}
	}
}

func TestPeekAndRefusalWriteNothing(t *testing.T) {
	srv, client, _ := mustMiniredis(t)
	lim := mustNew(t, client, redis.Options{})
	ctx := context.Background()
	if _, err := lim.AllowN(ctx, "peek", ratelimit.PerMinute(2), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := lim.AllowN(ctx, "big", ratelimit.PerMinute(2), 3); !errors.Is(err, ratelimit.ErrExceedsBurst) {
		t.Fatalf("AllowN(n > burst) error = %v, want ErrExceedsBurst", err)
	}
	if keys := srv.Keys(); len(keys) != 0 {
		t.Errorf("keys after a peek and a refusal = %v, want none", keys)
	}
}

func TestNew(t *testing.T) {
	_, client, _ := mustMiniredis(t)
	if _, err := redis.New(nil, redis.Options{}); err == nil {
		t.Error("New(nil client) error = nil, want an error")
	}
	for _, p := range []string{"app{x}:", "a}", "{"} {
		if _, err := redis.New(client, redis.Options{Prefix: p}); err == nil {
			t.Errorf("New(Prefix: %q) error = nil, want an error", p)
		}
	}
}

func TestScriptCacheFlushed(t *testing.T) {
	_, client, _ := mustMiniredis(t)
	lim := mustNew(t, client, redis.Options{})
	ctx := context.Background()
	l := ratelimit.PerMinute(3)
	for i := range 3 {
		if i == 1 {
			// A restarted or failed-over server has an empty script
			// cache: EVALSHA fails with NOSCRIPT and EVAL takes over.
			if err := client.ScriptFlush(ctx).Err(); err != nil {
				t.Fatal(err)
			}
		}
		r, err := lim.AllowN(ctx, "k", l, 1)
		if err != nil || !r.Allowed || r.Remaining != 2-i {
			t.Fatalf("AllowN %d = %+v, %v; want allowed with Remaining %d", i+1, r, err, 2-i)
		}
	}
}

func TestKeyHoldingOtherDataIsAnError(t *testing.T) {
	srv, client, _ := mustMiniredis(t)
	lim := mustNew(t, client, redis.Options{})
	srv.Set(lim.Key("text"), "hello")
	srv.HSet(lim.Key("hash"), "f", "v")
	for _, key := range []string{"text", "hash"} {
		r, err := lim.AllowN(context.Background(), key, ratelimit.PerMinute(3), 1)
		if err == nil || r.Allowed || !strings.HasPrefix(err.Error(), "redis limiter:") {
			t.Errorf("AllowN on a key holding other data (%s) = %+v, %v; want a redis limiter error", key, r, err)
		}
	}
}

// TestUnavailableRedisIsAnError checks that failures surface as errors,
// never as an allow or a panic.
func TestUnavailableRedisIsAnError(t *testing.T) {
	l := ratelimit.PerMinute(3)
	for _, tc := range []struct {
		name   string
		client func(t *testing.T) goredis.Scripter
	}{
		{"closed-client", func(t *testing.T) goredis.Scripter {
			_, c, _ := mustMiniredis(t)
			c.Close()
			return c
		}},
		{"server-gone", func(t *testing.T) goredis.Scripter {
			srv, c, _ := mustMiniredis(t)
			srv.Close()
			return c
		}},
		{"unreachable-address", func(t *testing.T) goredis.Scripter {
			c := goredis.NewClient(&goredis.Options{
				Addr: "127.0.0.1:1", DialTimeout: 200 * time.Millisecond, MaxRetries: -1,
			})
			t.Cleanup(func() { c.Close() })
			return c
		}},
		{"context-canceled", func(t *testing.T) goredis.Scripter {
			_, c, _ := mustMiniredis(t)
			return c
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lim := mustNew(t, tc.client(t), redis.Options{})
			ctx := context.Background()
			if tc.name == "context-canceled" {
				var cancel context.CancelFunc
				ctx, cancel = context.WithCancel(ctx)
				cancel()
			}
			r, err := lim.AllowN(ctx, "k", l, 1)
			if err == nil || r != (ratelimit.Result{}) {
				t.Errorf("AllowN = %+v, %v; want the zero Result and an error", r, err)
			}
		})
	}
}

// fakeScripter answers every script call with reply.
type fakeScripter struct {
	goredis.Scripter // nil: only the methods below are called
	reply            any
}

func (f fakeScripter) cmd(ctx context.Context) *goredis.Cmd {
	c := goredis.NewCmd(ctx)
	c.SetVal(f.reply)
	return c
}

func (f fakeScripter) EvalSha(ctx context.Context, _ string, _ []string, _ ...any) *goredis.Cmd {
	return f.cmd(ctx)
}

func (f fakeScripter) Eval(ctx context.Context, _ string, _ []string, _ ...any) *goredis.Cmd {
	return f.cmd(ctx)
}

func TestUnexpectedReplyIsAnError(t *testing.T) {
	for _, tc := range []struct {
		name  string
		reply any
	}{
		{"nil", nil},
		{"string", "OK"},
		{"integer", int64(1)},
		{"short", []any{int64(1), int64(2)}},
		{"long", []any{int64(1), int64(2), int64(0), int64(0), int64(0)}},
		{"string-element", []any{int64(1), "2", int64(0), int64(0)}},
		{"nil-element", []any{int64(1), nil, int64(0), int64(0)}},
		{"negative", []any{int64(0), int64(0), int64(-1), int64(0)}},
		{"allowed-not-boolean", []any{int64(2), int64(0), int64(0), int64(0)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lim := mustNew(t, fakeScripter{reply: tc.reply}, redis.Options{})
			r, err := lim.AllowN(context.Background(), "k", ratelimit.PerMinute(3), 1)
			if err == nil || r.Allowed {
				t.Errorf("AllowN with script reply %#v = %+v, %v; want an error", tc.reply, r, err)
			}
		})
	}
	// And a well-formed reply is read as such.
	lim := mustNew(t, fakeScripter{reply: []any{int64(1), int64(2), int64(0), int64(40_000_000)}}, redis.Options{})
	r, err := lim.AllowN(context.Background(), "k", ratelimit.PerMinute(3), 1)
	want := ratelimit.Result{Allowed: true, Remaining: 2, ResetAfter: 40 * time.Second}
	if err != nil || r != want {
		t.Errorf("AllowN = %+v, %v; want %+v", r, err, want)
	}
}

func mustNewWindow(t testing.TB, c goredis.Scripter, opts redis.Options) *redis.Window {
	t.Helper()
	w, err := redis.NewWindow(c, opts)
	if err != nil {
		t.Fatalf("redis.NewWindow: %v", err)
	}
	return w
}

func TestMiniredisWindowConformance(t *testing.T) {
	ratelimittest.RunWindow(t, func(t *testing.T) (ratelimit.Limiter, ratelimittest.Clock) {
		_, client, clk := mustMiniredis(t)
		return mustNewWindow(t, client, redis.Options{}), clk
	})
}

func TestRedisWindowConformance(t *testing.T) {
	client, prefix := mustRealRedis(t)
	ratelimittest.RunWindow(t, func(t *testing.T) (ratelimit.Limiter, ratelimittest.Clock) {
		return mustNewWindow(t, client, redis.Options{Prefix: prefix}), new(ratelimittest.SleepClock)
	})
}

// The sorted set of a window expires one period after its newest grant,
// and a refusal or a peek adds nothing.
func TestRedisWindowKeyExpires(t *testing.T) {
	client, prefix := mustRealRedis(t)
	w := mustNewWindow(t, client, redis.Options{Prefix: prefix})
	ctx := context.Background()
	l := ratelimit.PerMinute(2)
	for range 4 {
		if _, err := w.AllowN(ctx, "alice", l, 1); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.AllowN(ctx, "alice", l, 0); err != nil {
		t.Fatal(err)
	}
	if n, err := client.ZCard(ctx, w.Key("alice")).Result(); err != nil || n != 2 {
		t.Errorf("ZCARD = %d, %v; want the 2 granted units", n, err)
	}
	if ttl, err := client.PTTL(ctx, w.Key("alice")).Result(); err != nil || ttl <= 0 || ttl > time.Minute {
		t.Errorf("PTTL = %v, %v; want in (0, 1m]", ttl, err)
	}
}
