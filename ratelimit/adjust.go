package ratelimit

import (
	"context"
	"hash/maphash"
)

// An Adjuster can correct a cost already recorded, for limits whose cost is
// estimated before the work and known after it, such as tokens per minute:
// AllowN spends the estimate, and AdjustN then records actual − estimate.
//
// A positive delta is recorded even when it takes the key past its limit
// (the work was done; the debt delays later calls). A negative delta gives
// back at most what the key holds; a key never gains credit beyond Burst.
// An invalid l returns an error wrapping [ErrInvalidLimit]. Implementations
// are safe for concurrent use. [Memory] implements it; callers find it by
// type assertion and, without it, can only record a positive delta with
// AllowN.
type Adjuster interface {
	AdjustN(ctx context.Context, key string, l Limit, delta int) error
}

// AdjustN implements [Adjuster].
func (m *Memory) AdjustN(_ context.Context, key string, l Limit, delta int) error {
	if err := l.Validate(); err != nil {
		return err
	}
	if delta == 0 {
		return nil
	}
	t := int64(m.now().Sub(m.base))
	interval := int64(l.Interval())
	h := maphash.String(m.seed, key)
	s := &m.shards[h>>m.shift]

	s.mu.Lock()
	defer s.mu.Unlock()
	tat, ok := s.tats[h]
	if !ok || tat < t {
		tat = t
	}
	// Debt is bounded like a Burst, so TAT stays far inside int64.
	limit := t + int64(maxTolerance)
	if d := int64(maxTolerance) / interval; int64(delta) > d {
		delta = int(d)
	} else if int64(delta) < -d {
		delta = int(-d)
	}
	tat += int64(delta) * interval
	switch {
	case tat > limit:
		tat = limit
	case tat <= t:
		delete(s.tats, h)
		return nil
	}
	if !ok && len(s.tats) >= s.max {
		s.makeRoom(t)
	}
	s.tats[h] = tat
	return nil
}

var _ Adjuster = (*Memory)(nil)
