package ratelimit

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

func TestMemoryConcurrencySlots(t *testing.T) {
	var c MemoryConcurrency
	ctx := context.Background()
	var releases []func()
	for i := range 3 {
		rel, ok, err := c.Acquire(ctx, "alice", 3)
		if err != nil || !ok {
			t.Fatalf("Acquire %d of 3 = %v, %v; want ok", i+1, ok, err)
		}
		releases = append(releases, rel)
	}
	if _, ok, err := c.Acquire(ctx, "alice", 3); ok || err != nil {
		t.Fatalf("Acquire 4 of 3 = %v, %v; want refused without error", ok, err)
	}
	if _, ok, _ := c.Acquire(ctx, "bob", 3); !ok {
		t.Error("Acquire for another key refused, want ok")
	}
	releases[0]()
	releases[0]() // a second call must not free another slot
	if got := c.InFlight("alice"); got != 2 {
		t.Errorf("InFlight after one release (called twice) = %d, want 2", got)
	}
	if _, ok, _ := c.Acquire(ctx, "alice", 3); !ok {
		t.Error("Acquire after a release refused, want ok")
	}
	if _, ok, _ := c.Acquire(ctx, "alice", 3); ok {
		t.Error("Acquire beyond max after a double release allowed, want refused")
	}
}

func TestMemoryConcurrencyForgetsIdleKeys(t *testing.T) {
	var c MemoryConcurrency
	for range 1000 {
		rel, ok, _ := c.Acquire(context.Background(), "k", 1)
		if !ok {
			t.Fatal("Acquire refused with nothing in flight")
		}
		rel()
	}
	n := 0
	for i := range c.shards {
		n += len(c.shards[i].n)
	}
	if n != 0 {
		t.Errorf("%d keys held after every release, want 0", n)
	}
}

func TestMemoryConcurrencyInvalidMax(t *testing.T) {
	var c MemoryConcurrency
	for _, max := range []int{0, -1} {
		rel, ok, err := c.Acquire(context.Background(), "k", max)
		if !errors.Is(err, ErrInvalidLimit) || ok || rel != nil {
			t.Errorf("Acquire(max=%d) = %v, %v; want not ok, ErrInvalidLimit", max, ok, err)
		}
	}
}

// TestMemoryConcurrencyNeverExceedsMax races 64 goroutines acquiring and
// releasing one key and checks the number in flight never exceeds max.
func TestMemoryConcurrencyNeverExceedsMax(t *testing.T) {
	var c MemoryConcurrency
	const max = 4
	var inFlight, peak, granted atomic.Int64
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			for range 200 {
				rel, ok, err := c.Acquire(context.Background(), "k", max)
				if err != nil {
					t.Error(err)
					return
				}
				if !ok {
					continue
				}
				granted.Add(1)
				n := inFlight.Add(1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				inFlight.Add(-1)
				rel()
			}
		})
	}
	wg.Wait()
	if p := peak.Load(); p > max || granted.Load() == 0 {
		t.Errorf("peak in flight %d with %d granted, want 1..%d", p, granted.Load(), max)
	}
	if got := c.InFlight("k"); got != 0 {
		t.Errorf("InFlight after all released = %d, want 0", got)
	}
}
