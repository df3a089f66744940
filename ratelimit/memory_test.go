package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// mustMemory returns a Memory whose clock starts at t0 and is otherwise
// driven through allowN.
func mustMemory(t testing.TB, opts MemoryOptions) *Memory {
	t.Helper()
	opts.Now = func() time.Time { return t0 }
	return NewMemory(opts)
}

func TestMemoryNanosecondBoundaries(t *testing.T) {
	m := mustMemory(t, MemoryOptions{})
	l := Limit{Rate: 4, Burst: 2, Period: 4 * time.Second} // one unit per second
	T := time.Second
	steps := []struct {
		name string
		at   time.Duration // since t0
		n    int
		want Result
	}{
		{"first", 0, 1, Result{Allowed: true, Remaining: 1, ResetAfter: T}},
		{"second", 0, 1, Result{Allowed: true, Remaining: 0, ResetAfter: 2 * T}},
		{"refused", 0, 1, Result{RetryAfter: T, ResetAfter: 2 * T}},
		{"one-ns-early", T - 1, 1, Result{RetryAfter: 1, ResetAfter: T + 1}},
		{"on-time", T, 1, Result{Allowed: true, Remaining: 0, ResetAfter: 2 * T}},
		{"peek-half-way", T + T/2, 0, Result{Allowed: true, Remaining: 0, ResetAfter: T + T/2}},
		{"cost-2-early", 3*T - 1, 2, Result{Remaining: 1, RetryAfter: 1, ResetAfter: 1}},
		{"cost-2-on-time", 3 * T, 2, Result{Allowed: true, Remaining: 0, ResetAfter: 2 * T}},
		{"idle-long-after", 100 * T, 0, Result{Allowed: true, Remaining: 2}},
	}
	for _, s := range steps {
		got := m.allowN(t0.Add(s.at), "k", l, s.n)
		if got != s.want {
			t.Errorf("%s: allowN(t0+%s, n=%d) = %+v, want %+v", s.name, s.at, s.n, got, s.want)
		}
	}
}

func TestMemoryClockStepsBack(t *testing.T) {
	m := mustMemory(t, MemoryOptions{})
	l := PerSecond(2)
	m.allowN(t0, "k", l, 2)
	if r := m.allowN(t0.Add(-time.Hour), "k", l, 1); r.Allowed {
		t.Errorf("allowN an hour in the past after draining = %+v, want refused", r)
	}
	// A key first seen while the clock is behind where it started is fresh.
	want := Result{Allowed: true, Remaining: 1, ResetAfter: l.Interval()}
	if r := m.allowN(t0.Add(-time.Hour), "new", l, 1); r != want {
		t.Errorf("allowN for a new key an hour in the past = %+v, want %+v", r, want)
	}
}

func TestMemoryIdleKeyIsDropped(t *testing.T) {
	m := mustMemory(t, MemoryOptions{})
	l := PerSecond(2)
	m.allowN(t0, "k", l, 2)
	if got := m.Len(); got != 1 {
		t.Fatalf("Len() after spending = %d, want 1", got)
	}
	if r := m.allowN(t0.Add(time.Second), "k", l, 0); r.Remaining != 2 {
		t.Fatalf("peek after ResetAfter = %+v, want Remaining 2", r)
	}
	if got := m.Len(); got != 0 {
		t.Errorf("Len() after the key went idle and was read = %d, want 0", got)
	}
}

func TestMemorySweepDropsIdleKeys(t *testing.T) {
	m := mustMemory(t, MemoryOptions{})
	l := PerSecond(1)
	const keys = 10_000
	for i := range keys {
		m.allowN(t0, fmt.Sprint("old-", i), l, 1)
	}
	if got := m.Len(); got != keys {
		t.Fatalf("Len() = %d, want %d", got, keys)
	}
	// A second later every key is idle; ordinary traffic on other keys
	// (peeks, which store nothing) sweeps them away.
	later := t0.Add(time.Second)
	for i := range 20 * keys {
		m.allowN(later, fmt.Sprint("new-", i), l, 0)
	}
	if got := m.Len(); got > keys/10 {
		t.Errorf("Len() after traffic on other keys = %d, want at most %d", got, keys/10)
	}
}

func TestMemoryMaxKeysBoundsMemory(t *testing.T) {
	const maxKeys, inserts = 10_000, 1_000_000
	m := mustMemory(t, MemoryOptions{MaxKeys: maxKeys})
	l := PerHour(10) // nothing goes idle during the test
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range inserts {
		if r := m.allowN(t0, fmt.Sprint("user-", i), l, 1); !r.Allowed {
			t.Fatalf("first request of key %d refused: %+v", i, r)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if got := m.Len(); got > maxKeys || got < maxKeys*9/10 {
		t.Errorf("Len() after %d distinct keys = %d, want in [%d, %d]", inserts, got, maxKeys*9/10, maxKeys)
	}
	grown := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("heap grew %d bytes for %d keys held (%.0f B/key)", grown, m.Len(), float64(grown)/float64(m.Len()))
	if grown > 100*maxKeys {
		t.Errorf("heap grew %d bytes, want under %d for %d keys", grown, 100*maxKeys, maxKeys)
	}
	runtime.KeepAlive(m)
}

func TestMemoryFullShardEvictsNearestToIdle(t *testing.T) {
	m := mustMemory(t, MemoryOptions{Shards: 1, MaxKeys: 3})
	l := PerMinute(3) // one unit every 20s
	m.allowN(t0, "spent-1", l, 1)
	m.allowN(t0, "spent-3", l, 3)
	m.allowN(t0, "spent-2", l, 2)
	m.allowN(t0, "new", l, 1) // the shard is full: "spent-1" is nearest to idle
	if got := m.Len(); got != 3 {
		t.Errorf("Len() = %d, want 3", got)
	}
	for _, tc := range []struct {
		key  string
		want int
	}{{"spent-1", 3}, {"spent-2", 1}, {"spent-3", 0}, {"new", 2}} {
		if r := m.allowN(t0, tc.key, l, 0); r.Remaining != tc.want {
			t.Errorf("peek %q: Remaining = %d, want %d", tc.key, r.Remaining, tc.want)
		}
	}
}

func TestNewMemoryShards(t *testing.T) {
	for _, tc := range []struct {
		opts       MemoryOptions
		wantShards int
		wantMax    int
	}{
		{MemoryOptions{}, DefaultShards, DefaultMaxKeys / DefaultShards},
		{MemoryOptions{Shards: 1}, 1, DefaultMaxKeys},
		{MemoryOptions{Shards: 3}, 4, DefaultMaxKeys / 4},
		{MemoryOptions{Shards: 64, MaxKeys: 10}, 8, 1},
		{MemoryOptions{MaxKeys: 1}, 1, 1},
	} {
		m := NewMemory(tc.opts)
		if len(m.shards) != tc.wantShards || m.shards[0].max != tc.wantMax {
			t.Errorf("NewMemory(%+v): %d shards of %d keys, want %d of %d",
				tc.opts, len(m.shards), m.shards[0].max, tc.wantShards, tc.wantMax)
		}
	}
}

func TestMemoryUsesNow(t *testing.T) {
	now := t0
	m := NewMemory(MemoryOptions{Now: func() time.Time { return now }})
	ctx := context.Background()
	l := PerSecond(1)
	if r, err := m.AllowN(ctx, "k", l, 1); err != nil || !r.Allowed {
		t.Fatalf("AllowN = %+v, %v; want allowed", r, err)
	}
	if r, err := m.AllowN(ctx, "k", l, 1); err != nil || r.Allowed {
		t.Fatalf("AllowN again = %+v, %v; want refused", r, err)
	}
	now = now.Add(time.Second)
	if r, err := m.AllowN(ctx, "k", l, 1); err != nil || !r.Allowed {
		t.Fatalf("AllowN a second later = %+v, %v; want allowed", r, err)
	}
}

func TestMemoryRejectsBadArguments(t *testing.T) {
	m := NewMemory(MemoryOptions{})
	ctx := context.Background()
	if _, err := m.AllowN(ctx, "k", Limit{}, 1); !errors.Is(err, ErrInvalidLimit) {
		t.Errorf("AllowN(zero Limit) error = %v, want ErrInvalidLimit", err)
	}
	if _, err := m.AllowN(ctx, "k", PerMinute(2), 3); !errors.Is(err, ErrExceedsBurst) {
		t.Errorf("AllowN(n > burst) error = %v, want ErrExceedsBurst", err)
	}
	if got := m.Len(); got != 0 {
		t.Errorf("Len() after rejected calls = %d, want 0", got)
	}
}
