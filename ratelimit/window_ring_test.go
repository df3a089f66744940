package ratelimit

import (
	"context"
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"testing"
	"time"
)

// refWindow is the plain sliding log Window implements with rings: one
// slice per key, oldest first.
type refWindow map[string][]int64

func (ref refWindow) allowN(t int64, key string, l Limit, n int) Result {
	p := int64(l.Period)
	log := ref[key]
	i := 0
	for i < len(log) && log[i] <= t-p {
		i++
	}
	log = log[i:]
	count := len(log)
	var r Result
	if count+n <= l.Rate {
		for range n {
			log = append(log, t)
		}
		r = Result{Allowed: true, Remaining: l.Rate - len(log)}
	} else {
		blocking := log[count+n-l.Rate-1]
		r = Result{Remaining: max(0, l.Rate-count), RetryAfter: time.Duration(blocking + p - t)}
	}
	if len(log) > 0 {
		r.ResetAfter = time.Duration(log[len(log)-1] + p - t)
		ref[key] = log
	} else {
		delete(ref, key)
	}
	return r
}

// TestWindowMatchesReference drives Window and the reference log with the
// same random calls (rates that grow and shrink rings, several Periods per
// key, a clock that sometimes steps back) and wants the same results.
func TestWindowMatchesReference(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 1))
			t0 := time.Unix(0, 0)
			w := NewWindow(WindowOptions{Now: func() time.Time { return t0 }})
			ref := refWindow{}
			limits := []Limit{
				{Rate: 1, Burst: 1, Period: time.Second},
				{Rate: 10, Burst: 10, Period: time.Minute},
				{Rate: 100, Burst: 100, Period: 10 * time.Second},
				{Rate: 3000, Burst: 3000, Period: 5 * time.Second},
				{Rate: MaxWindowRate, Burst: MaxWindowRate, Period: 2 * time.Second},
			}
			now, maxNow := int64(0), int64(0)
			for i := range 100_000 {
				key := fmt.Sprint("k", rng.IntN(300))
				l := limits[rng.IntN(len(limits))]
				if rng.IntN(2) == 0 {
					// Mostly one limit per key, as callers use it.
					l = limits[len(key)%len(limits)]
				}
				n := min(rng.IntN(3), l.Rate)
				if rng.IntN(50) == 0 {
					n = rng.IntN(l.Rate + 1)
				}
				switch d := rng.IntN(100); {
				case d < 1:
					now -= int64(rng.IntN(int(time.Second)))
				case d < 60:
					now += int64(rng.IntN(int(20 * time.Millisecond)))
				}
				if _, held := w.shards[maphash.String(w.seed, key)%DefaultShards].idx[maphash.String(w.seed, key)]; !held {
					// Dropped by a sweep or for room: only idle keys may be.
					if log := ref[key]; len(log) > 0 && log[len(log)-1] > maxNow-int64(time.Second) {
						t.Fatalf("call %d: %s dropped while its entry at %d is within 1s of %d", i, key, log[len(log)-1], maxNow)
					}
					delete(ref, key)
				}
				maxNow = max(maxNow, now)
				got := w.allowN(t0.Add(time.Duration(now)), key, l, n)
				want := ref.allowN(now, key, l, n)
				if got != want {
					t.Fatalf("call %d: allowN(%s, %v, %d) = %+v, want %+v", i, key, l, n, got, want)
				}
			}
			if w.Len() > len(ref) {
				t.Errorf("Len = %d, reference holds %d", w.Len(), len(ref))
			}
		})
	}
}

// TestWindowRingMemoryFollowsLiveEntries checks that rings shrink and the
// arena is compacted once keys go idle.
func TestWindowRingMemoryFollowsLiveEntries(t *testing.T) {
	now := time.Unix(0, 0)
	w := NewWindow(WindowOptions{Now: func() time.Time { return now }})
	l := Limit{Rate: 4096, Burst: 4096, Period: time.Second}
	for k := range 256 {
		w.allowN(now, fmt.Sprint("big", k), l, 4096)
	}
	now = now.Add(2 * time.Second)
	for k := range 256 {
		if r := w.allowN(now, fmt.Sprint("big", k), l, 1); !r.Allowed || r.Remaining != 4095 {
			t.Fatalf("after the window = %+v", r)
		}
	}
	words := 0
	for i := range w.shards {
		s := &w.shards[i]
		if s.liveWords+s.freeWords > max(2*s.liveWords, 2048) {
			t.Errorf("shard %d: %d live and %d free words", i, s.liveWords, s.freeWords)
		}
		words += s.liveWords
	}
	if words > 256*winMinRing {
		t.Errorf("%d live words for 256 keys of one entry each", words)
	}
}

// A sweep set off by a per-minute call must not forget a per-day key that
// has been idle for more than a minute: that would let its user past the
// daily limit.
func TestWindowSweepKeepsLongerPeriods(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	w := NewWindow(WindowOptions{Now: func() time.Time { return now }})
	ctx := context.Background()
	day := PerDay(3)
	for range 3 {
		if r, err := w.AllowN(ctx, "rpd:alice", day, 1); err != nil || !r.Allowed {
			t.Fatalf("per-day grant: %+v, %v", r, err)
		}
	}
	now = now.Add(2 * time.Minute)
	// Enough per-minute traffic on many keys to sweep every shard many times.
	for i := range 200_000 {
		if _, err := w.AllowN(ctx, fmt.Sprint("rpm:user-", i%5000), PerMinute(10), 1); err != nil {
			t.Fatal(err)
		}
	}
	if r, _ := w.AllowN(ctx, "rpd:alice", day, 1); r.Allowed {
		t.Error("the per-day key was forgotten by per-minute sweeps: a fourth request passed a limit of 3 per day")
	}
}
