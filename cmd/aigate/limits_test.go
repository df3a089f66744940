package main

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2"
	anthropicopt "github.com/anthropics/anthropic-sdk-go/v2/option"
	"github.com/openai/openai-go/v3"

	"github.com/aigate-dev/aigate/internal/budget"
	"github.com/aigate-dev/aigate/internal/keys"
)

// 500 concurrent requests for one user with the seed default of 10 per
// minute: exactly 10 reach the provider; the rest get 429 with Retry-After.
func TestRateLimitIsExactUnderConcurrency(t *testing.T) {
	g := mustRunGateway(t, "limits:\n  concurrent: 0\n  tokens_per_minute: 0\n")
	var ok, limited atomic.Int64
	var wg sync.WaitGroup
	for range 500 {
		wg.Go(func() {
			resp, _ := g.do(t, "POST", "/v1/chat/completions", `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`, bearerHeader(g.key))
			switch resp.StatusCode {
			case 200:
				ok.Add(1)
			case 429:
				limited.Add(1)
				if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || s < 1 || s > 60 {
					t.Errorf("Retry-After = %q", resp.Header.Get("Retry-After"))
				}
				if resp.Header.Get("X-Ratelimit-Limit-Requests") != "10" || resp.Header.Get("X-Ratelimit-Remaining-Requests") != "0" {
					t.Errorf("x-ratelimit headers = %v", resp.Header)
				}
			default:
				t.Errorf("status %d", resp.StatusCode)
			}
		})
	}
	wg.Wait()
	if ok.Load() != 10 || limited.Load() != 490 {
		t.Errorf("%d allowed and %d limited, want exactly 10 and 490", ok.Load(), limited.Load())
	}
	if n := g.upstream.count(); n != 10 {
		t.Errorf("provider saw %d requests, want 10", n)
	}
}

// A $1 budget and requests of known maximum cost: however many run at once,
// spend ends at most $1.00 and within one request's cost of it.
func TestBudgetNeverOverspentUnderConcurrency(t *testing.T) {
	// gpt-4o-mini at $10,000 per million tokens is a cent a token.
	g := mustRunGateway(t, "limits:\n  requests_per_minute: 0\n  tokens_per_minute: 0\n  concurrent: 0\n"+
		"prices:\n  gpt-4o-mini: {input: \"10000\", output: \"10000\"}\n")
	key, id := g.mustKey(t, keys.CreateOptions{Name: "web-app", Owner: "carol",
		Limits: keys.Limits{Budget: budget.Amount{Cap: budget.Dollar, Period: budget.PeriodMonth}}})
	body := `{"model":"gpt-4o-mini","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}`
	var ok, refused atomic.Int64
	var wg sync.WaitGroup
	for range 200 {
		wg.Go(func() {
			resp, data := g.do(t, "POST", "/v1/chat/completions", body, bearerHeader(key))
			switch resp.StatusCode {
			case 200:
				ok.Add(1)
			case 402:
				refused.Add(1)
			default:
				t.Errorf("status %d: %s", resp.StatusCode, data)
			}
		})
	}
	wg.Wait()
	// Requests of the burst are refused while the holds of those in flight
	// fill the budget, and actual costs come in under the holds; once they
	// have settled, what is left is served until nothing fits: no money is
	// lost to reservations.
	for i := 0; ; i++ {
		resp, data := g.do(t, "POST", "/v1/chat/completions", body, bearerHeader(key))
		if resp.StatusCode == 402 {
			break
		}
		if resp.StatusCode != 200 || i > 100 {
			t.Fatalf("after the burst: %d %s", resp.StatusCode, data)
		}
		ok.Add(1)
	}
	if err := g.app.acct.flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	b := budget.Budget{Kind: budget.ScopeKey, ID: id, Amount: budget.Amount{Cap: budget.Dollar, Period: budget.PeriodMonth}}
	spent, held, err := g.app.acct.ledger.Spent(context.Background(), b, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	maxCost := budget.Micros(7 * 10_000) // (2 input + 5 output tokens) × 1¢
	t.Logf("%d served, %d refused; spent %v of $1.00", ok.Load(), refused.Load(), spent)
	if spent > budget.Dollar || spent < budget.Dollar-maxCost || held != 0 {
		t.Errorf("spent %v, held %v; want ≤ $1.00, within %v of it, nothing held", spent, held, maxCost)
	}
	resp, data := g.do(t, "POST", "/v1/chat/completions", body, bearerHeader(key))
	if resp.StatusCode != 402 || !contains(data, "budget of $1.00 for key 'web-app'") {
		t.Errorf("after the budget: %d %s", resp.StatusCode, data)
	}
}

func contains(b []byte, s string) bool { return strings.Contains(string(b), s) }

// The official SDKs parse a 429 as their rate-limit error, with retries off.
// With retries on (the default, 2 retries), both SDKs wait for the
// Retry-After the gateway sends (openai-go and anthropic-sdk-go honour
// retry-after-ms and retry-after up to 60s, else back off exponentially).
func TestSDKsParseRateLimit(t *testing.T) {
	g := mustRunGateway(t, "limits:\n  requests_per_minute: 1\n")
	ctx := context.Background()
	oc := openaiClient(g, g.key)
	params := openai.ChatCompletionNewParams{Model: "gpt-4o-mini", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("hi")}}
	if _, err := oc.Chat.Completions.New(ctx, params); err != nil {
		t.Fatal(err)
	}
	_, err := oc.Chat.Completions.New(ctx, params)
	var oe *openai.Error
	if !errors.As(err, &oe) || oe.StatusCode != http.StatusTooManyRequests || oe.Response.Header.Get("Retry-After") == "" {
		t.Errorf("openai: err = %v, want *openai.Error 429 with Retry-After", err)
	}
	ac := anthropic.NewClient(anthropicopt.WithBaseURL(g.URL()), anthropicopt.WithAPIKey(g.key), anthropicopt.WithMaxRetries(0))
	_, err = ac.Messages.New(ctx, anthropic.MessageNewParams{Model: "claude-haiku-4-5", MaxTokens: 10,
		Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("hi"))}})
	var ae *anthropic.Error
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusTooManyRequests || !strings.Contains(err.Error(), "rate_limit_error") {
		t.Errorf("anthropic: err = %v, want *anthropic.Error 429 rate_limit_error", err)
	}
}

// Usage recorded before a graceful restart is all there after it, and a
// cancelled stream is settled with the usage read so far.
func TestUsageSurvivesRestart(t *testing.T) {
	g := mustRunGateway(t, "")
	for range 3 {
		if resp, data := g.do(t, "POST", "/v1/chat/completions", `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`, bearerHeader(g.key)); resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, data)
		}
	}
	if resp, _ := g.do(t, "POST", "/v1/chat/completions", `{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}`, bearerHeader(g.key)); resp.StatusCode != 200 {
		t.Fatal(resp.StatusCode)
	}
	ctx := context.Background()
	if err := g.app.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	a, err := newApp(ctx, g.app.opts)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Shutdown(ctx)
	rows, err := a.acct.ledger.Usage(ctx, budget.UsageQuery{By: budget.ByUser})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Group != "alice" || rows[0].Requests != 4 || rows[0].OutputTokens == 0 || rows[0].Cost == 0 {
		t.Errorf("usage after restart = %+v, want 4 priced requests for alice", rows)
	}
}

// Failed authentications are limited per client IP.
func TestFailedAuthLimitedPerIP(t *testing.T) {
	g := mustRunGateway(t, "limits:\n  failed_auth_per_minute: 3\n")
	body := `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`
	for i := range 3 {
		if resp, _ := g.do(t, "POST", "/v1/chat/completions", body, bearerHeader("agk_wrong")); resp.StatusCode != 401 {
			t.Fatalf("attempt %d: %d, want 401", i, resp.StatusCode)
		}
	}
	resp, data := g.do(t, "POST", "/v1/chat/completions", body, bearerHeader(g.key))
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" || !contains(data, "failed authentications") {
		t.Errorf("after 3 failures, even a good key = %d %s; want 429 with Retry-After", resp.StatusCode, data)
	}
}
