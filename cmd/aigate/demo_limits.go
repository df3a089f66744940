package main

import (
	"context"
	"net/http"
	"strings"

	"github.com/aigate-dev/aigate/internal/budget"
	"github.com/aigate-dev/aigate/internal/keys"
)

// demoLimits shows a rate limit being hit (429 with Retry-After) and a
// budget running out (402).
func demoLimits(ctx context.Context, a *app, d *demo) error {
	d.section("Rate limits and budgets")
	secret, _, err := a.keys.Create(ctx, keys.CreateOptions{Name: "script", Owner: "dave",
		Limits: keys.Limits{RequestsPerMinute: 2}})
	if err != nil {
		return err
	}
	chat := `{"model":"gpt-4o-mini","max_tokens":50,"messages":[{"role":"user","content":"hi"}]}`
	for i := 1; i <= 3; i++ {
		d.call("Key with --rpm 2, request "+string(rune('0'+i)), "POST", "/v1/chat/completions", bearer(secret.Reveal()), chat)
	}
	d.say("    → the 429 carries Retry-After and x-ratelimit-* headers, so SDKs wait exactly as long as needed.\n")

	secret, vk, err := a.keys.Create(ctx, keys.CreateOptions{Name: "tiny-budget", Owner: "erin",
		Limits: keys.Limits{Budget: budget.Amount{Cap: 100, Period: budget.PeriodMonth}}}) // $0.0001 a month
	if err != nil {
		return err
	}
	served := 0
	for range 50 {
		req, _ := http.NewRequestWithContext(ctx, "POST", d.base+"/v1/chat/completions", strings.NewReader(chat))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+secret.Reveal())
		resp, err := d.client.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		_ = a.acct.flush(ctx)
		if resp.StatusCode != http.StatusOK {
			break
		}
		served++
	}
	d.say("    key %s (budget $0.0001/month) served %d requests, each reserving its worst case before it was sent;\n", vk.ID, served)
	d.call("The next request on that key", "POST", "/v1/chat/completions", bearer(secret.Reveal()), chat)
	return nil
}
