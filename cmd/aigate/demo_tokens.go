package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aigate-dev/aigate/internal/keys"
	"github.com/aigate-dev/aigate/internal/tokens"
)

// demoTokensConfig turns end-user tokens on; the signing key is made up per
// run.
const demoTokensConfig = `
tokens:
  signing_key: env:DEMO_TOKEN_SIGNING_KEY
`

// demoClock is the clock of the demo gateway's tokens: real time plus an
// offset, so the demo can show a token expire without waiting for it.
type demoClock struct{ off atomic.Int64 }

func (c *demoClock) now() time.Time          { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *demoClock) advance(d time.Duration) { c.off.Add(int64(d)) }

// installDemoClock gives a's tokens the demo clock; call it before Start.
func installDemoClock(a *app) (*demoClock, error) {
	c := &demoClock{}
	a.tok.now = c.now
	a.tok.parents.Now = c.now
	return c, a.Reload()
}

// demoTokens shows a browser-style token being minted by an app backend,
// used from the page's origin, refused elsewhere, expiring and refused.
func demoTokens(ctx context.Context, a *app, d *demo, clk *demoClock) error {
	d.section("Browser-safe tokens: the backend mints, the page streams, the token expires")
	secret, vk, err := a.keys.Create(ctx, keys.CreateOptions{Name: "web-backend", Owner: "frank",
		Models: []string{"gpt-4o-mini"}, CORSOrigins: []string{"https://app.example"}})
	if err != nil {
		return err
	}
	d.say("    key %s stays on the app's server; it allows the page origin https://app.example (CORS).\n", vk.ID)

	req, _ := http.NewRequestWithContext(ctx, "POST", d.base+"/v1/aigate/tokens",
		strings.NewReader(`{"user":"u-42","ttl":"2m","origin":"https://app.example"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+secret.Reveal())
	resp, err := d.client.Do(req)
	if err != nil {
		return err
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var m tokens.MintResponse
	if resp.StatusCode != http.StatusCreated || json.Unmarshal(data, &m) != nil {
		return fmt.Errorf("demo: minting a token: %d %s", resp.StatusCode, summary(resp, data))
	}
	d.say("  ✓ %-36s %d — token %s for end user %s, bound to %s, valid 2 minutes\n",
		"Backend mints a token (POST /v1/aigate/tokens)", resp.StatusCode, m.ID, m.User, m.Origin)

	page := func(h http.Header) http.Header {
		h.Set("Origin", "https://app.example")
		return h
	}
	d.call("Browser preflight from the page", "OPTIONS", "/v1/chat/completions",
		header("Origin", "https://app.example", "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization, content-type"), "")
	d.call("Page streams a chat with the token", "POST", "/v1/chat/completions", page(bearer(m.Token)),
		`{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Count to three."}]}`)
	d.call("Same token, from another site", "POST", "/v1/chat/completions", header("Authorization", "Bearer "+m.Token, "Origin", "https://evil.example"),
		`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`)
	d.call("Token, a model its key may not use", "POST", "/v1/chat/completions", page(bearer(m.Token)),
		`{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}`)
	clk.advance(3 * time.Minute)
	d.say("    … three minutes later (the demo fast-forwards the gateway's token clock) …\n")
	d.call("The expired token", "POST", "/v1/chat/completions", page(bearer(m.Token)),
		`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`)
	d.say("    → the page never held a provider key or an aigate key; a leaked token is worth minutes, for one user and origin.\n")
	return nil
}
