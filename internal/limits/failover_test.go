package limits_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/internal/limits"
	"github.com/aigate-dev/aigate/ratelimit"
)

// flaky is a shared limiter that fails while down is set.
type flaky struct {
	ratelimit.Limiter
	down *atomic.Bool
}

func (f flaky) AllowN(ctx context.Context, key string, l ratelimit.Limit, n int) (ratelimit.Result, error) {
	if f.down.Load() {
		return ratelimit.Result{}, errors.New("dial tcp: connection refused")
	}
	return f.Limiter.AllowN(ctx, key, l, n)
}

func TestFailover(t *testing.T) {
	for _, failOpen := range []bool{false, true} {
		name := map[bool]string{false: "fail_closed", true: "fail_open_local"}[failOpen]
		t.Run(name, func(t *testing.T) {
			var down atomic.Bool
			var mu sync.Mutex
			var changes []bool
			f := &limits.Failover{
				FailOpen: failOpen, ProbeEvery: 10 * time.Millisecond,
				Probe: func(context.Context) error {
					if down.Load() {
						return errors.New("still down")
					}
					return nil
				},
				OnChange: func(up bool) { mu.Lock(); changes = append(changes, up); mu.Unlock() },
			}
			defer f.Close()
			lim := f.Wrap("requests", flaky{ratelimit.NewWindow(ratelimit.WindowOptions{}), &down}, ratelimit.NewWindow(ratelimit.WindowOptions{}))
			ctx := context.Background()
			l := ratelimit.PerMinute(2)
			if r, err := lim.AllowN(ctx, "u", l, 1); err != nil || !r.Allowed {
				t.Fatalf("store up: %+v, %v", r, err)
			}
			down.Store(true)
			for range 3 {
				r, err := lim.AllowN(ctx, "u", l, 1)
				if failOpen {
					if err != nil {
						t.Fatalf("fail open, store down: %v", err)
					}
				} else if !errors.Is(err, limits.ErrSharedDown) || r.Allowed {
					t.Fatalf("fail closed, store down: %+v, %v; want ErrSharedDown", r, err)
				}
			}
			if f.Up() {
				t.Fatal("Up() while down")
			}
			down.Store(false)
			deadline := time.Now().Add(2 * time.Second)
			for !f.Up() && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			if r, err := lim.AllowN(ctx, "u", l, 1); err != nil || !r.Allowed {
				t.Fatalf("after recovery: %+v, %v; want the shared limiter's second unit", r, err)
			}
			if r, _ := lim.AllowN(ctx, "u", l, 1); r.Allowed {
				t.Fatal("after recovery the shared count was lost")
			}
			mu.Lock()
			defer mu.Unlock()
			if len(changes) != 2 || changes[0] || !changes[1] {
				t.Errorf("transitions = %v, want [false true]", changes)
			}
		})
	}
}
