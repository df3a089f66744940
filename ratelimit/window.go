package ratelimit

import (
	"context"
	"fmt"
	"hash/maphash"
	"sync"
	"time"
)

// MaxWindowRate is the largest Rate a [Window] accepts. A sliding log keeps
// one timestamp per unit spent in the last Period, so its memory per key
// grows with Rate; above this, count with a GCRA [Memory] instead.
const MaxWindowRate = 1 << 16

// WindowOptions configures [NewWindow]. The zero WindowOptions is ready to
// use and consists entirely of defaults.
type WindowOptions struct {
	// Now returns the current time. Nil means time.Now.
	Now func() time.Time
	// MaxKeys bounds the number of keys holding state; zero means
	// DefaultMaxKeys. See [Window] for what happens when it is reached.
	MaxKeys int
}

// Window is an in-process [Limiter] that allows at most Rate units of cost
// in any window of one Period, exactly: a sliding log. Burst only bounds the
// cost of one call (n ≤ Burst, as for every Limiter); use [PerMinute] and
// friends, whose Burst equals Rate.
//
// # Why a sliding log
//
// GCRA ([Memory]) with Burst = Rate lets a client that waited a Period take
// Rate at once and then one per interval, so a sliding window of one Period
// can see up to 2×Rate−1. Request limits such as "10 per minute" are read by
// people as "never more than 10 in any minute", so Window keeps, per key,
// the times of the units granted in the last Period and allows n more only
// when fewer than Rate−n+1 of them are still inside the window. That is the
// exact definition: no boundary burst, no approximation, and a RetryAfter
// that is the moment the oldest blocking unit leaves the window.
//
// The price is memory: up to Rate 8-byte timestamps per active key (80 bytes
// for 10 per minute, 4 KiB for 500 per day), which is why Rate is capped at
// [MaxWindowRate]. A sliding-window counter (two fixed buckets, weighted)
// would be O(1) but approximates, and either over-admits or under-admits at
// the boundary; for token limits, where the cost per call is large and an
// exact count of units is not what anyone reads, GCRA stays the right tool.
//
// # Memory bound
//
// Keys whose log has emptied are dropped on access and by a bounded sweep.
// When MaxKeys keys still hold state, a new key makes room by dropping the
// sampled key whose newest entry is oldest; that key forgets its history,
// so size MaxKeys above the number of keys active within one Period.
type Window struct {
	now    func() time.Time
	base   time.Time
	seed   maphash.Seed
	shards [DefaultShards]winShard
}

type winShard struct {
	mu   sync.Mutex         // protects the fields below
	logs map[uint64][]int64 // key hash → grant times (ns since base), oldest first
	max  int
	ops  uint32
	_    [128 - 8 - 8 - 8 - 4]byte
}

// NewWindow returns a sliding-log Limiter configured by opts.
func NewWindow(opts WindowOptions) *Window {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	maxKeys := opts.MaxKeys
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	w := &Window{now: now, base: now(), seed: maphash.MakeSeed()}
	for i := range w.shards {
		w.shards[i].logs = make(map[uint64][]int64)
		w.shards[i].max = max(1, maxKeys/DefaultShards)
	}
	return w
}

// AllowN implements [Limiter]. Besides the errors of [CheckCost], a Rate
// above [MaxWindowRate] returns an error wrapping [ErrInvalidLimit], and a
// cost above Rate (possible when Burst > Rate) one wrapping
// [ErrExceedsBurst].
func (w *Window) AllowN(_ context.Context, key string, l Limit, n int) (Result, error) {
	if err := CheckCost(l, n); err != nil {
		return Result{}, err
	}
	if l.Rate > MaxWindowRate {
		return Result{}, fmt.Errorf("%w: rate %d above the sliding window's %d", ErrInvalidLimit, l.Rate, MaxWindowRate)
	}
	if n > l.Rate {
		// Burst above Rate: a cost the window can never hold.
		return Result{}, fmt.Errorf("%w: cost %d above the rate of %s", ErrExceedsBurst, n, l)
	}
	return w.allowN(w.now(), key, l, n), nil
}

func (w *Window) allowN(now time.Time, key string, l Limit, n int) Result {
	t := int64(now.Sub(w.base))
	p := int64(l.Period)
	h := maphash.String(w.seed, key)
	s := &w.shards[h%DefaultShards]

	s.mu.Lock()
	defer s.mu.Unlock()
	log, ok := s.logs[h]
	log = expire(log, t, p)
	count := len(log)
	var r Result
	if count+n <= l.Rate {
		if n > 0 {
			if !ok && len(s.logs) >= s.max {
				s.makeRoom(t, p)
			}
			if log == nil {
				log = make([]int64, 0, min(l.Rate, 32))
			}
			for range n {
				log = append(log, t)
			}
		}
		r = Result{Allowed: true, Remaining: l.Rate - len(log)}
	} else {
		// The (count+n-Rate)-th oldest entry must leave the window first.
		blocking := log[count+n-l.Rate-1]
		r = Result{Remaining: max(0, l.Rate-count), RetryAfter: time.Duration(blocking + p - t)}
	}
	if len(log) > 0 {
		r.ResetAfter = time.Duration(log[len(log)-1] + p - t)
		s.logs[h] = log
	} else if ok {
		delete(s.logs, h)
	}
	s.ops++
	if s.ops%sweepEvery == 0 {
		s.sweep(t, p)
	}
	return r
}

// expire drops the entries that have left the window ending at t: those at
// or before t−p. When most of the backing array is dead it is reallocated,
// so a key's memory follows its live entries.
func expire(log []int64, t, p int64) []int64 {
	i := 0
	for i < len(log) && log[i] <= t-p {
		i++
	}
	if i == 0 {
		return log
	}
	log = log[i:]
	if cap(log) > 2*len(log)+8 {
		log = append([]int64(nil), log...)
	}
	return log
}

// sweep drops keys whose newest entry is out of a window of p (the Period
// of the call that triggered it; other Periods only lose state that a
// later call would have dropped, or that a shorter window ignores anyway).
// s.mu must be held.
func (s *winShard) sweep(t, p int64) {
	scan := sweepScan
	for h, log := range s.logs {
		if len(log) == 0 || log[len(log)-1] <= t-p {
			delete(s.logs, h)
		}
		if scan--; scan == 0 {
			return
		}
	}
}

// makeRoom drops the sampled key whose newest entry is oldest. s.mu must be
// held.
func (s *winShard) makeRoom(t, p int64) {
	var oldest uint64
	var oldestT int64
	found := false
	scan := evictScan
	for h, log := range s.logs {
		last := int64(-1 << 63)
		if len(log) > 0 {
			last = log[len(log)-1]
		}
		if last <= t-p {
			delete(s.logs, h)
			return
		}
		if !found || last < oldestT {
			oldest, oldestT, found = h, last, true
		}
		if scan--; scan == 0 {
			break
		}
	}
	if found {
		delete(s.logs, oldest)
	}
}

// Len returns the number of keys holding state; for tests and metrics.
func (w *Window) Len() int {
	n := 0
	for i := range w.shards {
		s := &w.shards[i]
		s.mu.Lock()
		n += len(s.logs)
		s.mu.Unlock()
	}
	return n
}

var _ Limiter = (*Window)(nil)
