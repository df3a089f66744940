package ratelimittest

import (
	"sync"
	"time"
)

// A Clock moves the time a limiter under test sees.
type Clock interface {
	// Advance moves the limiter's clock forward by at least d.
	Advance(d time.Duration)

	// Slack bounds how far the limiter's clock can be ahead of what the
	// suite believes: how much time may pass on its own between two
	// Advance calls (the calls themselves, scheduling), and how much an
	// Advance may overshoot. It is zero for a fake clock. The time-dependent
	// cases need Slack below 80ms and widen their checks by it.
	Slack() time.Duration
}

// fakeEpoch is where a zero FakeClock starts; any fixed instant would do.
var fakeEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// FakeClock is a Clock that moves only when told to. Its zero value reads
// 2026-01-01T00:00:00Z. Pass its Now method to the limiter
// (ratelimit.MemoryOptions.Now). It is safe for concurrent use.
type FakeClock struct {
	mu     sync.Mutex    // protects offset
	offset time.Duration // since fakeEpoch
}

// Now returns the clock's current time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return fakeEpoch.Add(c.offset)
}

// Advance implements [Clock].
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// Slack implements [Clock]; a FakeClock has none.
func (c *FakeClock) Slack() time.Duration { return 0 }

// DefaultSlack is the Slack of a zero [SleepClock].
const DefaultSlack = 75 * time.Millisecond

// SleepClock is a Clock for limiters whose time cannot be faked, such as
// one that reads the Redis server's TIME: Advance sleeps. The suite keeps
// its time-dependent cases short (a 400ms emission interval) so a run takes
// a few seconds. The zero SleepClock is ready to use; it must not be copied
// after first use.
//
// Sleeps do not pile up their overshoot: the clock keeps a timeline that
// starts when Advance is first called, and each Advance returns once the
// sum of all durations so far has passed since then. Time spent between
// Advance calls is absorbed by the next sleep.
type SleepClock struct {
	// MaxSlack is the Slack reported. Zero means DefaultSlack.
	MaxSlack time.Duration

	mu     sync.Mutex // protects target
	target time.Time  // when the latest Advance ends; zero before the first
}

// Advance implements [Clock] by sleeping until d after the end of the
// previous Advance (or after now, on the first call).
func (c *SleepClock) Advance(d time.Duration) {
	c.mu.Lock()
	if c.target.IsZero() {
		c.target = time.Now()
	}
	c.target = c.target.Add(d)
	wait := time.Until(c.target)
	c.mu.Unlock()
	time.Sleep(wait)
}

// Slack implements [Clock].
func (c *SleepClock) Slack() time.Duration {
	if c.MaxSlack == 0 {
		return DefaultSlack
	}
	return c.MaxSlack
}

var (
	_ Clock = (*FakeClock)(nil)
	_ Clock = (*SleepClock)(nil)
)
