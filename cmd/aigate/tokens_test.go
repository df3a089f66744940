package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openai/openai-go/v3"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/keys"
	"github.com/aigate-dev/aigate/internal/tokens"
	"github.com/aigate-dev/aigate/internal/upstreamsim"
)

const tokensConfig = `
tokens:
  signing_key: env:AIGATE_TOKEN_SIGNING_KEY
  default_ttl: 10m
  max_ttl: 1h
`

// testClock is the tokens' clock in these tests: real time plus an offset
// the test moves, so expiry needs no sleep.
type testClock struct{ off atomic.Int64 }

func (c *testClock) Now() time.Time          { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *testClock) Advance(d time.Duration) { c.off.Add(int64(d)) }
func (c *testClock) install(t *testing.T, g *testGateway) {
	t.Helper()
	g.tok.now = c.Now
	g.tok.parents.Now = c.Now
	if err := g.Reload(); err != nil { // rebuilds the token authority with the clock
		t.Fatal(err)
	}
}

// mustRunTokenGateway starts a gateway with tokens on and a test clock.
func mustRunTokenGateway(t *testing.T) (*testGateway, *testClock, string) {
	t.Helper()
	signing := randomHex(32)
	g := mustRunGatewayWith(t, upstreamsim.New(), tokensConfig, map[string]string{"AIGATE_TOKEN_SIGNING_KEY": signing})
	clk := &testClock{}
	clk.install(t, g)
	return g, clk, signing
}

// mint asks the gateway for a token with key; it returns the response and
// the decoded answer on success.
func (g *testGateway) mint(t *testing.T, key, body string) (*http.Response, tokens.MintResponse, []byte) {
	t.Helper()
	resp, data := g.do(t, "POST", "/v1/aigate/tokens", body, bearerHeader(key))
	var m tokens.MintResponse
	if resp.StatusCode == http.StatusCreated {
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("mint answer: %v", err)
		}
	}
	return resp, m, data
}

func (g *testGateway) mustMint(t *testing.T, key, body string) tokens.MintResponse {
	t.Helper()
	resp, m, data := g.mint(t, key, body)
	if resp.StatusCode != http.StatusCreated || !strings.HasPrefix(m.Token, tokens.Prefix) {
		t.Fatalf("mint %s: %d %s", body, resp.StatusCode, data)
	}
	return m
}

const chatBody = `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello"}]}`

// chatWith sends a chat request with cred and extra headers.
func (g *testGateway) chatWith(t *testing.T, cred, body string, h http.Header) (*http.Response, []byte) {
	t.Helper()
	hh := bearerHeader(cred)
	for k, v := range h {
		hh[k] = v
	}
	return g.do(t, "POST", "/v1/chat/completions", body, hh)
}

func wantRefusal(t *testing.T, what string, resp *http.Response, data []byte, status int, msg string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Errorf("%s: status %d, want %d: %s", what, resp.StatusCode, status, data)
		return
	}
	if got := errorMessage(t, "openai", data); !strings.Contains(got, msg) {
		t.Errorf("%s: message %q, want it to mention %q", what, got, msg)
	}
}

func TestTokensEndToEnd(t *testing.T) {
	g, clk, signing := mustRunTokenGateway(t)
	ctx := context.Background()

	m := g.mustMint(t, g.key, `{"user":"u-42","ttl":"5m"}`)
	if m.ParentKey != g.keyID || m.User != "u-42" || time.Until(m.ExpiresAt) > 5*time.Minute+time.Second {
		t.Errorf("mint answer = %+v", m)
	}

	t.Run("sdk", func(t *testing.T) {
		c := openaiClient(g, m.Token)
		chat := openai.ChatCompletionNewParams{Model: "gpt-4o-mini", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("hello")}}
		resp, err := c.Chat.Completions.New(ctx, chat)
		if err != nil || len(resp.Choices) == 0 {
			t.Fatalf("chat with a token: %v", err)
		}
		up := g.upstream.last(t)
		if got := up.header.Get("Authorization"); got != "Bearer "+g.provKeys["TEST_OPENAI_KEY"] {
			t.Errorf("provider saw Authorization %q, want the provider key", redactForTest(got))
		}
		s := c.Chat.Completions.NewStreaming(ctx, chat)
		var text strings.Builder
		for s.Next() {
			for _, ch := range s.Current().Choices {
				text.WriteString(ch.Delta.Content)
			}
		}
		if err := s.Err(); err != nil || text.Len() == 0 {
			t.Fatalf("stream with a token: %v, %q", err, text.String())
		}
	})

	t.Run("forged", func(t *testing.T) {
		sig := m.Token[strings.LastIndex(m.Token, ".")+1:]
		flipped := "A"
		if sig[0] == 'A' {
			flipped = "B"
		}
		forged := m.Token[:strings.LastIndex(m.Token, ".")+1] + flipped + sig[1:]
		resp, data := g.chatWith(t, forged, chatBody, nil)
		wantRefusal(t, "forged signature", resp, data, 401, "token")

		other, err := tokens.New(gateway.NewSecret(randomHex(32)), tokens.Options{Revocations: tokens.RevocationsFunc(func(context.Context, string) (bool, error) { return false, nil })})
		if err != nil {
			t.Fatal(err)
		}
		tok, _, err := other.Mint(&gateway.Principal{KeyID: g.keyID}, tokens.Mint{User: "u-42"})
		if err != nil {
			t.Fatal(err)
		}
		resp, data = g.chatWith(t, tok.Reveal(), chatBody, nil)
		wantRefusal(t, "signed by another key", resp, data, 401, "token")
	})

	t.Run("wrong-parent", func(t *testing.T) {
		same, _ := tokens.New(gateway.NewSecret(signing), tokens.Options{Revocations: tokens.RevocationsFunc(func(context.Context, string) (bool, error) { return false, nil })})
		tok, _, err := same.Mint(&gateway.Principal{KeyID: "vk_doesnotexist"}, tokens.Mint{User: "u-42"})
		if err != nil {
			t.Fatal(err)
		}
		resp, data := g.chatWith(t, tok.Reveal(), chatBody, nil)
		wantRefusal(t, "unknown parent", resp, data, 401, "revoked")
	})

	t.Run("in-url", func(t *testing.T) {
		resp, data := g.do(t, "POST", "/v1/chat/completions?key="+m.Token, chatBody, nil)
		wantRefusal(t, "token in the URL", resp, data, 400, "URL")
	})

	t.Run("origin", func(t *testing.T) {
		// The key must accept the page's origin too (CORS), or every
		// browser request is refused whatever the token says.
		key, _ := g.mustKey(t, keys.CreateOptions{Name: "web", Owner: "dora", CORSOrigins: []string{"https://app.example", "https://evil.example"}})
		bound := g.mustMint(t, key, `{"user":"u-7","origin":"https://app.example"}`)
		resp, data := g.chatWith(t, bound.Token, chatBody, http.Header{"Origin": {"https://app.example"}})
		if resp.StatusCode != 200 {
			t.Errorf("bound origin: %d %s", resp.StatusCode, data)
		}
		resp, data = g.chatWith(t, bound.Token, chatBody, http.Header{"Origin": {"https://evil.example"}})
		wantRefusal(t, "wrong origin", resp, data, 403, "origin")
		resp, data = g.chatWith(t, bound.Token, chatBody, nil)
		wantRefusal(t, "no origin", resp, data, 403, "origin")
	})

	t.Run("models", func(t *testing.T) {
		key, _ := g.mustKey(t, keys.CreateOptions{Name: "narrow", Owner: "bob", Models: []string{"gpt-4o-mini", "gpt-4o"}})
		narrow := g.mustMint(t, key, `{"user":"u-9","models":["gpt-4o-mini"]}`)
		resp, data := g.chatWith(t, narrow.Token, strings.Replace(chatBody, "gpt-4o-mini", "gpt-4o", 1), nil)
		wantRefusal(t, "model the token does not allow", resp, data, 403, "gpt-4o")
		resp, data = g.chatWith(t, narrow.Token, chatBody, nil)
		if resp.StatusCode != 200 {
			t.Errorf("allowed model: %d %s", resp.StatusCode, data)
		}
		resp, _, data = g.mint(t, key, `{"user":"u-9","models":["gpt-4.1"]}`)
		wantRefusal(t, "mint widening models", resp, data, 403, "gpt-4.1")
		resp, _, data = g.mint(t, key, `{"user":"u-9","policy":"lenient"}`)
		wantRefusal(t, "mint changing the policy", resp, data, 403, "policy")
		resp, _, data = g.mint(t, key, `{"user":"u-9","ttl":"2h"}`)
		wantRefusal(t, "mint beyond max_ttl", resp, data, 400, "ttl")
		resp, _, data = g.mint(t, narrow.Token, `{"user":"u-9"}`)
		wantRefusal(t, "a token minting a token", resp, data, 403, "token")
		resp, _, data = g.mint(t, "", `{"user":"u-9"}`)
		wantRefusal(t, "mint without a key", resp, data, 401, "key")
	})

	t.Run("expired", func(t *testing.T) {
		short := g.mustMint(t, g.key, `{"user":"u-1","ttl":"2s"}`)
		if resp, data := g.chatWith(t, short.Token, chatBody, nil); resp.StatusCode != 200 {
			t.Fatalf("fresh token: %d %s", resp.StatusCode, data)
		}
		clk.Advance(2*time.Second + time.Minute) // past the TTL and the clock-skew allowance
		resp, data := g.chatWith(t, short.Token, chatBody, nil)
		wantRefusal(t, "expired", resp, data, 401, "expired")
	})

	t.Run("revoked-parent", func(t *testing.T) {
		key, id := g.mustKey(t, keys.CreateOptions{Name: "elsewhere", Owner: "carol"})
		tok := g.mustMint(t, key, `{"user":"u-3"}`)
		if resp, data := g.chatWith(t, tok.Token, chatBody, nil); resp.StatusCode != 200 {
			t.Fatalf("before revocation: %d %s", resp.StatusCode, data)
		}
		// Revoked by another instance: straight in the database.
		if err := g.db.Revoke(ctx, id, "test", time.Now()); err != nil {
			t.Fatal(err)
		}
		clk.Advance(keys.DefaultCacheTTL)
		resp, data := g.chatWith(t, tok.Token, chatBody, nil)
		wantRefusal(t, "parent revoked elsewhere, after the bound", resp, data, 401, "revoked")

		// Revoked through this instance: at once.
		key, id = g.mustKey(t, keys.CreateOptions{Name: "here", Owner: "carol"})
		tok = g.mustMint(t, key, `{"user":"u-3"}`)
		if resp, data := g.chatWith(t, tok.Token, chatBody, nil); resp.StatusCode != 200 {
			t.Fatalf("before revocation: %d %s", resp.StatusCode, data)
		}
		if err := g.keys.Revoke(ctx, id, "test"); err != nil {
			t.Fatal(err)
		}
		resp, data = g.chatWith(t, tok.Token, chatBody, nil)
		wantRefusal(t, "parent revoked here", resp, data, 401, "revoked")
	})

	if strings.Contains(g.log.String(), m.Token) || strings.Contains(g.log.String(), tokens.Prefix+"eyJ") {
		t.Error("the log holds a token")
	}
}

func TestTokensMintCommand(t *testing.T) {
	g, _, signing := mustRunTokenGateway(t)
	t.Setenv("AIGATE_TOKEN_SIGNING_KEY", signing)
	_, keyID := g.mustKey(t, keys.CreateOptions{Name: "web", Owner: "dora", CORSOrigins: []string{"https://app.example"}})
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"tokens", "mint", "--config", g.cfgPath, "--key-id", keyID, "--user", "u-5", "--ttl", "2m", "--origin", "https://app.example", "--json"}, strings.NewReader(""), &out, &errb)
	if err != nil {
		t.Fatalf("tokens mint: %v (%s)", err, errb.String())
	}
	var m tokens.MintResponse
	if err := json.Unmarshal(out.Bytes(), &m); err != nil || m.User != "u-5" || m.Origin != "https://app.example" {
		t.Fatalf("tokens mint --json: %v %+v", err, m)
	}
	resp, data := g.chatWith(t, m.Token, chatBody, http.Header{"Origin": {"https://app.example"}})
	if resp.StatusCode != 200 {
		t.Errorf("CLI token: %d %s", resp.StatusCode, data)
	}
	err = run(context.Background(), []string{"tokens", "mint", "--config", g.cfgPath, "--key-id", g.keyID, "--user", "u-5", "--ttl", "3h"}, strings.NewReader(""), &out, &errb)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 2 {
		t.Errorf("--ttl 3h: %v, want a usage error", err)
	}
}

func TestTokensOff(t *testing.T) {
	g := mustRunGateway(t, "")
	resp, data := g.do(t, "POST", "/v1/aigate/tokens", `{"user":"u"}`, bearerHeader(g.key))
	wantRefusal(t, "mint with tokens off", resp, data, 404, "tokens.signing_key")
}

// Key guesses at the minting endpoint count against the client address, as
// on every other route: after failed_auth_per_minute failures even a valid
// key is refused with 429 until the minute has passed.
func TestMintCountsFailedAuthentication(t *testing.T) {
	g := mustRunGatewayWith(t, upstreamsim.New(), tokensConfig+"limits:\n  failed_auth_per_minute: 3\n",
		map[string]string{"AIGATE_TOKEN_SIGNING_KEY": randomHex(32)})
	body := `{"user":"u-1"}`
	for i := range 3 {
		guess, _ := keys.Generate()
		if resp, _, data := g.mint(t, guess.Reveal(), body); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("guess %d: status %d (%s), want 401", i+1, resp.StatusCode, data)
		}
	}
	resp, _, data := g.mint(t, g.key, body)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("valid key after 3 failures: status %d (%s), want 429 with Retry-After", resp.StatusCode, data)
	}
}

// tokens.clock_skew sets how long past its expiry a token is still
// accepted: 30s by default, here 1s.
func TestTokenClockSkew(t *testing.T) {
	for _, tt := range []struct {
		config   string
		accepted time.Duration // past expiry, still accepted
		refused  time.Duration // past expiry, refused
	}{
		{"", 20 * time.Second, 31 * time.Second},
		{"  clock_skew: 1s\n", 0, 2 * time.Second},
	} {
		t.Run("skew"+strings.TrimSpace(tt.config), func(t *testing.T) {
			g := mustRunGatewayWith(t, upstreamsim.New(), tokensConfig+tt.config, map[string]string{"AIGATE_TOKEN_SIGNING_KEY": randomHex(32)})
			clk := &testClock{}
			clk.install(t, g)
			tok := g.mustMint(t, g.key, `{"user":"u-1","ttl":"2s"}`)
			clk.Advance(2*time.Second + tt.accepted)
			if resp, data := g.chatWith(t, tok.Token, chatBody, nil); resp.StatusCode != 200 {
				t.Fatalf("%s past expiry: %d %s, want it accepted", tt.accepted, resp.StatusCode, data)
			}
			clk.Advance(tt.refused - tt.accepted)
			resp, data := g.chatWith(t, tok.Token, chatBody, nil)
			wantRefusal(t, fmt.Sprint(tt.refused, " past expiry"), resp, data, 401, "expired")
		})
	}
}
