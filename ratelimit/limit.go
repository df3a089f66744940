package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrInvalidLimit is returned (wrapped) by [Limit.Validate] and by every
// [Limiter] when the Limit is not valid or the cost n is negative.
var ErrInvalidLimit = errors.New("ratelimit: invalid limit")

// ErrExceedsBurst is returned (wrapped) by every [Limiter] when the cost n is
// larger than [Limit.Burst]: such a request can never be allowed, however
// long the caller waits, so it is reported as an error rather than as a
// refusal with a RetryAfter that would invite a pointless retry.
var ErrExceedsBurst = errors.New("ratelimit: cost exceeds burst")

// maxTolerance bounds Interval*Burst, the furthest a key's state can reach
// into the future. It keeps every sum of times well inside int64 nanoseconds
// and inside the 2^53 microseconds a Lua number holds exactly.
const maxTolerance = 100 * 365 * 24 * time.Hour

// A Limit allows Rate units of cost per Period, of which up to Burst may be
// spent at once. The zero Limit is not valid; callers treat it as "no limit
// configured" ([Limit.IsZero]) and must not pass it to a [Limiter].
type Limit struct {
	Rate   int           // units refilled per Period; must be ≥ 1
	Burst  int           // most units that can be spent at once; must be ≥ 1
	Period time.Duration // must be > 0
}

// PerSecond returns a Limit of n per second with a burst of n.
func PerSecond(n int) Limit { return Limit{Rate: n, Burst: n, Period: time.Second} }

// PerMinute returns a Limit of n per minute with a burst of n.
func PerMinute(n int) Limit { return Limit{Rate: n, Burst: n, Period: time.Minute} }

// PerHour returns a Limit of n per hour with a burst of n.
func PerHour(n int) Limit { return Limit{Rate: n, Burst: n, Period: time.Hour} }

// PerDay returns a Limit of n per day (24 hours) with a burst of n.
func PerDay(n int) Limit { return Limit{Rate: n, Burst: n, Period: 24 * time.Hour} }

// String formats l as "10/1m0s" or, when Burst differs from Rate,
// "10/1m0s (burst 20)".
func (l Limit) String() string {
	if l.Burst == l.Rate {
		return fmt.Sprintf("%d/%s", l.Rate, l.Period)
	}
	return fmt.Sprintf("%d/%s (burst %d)", l.Rate, l.Period, l.Burst)
}

// IsZero reports whether l is the zero Limit.
func (l Limit) IsZero() bool { return l == Limit{} }

// Interval is the GCRA emission interval: one unit of cost is refilled every
// Interval. It is Period/Rate rounded up to the nanosecond, so rounding can
// only make the limit stricter, never looser. It is zero for an invalid l.
func (l Limit) Interval() time.Duration {
	if l.Rate <= 0 || l.Period <= 0 {
		return 0
	}
	p, r := int64(l.Period), int64(l.Rate)
	return time.Duration((p + r - 1) / r)
}

// Validate reports, as an error wrapping [ErrInvalidLimit], why l cannot be
// enforced: Rate or Burst below 1, Period not positive, or a Burst so large
// that Interval×Burst exceeds 100 years. Config loading calls it so that a
// bad limit is a start-up error, not a runtime one.
func (l Limit) Validate() error {
	switch {
	case l.Rate < 1:
		return fmt.Errorf("%w: rate %d, must be at least 1", ErrInvalidLimit, l.Rate)
	case l.Burst < 1:
		return fmt.Errorf("%w: burst %d, must be at least 1", ErrInvalidLimit, l.Burst)
	case l.Period <= 0:
		return fmt.Errorf("%w: period %s, must be positive", ErrInvalidLimit, l.Period)
	case int64(l.Burst) > int64(maxTolerance)/int64(l.Interval()):
		return fmt.Errorf("%w: burst %d at %s holds state for over 100 years", ErrInvalidLimit, l.Burst, l)
	}
	return nil
}

// CheckCost validates l and the cost n the way every [Limiter] does before
// deciding: it returns an error wrapping [ErrInvalidLimit] for an invalid l
// or a negative n, and one wrapping [ErrExceedsBurst] when n > l.Burst.
// Limiter implementations outside this package call it so that all of them
// refuse the same arguments in the same way.
func CheckCost(l Limit, n int) error {
	if err := l.Validate(); err != nil {
		return err
	}
	if n < 0 {
		return fmt.Errorf("%w: negative cost %d", ErrInvalidLimit, n)
	}
	if n > l.Burst {
		return fmt.Errorf("%w: cost %d, limit %s", ErrExceedsBurst, n, l)
	}
	return nil
}

// Result is the outcome of one [Limiter.AllowN] decision.
type Result struct {
	// Allowed reports whether the n units were granted (and recorded).
	Allowed bool
	// Remaining is how many further units of cost could be granted right
	// now, after this decision. It is never negative.
	Remaining int
	// RetryAfter is zero when Allowed. When refused it is positive: the
	// time after which the same request would be allowed, if nothing else
	// is spent on the key meanwhile.
	RetryAfter time.Duration
	// ResetAfter is the time after which the key is back to its full
	// Burst, if nothing else is spent on it meanwhile; zero when already full.
	ResetAfter time.Duration
}

// A Limiter decides whether a request of cost n may proceed under Limit l
// for key, and records the cost when it may.
//
// Implementations are safe for concurrent use. Decisions on one key are
// atomic: of any number of concurrent calls, exactly as many are allowed as
// the limit permits, whichever instance of a shared limiter they reach.
//
// A key's whole state is one timestamp, interpreted with the Limit passed in
// each call. Use distinct keys for distinct limits (for example
// "rpm:"+user and "tpm:"+user); the same key with different Limits shares
// that timestamp.
//
// The cost n is usually 1 (a request) or a token count. n == 0 peeks: it is
// always allowed, records nothing, and its Remaining and ResetAfter describe
// the key's current state. n > l.Burst is never allowed: AllowN returns an
// error wrapping [ErrExceedsBurst] and records nothing. An invalid l or a
// negative n returns an error wrapping [ErrInvalidLimit].
//
// Any other error means no decision could be made (a backend is
// unreachable, ctx ended); the Result is then the zero Result, which is not
// Allowed. Callers must treat every error as a refusal.
type Limiter interface {
	AllowN(ctx context.Context, key string, l Limit, n int) (Result, error)
}
