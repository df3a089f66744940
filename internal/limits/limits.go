// Package limits enforces rate limits in the request chain: requests per
// minute and per day (exact sliding windows), tokens per minute (estimated
// before the call, settled with the actual usage after), and requests in
// flight, per end user and per team; and failed authentications per client
// IP. Refusals are [gateway.CodeRateLimited] with Retry-After and the
// x-ratelimit-* headers OpenAI clients read.
package limits

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/ratelimit"
)

// Rates are the limits of one scope; a zero field is off.
type Rates struct {
	RequestsPerMinute int
	RequestsPerDay    int
	TokensPerMinute   int
	Concurrent        int
}

// Limiter is the rate-limit middleware. Requests, Tokens and Concurrency
// are required; fields are not changed after first use.
type Limiter struct {
	// Requests counts requests per minute and per day: an exact limiter
	// such as ratelimit.Window.
	Requests ratelimit.Limiter
	// Tokens counts tokens per minute: a GCRA limiter such as
	// ratelimit.Memory. If it implements ratelimit.Adjuster the estimate is
	// settled with the actual usage; otherwise only an excess is charged.
	Tokens      ratelimit.Limiter
	Concurrency ratelimit.ConcurrencyLimiter
	// Defaults apply per end user; a key's own limits replace each field
	// they set.
	Defaults Rates
	// Teams are limits on each named team's total.
	Teams map[string]Rates
	// MaxOutputTokens is the output assumed for a request without
	// max_tokens when its tokens are estimated (validation.max_tokens).
	MaxOutputTokens int64
	// FinishStreams lets a stream whose tokens outgrow the estimate and
	// the minute's allowance run to its end (limits.on_exhausted_stream:
	// finish). By default it is cut there: see [Limiter.Middleware].
	FinishStreams bool
}

// scope is one set of limits checked for a request.
type scope struct {
	kind, id string // "user", "alice"
	rates    Rates
}

// tokenHold is what a request has taken so far from the token limit of
// one scope: the estimate, plus what its stream took as it grew.
type tokenHold struct {
	scope
	taken int64
}

// Middleware checks every limit of the request's end user and team before
// calling next. It must run after authentication. Requests and tokens are
// checked in that order, and a limit that refuses leaves the ones before
// it spent, which only ever errs on the strict side. Any limiter error
// refuses the request with [gateway.CodeUnavailable].
//
// A stream whose counted tokens (see [gateway.Response.Allow]) outgrow
// the estimate takes more from the minute's allowance as it goes; when
// the allowance has no room left the stream is cut with a rate-limit
// error event, unless FinishStreams is set. Settlement charges the
// counted (or, when the provider reported it, the actual) usage minus
// everything taken, so nothing is charged twice.
func (l *Limiter) Middleware(next gateway.Handler) gateway.Handler {
	return gateway.HandlerFunc(func(ctx context.Context, req *gateway.Request) (*gateway.Response, error) {
		p := req.Principal
		if p == nil {
			return nil, errors.New("limits: request is not authenticated")
		}
		scopes := []scope{{"user", p.User, l.userRates(p.Limits)}}
		if r, ok := l.Teams[p.Team]; ok && p.Team != "" {
			scopes = append(scopes, scope{"team", p.Team, r})
		}
		est := l.estimate(req)
		var hdr http.Header
		for _, s := range scopes {
			h, err := l.checkRequests(ctx, s)
			if err != nil {
				return nil, err
			}
			if hdr == nil {
				hdr = h
			}
		}
		var spent []*tokenHold // scopes whose token estimate was spent
		for _, s := range scopes {
			if s.rates.TokensPerMinute == 0 {
				continue
			}
			if err := l.checkTokens(ctx, s, est, hdr); err != nil {
				l.settleTokens(ctx, spent, 0) // give back what this request took
				return nil, err
			}
			spent = append(spent, &tokenHold{s, charged(est, s.rates.TokensPerMinute)})
		}
		var releases []func()
		releaseAll := func() {
			for _, r := range releases {
				r()
			}
		}
		for _, s := range scopes {
			if s.rates.Concurrent == 0 {
				continue
			}
			rel, ok, err := l.Concurrency.Acquire(ctx, "conc:"+s.kind+":"+s.id, s.rates.Concurrent)
			if err != nil {
				releaseAll()
				l.settleTokens(ctx, spent, 0)
				return nil, unavailable(err)
			}
			if !ok {
				releaseAll()
				l.settleTokens(ctx, spent, 0)
				return nil, &gateway.Error{Code: gateway.CodeRateLimited, Header: http.Header{"Retry-After": {"1"}},
					Message: fmt.Sprintf("%s '%s' already has %d requests in flight, the most allowed at once; retry when one finishes", s.kind, s.id, s.rates.Concurrent)}
			}
			releases = append(releases, rel)
		}
		// From here the slots are released exactly once on every path:
		// an error, a panic in next (re-raised after), or the response's
		// end (OnDone, which streams cancelled by the client reach too).
		handedOff := false
		defer func() {
			if !handedOff {
				releaseAll()
			}
		}()
		resp, err := next.Serve(ctx, req)
		if err != nil {
			l.settleTokens(context.WithoutCancel(ctx), spent, 0)
			return nil, err
		}
		if resp.Header == nil {
			resp.Header = http.Header{}
		}
		for k, v := range hdr {
			if resp.Header.Get(k) == "" {
				resp.Header[k] = v
			}
		}
		var counted int64 // the stream's tokens as last checked
		if resp.Stream && len(spent) > 0 && !l.FinishStreams {
			resp.Allow(l.allowance(ctx, spent, est, &counted))
		}
		resp.OnDone(func(u gateway.Usage) {
			releaseAll()
			actual := u.InputTokens + u.OutputTokens
			if actual == 0 {
				actual = counted // the provider reported nothing
			}
			l.settleTokens(context.WithoutCancel(ctx), spent, actual)
		})
		handedOff = true
		return resp, nil
	})
}

// userRates is Defaults with the key's own limits applied.
func (l *Limiter) userRates(k gateway.Limits) Rates {
	r := l.Defaults
	for _, f := range []struct {
		dst *int
		v   int
	}{{&r.RequestsPerMinute, k.RequestsPerMinute}, {&r.RequestsPerDay, k.RequestsPerDay},
		{&r.TokensPerMinute, k.TokensPerMinute}, {&r.Concurrent, k.Concurrent}} {
		if f.v > 0 {
			*f.dst = f.v
		}
	}
	return r
}

// estimate is the most tokens req can use: its input at one token per four
// characters, plus max_tokens (or MaxOutputTokens).
func (l *Limiter) estimate(req *gateway.Request) int64 {
	out := req.MaxTokens
	if out <= 0 {
		out = l.MaxOutputTokens
	}
	return int64(req.InputChars()+3)/4 + 1 + out
}

// checkRequests spends one request of s per minute and per day, and returns
// the x-ratelimit-*-requests headers of the per-minute limit.
func (l *Limiter) checkRequests(ctx context.Context, s scope) (http.Header, error) {
	var h http.Header
	for _, w := range []struct {
		n    int
		lim  ratelimit.Limit
		name string
		key  string
	}{
		{s.rates.RequestsPerMinute, ratelimit.PerMinute(s.rates.RequestsPerMinute), "minute", "rpm:"},
		{s.rates.RequestsPerDay, ratelimit.PerDay(s.rates.RequestsPerDay), "day", "rpd:"},
	} {
		if w.n == 0 {
			continue
		}
		r, err := l.Requests.AllowN(ctx, w.key+s.kind+":"+s.id, w.lim, 1)
		if err != nil {
			return nil, unavailable(err)
		}
		if h == nil {
			h = http.Header{}
			h.Set("X-Ratelimit-Limit-Requests", strconv.Itoa(w.n))
			h.Set("X-Ratelimit-Remaining-Requests", strconv.Itoa(r.Remaining))
			h.Set("X-Ratelimit-Reset-Requests", resetString(r.ResetAfter))
		}
		if !r.Allowed {
			h.Set("X-Ratelimit-Remaining-Requests", "0")
			h.Set("X-Ratelimit-Reset-Requests", resetString(r.RetryAfter))
			h.Set("Retry-After", retryAfter(r.RetryAfter))
			return nil, &gateway.Error{Code: gateway.CodeRateLimited, Header: h,
				Message: fmt.Sprintf("rate limit of %d requests per %s for %s '%s' reached; retry in %s",
					w.n, w.name, s.kind, s.id, retryAfter(r.RetryAfter)+"s")}
		}
	}
	return h, nil
}

// checkTokens spends est tokens of s, adding the -tokens headers to h.
func (l *Limiter) checkTokens(ctx context.Context, s scope, est int64, h http.Header) error {
	n := s.rates.TokensPerMinute
	lim := ratelimit.PerMinute(n)
	// An estimate above the whole minute's allowance (max_tokens beyond
	// the validator's cap, which refuses it next with a clearer message;
	// or a huge input) reserves nothing: the actual usage is charged after.
	r, err := l.Tokens.AllowN(ctx, "tpm:"+s.kind+":"+s.id, lim, int(charged(est, n)))
	if err != nil {
		return unavailable(err)
	}
	if h != nil {
		h.Set("X-Ratelimit-Limit-Tokens", strconv.Itoa(n))
		h.Set("X-Ratelimit-Remaining-Tokens", strconv.Itoa(r.Remaining))
		h.Set("X-Ratelimit-Reset-Tokens", resetString(r.ResetAfter))
	}
	if !r.Allowed {
		eh := http.Header{}
		for k, v := range h {
			eh[k] = v
		}
		eh.Set("X-Ratelimit-Limit-Tokens", strconv.Itoa(n))
		eh.Set("X-Ratelimit-Remaining-Tokens", strconv.Itoa(r.Remaining))
		eh.Set("X-Ratelimit-Reset-Tokens", resetString(r.RetryAfter))
		eh.Set("Retry-After", retryAfter(r.RetryAfter))
		return &gateway.Error{Code: gateway.CodeRateLimited, Header: eh,
			Message: fmt.Sprintf("rate limit of %d tokens per minute for %s '%s' reached (this request could use up to %d); retry in %ss",
				n, s.kind, s.id, est, retryAfter(r.RetryAfter))}
	}
	return nil
}

// allowance returns the Allow check of a stream that took est tokens (or
// nothing, where est exceeded a limit) from the token limits of holds:
// while the stream's counted tokens stay within what each scope took,
// nothing happens; past it, the check takes more (a quarter of the
// estimate at least, to keep limiter calls rare), or returns the error
// that cuts the stream when the minute's allowance cannot cover even the
// excess. It leaves the last count in counted for settlement.
func (l *Limiter) allowance(ctx context.Context, holds []*tokenHold, est int64, counted *int64) func(gateway.Usage) error {
	return func(u gateway.Usage) error {
		n := u.InputTokens + u.OutputTokens
		*counted = n
		for _, h := range holds {
			need := n - h.taken
			if need <= 0 {
				continue
			}
			lim := ratelimit.PerMinute(h.rates.TokensPerMinute)
			key := "tpm:" + h.kind + ":" + h.id
			if need <= int64(lim.Burst) { // else the excess alone is more than a minute's allowance
				take := min(max(need, est/4), int64(lim.Burst))
				r, err := l.Tokens.AllowN(ctx, key, lim, int(take))
				if err == nil && !r.Allowed && take > need {
					take = need
					r, err = l.Tokens.AllowN(ctx, key, lim, int(take))
				}
				if err != nil {
					return &gateway.Error{Code: gateway.CodeUnavailable, Err: err,
						Message: "the stream was stopped: aigate cannot check rate limits right now"}
				}
				if r.Allowed {
					h.taken += take
					continue
				}
			}
			return &gateway.Error{Code: gateway.CodeRateLimited,
				Message: fmt.Sprintf("the stream was stopped: the token limit of %d per minute for %s '%s' is reached",
					h.rates.TokensPerMinute, h.kind, h.id)}
		}
		return nil
	}
}

// settleTokens records actual minus what was taken on each scope's token
// limit. Errors are ignored: the request already ran; a limiter that is
// down refuses the next.
func (l *Limiter) settleTokens(ctx context.Context, holds []*tokenHold, actual int64) {
	adj, canAdjust := l.Tokens.(ratelimit.Adjuster)
	for _, s := range holds {
		lim := ratelimit.PerMinute(s.rates.TokensPerMinute)
		delta := actual - s.taken
		if delta == 0 {
			continue
		}
		key := "tpm:" + s.kind + ":" + s.id
		switch {
		case canAdjust:
			_ = adj.AdjustN(ctx, key, lim, int(max(min(delta, math.MaxInt32), math.MinInt32)))
		case delta > 0:
			_, _ = l.Tokens.AllowN(ctx, key, lim, int(min(delta, int64(lim.Burst))))
		}
	}
}

func unavailable(err error) error {
	return &gateway.Error{Code: gateway.CodeUnavailable, Err: err,
		Message: "aigate cannot check rate limits right now; the request was not sent to the provider. Retry later"}
}

// retryAfter is d in whole seconds, rounded up, at least 1.
func retryAfter(d time.Duration) string {
	return strconv.FormatInt(max(1, int64((d+time.Second-1)/time.Second)), 10)
}

// resetString formats d as OpenAI does in x-ratelimit-reset-*: "1s",
// "6m0s", "20ms".
func resetString(d time.Duration) string {
	if d <= 0 {
		return "0s"
	}
	if d < time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}

// charged is what checkTokens spends of a limit of n tokens for an
// estimate of est.
func charged(est int64, n int) int64 {
	if est > int64(n) {
		return 0
	}
	return est
}
