package budget_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/internal/budget"
	"github.com/aigate-dev/aigate/internal/gateway"
)

// alertLedger is the part of a Ledger the Alerter reads: a settable spend
// and the alerts marked, per budget and period.
type alertLedger struct {
	budget.Ledger // other methods are not called

	mu     sync.Mutex
	spent  map[string]budget.Micros
	marked map[string]bool
}

func newAlertLedger() *alertLedger {
	return &alertLedger{spent: map[string]budget.Micros{}, marked: map[string]bool{}}
}

func (l *alertLedger) set(b budget.Budget, m budget.Micros) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.spent[b.ID] = m
}

func (l *alertLedger) Spent(_ context.Context, b budget.Budget, _ time.Time) (budget.Micros, budget.Micros, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.spent[b.ID], 0, nil
}

func (l *alertLedger) MarkAlert(_ context.Context, b budget.Budget, th float64, now time.Time) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	start, _ := b.Amount.Period.Window(now)
	k := fmt.Sprintf("%s/%s/%v/%d", b.Kind, b.ID, th, start.Unix())
	first := !l.marked[k]
	l.marked[k] = true
	return first, nil
}

// webhook is an httptest server on 127.0.0.1 recording the alerts posted
// to it; status decides each answer (nil: 200).
type webhook struct {
	*httptest.Server
	mu     sync.Mutex
	alerts []budget.Alert
	bodies []string
	posts  int
	got    chan struct{} // one value per post
}

func newWebhook(t *testing.T, status func(n int) int) *webhook {
	t.Helper()
	w := &webhook{got: make(chan struct{}, 1024)}
	w.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.mu.Lock()
		w.posts++
		n := w.posts
		code := http.StatusOK
		if status != nil {
			code = status(n)
		}
		if code < 300 {
			var al budget.Alert
			if err := json.Unmarshal(body, &al); err != nil || r.Header.Get("Content-Type") != "application/json" {
				t.Errorf("webhook body %q (%s): %v", body, r.Header.Get("Content-Type"), err)
			}
			w.alerts = append(w.alerts, al)
			w.bodies = append(w.bodies, string(body))
		}
		w.mu.Unlock()
		rw.WriteHeader(code)
		w.got <- struct{}{}
	}))
	w.Listener = mustListenLoopback(t)
	w.Start()
	t.Cleanup(w.Close)
	return w
}

func mustListenLoopback(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

func (w *webhook) wait(t *testing.T, posts int) {
	t.Helper()
	for range posts {
		select {
		case <-w.got:
		case <-time.After(5 * time.Second):
			t.Fatalf("webhook: timed out waiting for %d posts", posts)
		}
	}
}

// logRecords parses the JSON log lines in buf.
func logRecords(t *testing.T, buf *syncBuffer) []map[string]any {
	t.Helper()
	var recs []map[string]any
	for line := range strings.Lines(buf.String()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		recs = append(recs, m)
	}
	return recs
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestAlertWebhookOncePerThresholdPerPeriod(t *testing.T) {
	wh := newWebhook(t, nil)
	var logs syncBuffer
	a := &budget.Alerter{Webhook: gateway.NewSecret(wh.URL), Logger: slog.New(slog.NewJSONHandler(&logs, nil))}
	defer a.Close(context.Background())
	l := newAlertLedger()
	b := budget.Budget{Kind: budget.ScopeKey, ID: "vk_3fa9", Name: "web-app",
		Amount: budget.Amount{Cap: 5_000_000, Period: budget.PeriodMonth}}
	ctx := context.Background()
	may := time.Date(2026, 5, 10, 12, 0, 0, 0, time.UTC)

	steps := []struct {
		name  string
		spent budget.Micros
		now   time.Time
		want  float64 // 0: no alert
	}{
		{"below-50", 2_000_000, may, 0},
		{"at-50", 2_500_000, may, 0.5},
		{"still-50", 3_000_000, may, 0},
		{"at-80", 4_000_000, may, 0.8},
		{"at-100", 5_000_000, may, 1},
		{"over-100-again", 6_000_000, may.Add(time.Hour), 0},
		{"next-period-50", 2_600_000, may.AddDate(0, 1, 0), 0.5},
		{"next-period-50-again", 2_700_000, may.AddDate(0, 1, 1), 0},
	}
	var want []float64
	for _, st := range steps {
		l.set(b, st.spent)
		a.Check(ctx, l, b, st.now)
		if st.want != 0 {
			want = append(want, st.want)
			wh.wait(t, 1)
		}
	}
	a.Close(ctx)

	wh.mu.Lock()
	defer wh.mu.Unlock()
	if len(wh.alerts) != len(want) {
		t.Fatalf("webhook got %d alerts %v, want %d (%v)", len(wh.alerts), wh.bodies, len(want), want)
	}
	for i, al := range wh.alerts {
		pct := fmt.Sprintf("(%.0f%%)", want[i]*100)
		if al.Threshold != want[i] || !strings.Contains(al.Text, "key 'web-app'") || !strings.Contains(al.Text, pct) {
			t.Errorf("alert %d = threshold %v text %q, want threshold %v naming key 'web-app' and %s", i, al.Threshold, al.Text, want[i], pct)
		}
		if al.Scope != budget.ScopeKey || al.ID != "vk_3fa9" || al.CapMicros != 5_000_000 {
			t.Errorf("alert %d = %+v", i, al)
		}
	}
	if !strings.Contains(wh.alerts[2].Text, "refused until 2026-06-01") {
		t.Errorf("100%% alert text = %q, want the period end", wh.alerts[2].Text)
	}

	// A log record per alert, nothing more.
	var recs []map[string]any
	for _, r := range logRecords(t, &logs) {
		if r["msg"] == "budget alert" {
			recs = append(recs, r)
		}
	}
	if len(recs) != len(want) {
		t.Fatalf("got %d alert log records, want %d: %s", len(recs), len(want), logs.String())
	}
	for i, r := range recs {
		if r["level"] != "WARN" || r["threshold"] != want[i] || r["id"] != "vk_3fa9" || r["webhook_queued"] != true {
			t.Errorf("log record %d = %v", i, r)
		}
	}
}

func TestAlertWebhookNeverCarriesASecret(t *testing.T) {
	wh := newWebhook(t, nil)
	// A budget's name is what the operator chose; the key itself is never
	// part of a Budget, so neither it nor the webhook URL's token can leak.
	a := &budget.Alerter{Webhook: gateway.NewSecret(wh.URL + "/hook?token=T0PS3CRET")}
	l := newAlertLedger()
	b := budget.Budget{Kind: budget.ScopeTeam, ID: "research", Amount: budget.Amount{Cap: 100, Period: budget.PeriodDay}}
	l.set(b, 100)
	a.Check(context.Background(), l, b, time.Now())
	wh.wait(t, 1)
	a.Close(context.Background())
	wh.mu.Lock()
	defer wh.mu.Unlock()
	if len(wh.bodies) != 1 || strings.Contains(wh.bodies[0], "T0PS3CRET") || !strings.Contains(wh.alerts[0].Text, "team 'research'") {
		t.Errorf("bodies = %q", wh.bodies)
	}
}

func TestAlertWebhookRetriesWithBackoff(t *testing.T) {
	tests := []struct {
		name      string
		status    int // of the failures
		failures  int // failures before a 200
		attempts  int
		wantPosts int
		wantWaits []time.Duration
		wantError bool // a "webhook failed" log record
	}{
		{"500-then-ok", 500, 2, 5, 3, []time.Duration{time.Second, 2 * time.Second}, false},
		{"always-500", 500, 99, 3, 3, []time.Duration{time.Second, 2 * time.Second}, true},
		{"429-then-ok", 429, 1, 5, 2, []time.Duration{time.Second}, false},
		{"503-then-ok", 503, 3, 5, 4, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}, false},
		// Any other 4xx is the webhook refusing the alert: not retried.
		{"404-not-retried", 404, 99, 5, 1, nil, true},
		{"400-not-retried", 400, 99, 5, 1, nil, true},
		{"401-not-retried", 401, 1, 5, 1, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wh := newWebhook(t, func(n int) int {
				if n <= tt.failures {
					return tt.status
				}
				return http.StatusOK
			})
			var logs syncBuffer
			a := &budget.Alerter{Webhook: gateway.NewSecret(wh.URL), Backoff: time.Second, Attempts: tt.attempts,
				Logger: slog.New(slog.NewJSONHandler(&logs, nil))}
			var mu sync.Mutex
			var waits []time.Duration
			budget.SetAlertSleep(a, func(_ context.Context, d time.Duration) bool {
				mu.Lock()
				defer mu.Unlock()
				waits = append(waits, d)
				return true
			})
			l := newAlertLedger()
			b := budget.Budget{Kind: budget.ScopeUser, ID: "alice", Amount: budget.Amount{Cap: 10, Period: budget.PeriodWeek}}
			l.set(b, 9)
			a.Check(context.Background(), l, b, time.Now())
			wh.wait(t, tt.wantPosts)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			a.Close(ctx)

			wh.mu.Lock()
			posts := wh.posts
			wh.mu.Unlock()
			mu.Lock()
			defer mu.Unlock()
			if posts != tt.wantPosts || fmt.Sprint(waits) != fmt.Sprint(tt.wantWaits) {
				t.Errorf("posts = %d, waits = %v; want %d, %v", posts, waits, tt.wantPosts, tt.wantWaits)
			}
			failed := strings.Contains(logs.String(), "budget alert webhook failed")
			if failed != tt.wantError {
				t.Errorf("failure logged = %v, want %v: %s", failed, tt.wantError, logs.String())
			}
			if strings.Contains(logs.String(), wh.URL) {
				t.Errorf("log carries the webhook URL: %s", logs.String())
			}
		})
	}
}

func TestAlertWebhookHangingNeverBlocks(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case entered <- struct{}{}:
		default:
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	srv.Listener = mustListenLoopback(t)
	srv.Start()
	defer srv.Close()
	defer close(release) // before srv.Close, which waits for the handler

	var logs syncBuffer
	a := &budget.Alerter{Webhook: gateway.NewSecret(srv.URL), Logger: slog.New(slog.NewJSONHandler(&logs, nil))}
	l := newAlertLedger()
	now := time.Now()

	// Far more alerts than the queue holds, while the sender is stuck on
	// the first post: every Check returns at once.
	const n = 400
	start := time.Now()
	for i := range n {
		b := budget.Budget{Kind: budget.ScopeKey, ID: fmt.Sprintf("vk_%03d", i), Amount: budget.Amount{Cap: 10, Period: budget.PeriodDay}}
		l.set(b, 10)
		a.Check(context.Background(), l, b, now)
		if i == 0 {
			select {
			case <-entered:
			case <-time.After(5 * time.Second):
				t.Fatal("the webhook was never called")
			}
		}
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("%d checks took %v with a hanging webhook", n, d)
	}

	// The request path still completes: the budget middleware refuses an
	// over-budget request, firing the alert on the way, without waiting.
	prices, err := budget.DefaultPrices(nil)
	if err != nil {
		t.Fatal(err)
	}
	over := budget.Budget{Kind: budget.ScopeKey, ID: "vk_over", Amount: budget.Amount{Cap: 10, Period: budget.PeriodDay}}
	l.set(over, 10)
	mw := &budget.Budgets{Ledger: refusingLedger{l}, Alerter: a, Prices: prices,
		For: func(*gateway.Request) []budget.Budget { return []budget.Budget{over} }}
	done := make(chan error, 1)
	go func() {
		h := mw.Middleware(gateway.HandlerFunc(func(context.Context, *gateway.Request) (*gateway.Response, error) {
			return nil, nil
		}))
		_, err := h.Serve(context.Background(), &gateway.Request{Model: "gpt-4o-mini", Principal: &gateway.Principal{KeyID: "vk_over"}})
		done <- err
	}()
	select {
	case err := <-done:
		if gateway.ErrorCode(err) != gateway.CodeBudgetExceeded {
			t.Errorf("over-budget request: %v, want %s", err, gateway.CodeBudgetExceeded)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("a request blocked behind the hanging webhook")
	}

	// Alerts the queue could not take are logged as such, each one.
	var queued, dropped int
	for _, r := range logRecords(t, &logs) {
		if r["msg"] != "budget alert" {
			continue
		}
		if r["webhook_queued"] == true {
			queued++
		} else {
			dropped++
		}
	}
	if queued+dropped < n+1 || dropped == 0 {
		t.Errorf("alert log records: %d queued, %d dropped; want %d in all, some dropped", queued, dropped, n)
	}

	// Close gives up when its context ends, abandoning the stuck post.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	closed := make(chan struct{})
	go func() { a.Close(ctx); close(closed) }()
	select {
	case <-closed:
	case <-time.After(2 * time.Second):
		t.Fatal("Close did not return after its context ended")
	}
	// Alerts after Close are logged, and never panic on the closed queue.
	b := budget.Budget{Kind: budget.ScopeKey, ID: "vk_late", Amount: budget.Amount{Cap: 10, Period: budget.PeriodDay}}
	l.set(b, 10)
	a.Check(context.Background(), l, b, now)
}

// refusingLedger refuses every reservation with the budget's spend as
// the alert ledger has it.
type refusingLedger struct{ *alertLedger }

func (r refusingLedger) Reserve(ctx context.Context, bs []budget.Budget, _ budget.Micros, now time.Time) (budget.Hold, error) {
	spent, _, _ := r.Spent(ctx, bs[0], now)
	return budget.Hold{}, &budget.ExceededError{Budget: bs[0], Spent: spent}
}

// TestAlertWebhookCurrentURL: with CurrentWebhook set (a webhook URL kept
// in a secret manager and refreshed), each alert goes to the URL in force
// when it is posted, not to the one the Alerter was built with.
func TestAlertWebhookCurrentURL(t *testing.T) {
	old, cur := newWebhook(t, nil), newWebhook(t, nil)
	var mu sync.Mutex
	url := old.URL
	a := &budget.Alerter{Webhook: gateway.NewSecret(old.URL), CurrentWebhook: func() gateway.Secret {
		mu.Lock()
		defer mu.Unlock()
		return gateway.NewSecret(url)
	}}
	l := newAlertLedger()
	b := budget.Budget{Kind: budget.ScopeTeam, ID: "research", Amount: budget.Amount{Cap: 100, Period: budget.PeriodDay}}
	mu.Lock()
	url = cur.URL
	mu.Unlock()
	l.set(b, 100)
	a.Check(context.Background(), l, b, time.Now())
	cur.wait(t, 1)
	a.Close(context.Background())
	old.mu.Lock()
	defer old.mu.Unlock()
	if old.posts != 0 {
		t.Errorf("the webhook the Alerter was built with got %d posts after the URL changed, want 0", old.posts)
	}
}
