package ratelimit

import (
	"context"
	"fmt"
	"hash/maphash"
	"math/bits"
	"slices"
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

// A shard keeps its logs out of the garbage collector's sight: every field
// below is pointer-free, so a million keys cost the GC nothing to scan.
// Each key's log is a ring of a power-of-two capacity cut from one arena;
// idx maps the key's hash to its slot, and the slot records where the ring
// is, its oldest and newest entries (so a refusal usually never touches the
// arena) and the hash (so sweeps walk the slots in order, not the map).
type winShard struct {
	mu    sync.Mutex        // protects the fields below
	idx   map[uint64]uint32 // key hash → index in slots
	slots []winSlot         // a slot with class noClass is free
	spare []uint32          // free slot indices
	arena []int64           // the rings: grant times, ns since base
	free  [winClasses][]uint32
	// Words of the arena held by rings in use and by free rings; when the
	// free ones outweigh the live ones, compact rewrites the arena.
	liveWords, freeWords int
	max                  int
	ops                  uint32
	cursor               uint32 // next slot for sweep and makeRoom to look at
}

// winClasses bounds ring capacities to 1<<31 entries; rates never need
// more than 1<<17 (a Rate up to MaxWindowRate, rounded up).
const (
	winClasses = 32
	noClass    = 0xff
	// winMinRing is the capacity a new key's ring starts at when its Rate
	// is larger, like the initial capacity of a slice grown by append.
	winMinRing = 32
)

// winSlot is one key's log: n grant times, oldest first, in the ring
// arena[off : off+1<<class] starting at head. Offsets are uint32, so one
// shard's arena is limited to 2³² entries (32 GiB), far beyond any MaxKeys.
type winSlot struct {
	key         uint64 // the key's hash, to delete it from idx
	first, last int64  // oldest and newest entries, valid when n > 0
	period      int64  // the longest Period the key was used with: its entries matter that long
	off         uint32
	head        uint32
	n           uint32
	class       uint8
}

func (sl *winSlot) mask() uint32 { return 1<<sl.class - 1 }

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
		w.shards[i].idx = make(map[uint64]uint32)
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
	i, ok := s.idx[h]
	var sl *winSlot
	count := 0
	if ok {
		sl = &s.slots[i]
		s.expire(sl, t, p)
		count = int(sl.n)
	}
	var r Result
	if count+n <= l.Rate {
		if n > 0 {
			if !ok {
				if len(s.idx) >= s.max {
					s.makeRoom(t)
				}
				i = s.newSlot(h, ringClass(min(l.Rate, winMinRing), n))
				sl = &s.slots[i]
			} else if count+n > 1<<sl.class {
				s.resize(sl, ringClass(min(max(2<<sl.class, count+n), l.Rate), count+n))
			}
			s.push(sl, t, n)
			sl.period = max(sl.period, p)
		}
		r = Result{Allowed: true, Remaining: l.Rate - count - n}
	} else {
		// The (count+n-Rate)-th oldest entry must leave the window first.
		blocking := sl.first
		if k := uint32(count + n - l.Rate - 1); k > 0 {
			blocking = s.arena[sl.off+(sl.head+k)&sl.mask()]
		}
		r = Result{Remaining: max(0, l.Rate-count), RetryAfter: time.Duration(blocking + p - t)}
	}
	if sl != nil {
		if sl.n > 0 {
			r.ResetAfter = time.Duration(sl.last + p - t)
		} else {
			s.drop(i)
		}
	}
	s.ops++
	if s.ops%sweepEvery == 0 {
		s.sweep(t)
	}
	return r
}

// ringClass returns the class (log₂ capacity) of the smallest ring holding
// max(want, need) entries.
func ringClass(want, need int) uint8 {
	return uint8(bits.Len(uint(max(want, need, 1) - 1)))
}

// expire drops the entries that have left the window ending at t: those at
// or before t−p, from the oldest on. When most of the ring is dead it moves
// to a smaller one, so a key's memory follows its live entries.
func (s *winShard) expire(sl *winSlot, t, p int64) {
	if sl.n == 0 || sl.first > t-p {
		return
	}
	m := sl.mask()
	for {
		sl.head = (sl.head + 1) & m
		if sl.n--; sl.n == 0 {
			break
		}
		if sl.first = s.arena[sl.off+sl.head]; sl.first > t-p {
			break
		}
	}
	if int(sl.class) > bits.Len(winMinRing-1) && int(sl.n)*4 <= 1<<sl.class {
		s.resize(sl, ringClass(winMinRing, 2*int(sl.n)))
	}
}

// push appends n entries at t to a ring with room for them.
func (s *winShard) push(sl *winSlot, t int64, n int) {
	m := sl.mask()
	if sl.n == 0 {
		sl.first = t
	}
	tail := sl.head + sl.n
	for k := range uint32(n) {
		s.arena[sl.off+(tail+k)&m] = t
	}
	sl.n += uint32(n)
	sl.last = t
}

// newSlot takes a free slot for key hash h with an empty ring of the class.
func (s *winShard) newSlot(h uint64, class uint8) uint32 {
	var i uint32
	if k := len(s.spare); k > 0 {
		i = s.spare[k-1]
		s.spare = s.spare[:k-1]
	} else {
		i = uint32(len(s.slots))
		s.slots = append(s.slots, winSlot{})
	}
	s.slots[i] = winSlot{key: h, off: s.alloc(class), class: class}
	s.idx[h] = i
	return i
}

// drop forgets the key in slot i.
func (s *winShard) drop(i uint32) {
	sl := &s.slots[i]
	delete(s.idx, sl.key)
	off, class := sl.off, sl.class
	*sl = winSlot{class: noClass}
	s.spare = append(s.spare, i)
	s.release(off, class)
}

// resize moves a ring to one of another class holding its entries.
func (s *winShard) resize(sl *winSlot, class uint8) {
	off := s.alloc(class)
	s.copyRing(s.arena[off:off+1<<class], sl)
	// Point sl at the new ring before releasing the old one: release may
	// compact the arena, moving every ring in use.
	oldOff, oldClass := sl.off, sl.class
	sl.off, sl.head, sl.class = off, 0, class
	s.release(oldOff, oldClass)
}

// copyRing copies the entries of sl, oldest first, to the start of dst.
func (s *winShard) copyRing(dst []int64, sl *winSlot) {
	size := uint32(1) << sl.class
	ring := s.arena[sl.off : sl.off+size]
	k := copy(dst[:sl.n], ring[sl.head:min(size, sl.head+sl.n)])
	copy(dst[k:sl.n], ring)
}

// alloc returns the offset of a ring of the class: a free one, or a new one
// at the end of the arena.
func (s *winShard) alloc(class uint8) uint32 {
	size := 1 << class
	s.liveWords += size
	if k := len(s.free[class]); k > 0 {
		off := s.free[class][k-1]
		s.free[class] = s.free[class][:k-1]
		s.freeWords -= size
		return off
	}
	off := len(s.arena)
	s.arena = slices.Grow(s.arena, size)[:off+size]
	return uint32(off)
}

// release returns a ring to the free lists, and compacts the arena when
// most of it is free.
func (s *winShard) release(off uint32, class uint8) {
	size := 1 << class
	s.liveWords -= size
	s.freeWords += size
	s.free[class] = append(s.free[class], off)
	if s.freeWords > 1024 && s.freeWords > s.liveWords {
		s.compact()
	}
}

// compact rewrites the arena with only the rings in use, each starting at
// its oldest entry. Its cost, O(live entries), is paid for by the at least
// as many entries freed since the last compaction.
func (s *winShard) compact() {
	arena := make([]int64, s.liveWords, s.liveWords+s.liveWords/4)
	off := 0
	for i := range s.slots {
		sl := &s.slots[i]
		if sl.class == noClass {
			continue
		}
		s.copyRing(arena[off:], sl)
		sl.off, sl.head = uint32(off), 0
		off += 1 << sl.class
	}
	s.arena = arena
	for c := range s.free {
		s.free[c] = s.free[c][:0]
	}
	s.freeWords = 0
}

// sweep drops keys whose newest entry is older than the key's own Period,
// so a per-day key is never forgotten by a sweep that a per-minute call
// triggered, looking at the next sweepScan slots in order. s.mu must be
// held.
func (s *winShard) sweep(t int64) {
	if len(s.slots) == 0 {
		return
	}
	for range min(sweepScan, len(s.slots)) {
		if int(s.cursor) >= len(s.slots) {
			s.cursor = 0
		}
		i := s.cursor
		s.cursor++
		if sl := &s.slots[i]; sl.class != noClass && (sl.n == 0 || sl.last <= t-sl.period) {
			s.drop(i)
		}
	}
}

// makeRoom drops, of the next evictScan keys in slot order, the first one
// idle for its own Period or else the one whose newest entry is oldest. s.mu must be
// held and at least one key present.
func (s *winShard) makeRoom(t int64) {
	var oldest uint32
	var oldestT int64
	found := false
	for scan, k := evictScan, 0; scan > 0 && k < len(s.slots); k++ {
		if int(s.cursor) >= len(s.slots) {
			s.cursor = 0
		}
		i := s.cursor
		s.cursor++
		sl := &s.slots[i]
		if sl.class == noClass {
			continue
		}
		last := int64(-1 << 63)
		if sl.n > 0 {
			last = sl.last
		}
		if last <= t-sl.period {
			s.drop(i)
			return
		}
		if !found || last < oldestT {
			oldest, oldestT, found = i, last, true
		}
		scan--
	}
	if found {
		s.drop(oldest)
	}
}

// Len returns the number of keys holding state; for tests and metrics.
func (w *Window) Len() int {
	n := 0
	for i := range w.shards {
		s := &w.shards[i]
		s.mu.Lock()
		n += len(s.idx)
		s.mu.Unlock()
	}
	return n
}

var _ Limiter = (*Window)(nil)
