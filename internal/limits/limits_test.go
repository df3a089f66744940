package limits_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/limits"
	"github.com/aigate-dev/aigate/ratelimit"
)

func newLimiter(defaults limits.Rates) (*limits.Limiter, *ratelimit.MemoryConcurrency) {
	conc := new(ratelimit.MemoryConcurrency)
	return &limits.Limiter{
		Requests:    ratelimit.NewWindow(ratelimit.WindowOptions{}),
		Tokens:      ratelimit.NewMemory(ratelimit.MemoryOptions{}),
		Concurrency: conc,
		Defaults:    defaults,
		Teams:       map[string]limits.Rates{},
	}, conc
}

func request(user, team string) *gateway.Request {
	return &gateway.Request{Model: "gpt-4o-mini", MaxTokens: 10, Principal: &gateway.Principal{KeyID: "k1", User: user, Team: team}}
}

func serve(h gateway.HandlerFunc) gateway.Handler { return h }

func ok(context.Context, *gateway.Request) (*gateway.Response, error) {
	return &gateway.Response{Status: 200}, nil
}

// A concurrency slot is given back however the request ends: an error, a
// panic below the limiter, or the response's end.
func TestConcurrencySlotReleasedOnEveryPath(t *testing.T) {
	l, conc := newLimiter(limits.Rates{Concurrent: 1})
	const key = "conc:user:alice"
	ctx := context.Background()

	failing := l.Middleware(serve(func(context.Context, *gateway.Request) (*gateway.Response, error) {
		return nil, gateway.Errorf(gateway.CodeUpstream, "provider down")
	}))
	if _, err := failing.Serve(ctx, request("alice", "")); err == nil {
		t.Fatal("want the error of next")
	}
	if n := conc.InFlight(key); n != 0 {
		t.Errorf("after an error: %d in flight, want 0", n)
	}

	panicking := l.Middleware(serve(func(context.Context, *gateway.Request) (*gateway.Response, error) {
		panic("boom")
	}))
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic did not reach the caller")
			}
		}()
		_, _ = panicking.Serve(ctx, request("alice", ""))
	}()
	if n := conc.InFlight(key); n != 0 {
		t.Errorf("after a panic: %d in flight, want 0", n)
	}

	h := l.Middleware(serve(ok))
	resp, err := h.Serve(ctx, request("alice", ""))
	if err != nil {
		t.Fatal(err)
	}
	if n := conc.InFlight(key); n != 1 {
		t.Errorf("while the response is relayed: %d in flight, want 1", n)
	}
	_, err = h.Serve(ctx, request("alice", ""))
	if gateway.ErrorCode(err) != gateway.CodeRateLimited || gateway.AsError(err).Header.Get("Retry-After") != "1" ||
		!strings.Contains(err.Error(), "already has 1 requests in flight") {
		t.Errorf("second request in flight: %v, want 429 with Retry-After 1", err)
	}
	if _, err := h.Serve(ctx, request("bob", "")); err != nil {
		t.Errorf("another user: %v", err)
	}
	resp.Finish(gateway.Usage{InputTokens: 3, OutputTokens: 4}) // a cancelled stream ends here too
	if n := conc.InFlight(key); n != 0 {
		t.Errorf("after the response ended: %d in flight, want 0", n)
	}
}

// A team's limit counts all its users; a refused request leaves no slot.
func TestTeamConcurrency(t *testing.T) {
	l, conc := newLimiter(limits.Rates{})
	l.Teams["eng"] = limits.Rates{Concurrent: 2}
	h := l.Middleware(serve(ok))
	ctx := context.Background()
	var resps []*gateway.Response
	for _, u := range []string{"alice", "bob"} {
		r, err := h.Serve(ctx, request(u, "eng"))
		if err != nil {
			t.Fatal(err)
		}
		resps = append(resps, r)
	}
	if _, err := h.Serve(ctx, request("carol", "eng")); gateway.ErrorCode(err) != gateway.CodeRateLimited || !strings.Contains(err.Error(), "team 'eng'") {
		t.Errorf("third of the team: %v, want 429 naming team 'eng'", err)
	}
	if _, err := h.Serve(ctx, request("carol", "")); err != nil {
		t.Errorf("carol outside the team: %v", err)
	}
	for _, r := range resps {
		r.Finish(gateway.Usage{})
	}
	if n := conc.InFlight("conc:team:eng"); n != 0 {
		t.Errorf("%d in flight after all ended, want 0", n)
	}
}

// Requests per minute: the headers OpenAI clients read, and a refusal with
// Retry-After once the minute's requests are spent.
func TestRequestsPerMinute(t *testing.T) {
	l, _ := newLimiter(limits.Rates{RequestsPerMinute: 2})
	h := l.Middleware(serve(ok))
	ctx := context.Background()
	resp, err := h.Serve(ctx, request("alice", ""))
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Header.Get("X-Ratelimit-Limit-Requests") + "/" + resp.Header.Get("X-Ratelimit-Remaining-Requests"); got != "2/1" {
		t.Errorf("limit/remaining = %s, want 2/1", got)
	}
	if _, err := h.Serve(ctx, request("alice", "")); err != nil {
		t.Fatal(err)
	}
	_, err = h.Serve(ctx, request("alice", ""))
	e := gateway.AsError(err)
	if gateway.ErrorCode(err) != gateway.CodeRateLimited || e.Header.Get("X-Ratelimit-Remaining-Requests") != "0" || e.Header.Get("Retry-After") == "" {
		t.Fatalf("third request: %v, want 429 with remaining 0 and Retry-After", err)
	}
	if ra := e.Header.Get("Retry-After"); ra != "60" && ra != "59" {
		t.Errorf("Retry-After = %s, want about a minute", ra)
	}
	if _, err := h.Serve(ctx, request("bob", "")); err != nil {
		t.Errorf("another user: %v", err)
	}
	// A key's own limit replaces the default.
	r := request("dave", "")
	r.Principal.Limits.RequestsPerMinute = 1
	if _, err := h.Serve(ctx, r); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Serve(ctx, r); gateway.ErrorCode(err) != gateway.CodeRateLimited {
		t.Errorf("key limit of 1: second request %v, want 429", err)
	}
}

// Tokens per minute: the estimate is taken before the call and settled to
// the actual usage after, so a request that used little leaves the rest.
func TestTokensSettledToActualUsage(t *testing.T) {
	l, _ := newLimiter(limits.Rates{TokensPerMinute: 100})
	h := l.Middleware(serve(ok))
	ctx := context.Background()
	big := func() *gateway.Request { r := request("alice", ""); r.MaxTokens = 60; return r } // estimate 61
	resp, err := h.Serve(ctx, big())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Serve(ctx, big()); gateway.ErrorCode(err) != gateway.CodeRateLimited || !strings.Contains(err.Error(), "tokens per minute") {
		t.Fatalf("second estimate of 61 in a 100 minute: %v, want 429", err)
	}
	resp.Finish(gateway.Usage{InputTokens: 1, OutputTokens: 4}) // 5 used: 56 given back
	if _, err := h.Serve(ctx, big()); err != nil {
		t.Errorf("after settling to 5 tokens: %v", err)
	}
}

// failingConc is a shared concurrency limit whose store is down.
type failingConc struct{ calls atomic.Int64 }

func (f *failingConc) Acquire(context.Context, string, int) (func(), bool, error) {
	f.calls.Add(1)
	return nil, false, errors.New("dial tcp: connection refused")
}

// The shared concurrency limit follows on_redis_error: fail_closed refuses
// with 503, fail_open_local counts in this instance; the store is asked
// only until it is known down.
func TestConcurrencyFailover(t *testing.T) {
	for _, failOpen := range []bool{false, true} {
		t.Run(map[bool]string{false: "fail_closed", true: "fail_open_local"}[failOpen], func(t *testing.T) {
			f := &limits.Failover{FailOpen: failOpen, ProbeEvery: time.Hour, Probe: func(context.Context) error { return errors.New("down") }}
			defer f.Close()
			shared := &failingConc{}
			local := new(ratelimit.MemoryConcurrency)
			l, _ := newLimiter(limits.Rates{Concurrent: 1})
			l.Concurrency = f.WrapConcurrency("concurrency", shared, local)
			h := l.Middleware(serve(ok))
			for range 2 {
				resp, err := h.Serve(context.Background(), request("alice", ""))
				if !failOpen {
					if gateway.ErrorCode(err) != gateway.CodeUnavailable {
						t.Errorf("fail_closed: %v, want 503", err)
					}
					continue
				}
				if err != nil {
					t.Fatalf("fail_open_local: %v", err)
				}
				if local.InFlight("conc:user:alice") != 1 {
					t.Error("the local limit holds no slot")
				}
				resp.Finish(gateway.Usage{})
			}
			if n := shared.calls.Load(); n != 1 {
				t.Errorf("the shared store was asked %d times, want once (then known down)", n)
			}
			if f.Up() {
				t.Error("failover still up")
			}
		})
	}
}
