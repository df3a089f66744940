// Package ratelimittest is the behaviour suite every [ratelimit.Limiter]
// must pass, and the clocks it is driven with.
//
// An implementation's test calls [Run] with a constructor:
//
//	func TestMemory(t *testing.T) {
//		ratelimittest.Run(t, func(t *testing.T) (ratelimit.Limiter, ratelimittest.Clock) {
//			clk := new(ratelimittest.FakeClock)
//			return ratelimit.NewMemory(ratelimit.MemoryOptions{Now: clk.Now}), clk
//		})
//	}
//
// A limiter whose clock cannot be faked (Redis TIME) passes a [SleepClock];
// the time-dependent cases then sleep, use a 400ms emission interval, and
// widen their checks by [Clock.Slack].
package ratelimittest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/ratelimit"
)

// The limits the cases use. long never refills during a test, however
// slow; short refills one unit every 400ms.
var (
	long  = ratelimit.Limit{Rate: 5, Burst: 5, Period: time.Hour}
	short = ratelimit.Limit{Rate: 5, Burst: 5, Period: 2 * time.Second}
)

// Run runs the suite. Each case runs as a parallel subtest and calls
// newLimiter once, with the subtest's t, for a limiter and the Clock that
// drives it; newLimiter registers any cleanup with t.Cleanup. The limiters
// may share a backend (one Redis, one key prefix for the run): every key a
// case uses starts with its subtest's name. With a SleepClock the suite
// takes about 4 seconds.
func Run(t *testing.T, newLimiter func(t *testing.T) (ratelimit.Limiter, Clock)) {
	t.Helper()
	cases := []struct {
		name string
		run  func(h *harness)
	}{
		{"burst-then-refuse", testBurstThenRefuse},
		{"cost-n", testCost},
		{"cost-exceeds-burst", testExceedsBurst},
		{"invalid-arguments", testInvalid},
		{"peek", testPeek},
		{"keys-independent", testKeysIndependent},
		{"retry-after-is-exact", testRetryAfter},
		{"refills-at-interval", testRefill},
		{"reset-after-is-exact", testResetAfter},
		{"no-boundary-burst", testNoBoundaryBurst},
		{"sustained-rate", testSustainedRate},
		{"concurrent-one-key", testConcurrent},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			lim, clk := newLimiter(t)
			h := &harness{t: t, lim: lim, clk: clk, slack: clk.Slack()}
			// The time-dependent cases step 2×Slack short of an interval
			// boundary, and 2×Slack past one, and must not cross the next.
			if maxSlack := short.Interval() / 5; h.slack >= maxSlack {
				t.Fatalf("Clock.Slack() = %s, the suite needs less than %s", h.slack, maxSlack)
			}
			tc.run(h)
		})
	}
}

type harness struct {
	t     *testing.T
	lim   ratelimit.Limiter
	clk   Clock
	slack time.Duration
}

// key returns a key unique to this subtest.
func (h *harness) key(name string) string { return h.t.Name() + ":" + name }

// margin is how far before an instant the suite can still be sure it is
// before it.
func (h *harness) margin() time.Duration { return max(2*h.slack, time.Millisecond) }

// allow calls AllowN, fails the test on error, and checks the invariants
// every Result obeys.
func (h *harness) allow(key string, l ratelimit.Limit, n int) ratelimit.Result {
	h.t.Helper()
	r, err := h.lim.AllowN(context.Background(), key, l, n)
	if err != nil {
		h.t.Fatalf("AllowN(%q, %v, %d) error: %v", key, l, n, err)
	}
	if err := checkInvariants(r, l); err != nil {
		h.t.Fatalf("AllowN(%q, %v, %d) = %+v: %v", key, l, n, r, err)
	}
	return r
}

func checkInvariants(r ratelimit.Result, l ratelimit.Limit) error {
	var errs []error
	if r.Allowed && r.RetryAfter != 0 {
		errs = append(errs, fmt.Errorf("allowed with RetryAfter %s, want 0", r.RetryAfter))
	}
	if !r.Allowed && r.RetryAfter <= 0 {
		errs = append(errs, fmt.Errorf("refused with RetryAfter %s, want > 0", r.RetryAfter))
	}
	if r.Remaining < 0 || r.Remaining > l.Burst {
		errs = append(errs, fmt.Errorf("Remaining %d outside [0, %d]", r.Remaining, l.Burst))
	}
	if r.ResetAfter < 0 || r.ResetAfter > time.Duration(l.Burst)*l.Interval() {
		errs = append(errs, fmt.Errorf("ResetAfter %s outside [0, %s]", r.ResetAfter, time.Duration(l.Burst)*l.Interval()))
	}
	return errors.Join(errs...)
}

// want checks one Result of a call under l against the expected one.
// Durations may be shorter than expected by the time that passed on its own
// (Slack), never longer. Under the hour-long limit nothing refills during a
// case, so with a real clock they may be up to a second shorter: those cases
// check the arithmetic, which a fake clock checks to the nanosecond.
func (h *harness) want(call string, l ratelimit.Limit, got, want ratelimit.Result) {
	h.t.Helper()
	slack := h.slack
	if slack > 0 && l == long {
		slack = time.Second
	}
	near := func(g, w time.Duration) bool { return g <= w && g >= w-slack }
	if got.Allowed != want.Allowed || got.Remaining != want.Remaining ||
		!near(got.RetryAfter, want.RetryAfter) || !near(got.ResetAfter, want.ResetAfter) {
		h.t.Errorf("%s = %+v, want %+v (durations within %s below)", call, got, want, slack)
	}
}

// drain spends key's whole burst in single units.
func (h *harness) drain(key string, l ratelimit.Limit) {
	h.t.Helper()
	for i := range l.Burst {
		if r := h.allow(key, l, 1); !r.Allowed {
			h.t.Fatalf("drain: request %d of burst %d refused: %+v", i+1, l.Burst, r)
		}
	}
}

func testBurstThenRefuse(h *harness) {
	k, l, T := h.key("a"), long, long.Interval()
	for i := range l.Burst {
		h.want(fmt.Sprintf("request %d", i+1), l, h.allow(k, l, 1), ratelimit.Result{
			Allowed: true, Remaining: l.Burst - 1 - i, ResetAfter: time.Duration(i+1) * T,
		})
	}
	for i := range 3 {
		h.want(fmt.Sprintf("refused request %d", i+1), l, h.allow(k, l, 1), ratelimit.Result{
			RetryAfter: T, ResetAfter: time.Duration(l.Burst) * T,
		})
	}
}

func testCost(h *harness) {
	k, l, T := h.key("a"), long, long.Interval()
	h.want("AllowN(2)", l, h.allow(k, l, 2), ratelimit.Result{Allowed: true, Remaining: 3, ResetAfter: 2 * T})
	// A refusal costs nothing: the 3 left are still there.
	h.want("AllowN(4)", l, h.allow(k, l, 4), ratelimit.Result{Remaining: 3, RetryAfter: T, ResetAfter: 2 * T})
	h.want("AllowN(3)", l, h.allow(k, l, 3), ratelimit.Result{Allowed: true, Remaining: 0, ResetAfter: 5 * T})
	h.want("AllowN(1)", l, h.allow(k, l, 1), ratelimit.Result{RetryAfter: T, ResetAfter: 5 * T})
}

func testExceedsBurst(h *harness) {
	k, l := h.key("a"), long
	r, err := h.lim.AllowN(context.Background(), k, l, l.Burst+1)
	if !errors.Is(err, ratelimit.ErrExceedsBurst) || r.Allowed {
		h.t.Errorf("AllowN(burst+1) = %+v, %v; want not allowed, ErrExceedsBurst", r, err)
	}
	// Nothing was recorded: the whole burst is still available.
	h.want("AllowN(burst)", l, h.allow(k, l, l.Burst), ratelimit.Result{
		Allowed: true, ResetAfter: time.Duration(l.Burst) * l.Interval(),
	})
}

func testInvalid(h *harness) {
	k := h.key("a")
	for _, tc := range []struct {
		name string
		l    ratelimit.Limit
		n    int
	}{
		{"zero-limit", ratelimit.Limit{}, 1},
		{"zero-rate", ratelimit.Limit{Burst: 1, Period: time.Second}, 1},
		{"zero-burst", ratelimit.Limit{Rate: 1, Period: time.Second}, 1},
		{"zero-period", ratelimit.Limit{Rate: 1, Burst: 1}, 1},
		{"negative-rate", ratelimit.Limit{Rate: -1, Burst: 1, Period: time.Second}, 1},
		{"negative-cost", long, -1},
		{"burst-for-centuries", ratelimit.Limit{Rate: 1, Burst: 1 << 30, Period: time.Hour}, 1},
	} {
		r, err := h.lim.AllowN(context.Background(), k, tc.l, tc.n)
		if !errors.Is(err, ratelimit.ErrInvalidLimit) || r.Allowed {
			h.t.Errorf("%s: AllowN(%+v, %d) = %+v, %v; want not allowed, ErrInvalidLimit", tc.name, tc.l, tc.n, r, err)
		}
	}
}

func testPeek(h *harness) {
	k, l, T := h.key("a"), long, long.Interval()
	h.want("peek fresh key", l, h.allow(k, l, 0), ratelimit.Result{Allowed: true, Remaining: 5})
	h.allow(k, l, 2)
	for i := range 2 { // a peek records nothing
		h.want(fmt.Sprintf("peek %d after spending 2", i+1), l, h.allow(k, l, 0),
			ratelimit.Result{Allowed: true, Remaining: 3, ResetAfter: 2 * T})
	}
	h.allow(k, l, 3)
	h.want("peek drained key", l, h.allow(k, l, 0), ratelimit.Result{Allowed: true, Remaining: 0, ResetAfter: 5 * T})
}

func testKeysIndependent(h *harness) {
	a, b, l := h.key("a"), h.key("b"), long
	h.drain(a, l)
	h.want("AllowN(b)", l, h.allow(b, l, 1), ratelimit.Result{Allowed: true, Remaining: 4, ResetAfter: l.Interval()})
	if r := h.allow(a, l, 1); r.Allowed {
		h.t.Errorf("AllowN(a) after drain = %+v, want refused", r)
	}
}

func testRetryAfter(h *harness) {
	k, l, T := h.key("a"), short, short.Interval()
	h.drain(k, l)
	r := h.allow(k, l, 3)
	h.want("AllowN(3) on drained key", l, r, ratelimit.Result{RetryAfter: 3 * T, ResetAfter: 5 * T})
	h.clk.Advance(r.RetryAfter)
	if r := h.allow(k, l, 3); !r.Allowed {
		h.t.Fatalf("AllowN(3) after RetryAfter = %+v, want allowed", r)
	}
	if r := h.allow(k, l, 1); r.Allowed {
		h.t.Errorf("AllowN(1) right after = %+v, want refused", r)
	}
}

func testRefill(h *harness) {
	k, l, T := h.key("a"), short, short.Interval()
	h.drain(k, l)
	h.clk.Advance(T - h.margin())
	if r := h.allow(k, l, 1); r.Allowed {
		h.t.Fatalf("AllowN %s before one interval = %+v, want refused", h.margin(), r)
	}
	h.clk.Advance(h.margin())
	h.want("AllowN after one interval", l, h.allow(k, l, 1), ratelimit.Result{Allowed: true, ResetAfter: 5 * T})
	if r := h.allow(k, l, 1); r.Allowed {
		h.t.Errorf("second AllowN after one interval = %+v, want refused", r)
	}
}

func testResetAfter(h *harness) {
	k, l := h.key("a"), short
	r := h.allow(k, l, 3)
	h.clk.Advance(r.ResetAfter)
	h.want("peek after ResetAfter", l, h.allow(k, l, 0), ratelimit.Result{Allowed: true, Remaining: l.Burst})
	h.want("AllowN(burst) after ResetAfter", l, h.allow(k, l, l.Burst), ratelimit.Result{
		Allowed: true, ResetAfter: time.Duration(l.Burst) * l.Interval(),
	})
}

// testNoBoundaryBurst plays the attack on fixed windows: one request opens
// a window, the rest of the burst goes just before where that window would
// end, and another burst just after. GCRA has no windows: the second burst
// gets only what refilled meanwhile, nothing.
func testNoBoundaryBurst(h *harness) {
	k, l := h.key("a"), short
	h.allow(k, l, 1)
	h.clk.Advance(l.Period - h.margin())
	before := 0
	for range l.Burst {
		if h.allow(k, l, 1).Allowed {
			before++
		}
	}
	h.clk.Advance(2 * h.margin())
	after := 0
	for range l.Burst {
		if h.allow(k, l, 1).Allowed {
			after++
		}
	}
	if before != l.Burst || after != 0 {
		h.t.Errorf("allowed %d just before and %d just after a period edge, want %d and 0", before, after, l.Burst)
	}
}

// testSustainedRate drains the burst, then offers a request every quarter
// interval for two periods: exactly Rate per Period get through.
func testSustainedRate(h *harness) {
	k, l, T := h.key("a"), short, short.Interval()
	h.drain(k, l)
	allowed := 0
	for range 4 * 2 * l.Rate {
		h.clk.Advance(T / 4)
		if h.allow(k, l, 1).Allowed {
			allowed++
		}
	}
	want := 2 * l.Rate
	if allowed != want && (h.slack == 0 || allowed != want-1) {
		h.t.Errorf("allowed %d over 2 periods of %v after draining, want %d", allowed, l, want)
	}
}

// testConcurrent races 64 goroutines on one key: exactly Burst are allowed,
// and their Remaining values are Burst-1 … 0, each once.
func testConcurrent(h *harness) {
	k := h.key("a")
	l := ratelimit.Limit{Rate: 10, Burst: 10, Period: time.Hour}
	var (
		mu        sync.Mutex
		remaining []int
		errs      []error
		wg        sync.WaitGroup
	)
	start := make(chan struct{}) // release all at once, for the most overlap
	for range 64 {
		wg.Go(func() {
			<-start
			for range 4 {
				r, err := h.lim.AllowN(context.Background(), k, l, 1)
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else if r.Allowed {
					remaining = append(remaining, r.Remaining)
				}
				mu.Unlock()
			}
		})
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		h.t.Fatalf("concurrent AllowN: %v", err)
	}
	slices.Sort(remaining)
	want := make([]int, l.Burst)
	for i := range want {
		want[i] = i
	}
	if !slices.Equal(remaining, want) {
		h.t.Errorf("256 concurrent AllowN allowed %d with Remaining %v, want %d with %v", len(remaining), remaining, l.Burst, want)
	}
}
