package ratelimit

import (
	"context"
	"hash/maphash"
	"math/bits"
	"sync"
	"time"
)

// Defaults for the zero [MemoryOptions].
const (
	DefaultShards  = 64
	DefaultMaxKeys = 1 << 20
)

// Sweep tuning. Every sweepEvery decisions a shard inspects up to
// sweepScan entries and drops the idle ones, so cleaning costs O(1) per
// decision and never stops the world. A full shard inspects up to
// evictScan entries for room.
const (
	sweepEvery = 64
	sweepScan  = 32
	evictScan  = 16
)

// MemoryOptions configures [NewMemory]. The zero MemoryOptions is ready to
// use and consists entirely of defaults.
type MemoryOptions struct {
	// Now returns the current time. Nil means time.Now. Times are only
	// compared with each other (with time.Time.Sub, so monotonic readings
	// are used when present); a clock that steps back cannot grant credit.
	Now func() time.Time

	// Shards is the number of independently locked partitions of the key
	// space, rounded up to a power of two (and down to at most MaxKeys).
	// Zero means DefaultShards.
	Shards int

	// MaxKeys bounds the number of keys holding state. Each shard holds at
	// most MaxKeys/Shards of them. A key costs about 60 bytes, so
	// DefaultMaxKeys, used when MaxKeys is zero, caps the limiter near
	// 64 MiB. See [Memory] for what happens when a shard is full.
	MaxKeys int
}

// Memory is an in-process [Limiter]. It is safe for concurrent use and
// never blocks on anything but its own short critical sections; ctx is not
// consulted.
//
// # Memory bound
//
// Keys are hashed (with a per-Memory random seed) to 64 bits and each holds
// one 8-byte timestamp, so memory does not grow with key length. Two keys
// colliding on the hash would share one allowance, which is only ever
// stricter; with a random seed the chance is about k²/2⁶⁵ for k live keys.
//
// A key whose timestamp is in the past is exactly as if it were absent, so
// such idle keys are dropped: on access, and by a bounded sweep every few
// decisions. When a shard still reaches its cap, a new key makes room by
// dropping the sampled key nearest to idle, which forgets the least spent
// allowance. Size MaxKeys above the number of keys active within one Period
// so that this never happens in normal operation; under a flood of distinct
// keys memory stays bounded instead of growing.
type Memory struct {
	now    func() time.Time
	base   time.Time // the zero of the nanosecond timeline
	seed   maphash.Seed
	shift  uint // hash >> shift selects the shard
	shards []memShard
}

type memShard struct {
	mu   sync.Mutex       // protects the fields below
	tats map[uint64]int64 // key hash → TAT, ns since Memory.base
	max  int              // cap on len(tats)
	ops  uint32           // decisions since creation, for the sweep cadence

	// Keep shards on separate cache lines (and line pairs, which some
	// CPUs prefetch together) so their mutexes do not false-share.
	_ [128 - 8 - 8 - 8 - 4]byte
}

// NewMemory returns an in-memory Limiter configured by opts.
func NewMemory(opts MemoryOptions) *Memory {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	maxKeys := opts.MaxKeys
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	n := opts.Shards
	if n <= 0 {
		n = DefaultShards
	}
	n = min(n, 1<<16)
	lg := bits.Len(uint(n - 1)) // n rounded up to 1<<lg
	for lg > 0 && 1<<lg > maxKeys {
		lg-- // at least one key per shard, and no more than maxKeys in all
	}
	n = 1 << lg
	perShard := maxKeys / n

	m := &Memory{
		now:    now,
		base:   now(),
		seed:   maphash.MakeSeed(),
		shift:  uint(64 - lg),
		shards: make([]memShard, n),
	}
	for i := range m.shards {
		m.shards[i].tats = make(map[uint64]int64)
		m.shards[i].max = perShard
	}
	return m
}

// AllowN implements [Limiter].
func (m *Memory) AllowN(_ context.Context, key string, l Limit, n int) (Result, error) {
	if err := CheckCost(l, n); err != nil {
		return Result{}, err
	}
	return m.allowN(m.now(), key, l, n), nil
}

// allowN decides at now; l and n have been checked. Tests call it directly
// to drive time without a clock.
func (m *Memory) allowN(now time.Time, key string, l Limit, n int) Result {
	t := int64(now.Sub(m.base))
	interval := int64(l.Interval())
	tol := interval * int64(l.Burst)

	h := maphash.String(m.seed, key)
	s := &m.shards[h>>m.shift] // with one shard, shift is 64 and this is 0

	s.mu.Lock()
	tat, ok := s.tats[h]
	if !ok {
		tat = t // not 0: t is negative if the clock stepped back past base
	}
	newTAT, r := gcra(tat, t, interval, tol, int64(n))
	switch {
	case r.Allowed && n > 0:
		if !ok && len(s.tats) >= s.max {
			s.makeRoom(t)
		}
		s.tats[h] = newTAT
	case ok && tat <= t:
		delete(s.tats, h) // idle: absent and present mean the same
	}
	s.ops++
	if s.ops%sweepEvery == 0 {
		s.sweep(t, sweepScan)
	}
	s.mu.Unlock()
	return r
}

// sweep drops idle keys among up to scan entries, starting where Go's map
// iteration starts (at random). s.mu must be held.
func (s *memShard) sweep(now int64, scan int) {
	for h, tat := range s.tats {
		if tat <= now {
			delete(s.tats, h)
		}
		if scan--; scan == 0 {
			return
		}
	}
}

// makeRoom frees at least one entry of a full shard: the idle ones among a
// random sample, or else the sampled key with the earliest TAT, whose loss
// forgets the least spent allowance. s.mu must be held.
func (s *memShard) makeRoom(now int64) {
	freed, found := false, false
	var oldest uint64
	var oldestTAT int64
	scan := evictScan
	for h, tat := range s.tats {
		switch {
		case tat <= now:
			delete(s.tats, h)
			freed = true
		case !found || tat < oldestTAT:
			oldest, oldestTAT, found = h, tat, true
		}
		if scan--; scan == 0 {
			break
		}
	}
	if !freed && found {
		delete(s.tats, oldest)
	}
}

// Len returns the number of keys currently holding state. It locks each
// shard in turn, so it is meant for tests and metrics, not the hot path.
func (m *Memory) Len() int {
	n := 0
	for i := range m.shards {
		s := &m.shards[i]
		s.mu.Lock()
		n += len(s.tats)
		s.mu.Unlock()
	}
	return n
}

var _ Limiter = (*Memory)(nil)
