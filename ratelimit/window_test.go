package ratelimit

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestWindowExactPerWindow(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	w := NewWindow(WindowOptions{Now: func() time.Time { return t0 }})
	l := PerMinute(10)
	at := func(d time.Duration) time.Time { return t0.Add(d) }

	// Spread 10 over the first half minute.
	for i := range 10 {
		if r := w.allowN(at(time.Duration(i)*3*time.Second), "u", l, 1); !r.Allowed || r.Remaining != 9-i {
			t.Fatalf("request %d = %+v, want allowed with %d remaining", i, r, 9-i)
		}
	}
	r := w.allowN(at(40*time.Second), "u", l, 1)
	if r.Allowed || r.RetryAfter != 20*time.Second {
		t.Fatalf("11th = %+v, want refused with RetryAfter 20s (the first leaves the window at 60s)", r)
	}
	if r.ResetAfter != 47*time.Second {
		t.Errorf("ResetAfter = %v, want 47s (the last, at 27s, leaves at 87s)", r.ResetAfter)
	}
	if r := w.allowN(at(60*time.Second-time.Nanosecond), "u", l, 1); r.Allowed {
		t.Fatal("allowed a request 1ns before the first left the window")
	}
	if r := w.allowN(at(60*time.Second), "u", l, 1); !r.Allowed {
		t.Fatalf("at 60s = %+v, want allowed", r)
	}
	if r := w.allowN(at(61*time.Second), "u", l, 1); r.Allowed || r.RetryAfter != 2*time.Second {
		t.Fatalf("at 61s = %+v, want refused until 63s", r)
	}
}

// After a full idle Period, GCRA with Burst = Rate would allow Rate at once
// and then one per interval (up to 2×Rate−1 in a minute); the window allows
// exactly Rate in any Period.
func TestWindowNoBoundaryBurst(t *testing.T) {
	t0 := time.Unix(0, 0)
	w := NewWindow(WindowOptions{Now: func() time.Time { return t0 }})
	l := PerMinute(10)
	allowed := 0
	// One attempt every 100ms for three minutes; count the maximum in any
	// 60s sliding window.
	var grants []time.Duration
	for d := time.Duration(0); d < 3*time.Minute; d += 100 * time.Millisecond {
		if w.allowN(t0.Add(d), "u", l, 1).Allowed {
			allowed++
			grants = append(grants, d)
		}
	}
	for i := range grants {
		n := 0
		for j := i; j < len(grants) && grants[j] < grants[i]+time.Minute; j++ {
			n++
		}
		if n > 10 {
			t.Fatalf("%d grants in the minute from %v", n, grants[i])
		}
	}
	if allowed != 30 {
		t.Errorf("allowed %d in 3 minutes, want 30", allowed)
	}
}

func TestWindowCostAndPeek(t *testing.T) {
	t0 := time.Unix(0, 0)
	w := NewWindow(WindowOptions{Now: func() time.Time { return t0 }})
	l := PerMinute(5)
	if r := w.allowN(t0, "k", l, 3); !r.Allowed || r.Remaining != 2 {
		t.Fatalf("cost 3 = %+v", r)
	}
	if r := w.allowN(t0.Add(time.Second), "k", l, 3); r.Allowed || r.RetryAfter != 59*time.Second {
		t.Fatalf("cost 3 again = %+v, want refused for 59s", r)
	}
	if r := w.allowN(t0.Add(time.Second), "k", l, 0); !r.Allowed || r.Remaining != 2 {
		t.Fatalf("peek = %+v", r)
	}
	if _, err := w.AllowN(context.Background(), "k", l, 6); !errors.Is(err, ErrExceedsBurst) {
		t.Errorf("cost above burst: err = %v", err)
	}
	if _, err := w.AllowN(context.Background(), "k", PerDay(MaxWindowRate+1), 1); !errors.Is(err, ErrInvalidLimit) {
		t.Errorf("rate above MaxWindowRate: err = %v", err)
	}
}

func TestWindowConcurrentExact(t *testing.T) {
	w := NewWindow(WindowOptions{})
	var ok atomic.Int64
	var wg sync.WaitGroup
	for range 500 {
		wg.Go(func() {
			r, err := w.AllowN(context.Background(), "alice", PerMinute(10), 1)
			if err == nil && r.Allowed {
				ok.Add(1)
			}
		})
	}
	wg.Wait()
	if ok.Load() != 10 {
		t.Errorf("%d of 500 concurrent requests allowed, want exactly 10", ok.Load())
	}
}

func TestWindowForgetsIdleKeys(t *testing.T) {
	now := time.Unix(0, 0)
	w := NewWindow(WindowOptions{Now: func() time.Time { return now }, MaxKeys: 64 * 4})
	for i := range 2000 {
		w.allowN(now, string(rune('a'+i%26))+time.Duration(i).String(), PerSecond(1), 1)
	}
	if n := w.Len(); n > 64*4 {
		t.Errorf("Len = %d, above MaxKeys", n)
	}
	now = now.Add(2 * time.Second)
	for range 10000 {
		w.allowN(now, "x", PerSecond(100000), 1)
	}
	if n := w.Len(); n > 64*4 {
		t.Errorf("after idling, Len = %d", n)
	}
}

func TestMemoryAdjust(t *testing.T) {
	clk := time.Unix(0, 0)
	m := NewMemory(MemoryOptions{Now: func() time.Time { return clk }})
	ctx := context.Background()
	l := Limit{Rate: 1000, Burst: 1000, Period: time.Minute}
	if r, _ := m.AllowN(ctx, "t", l, 800); !r.Allowed {
		t.Fatal("estimate refused")
	}
	// Actual was 100: give 700 back.
	if err := m.AdjustN(ctx, "t", l, -700); err != nil {
		t.Fatal(err)
	}
	if r, _ := m.AllowN(ctx, "t", l, 0); r.Remaining != 900 {
		t.Errorf("after refund, Remaining = %d, want 900", r.Remaining)
	}
	// Actual exceeded the estimate by 1500: recorded as debt.
	if err := m.AdjustN(ctx, "t", l, 1500); err != nil {
		t.Fatal(err)
	}
	if r, _ := m.AllowN(ctx, "t", l, 1); r.Allowed {
		t.Error("allowed while in debt")
	}
	if err := m.AdjustN(ctx, "t", l, -1_000_000); err != nil {
		t.Fatal(err)
	}
	if r, _ := m.AllowN(ctx, "t", l, 0); r.Remaining != 1000 {
		t.Errorf("refund beyond zero: Remaining = %d, want the Burst", r.Remaining)
	}
}
