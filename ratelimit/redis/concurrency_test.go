package redis_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"

	"github.com/aigate-dev/aigate/ratelimit"
	"github.com/aigate-dev/aigate/ratelimit/redis"
)

// The shared concurrency limit, on miniredis (on the wall clock) and on
// the real server.
func TestConcurrency(t *testing.T) {
	servers := map[string]func(t *testing.T) (*goredis.Client, string){
		"miniredis": func(t *testing.T) (*goredis.Client, string) {
			srv := miniredis.RunT(t)
			client := goredis.NewClient(&goredis.Options{Addr: srv.Addr()})
			t.Cleanup(func() { client.Close() })
			return client, "t:"
		},
		"redis": func(t *testing.T) (*goredis.Client, string) { return mustRealRedis(t) },
	}
	for _, name := range []string{"miniredis", "redis"} {
		t.Run(name, func(t *testing.T) {
			t.Run("ExactAcrossInstances", func(t *testing.T) { testConcurrencyExact(t, servers[name]) })
			t.Run("ReleaseOnce", func(t *testing.T) { testConcurrencyRelease(t, servers[name]) })
			t.Run("LeaseOfAStoppedHolderExpires", func(t *testing.T) { testConcurrencyLease(t, servers[name]) })
		})
	}
}

func mustConcurrency(t *testing.T, c goredis.Scripter, opts redis.ConcurrencyOptions) *redis.Concurrency {
	t.Helper()
	l, err := redis.NewConcurrency(c, opts)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// 40 acquisitions at once through two limiters (two instances), none
// released: exactly max succeed; released, max more do.
func testConcurrencyExact(t *testing.T, server func(*testing.T) (*goredis.Client, string)) {
	client, prefix := server(t)
	ls := []*redis.Concurrency{
		mustConcurrency(t, client, redis.ConcurrencyOptions{Prefix: prefix}),
		mustConcurrency(t, client, redis.ConcurrencyOptions{Prefix: prefix}),
	}
	var mu sync.Mutex
	var releases []func()
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 40 {
		wg.Go(func() {
			<-start
			rel, ok, err := ls[i%2].Acquire(context.Background(), "user:alice", 5)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				releases = append(releases, rel)
				mu.Unlock()
			}
		})
	}
	close(start)
	wg.Wait()
	if len(releases) != 5 {
		t.Fatalf("%d of 40 acquired, want 5", len(releases))
	}
	if _, ok, _ := ls[0].Acquire(context.Background(), "user:bob", 1); !ok {
		t.Error("another key shares alice's slots")
	}
	for _, r := range releases {
		r()
	}
	var again atomic.Int64
	for range 7 {
		if _, ok, err := ls[1].Acquire(context.Background(), "user:alice", 5); err != nil {
			t.Fatal(err)
		} else if ok {
			again.Add(1)
		}
	}
	if again.Load() != 5 {
		t.Errorf("after releasing: %d acquired, want 5", again.Load())
	}
}

// A release gives back one slot however often it is called, even after
// the request's context ended.
func testConcurrencyRelease(t *testing.T, server func(*testing.T) (*goredis.Client, string)) {
	client, prefix := server(t)
	l := mustConcurrency(t, client, redis.ConcurrencyOptions{Prefix: prefix})
	ctx, cancel := context.WithCancel(context.Background())
	r1, ok1, err1 := l.Acquire(ctx, "k", 2)
	_, ok2, err2 := l.Acquire(ctx, "k", 2)
	if !ok1 || !ok2 || err1 != nil || err2 != nil {
		t.Fatalf("acquire: %v %v %v %v", ok1, ok2, err1, err2)
	}
	cancel() // the client went away
	r1()
	r1()
	if n, err := client.ZCard(context.Background(), l.Key("k")).Result(); err != nil || n != 1 {
		t.Errorf("slots taken after a double release = %d (%v), want 1", n, err)
	}
	if _, _, err := l.Acquire(context.Background(), "k", 0); !errors.Is(err, ratelimit.ErrInvalidLimit) {
		t.Errorf("max 0: %v, want ErrInvalidLimit", err)
	}
}

// A slot whose holder stopped renewing it (a crashed instance) is free
// after its lease; a live holder's slot is renewed and stays taken.
func testConcurrencyLease(t *testing.T, server func(*testing.T) (*goredis.Client, string)) {
	client, prefix := server(t)
	const lease = 150 * time.Millisecond
	l := mustConcurrency(t, client, redis.ConcurrencyOptions{Prefix: prefix, Lease: lease})
	ctx := context.Background()
	// A crashed instance's lease, as its Acquire left it.
	now, err := client.Time(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	if err := client.ZAdd(ctx, l.Key("crashed"), goredis.Z{Score: float64(now.Add(lease).UnixMilli()), Member: "dead"}).Err(); err != nil {
		t.Fatal(err)
	}
	live, ok, err := l.Acquire(ctx, "live", 1)
	if !ok || err != nil {
		t.Fatalf("acquire: %v %v", ok, err)
	}
	defer live()
	if _, ok, _ := l.Acquire(ctx, "crashed", 1); ok {
		t.Fatal("the crashed instance's slot is free within its lease")
	}
	time.Sleep(3 * lease)
	if _, ok, _ := l.Acquire(ctx, "crashed", 1); !ok {
		t.Error("the crashed instance's slot is still taken after its lease")
	}
	if _, ok, _ := l.Acquire(ctx, "live", 1); ok {
		t.Error("a live slot expired: it was not renewed")
	}
}
