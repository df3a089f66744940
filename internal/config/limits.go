package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aigate-dev/aigate/internal/budget"
	"github.com/aigate-dev/aigate/ratelimit"
)

// Limits are the rate limits. Each value applies per end user (the key's
// owner, or each user a key that acts for users names); a key's own
// settings (aigate keys create --rpm …) replace them for its users. Zero
// turns a limit off; an omitted field keeps its default.
type Limits struct {
	RequestsPerMinute int `yaml:"requests_per_minute"` // default 10, exact sliding window
	RequestsPerDay    int `yaml:"requests_per_day"`    // default 0 (off), exact sliding window
	TokensPerMinute   int `yaml:"tokens_per_minute"`   // default 20000, estimated then settled
	Concurrent        int `yaml:"concurrent"`          // requests in flight, default 4
	// FailedAuthPerMinute bounds failed authentications per client IP
	// (brute force); default 20.
	FailedAuthPerMinute int `yaml:"failed_auth_per_minute"`
	// Teams are limits on the total of each named team, on top of the
	// per-user ones.
	Teams map[string]Rates `yaml:"teams"`
	// OnRedisError is what request and token limits do while the redis:
	// server cannot answer: fail_closed (default) refuses with 503;
	// fail_open_local counts in this instance's memory until Redis is back.
	OnRedisError string `yaml:"on_redis_error"`
	// OnExhaustedStream is what happens to a stream whose tokens outgrow
	// the estimate when the minute's token allowance has no room left:
	// cut (default) ends it there with an error event; finish lets it
	// complete, over the limit (the excess delays the next requests).
	OnExhaustedStream string `yaml:"on_exhausted_stream"`
}

// The values of limits.on_redis_error.
const (
	FailClosed    = "fail_closed"
	FailOpenLocal = "fail_open_local"
)

// Rates are the limits of one scope; zero turns one off.
type Rates struct {
	RequestsPerMinute int `yaml:"requests_per_minute"`
	RequestsPerDay    int `yaml:"requests_per_day"`
	TokensPerMinute   int `yaml:"tokens_per_minute"`
	Concurrent        int `yaml:"concurrent"`
}

// Budgets configure spend caps beyond the per-key ones (aigate keys create
// --budget) and the alerts. Amounts are written AMOUNT/PERIOD: 5.00/month,
// 20/day, 100/week, 50/none.
type Budgets struct {
	// PerUser is the cap of every end user; empty: none.
	PerUser string `yaml:"per_user"`
	// Users and Teams set caps for named end users and teams.
	Users map[string]string `yaml:"users"`
	Teams map[string]string `yaml:"teams"`
	// AlertThresholds are fractions of a cap; default 0.5, 0.8, 1.0.
	AlertThresholds []float64 `yaml:"alert_thresholds"`
	// AlertWebhook is a secret reference to a URL that alerts are posted to
	// (Slack-compatible JSON); empty: alerts are logged only.
	AlertWebhook string `yaml:"alert_webhook"`
	// OnExhaustedStream is what happens to a stream that outgrows what was
	// reserved for it when its budget has no room left: cut (default) ends
	// it there with an error event; finish lets it complete, over the cap.
	OnExhaustedStream string `yaml:"on_exhausted_stream"`
}

// The values of limits.on_exhausted_stream and budgets.on_exhausted_stream.
const (
	StreamCut    = "cut"
	StreamFinish = "finish"
)

func defaultLimits() Limits {
	return Limits{RequestsPerMinute: 10, TokensPerMinute: 20000, Concurrent: 4, FailedAuthPerMinute: 20, OnRedisError: FailClosed, OnExhaustedStream: StreamCut}
}

func defaultBudgets() Budgets {
	return Budgets{AlertThresholds: slices.Clone(budget.DefaultThresholds), OnExhaustedStream: StreamCut}
}

// validateLimits reports the problems of limits:, budgets: and prices:.
func (f *File) validateLimits(add func(path, format string, args ...any)) {
	rates := func(path string, r Rates) {
		checkRate(add, path+".requests_per_minute", r.RequestsPerMinute, ratelimit.PerMinute, ratelimit.MaxWindowRate)
		checkRate(add, path+".requests_per_day", r.RequestsPerDay, ratelimit.PerDay, ratelimit.MaxWindowRate)
		checkRate(add, path+".tokens_per_minute", r.TokensPerMinute, ratelimit.PerMinute, 0)
		if r.Concurrent < 0 {
			add(path+".concurrent", "must not be negative (0 turns it off)")
		}
	}
	l := f.Limits
	rates("limits", Rates{l.RequestsPerMinute, l.RequestsPerDay, l.TokensPerMinute, l.Concurrent})
	checkRate(add, "limits.failed_auth_per_minute", l.FailedAuthPerMinute, ratelimit.PerMinute, ratelimit.MaxWindowRate)
	if f.Redis != "" && !strings.HasPrefix(f.Redis, "redis://") && !strings.HasPrefix(f.Redis, "rediss://") {
		add("redis", "must be a redis:// or rediss:// URL")
	}
	if l.OnRedisError != FailClosed && l.OnRedisError != FailOpenLocal {
		add("limits.on_redis_error", "must be %s or %s, not %q", FailClosed, FailOpenLocal, l.OnRedisError)
	}
	if l.OnExhaustedStream != StreamCut && l.OnExhaustedStream != StreamFinish {
		add("limits.on_exhausted_stream", "must be %s or %s, not %q", StreamCut, StreamFinish, l.OnExhaustedStream)
	}
	for _, name := range slices.Sorted(maps.Keys(l.Teams)) {
		rates(fmt.Sprintf("limits.teams[%q]", name), l.Teams[name])
	}
	if l.TokensPerMinute > 0 && int64(l.TokensPerMinute) < f.Validation.MaxTokens {
		add("limits.tokens_per_minute", "is below validation.max_tokens (%d), so requests asking for that many tokens could never pass", f.Validation.MaxTokens)
	}

	b := f.Budgets
	amount := func(path, s string) {
		a, err := budget.ParseAmount(s)
		if err != nil {
			add(path, "%v", err)
		} else if a.IsZero() {
			add(path, "must be AMOUNT/PERIOD, such as 5.00/month")
		}
	}
	if b.PerUser != "" {
		amount("budgets.per_user", b.PerUser)
	}
	for _, k := range slices.Sorted(maps.Keys(b.Users)) {
		amount(fmt.Sprintf("budgets.users[%q]", k), b.Users[k])
	}
	for _, k := range slices.Sorted(maps.Keys(b.Teams)) {
		amount(fmt.Sprintf("budgets.teams[%q]", k), b.Teams[k])
	}
	for i, th := range b.AlertThresholds {
		if th <= 0 || th > 1 {
			add(fmt.Sprintf("budgets.alert_thresholds[%d]", i), "must be a fraction of the cap above 0 and at most 1, such as 0.8")
		}
	}
	if b.OnExhaustedStream != StreamCut && b.OnExhaustedStream != StreamFinish {
		add("budgets.on_exhausted_stream", "must be %s or %s, not %q", StreamCut, StreamFinish, b.OnExhaustedStream)
	}
	if b.AlertWebhook != "" && !IsReference(b.AlertWebhook) {
		add("budgets.alert_webhook", "must be a secret reference such as env:AIGATE_ALERT_WEBHOOK")
	}
	for _, m := range slices.Sorted(maps.Keys(f.Prices)) {
		if _, err := f.Prices[m].Parse(); err != nil {
			add(fmt.Sprintf("prices[%q]", m), "%v (dollars per million tokens, such as \"0.15\")", err)
		}
	}
}

// checkRate validates a per-period count with ratelimit.Limit.Validate;
// zero is off. max > 0 caps it (the sliding window's largest rate).
func checkRate(add func(path, format string, args ...any), path string, n int, per func(int) ratelimit.Limit, max int) {
	switch {
	case n == 0:
	case n < 0:
		add(path, "must not be negative (0 turns it off)")
	case max > 0 && n > max:
		add(path, "must be at most %d", max)
	default:
		if err := per(n).Validate(); err != nil {
			add(path, "%v", err)
		}
	}
}
