package limits

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aigate-dev/aigate/ratelimit"
)

// ErrSharedDown is returned, wrapped, by a limiter of a [Failover] that
// fails closed while the shared store (Redis) is down.
var ErrSharedDown = errors.New("shared rate-limit store is unavailable")

// Failover watches one shared limit store (Redis) for the limiters that
// use it. While the store answers, they decide on it; when a decision
// fails, the store is marked down (one log line, OnChange(false)), and
// until a background probe finds it back (one log line, OnChange(true))
// they either refuse at once (fail closed: the middleware answers 503) or,
// with FailOpen, decide on their in-memory counterpart, which then counts
// for this instance alone. Probe is required; Close stops the probe.
type Failover struct {
	// FailOpen selects fail_open_local; false is fail_closed.
	FailOpen bool
	// Probe checks whether the store answers (a Redis PING).
	Probe func(ctx context.Context) error
	// ProbeEvery is the interval between probes while the store is down;
	// zero means 500ms.
	ProbeEvery time.Duration
	// OnChange is called with false when the store goes down and true when
	// it is back; nil: nothing. It must not block.
	OnChange func(up bool)
	// Logger receives the transitions; nil discards them.
	Logger *slog.Logger

	down      atomic.Bool
	closeOnce sync.Once
	closed    chan struct{}
	initOnce  sync.Once
	wg        sync.WaitGroup
}

func (f *Failover) init() { f.initOnce.Do(func() { f.closed = make(chan struct{}) }) }

// Up reports whether the store is believed to answer.
func (f *Failover) Up() bool { return !f.down.Load() }

// Close stops the probe, if one runs, and waits for it.
func (f *Failover) Close() {
	f.init()
	f.closeOnce.Do(func() { close(f.closed) })
	f.wg.Wait()
}

// Wrap returns a limiter that decides on shared while the store is up and,
// while it is down, on local (FailOpen) or not at all. name says which
// limit it is in log lines.
func (f *Failover) Wrap(name string, shared, local ratelimit.Limiter) ratelimit.Limiter {
	f.init()
	return &failoverLimiter{f: f, name: name, shared: shared, local: local}
}

type failoverLimiter struct {
	f             *Failover
	name          string
	shared, local ratelimit.Limiter
}

func (l *failoverLimiter) AllowN(ctx context.Context, key string, lim ratelimit.Limit, n int) (ratelimit.Result, error) {
	if !l.f.down.Load() {
		r, err := l.shared.AllowN(ctx, key, lim, n)
		switch {
		case err == nil, errors.Is(err, ratelimit.ErrInvalidLimit), errors.Is(err, ratelimit.ErrExceedsBurst):
			return r, err
		case ctx.Err() != nil:
			return r, err // the request ended; the store may be fine
		}
		l.f.markDown(l.name, err)
	}
	if l.f.FailOpen {
		return l.local.AllowN(ctx, key, lim, n)
	}
	return ratelimit.Result{}, fmt.Errorf("%s limit: %w", l.name, ErrSharedDown)
}

// Failed reports that a call to the store made outside the wrapped
// limiters (the budget ledger) failed: the store is marked down as when a
// limiter fails. Errors of calls whose own context ended are the caller's
// to filter out.
func (f *Failover) Failed(name string, err error) {
	f.init()
	f.markDown(name, err)
}

// markDown records that the store failed and starts the probe, once per
// outage.
func (f *Failover) markDown(name string, err error) {
	if !f.down.CompareAndSwap(false, true) {
		return
	}
	mode := "refusing requests (limits.on_redis_error: fail_closed)"
	if f.FailOpen {
		mode = "counting limits in this instance's memory and budgets on its database (limits.on_redis_error: fail_open_local)"
	}
	f.log().Error("redis is unavailable for rate limits and budgets; "+mode, "limit", name, "error", err)
	if f.OnChange != nil {
		f.OnChange(false)
	}
	f.wg.Add(1)
	go f.probe()
}

func (f *Failover) probe() {
	defer f.wg.Done()
	every := f.ProbeEvery
	if every <= 0 {
		every = 500 * time.Millisecond
	}
	t := time.NewTicker(every)
	defer t.Stop()
	since := time.Now()
	for {
		select {
		case <-f.closed:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), every)
		err := f.Probe(ctx)
		cancel()
		if err == nil {
			// Announce the recovery before requests may see it: a failure
			// right after then reports down after this up, never before.
			f.log().Info("redis is back; rate limits and budgets are shared again", "down_for", time.Since(since).Round(time.Millisecond).String())
			if f.OnChange != nil {
				f.OnChange(true)
			}
			f.down.Store(false)
			return
		}
	}
}

func (f *Failover) log() *slog.Logger {
	if f.Logger != nil {
		return f.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// WrapConcurrency is Wrap for a concurrency limit. A slot taken on the
// local limiter while the store is down is released there, whenever the
// store comes back.
func (f *Failover) WrapConcurrency(name string, shared, local ratelimit.ConcurrencyLimiter) ratelimit.ConcurrencyLimiter {
	f.init()
	return &failoverConcurrency{f: f, name: name, shared: shared, local: local}
}

type failoverConcurrency struct {
	f             *Failover
	name          string
	shared, local ratelimit.ConcurrencyLimiter
}

func (c *failoverConcurrency) Acquire(ctx context.Context, key string, max int) (func(), bool, error) {
	if !c.f.down.Load() {
		rel, ok, err := c.shared.Acquire(ctx, key, max)
		switch {
		case err == nil, errors.Is(err, ratelimit.ErrInvalidLimit):
			return rel, ok, err
		case ctx.Err() != nil:
			return rel, ok, err
		}
		c.f.markDown(c.name, err)
	}
	if c.f.FailOpen {
		return c.local.Acquire(ctx, key, max)
	}
	return nil, false, fmt.Errorf("%s limit: %w", c.name, ErrSharedDown)
}

var (
	_ ratelimit.Limiter            = (*failoverLimiter)(nil)
	_ ratelimit.ConcurrencyLimiter = (*failoverConcurrency)(nil)
)
