package ratelimit

import (
	"context"
	"fmt"
	"hash/maphash"
	"sync"
	"sync/atomic"
)

// A ConcurrencyLimiter bounds how many operations per key are in flight at
// once, such as requests of one user still streaming a response.
//
// Implementations are safe for concurrent use. Acquire takes one of max
// slots for key: ok is false, with a nil error, when all max are taken.
// When ok, the caller must call release exactly once when the operation
// ends, however it ends; further calls do nothing. max below 1 returns an
// error wrapping [ErrInvalidLimit]. As with [Limiter], callers treat every
// error as a refusal.
type ConcurrencyLimiter interface {
	Acquire(ctx context.Context, key string, max int) (release func(), ok bool, err error)
}

// MemoryConcurrency is an in-process [ConcurrencyLimiter]. Its zero value
// is ready to use; it must not be copied after first use. A key holds
// state only while it has operations in flight, so memory is bounded by
// their number. ctx is not consulted: Acquire never waits.
type MemoryConcurrency struct {
	once   sync.Once
	seed   maphash.Seed
	shards [DefaultShards]concShard
}

type concShard struct {
	mu sync.Mutex     // protects n
	n  map[uint64]int // key hash → slots taken; absent when zero
	_  [128 - 8 - 8]byte
}

// Acquire implements [ConcurrencyLimiter]. Two keys colliding on their
// 64-bit hash (with a random seed, about k²/2⁶⁵ for k keys in flight)
// would share slots, which is only ever stricter.
func (c *MemoryConcurrency) Acquire(_ context.Context, key string, max int) (release func(), ok bool, err error) {
	if max < 1 {
		return nil, false, fmt.Errorf("%w: concurrency %d, must be at least 1", ErrInvalidLimit, max)
	}
	c.once.Do(func() { c.seed = maphash.MakeSeed() })
	h := maphash.String(c.seed, key)
	s := &c.shards[h%DefaultShards]

	s.mu.Lock()
	if s.n == nil {
		s.n = make(map[uint64]int)
	}
	if s.n[h] >= max {
		s.mu.Unlock()
		return nil, false, nil
	}
	s.n[h]++
	s.mu.Unlock()

	var done atomic.Bool
	return func() {
		if done.Swap(true) {
			return
		}
		s.mu.Lock()
		if s.n[h] <= 1 {
			delete(s.n, h)
		} else {
			s.n[h]--
		}
		s.mu.Unlock()
	}, true, nil
}

// InFlight returns how many operations hold a slot for key.
func (c *MemoryConcurrency) InFlight(key string) int {
	c.once.Do(func() { c.seed = maphash.MakeSeed() })
	h := maphash.String(c.seed, key)
	s := &c.shards[h%DefaultShards]
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n[h]
}

var _ ConcurrencyLimiter = (*MemoryConcurrency)(nil)
