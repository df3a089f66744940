package budget

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
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
	// Client posts the webhook; nil uses a client with a 10s timeout.
	Client *http.Client
	// Backoff is the first retry delay, doubled per attempt; zero means 1s.
	Backoff time.Duration
	// Attempts bounds the posts per alert; zero means 5.
	Attempts int
	Logger   *slog.Logger

	once      sync.Once
	closeOnce sync.Once
	queue     chan Alert
	wg        sync.WaitGroup
}

func (a *Alerter) init() {
	a.once.Do(func() {
		a.queue = make(chan Alert, 256)
		if !a.Webhook.IsZero() {
			a.wg.Add(1)
			go a.sender()
		}
	})
}

// Close stops the webhook sender after the queued alerts are sent or ctx
// ends.
func (a *Alerter) Close(ctx context.Context) {
	a.init()
	a.closeOnce.Do(func() { close(a.queue) })
	done := make(chan struct{})
	go func() { a.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
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
	queued := true
	if !a.Webhook.IsZero() {
		select {
		case a.queue <- al:
		default:
			queued = false
		}
	}
	a.log().LogAttrs(ctx, slog.LevelWarn, "budget alert",
		slog.String("scope", string(b.Kind)), slog.String("id", b.ID), slog.Float64("threshold", fire),
		slog.String("spent", spent.String()), slog.String("cap", b.Amount.Cap.String()),
		slog.String("period", string(b.Amount.Period)), slog.Bool("webhook_queued", queued && !a.Webhook.IsZero()))
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
		a.post(al)
	}
}

// post sends one alert, retrying with exponential backoff.
func (a *Alerter) post(al Alert) {
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
	var last string
	for i := range attempts {
		if i > 0 {
			time.Sleep(delay)
			delay *= 2
		}
		req, err := http.NewRequest(http.MethodPost, a.Webhook.Reveal(), bytes.NewReader(body))
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
		resp.Body.Close()
		if resp.StatusCode < 300 {
			return
		}
		last = fmt.Sprintf("status %d", resp.StatusCode)
	}
	a.log().Error("budget alert webhook failed", "scope", al.Scope, "id", al.ID, "threshold", al.Threshold, "attempts", attempts, "last_error", last)
}

func (a *Alerter) log() *slog.Logger {
	if a.Logger != nil {
		return a.Logger
	}
	return slog.New(slog.DiscardHandler)
}
