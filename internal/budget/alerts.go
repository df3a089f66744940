package budget

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aigate-dev/aigate/internal/gateway"
)

// DefaultThresholds are the fractions of a cap at which alerts fire.
var DefaultThresholds = []float64{0.5, 0.8, 1.0}

// Alert is one budget crossing a threshold, as logged and as posted to the
// webhook. Text is Slack-compatible: a Slack incoming webhook shows it.
type Alert struct {
	Text        string    `json:"text"`
	Scope       ScopeKind `json:"scope"`
	ID          string    `json:"id"`
	Name        string    `json:"name,omitempty"`
	Threshold   float64   `json:"threshold"`
	SpentMicros Micros    `json:"spent_micros"`
	CapMicros   Micros    `json:"cap_micros"`
	Period      Period    `json:"period"`
	PeriodEnd   time.Time `json:"period_end,omitzero"`
}

// Alerter fires budget alerts: each threshold once per period per budget
// (the [Ledger] records which fired, so instances agree), as a log record
// and, when Webhook is set, as a JSON POST retried with backoff by a
// background goroutine. Nothing it does blocks a request: when its queue is
// full the webhook is skipped and the log record says so.
type Alerter struct {
	// Thresholds are fractions of the cap; nil means DefaultThresholds.
	Thresholds []float64
	// Webhook is the URL alerts are posted to; zero: log only.
	Webhook gateway.Secret
	// CurrentWebhook, if set, returns the URL to post each alert to, for a
	// secret refreshed while the gateway runs; Webhook still decides
	// whether alerts are posted at all.
	CurrentWebhook func() gateway.Secret
	// Client posts the webhook; nil uses a client with a 10s timeout.
	Client *http.Client
	// Backoff is the first retry delay, doubled per attempt; zero means 1s.
	Backoff time.Duration
	// Attempts bounds the posts per alert; zero means 5.
	Attempts int
	Logger   *slog.Logger

	// sleep waits d between attempts, returning false if ctx ends first;
	// nil uses a timer. Tests replace it so retries take no real time.
	sleep func(ctx context.Context, d time.Duration) bool

	once  sync.Once
	queue chan Alert
	wg    sync.WaitGroup
	// stop ends the sender's posts and backoff waits when Close gives up.
	stopCtx context.Context
	stop    context.CancelFunc

	mu     sync.Mutex // protects closed and sends on queue
	closed bool
}

func (a *Alerter) init() {
	a.once.Do(func() {
		a.queue = make(chan Alert, 256)
		a.stopCtx, a.stop = context.WithCancel(context.Background())
		if !a.Webhook.IsZero() {
			a.wg.Add(1)
			go a.sender()
		}
	})
}

// Close stops the webhook sender after the queued alerts are sent or ctx
// ends; then the post in progress is abandoned and the rest dropped.
// Alerts checked after Close are logged only.
func (a *Alerter) Close(ctx context.Context) {
	a.init()
	a.mu.Lock()
	if !a.closed {
		a.closed = true
		close(a.queue)
	}
	a.mu.Unlock()
	done := make(chan struct{})
	go func() { a.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		a.stop()
	}
}

// enqueue hands al to the sender without waiting; false when the queue is
// full or closed.
func (a *Alerter) enqueue(al Alert) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return false
	}
	select {
	case a.queue <- al:
		return true
	default:
		return false
	}
}

// Check fires the alerts b has crossed in the period containing now and
// that have not fired yet. Errors are logged: alerts never refuse anything.
func (a *Alerter) Check(ctx context.Context, l Ledger, b Budget, now time.Time) {
	a.init()
	if b.Amount.Cap <= 0 {
		return
	}
	spent, _, err := l.Spent(ctx, b, now)
	if err != nil {
		a.log().Error("budget alert check failed", "scope", b.Kind, "id", b.ID, "error", err)
		return
	}
	ths := a.Thresholds
	if ths == nil {
		ths = DefaultThresholds
	}
	ths = slices.Sorted(slices.Values(ths))
	// Only the highest crossed threshold is reported; lower ones are
	// marked so they do not fire late.
	var fire float64
	for _, th := range ths {
		if float64(spent) < th*float64(b.Amount.Cap) {
			break
		}
		first, err := l.MarkAlert(ctx, b, th, now)
		if err != nil {
			a.log().Error("budget alert check failed", "scope", b.Kind, "id", b.ID, "error", err)
			return
		}
		if first {
			fire = th
		}
	}
	if fire == 0 {
		return
	}
	_, end := b.Amount.Period.Window(now)
	al := Alert{
		Scope: b.Kind, ID: b.ID, Name: b.Name, Threshold: fire, SpentMicros: spent, CapMicros: b.Amount.Cap,
		Period: b.Amount.Period, PeriodEnd: end,
	}
	al.Text = alertText(al, b)
	queued := !a.Webhook.IsZero() && a.enqueue(al)
	a.log().LogAttrs(ctx, slog.LevelWarn, "budget alert",
		slog.String("scope", string(b.Kind)), slog.String("id", b.ID), slog.Float64("threshold", fire),
		slog.String("spent", spent.String()), slog.String("cap", b.Amount.Cap.String()),
		slog.String("period", string(b.Amount.Period)), slog.Bool("webhook_queued", queued))
}

func alertText(al Alert, b Budget) string {
	per := map[Period]string{PeriodDay: "daily ", PeriodWeek: "weekly ", PeriodMonth: "monthly ", PeriodNone: ""}[al.Period]
	s := fmt.Sprintf("aigate: %s has spent %s of its %s %sbudget (%.0f%%)", b.Label(), al.SpentMicros, al.CapMicros, per, al.Threshold*100)
	if al.Threshold >= 1 {
		s += "; further requests are refused"
		if !al.PeriodEnd.IsZero() {
			s += " until " + al.PeriodEnd.Format(time.DateOnly)
		}
	}
	return s
}

func (a *Alerter) sender() {
	defer a.wg.Done()
	for al := range a.queue {
		if a.stopCtx.Err() != nil {
			continue // Close gave up: drain without posting
		}
		a.post(a.stopCtx, al)
	}
}

// post sends one alert, retrying with exponential backoff, until ctx ends.
func (a *Alerter) post(ctx context.Context, al Alert) {
	body, _ := json.Marshal(al) // plain fields always marshal
	client := a.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	delay := a.Backoff
	if delay <= 0 {
		delay = time.Second
	}
	attempts := a.Attempts
	if attempts <= 0 {
		attempts = 5
	}
	sleep := a.sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	var last string
	for i := range attempts {
		if i > 0 {
			if !sleep(ctx, delay) {
				last = "stopped"
				break
			}
			delay *= 2
		}
		hook := a.Webhook
		if a.CurrentWebhook != nil {
			hook = a.CurrentWebhook()
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.Reveal(), bytes.NewReader(body))
		if err != nil {
			last = "invalid webhook URL"
			break
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			// The error text holds the URL, which may carry a token.
			last = "request failed"
			if strings.Contains(err.Error(), "timeout") {
				last = "timeout"
			}
			continue
		}
		// Drain a little so the connection can be reused.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
		resp.Body.Close()
		if resp.StatusCode < 300 {
			return
		}
		last = fmt.Sprintf("status %d", resp.StatusCode)
		if !retryable(resp.StatusCode) {
			// The webhook refused this alert (a wrong URL, a revoked
			// token, a body it rejects): the same post would be refused
			// again.
			attempts = i + 1
			break
		}
	}
	a.log().Error("budget alert webhook failed", "scope", al.Scope, "id", al.ID, "threshold", al.Threshold, "attempts", attempts, "last_error", last)
}

// retryable reports whether a webhook answer of status may succeed when
// posted again: 429 (rate limited) and 5xx (the server's trouble), not
// another 4xx or a 3xx, which would be answered the same way.
func retryable(status int) bool {
	return status == http.StatusTooManyRequests || status >= 500
}

// sleepCtx waits d, or until ctx ends (false).
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func (a *Alerter) log() *slog.Logger {
	if a.Logger != nil {
		return a.Logger
	}
	return slog.New(slog.DiscardHandler)
}
