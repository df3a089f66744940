package ratelimittest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/ratelimit"
)

// The limits the window cases use: wlong never slides during a test;
// wshort is 5 per 2 seconds.
var (
	wlong  = ratelimit.Limit{Rate: 5, Burst: 5, Period: time.Hour}
	wshort = ratelimit.Limit{Rate: 5, Burst: 5, Period: 2 * time.Second}
)

// RunWindow runs the suite of exact sliding-window limiters
// ([ratelimit.Window] and its Redis version): at most Rate units in any
// window of one Period, a unit leaving the window exactly Period after it
// was granted. It is called like [Run]; with a SleepClock it takes about 5
// seconds.
func RunWindow(t *testing.T, newLimiter func(t *testing.T) (ratelimit.Limiter, Clock)) {
	t.Helper()
	cases := []struct {
		name string
		run  func(h *harness)
	}{
		{"rate-then-refuse", testWindowRateThenRefuse},
		{"cost-n-and-peek", testWindowCostPeek},
		{"invalid-arguments", testWindowInvalid},
		{"keys-independent", testWindowKeysIndependent},
		{"slides", testWindowSlides},
		{"no-boundary-burst", testWindowNoBoundaryBurst},
		{"concurrent-one-key", testConcurrent},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			lim, clk := newLimiter(t)
			h := &harness{t: t, lim: lim, clk: clk, slack: clk.Slack()}
			if maxSlack := wshort.Period / 20; h.slack >= maxSlack {
				t.Fatalf("Clock.Slack() = %s, the suite needs less than %s", h.slack, maxSlack)
			}
			tc.run(h)
		})
	}
}

// wwant is want for the window limits: under wlong durations may be up to
// a second short with a real clock.
func (h *harness) wwant(call string, l ratelimit.Limit, got, want ratelimit.Result) {
	h.t.Helper()
	slack := h.slack
	if slack > 0 && l == wlong {
		slack = time.Second
	}
	near := func(g, w time.Duration) bool { return g <= w && g >= w-slack }
	if got.Allowed != want.Allowed || got.Remaining != want.Remaining ||
		!near(got.RetryAfter, want.RetryAfter) || !near(got.ResetAfter, want.ResetAfter) {
		h.t.Errorf("%s = %+v, want %+v (durations within %s below)", call, got, want, slack)
	}
}

// wwantAround is wwant for durations that count from a grant made after
// the clock started: with a real clock that grant may land up to Slack
// late, so they may be longer than expected by as much as shorter.
func (h *harness) wwantAround(call string, got, want ratelimit.Result) {
	h.t.Helper()
	near := func(g, w time.Duration) bool { return g <= w+h.slack && g >= w-h.slack }
	if got.Allowed != want.Allowed || got.Remaining != want.Remaining ||
		!near(got.RetryAfter, want.RetryAfter) || !near(got.ResetAfter, want.ResetAfter) {
		h.t.Errorf("%s = %+v, want %+v (durations within %s)", call, got, want, h.slack)
	}
}

func testWindowRateThenRefuse(h *harness) {
	k, l, P := h.key("a"), wlong, wlong.Period
	for i := range l.Rate {
		h.wwant(fmt.Sprintf("request %d", i+1), l, h.allow(k, l, 1), ratelimit.Result{
			Allowed: true, Remaining: l.Rate - 1 - i, ResetAfter: P,
		})
	}
	for i := range 3 {
		h.wwant(fmt.Sprintf("refused request %d", i+1), l, h.allow(k, l, 1), ratelimit.Result{
			RetryAfter: P, ResetAfter: P,
		})
	}
}

func testWindowCostPeek(h *harness) {
	k, l, P := h.key("a"), wlong, wlong.Period
	h.wwant("peek fresh key", l, h.allow(k, l, 0), ratelimit.Result{Allowed: true, Remaining: 5})
	h.wwant("AllowN(2)", l, h.allow(k, l, 2), ratelimit.Result{Allowed: true, Remaining: 3, ResetAfter: P})
	// A refusal costs nothing: the 3 left are still there.
	h.wwant("AllowN(4)", l, h.allow(k, l, 4), ratelimit.Result{Remaining: 3, RetryAfter: P, ResetAfter: P})
	h.wwant("peek", l, h.allow(k, l, 0), ratelimit.Result{Allowed: true, Remaining: 3, ResetAfter: P})
	h.wwant("AllowN(3)", l, h.allow(k, l, 3), ratelimit.Result{Allowed: true, Remaining: 0, ResetAfter: P})
	h.wwant("AllowN(1)", l, h.allow(k, l, 1), ratelimit.Result{RetryAfter: P, ResetAfter: P})
}

func testWindowInvalid(h *harness) {
	k := h.key("a")
	for _, tc := range []struct {
		name string
		l    ratelimit.Limit
		n    int
		want error
	}{
		{"zero-limit", ratelimit.Limit{}, 1, ratelimit.ErrInvalidLimit},
		{"negative-cost", wlong, -1, ratelimit.ErrInvalidLimit},
		{"rate-above-max", ratelimit.PerDay(ratelimit.MaxWindowRate + 1), 1, ratelimit.ErrInvalidLimit},
		{"cost-above-burst", wlong, 6, ratelimit.ErrExceedsBurst},
		{"cost-above-rate", ratelimit.Limit{Rate: 2, Burst: 4, Period: time.Hour}, 3, ratelimit.ErrExceedsBurst},
	} {
		r, err := h.lim.AllowN(context.Background(), k, tc.l, tc.n)
		if !errors.Is(err, tc.want) || r.Allowed {
			h.t.Errorf("%s: AllowN(%+v, %d) = %+v, %v; want not allowed, %v", tc.name, tc.l, tc.n, r, err, tc.want)
		}
	}
	// Nothing was recorded.
	h.wwant("AllowN(rate)", wlong, h.allow(k, wlong, 5), ratelimit.Result{Allowed: true, ResetAfter: wlong.Period})
}

func testWindowKeysIndependent(h *harness) {
	a, b, l := h.key("a"), h.key("b"), wlong
	h.allow(a, l, 5)
	h.wwant("AllowN(b)", l, h.allow(b, l, 1), ratelimit.Result{Allowed: true, Remaining: 4, ResetAfter: l.Period})
	if r := h.allow(a, l, 1); r.Allowed {
		h.t.Errorf("AllowN(a) after spending the rate = %+v, want refused", r)
	}
}

// testWindowSlides spends 2 units, then 3 half a period later: the first 2
// come back exactly one period after they were granted, not before, and
// the other 3 half a period after that.
func testWindowSlides(h *harness) {
	k, l, P := h.key("a"), wshort, wshort.Period
	h.allow(k, l, 2)
	h.clk.Advance(P / 2)
	h.allow(k, l, 3)
	h.clk.Advance(P/2 - h.margin())
	r := h.allow(k, l, 1)
	if r.Allowed || r.RetryAfter > h.margin() {
		h.t.Errorf("AllowN just before the first 2 leave = %+v, want refused for at most %s", r, h.margin())
	}
	h.wwantAround("AllowN just before the first 2 leave", r, ratelimit.Result{RetryAfter: r.RetryAfter, ResetAfter: P/2 + h.margin()})
	h.clk.Advance(2 * h.margin())
	h.wwant("AllowN(2) once they left", l, h.allow(k, l, 2), ratelimit.Result{Allowed: true, ResetAfter: P})
	r = h.allow(k, l, 1)
	h.wwantAround("AllowN(1) next", r, ratelimit.Result{RetryAfter: P/2 - h.margin(), ResetAfter: P})
}

// testWindowNoBoundaryBurst plays the attack on fixed windows and on GCRA
// with Burst = Rate: one unit opens, the rest of the rate goes just before a
// period ends, and more right after. Only the first unit has left by then.
func testWindowNoBoundaryBurst(h *harness) {
	k, l := h.key("a"), wshort
	h.allow(k, l, 1)
	h.clk.Advance(l.Period - h.margin())
	before := 0
	for range l.Rate {
		if h.allow(k, l, 1).Allowed {
			before++
		}
	}
	h.clk.Advance(2 * h.margin())
	after := 0
	for range l.Rate {
		if h.allow(k, l, 1).Allowed {
			after++
		}
	}
	if before != l.Rate-1 || after != 1 {
		h.t.Errorf("allowed %d just before and %d just after a period edge, want %d and 1", before, after, l.Rate-1)
	}
}
