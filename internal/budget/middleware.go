package budget

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/aigate-dev/aigate/internal/gateway"
)

// Budgets is the budget middleware and the request accounting behind it.
// Fields are set before first use and not changed after; Ledger, Log and
// Prices are required. Start must be called before Middleware serves, and
// Close when the gateway stops.
type Budgets struct {
	Ledger Ledger
	Log    UsageLog
	Prices *Prices
	// For returns the budgets in force for an authenticated request; nil
	// means none (spend is still recorded).
	For func(req *gateway.Request) []Budget
	// MaxOutputTokens is what a request without max_tokens is assumed to
	// produce at most when its cost is reserved (validation.max_tokens).
	MaxOutputTokens int64
	// FinishStreams lets a stream whose cost outgrows its reservation and
	// every budget's room run to its end (budgets.on_exhausted_stream:
	// finish). By default it is cut there: see [Budgets.Middleware].
	FinishStreams bool
	// Alerter is told about spend after each settlement; nil: no alerts.
	Alerter *Alerter
	// Logger receives settlement failures; nil discards them.
	Logger *slog.Logger
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// QueueSize bounds the settlements waiting to be written; zero means
	// 4096. A full queue makes OnDone wait: records are never dropped.
	QueueSize int
	// Linger is how long the writer waits for more settlements after the
	// first of a batch before it writes, so that a busy gateway writes a
	// few large transactions rather than many small ones. Zero writes at
	// once. Flush and Close do not wait for it. It bounds how far the
	// database lags behind (plus the time to write a batch).
	Linger time.Duration

	jobs      chan job
	done      chan struct{}
	closeOnce *sync.Once // a pointer: Budgets values are copied to vary settings
}

// job is a settlement to write, or a flush marker.
type job struct {
	s     Settlement
	flush chan struct{}
}

// maxBatch bounds how many settlements one transaction writes.
const maxBatch = 256

// Start starts the background writer that settles holds and writes usage
// records in batches, off the request path.
func (b *Budgets) Start() {
	n := b.QueueSize
	if n <= 0 {
		n = 4096
	}
	b.jobs = make(chan job, n)
	b.done = make(chan struct{})
	b.closeOnce = new(sync.Once)
	go b.writer()
}

// Close writes every queued settlement and stops the writer. Call it after
// the HTTP server has drained, so every request in flight has settled. It
// returns ctx's error if ctx ends first. Calls after the first only wait.
func (b *Budgets) Close(ctx context.Context) error {
	if b.jobs == nil {
		return nil
	}
	b.closeOnce.Do(func() { close(b.jobs) })
	select {
	case <-b.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Flush waits until every settlement queued before the call is written.
func (b *Budgets) Flush(ctx context.Context) error {
	ch := make(chan struct{})
	select {
	case b.jobs <- job{flush: ch}:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (b *Budgets) writer() {
	defer close(b.done)
	for j := range b.jobs {
		batch := []Settlement{}
		var flushes []chan struct{}
		add := func(j job) {
			if j.flush != nil {
				flushes = append(flushes, j.flush)
			} else {
				batch = append(batch, j.s)
			}
		}
		add(j)
		var (
			linger <-chan time.Time
			timer  *time.Timer
		)
		if b.Linger > 0 && len(flushes) == 0 {
			timer = time.NewTimer(b.Linger)
			linger = timer.C
		}
	fill:
		for len(batch) < maxBatch && len(flushes) == 0 {
			select {
			case j, ok := <-b.jobs:
				if !ok {
					break fill
				}
				add(j)
				continue
			default:
			}
			if linger == nil {
				break
			}
			select {
			case j, ok := <-b.jobs:
				if !ok {
					break fill
				}
				add(j)
			case <-linger:
				break fill
			}
		}
		if timer != nil {
			timer.Stop()
		}
		b.write(batch)
		for _, ch := range flushes {
			close(ch)
		}
	}
}

// write settles a batch, retrying a failed transaction with backoff: a
// record is only ever lost if the database stays down until the process
// ends. Settle skips holds already settled, so a retry cannot double-count.
func (b *Budgets) write(batch []Settlement) {
	if len(batch) == 0 {
		return
	}
	ctx := context.Background()
	delay := 50 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := b.Log.Settle(ctx, batch)
		if err == nil {
			break
		}
		b.log().Error("usage ledger write failed; retrying", "records", len(batch), "attempt", attempt, "error", err)
		time.Sleep(delay)
		delay = min(2*delay, 5*time.Second)
	}
	if b.Alerter == nil {
		return
	}
	seen := map[[2]string]bool{}
	for _, s := range batch {
		for _, bg := range s.Hold.Budgets {
			k := [2]string{string(bg.Kind), bg.ID}
			if !seen[k] {
				seen[k] = true
				b.Alerter.Check(ctx, b.Ledger, bg, b.now())
			}
		}
	}
}

func (b *Budgets) log() *slog.Logger {
	if b.Logger != nil {
		return b.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (b *Budgets) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now()
}

// Estimate returns the most req can cost at price pr: its input at one
// token per four characters (rounded up, plus one), and its max_tokens, or
// MaxOutputTokens when it sets none.
func (b *Budgets) Estimate(req *gateway.Request, pr Price) Micros {
	out := req.MaxTokens
	if out <= 0 {
		out = b.MaxOutputTokens
	}
	in := int64(req.InputChars()+3)/4 + 1
	return pr.Cost(gateway.Usage{InputTokens: in, OutputTokens: out})
}

// Middleware reserves the most a request can cost before forwarding it,
// settles the actual cost when the response ends, and releases the
// reservation when the request fails. It must run after authentication.
//
// A stream that would cost more than its reservation (no max_tokens, or
// input the estimate undercounted) reserves more as it goes, from the
// budgets' remaining room; when none is left the stream is cut with the
// budget's error, unless FinishStreams is set. The extra reservations are
// released at settlement, which commits the stream's counted cost to its
// first hold. See [gateway.Response.Allow] for what is counted.
func (b *Budgets) Middleware(next gateway.Handler) gateway.Handler {
	return gateway.HandlerFunc(func(ctx context.Context, req *gateway.Request) (*gateway.Response, error) {
		if req.Principal == nil {
			return nil, errors.New("budget: request is not authenticated")
		}
		var budgets []Budget
		if b.For != nil {
			budgets = b.For(req)
		}
		pr, priced := b.Prices.Lookup(req.Model)
		if !priced && len(budgets) > 0 && req.Operation != gateway.OpModels {
			return nil, gateway.Errorf(gateway.CodeForbidden,
				"no price is known for model %q, so its cost cannot be held against the budget of %s; ask the gateway operator to add it under prices:",
				req.Model, budgets[0].Label())
		}
		now := b.now()
		var hold Hold
		if len(budgets) > 0 && priced {
			est := b.Estimate(req, pr)
			h, err := b.Ledger.Reserve(ctx, budgets, est, now)
			if err != nil {
				return nil, b.refusal(ctx, err, est)
			}
			hold = h
		}
		rec := Record{
			Time: now, RequestID: req.ID, KeyID: req.Principal.KeyID, User: req.Principal.User,
			Team: req.Principal.Team, Model: req.Model,
		}
		// A panic below releases the hold (and is re-raised), so it does
		// not keep budget until its lease runs out.
		settled := false
		defer func() {
			if !settled {
				rec.Provider = req.Provider
				rec.Status = gateway.CodeInternal.Status()
				b.enqueue(Settlement{Hold: hold, Release: true, Record: rec})
			}
		}()
		resp, err := next.Serve(ctx, req)
		settled = true
		if err != nil {
			rec.Provider = req.Provider
			rec.Status = gateway.AsError(err).Code.Status()
			b.enqueue(Settlement{Hold: hold, Release: true, Record: rec})
			return nil, err
		}
		var extra []Hold
		if resp.Stream && hold.ID != "" && !b.FinishStreams {
			resp.Allow(b.allowance(ctx, hold, pr, &extra))
		}
		resp.OnDone(func(u gateway.Usage) {
			for _, h := range extra {
				_ = b.Ledger.Release(context.WithoutCancel(ctx), h)
			}
			rec.Provider = req.Provider
			rec.Status = resp.Status
			rec.InputTokens, rec.OutputTokens, rec.CachedTokens = u.InputTokens, u.OutputTokens, u.CachedInputTokens
			if priced {
				rec.Cost = pr.Cost(u)
			}
			b.enqueue(Settlement{Hold: hold, Record: rec})
		})
		return resp, nil
	})
}

// allowance returns the Allow check of a stream held by hold: while the
// stream's cost stays within what is held for it, nothing happens; past
// it, the check reserves more against the same budgets (a quarter of the
// first hold at least, to keep ledger calls rare), adding each hold to
// extra, or returns the error that cuts the stream when they cannot cover
// even the excess.
func (b *Budgets) allowance(ctx context.Context, hold Hold, pr Price, extra *[]Hold) func(gateway.Usage) error {
	held := hold.Amount
	return func(u gateway.Usage) error {
		cost := pr.Cost(u)
		if cost <= held {
			return nil
		}
		need := cost - held
		h, err := b.Ledger.Reserve(ctx, hold.Budgets, max(need, hold.Amount/4), hold.At)
		if errors.Is(err, ErrExceeded) && need < hold.Amount/4 {
			h, err = b.Ledger.Reserve(ctx, hold.Budgets, need, hold.At)
		}
		if err != nil {
			return b.stopped(err)
		}
		*extra = append(*extra, h)
		held += h.Amount
		return nil
	}
}

// stopped turns a Reserve error made mid-stream into the error that ends
// the stream.
func (b *Budgets) stopped(err error) error {
	var ee *ExceededError
	if !errors.As(err, &ee) {
		return &gateway.Error{Code: gateway.CodeUnavailable, Err: err,
			Message: "the stream was stopped: aigate cannot check budgets right now"}
	}
	return &gateway.Error{Code: gateway.CodeBudgetExceeded, Err: err,
		Message: fmt.Sprintf("the stream was stopped: the budget of %s for %s is exhausted", ee.Budget.Amount.Cap, ee.Budget.Label())}
}

// nowSettler is a ledger that keeps holds outside the store ([Local],
// [Redis]) and settles them when the request ends, before the store is
// written.
type nowSettler interface {
	settleNow(Settlement) Settlement
}

// enqueue queues s for the writer. A [Local] or [Redis] ledger settles the
// hold first, at once, so the next reservation sees the actual cost; the
// store gets the spend and the record behind, in batches.
func (b *Budgets) enqueue(s Settlement) {
	if l, ok := b.Ledger.(nowSettler); ok {
		s = l.settleNow(s)
	}
	b.jobs <- job{s: s}
}

// refusal turns a Reserve error into what the client sees.
func (b *Budgets) refusal(ctx context.Context, err error, est Micros) error {
	var ee *ExceededError
	if !errors.As(err, &ee) {
		return &gateway.Error{Code: gateway.CodeUnavailable,
			Message: "aigate cannot check budgets right now; the request was not sent to the provider. Retry later", Err: err}
	}
	cap := ee.Budget.Amount.Cap
	until := ""
	if !ee.Until.IsZero() {
		until = " until " + ee.Until.Format(time.DateOnly)
	}
	var msg string
	switch {
	case est > cap:
		msg = fmt.Sprintf("this request could cost up to %s, more than the whole budget of %s for %s; lower max_tokens or send less text",
			est, cap, ee.Budget.Label())
	case ee.Spent+ee.Held >= cap || cap-ee.Spent-ee.Held < cap/100:
		msg = fmt.Sprintf("budget of %s for %s is exhausted%s", cap, ee.Budget.Label(), until)
	default:
		msg = fmt.Sprintf("budget of %s for %s has %s left%s, less than this request could cost (up to %s); lower max_tokens or wait",
			cap, ee.Budget.Label(), cap-ee.Spent-ee.Held, until, est)
	}
	if b.Alerter != nil && ee.Spent >= cap {
		b.Alerter.Check(context.WithoutCancel(ctx), b.Ledger, ee.Budget, b.now())
	}
	return &gateway.Error{Code: gateway.CodeBudgetExceeded, Message: msg, Err: err}
}
