package main

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/openai/openai-go/v3"

	"github.com/aigate-dev/aigate/internal/jwtauth/jwttest"
	"github.com/aigate-dev/aigate/internal/keys"
	"github.com/aigate-dev/aigate/internal/upstreamsim"
)

// identityConfig binds the test issuer (%[1]s, JWKS at %[2]s) to the key
// named web-app; the policy claim may select support or sales, not
// lenient.
const identityConfig = `
limits:
  requests_per_minute: 3
  failed_auth_per_minute: %[3]d
policies:
  support:
    system_prompt: "You are the support assistant."
  sales:
    system_prompt: "You are the sales assistant."
  lenient:
    injection: off
identity_providers:
  - name: acme-auth
    key: web-app
    issuer: %[1]s
    audience: aigate
    jwks_url: %[2]s
    policy_claim: aigate_policy
    policies: [support, sales]
`

// jwtGateway is a gateway with the identity provider of identityConfig, a
// web-app key and a test clock shared by the verifiers and the parent
// cache.
type jwtGateway struct {
	*testGateway
	is    *jwttest.Issuer
	clk   *testClock
	webID string
	seen  []string // every JWT sent, for the log check
}

func mustRunJWTGateway(t *testing.T, failedAuthPerMinute int) *jwtGateway {
	t.Helper()
	is := jwttest.New(t, "https://id.example.test/")
	is.AddKey("k1", jose.RS256)
	g := mustRunGatewayWith(t, upstreamsim.New(), fmt.Sprintf(identityConfig, is.Iss, is.JWKSURL(), failedAuthPerMinute), nil)
	j := &jwtGateway{testGateway: g, is: is, clk: &testClock{}}
	now := j.clk.Now
	g.idp.now.Store(&now)
	_, j.webID = g.mustKey(t, keys.CreateOptions{Name: "web-app", Owner: "acme"})
	return j
}

// claims are the issuer's usual claims at the test clock's now, for sub,
// without a policy claim.
func (j *jwtGateway) claims(sub string) map[string]any {
	c := j.is.Claims(j.clk.Now())
	c["sub"] = sub
	delete(c, "aigate_policy")
	return c
}

func (j *jwtGateway) sign(kid string, c map[string]any) string {
	tok := j.is.Sign(kid, c)
	j.seen = append(j.seen, tok)
	return tok
}

// accessRecords returns the gateway's access log records.
func accessRecords(t *testing.T, g *testGateway) []map[string]any {
	t.Helper()
	var recs []map[string]any
	for line := range strings.SplitSeq(g.log.String(), "\n") {
		var r map[string]any
		if json.Unmarshal([]byte(line), &r) == nil && r["msg"] == "request" {
			recs = append(recs, r)
		}
	}
	return recs
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func lastAccess(t *testing.T, g *testGateway) map[string]any {
	t.Helper()
	recs := accessRecords(t, g)
	if len(recs) == 0 {
		t.Fatal("no access record")
	}
	return recs[len(recs)-1]
}

func TestJWTEndToEnd(t *testing.T) {
	j := mustRunJWTGateway(t, 1000)
	g := j.testGateway
	ctx := context.Background()
	chat := openai.ChatCompletionNewParams{Model: "gpt-4o-mini", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("hello")}}
	first := j.sign("k1", j.claims("user-a"))

	t.Run("sdk", func(t *testing.T) {
		c := openaiClient(g, first)
		resp, err := c.Chat.Completions.New(ctx, chat)
		if err != nil || len(resp.Choices) == 0 {
			t.Fatalf("chat with a JWT: %v", err)
		}
		up := g.upstream.last(t)
		if got := up.header.Get("Authorization"); got != "Bearer "+g.provKeys["TEST_OPENAI_KEY"] {
			t.Errorf("provider saw Authorization %q, want the provider key", redactForTest(got))
		}
		if rec := lastAccess(t, g); rec["key_id"] != j.webID || rec["user"] != "user-a" || rec["owner"] != "acme" {
			t.Errorf("access record = key %v user %v owner %v, want web-app's key for user-a", rec["key_id"], rec["user"], rec["owner"])
		}
		s := c.Chat.Completions.NewStreaming(ctx, chat)
		var text strings.Builder
		for s.Next() {
			for _, ch := range s.Current().Choices {
				text.WriteString(ch.Delta.Content)
			}
		}
		if err := s.Err(); err != nil || text.Len() == 0 {
			t.Fatalf("stream with a JWT: %v, %q", err, text.String())
		}
	})

	t.Run("user-fixed-by-sub", func(t *testing.T) {
		body := `{"model":"gpt-4o-mini","user":"mallory","messages":[{"role":"user","content":"hello"}]}`
		resp, data := g.chatWith(t, j.sign("k1", j.claims("user-b")), body, http.Header{"X-Aigate-User": {"mallory"}})
		if resp.StatusCode != 200 {
			t.Fatalf("status %d %s", resp.StatusCode, data)
		}
		if rec := lastAccess(t, g); rec["user"] != "user-b" {
			t.Errorf("end user = %v, want user-b whatever the body and X-Aigate-User say", rec["user"])
		}
	})

	t.Run("limits-per-sub", func(t *testing.T) {
		// requests_per_minute: 3 applies to each sub on its own.
		tok := j.sign("k1", j.claims("user-c"))
		for i := range 3 {
			if resp, data := g.chatWith(t, tok, chatBody, nil); resp.StatusCode != 200 {
				t.Fatalf("request %d of user-c: %d %s", i+1, resp.StatusCode, data)
			}
		}
		resp, data := g.chatWith(t, tok, chatBody, nil)
		wantRefusal(t, "user-c's 4th request in the minute", resp, data, 429, "")
		resp, data = g.chatWith(t, j.sign("k1", j.claims("user-d")), chatBody, nil)
		if resp.StatusCode != 200 {
			t.Errorf("user-d after user-c's limit: %d %s, want 200", resp.StatusCode, data)
		}
	})

	t.Run("refused", func(t *testing.T) {
		now := j.clk.Now()
		with := func(k string, v any) map[string]any {
			c := j.claims("user-r")
			c[k] = v
			return c
		}
		der, err := x509.MarshalPKIXPublicKey(j.is.Key("k1").Public())
		if err != nil {
			t.Fatal(err)
		}
		pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
		other := jwttest.New(t, j.is.Iss) // the same iss, other keys
		other.AddKey("k1", jose.RS256)
		other.AddKey("k-unknown", jose.ES256)
		none := func() string {
			h, _ := json.Marshal(map[string]any{"alg": "none", "kid": "k1", "typ": "JWT"})
			c, _ := json.Marshal(j.claims("user-r"))
			return b64(h) + "." + b64(c) + "."
		}
		for _, tc := range []struct {
			name, token, reason string
		}{
			{"alg-none", none(), "JWT algorithm not allowed: none"},
			{"hs256-with-public-key", jwttest.SignWith(t, jose.HS256, pubPEM, "k1", j.claims("user-r")), "JWT algorithm not allowed: HS256"},
			{"expired", j.is.Sign("k1", with("exp", now.Add(-5*time.Minute).Unix())), "JWT expired"},
			{"not-yet-valid", j.is.Sign("k1", with("nbf", now.Add(5*time.Minute).Unix())), "JWT not yet valid"},
			{"wrong-issuer", j.is.Sign("k1", with("iss", "https://evil.example.test/")), "no identity provider has the issuer"},
			{"wrong-audience", j.is.Sign("k1", with("aud", "someone-else")), "JWT audience not accepted"},
			{"unknown-kid", other.Sign("k-unknown", j.claims("user-r")), "JWT signed by a key the issuer's JWKS does not hold"},
			{"bad-signature", other.Sign("k1", j.claims("user-r")), "JWT signature does not verify"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				j.seen = append(j.seen, tc.token)
				before := g.upstream.count()
				resp, data := g.chatWith(t, tc.token, chatBody, nil)
				wantRefusal(t, tc.name, resp, data, 401, "token")
				if g.upstream.count() != before {
					t.Error("a refused request reached the provider")
				}
				if rec := lastAccess(t, g); rec["status"] != 401.0 || !strings.Contains(fmt.Sprint(rec["error"]), tc.reason) {
					t.Errorf("access record status %v error %q, want 401 with %q", rec["status"], rec["error"], tc.reason)
				}
			})
		}
		t.Run("sdk-sees-401", func(t *testing.T) {
			c := openaiClient(g, j.is.Sign("k1", with("aud", "someone-else")))
			_, err := c.Chat.Completions.New(ctx, chat)
			var apiErr *openai.Error
			if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 {
				t.Errorf("SDK error = %v, want an *openai.Error with status 401", err)
			}
		})
		t.Run("anthropic-format", func(t *testing.T) {
			tok := j.sign("k1", with("exp", now.Add(-5*time.Minute).Unix()))
			resp, data := g.do(t, "POST", "/v1/messages", `{"model":"claude-3-5-haiku-latest","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}`,
				http.Header{"X-Api-Key": {tok}, "Anthropic-Version": {"2023-06-01"}})
			if resp.StatusCode != 401 || !strings.Contains(errorMessage(t, "anthropic", data), "expired") {
				t.Errorf("expired JWT as x-api-key: %d %s, want 401 in Anthropic's format saying it expired", resp.StatusCode, data)
			}
		})
	})

	t.Run("in-url", func(t *testing.T) {
		tok := j.sign("k1", j.claims("user-u"))
		for _, param := range []string{"key", "access_token"} {
			resp, data := g.do(t, "POST", "/v1/chat/completions?"+param+"="+tok, chatBody, nil)
			wantRefusal(t, "JWT in ?"+param, resp, data, 400, "URL")
		}
	})

	t.Run("policy-claim", func(t *testing.T) {
		c := j.claims("user-p")
		c["aigate_policy"] = "support"
		resp, data := g.chatWith(t, j.sign("k1", c), chatBody, nil)
		if resp.StatusCode != 200 || !strings.Contains(string(g.upstream.last(t).body), "You are the support assistant.") {
			t.Errorf("policy support: %d %s, want 200 with support's system prompt sent upstream", resp.StatusCode, data)
		}
		c["aigate_policy"] = "lenient" // defined, but not for this provider to select
		before := g.upstream.count()
		resp, data = g.chatWith(t, j.sign("k1", c), chatBody, nil)
		wantRefusal(t, "policy the provider may not select", resp, data, 403, "policy")
		if g.upstream.count() != before {
			t.Error("a refused request reached the provider")
		}
		resp, data = g.chatWith(t, j.sign("k1", j.claims("user-p")), chatBody, nil)
		if body := string(g.upstream.last(t).body); resp.StatusCode != 200 || strings.Contains(body, "assistant.") {
			t.Errorf("no policy claim: %d %s, want 200 under the key's own policy (none)", resp.StatusCode, data)
		}
	})

	t.Run("key-rotation-at-issuer", func(t *testing.T) {
		j.is.AddKey("k2", jose.ES256)
		j.is.Unpublish("k1")
		j.clk.Advance(31 * time.Second) // past the least time between two JWKS fetches
		resp, data := g.chatWith(t, j.sign("k2", j.claims("user-k")), chatBody, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("token of the new key: %d %s, want the JWKS re-fetched and the token accepted", resp.StatusCode, data)
		}
		resp, data = g.chatWith(t, j.sign("k1", j.claims("user-k")), chatBody, nil)
		wantRefusal(t, "token of the retired key", resp, data, 401, "token")
		resp, data = g.chatWith(t, first, chatBody, nil)
		wantRefusal(t, "earlier token of the retired key", resp, data, 401, "token")
	})

	t.Run("key-rotated", func(t *testing.T) {
		// The provider names its key by name: a rotation carries it over
		// to the successor, while the old key still has its grace period.
		_, next, err := g.keys.Rotate(ctx, j.webID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		resp, data := g.chatWith(t, j.sign("k2", j.claims("user-k")), chatBody, nil)
		if rec := lastAccess(t, g); resp.StatusCode != 200 || rec["key_id"] != next.ID {
			t.Errorf("after rotation: %d %s for key %v, want 200 for the successor %s", resp.StatusCode, data, rec["key_id"], next.ID)
		}
		j.webID = next.ID
	})

	t.Run("revoked-parent", func(t *testing.T) {
		// A second provider, bound by id, added by a reload.
		partner := jwttest.New(t, "https://partner.example.test/")
		partner.AddKey("p1", jose.EdDSA)
		_, pid := g.mustKey(t, keys.CreateOptions{Name: "partner", Owner: "bob"})
		cfg, err := os.ReadFile(g.cfgPath)
		if err != nil {
			t.Fatal(err)
		}
		cfg = fmt.Appendf(cfg, "  - name: partner\n    key: %s\n    issuer: %s\n    audience: aigate\n    jwks_url: %s\n", pid, partner.Iss, partner.JWKSURL())
		if err := os.WriteFile(g.cfgPath, cfg, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := g.Reload(); err != nil {
			t.Fatal(err)
		}
		pc := partner.Claims(j.clk.Now())
		delete(pc, "aigate_policy")
		ptok := partner.Sign("p1", pc)
		j.seen = append(j.seen, ptok)
		if resp, data := g.chatWith(t, ptok, chatBody, nil); resp.StatusCode != 200 {
			t.Fatalf("partner token: %d %s", resp.StatusCode, data)
		}
		if rec := lastAccess(t, g); rec["key_id"] != pid {
			t.Errorf("partner token acted for key %v, want %s", rec["key_id"], pid)
		}
		// Revoked by another instance: straight in the database, so it
		// takes the revocation bound.
		if err := g.db.Revoke(ctx, pid, "test", time.Now()); err != nil {
			t.Fatal(err)
		}
		j.clk.Advance(keys.DefaultCacheTTL)
		resp, data := g.chatWith(t, ptok, chatBody, nil)
		wantRefusal(t, "parent revoked elsewhere, after the bound", resp, data, 401, "revoked")

		// Revoked through this instance: at once.
		tok := j.sign("k2", j.claims("user-v"))
		if resp, data := g.chatWith(t, tok, chatBody, nil); resp.StatusCode != 200 {
			t.Fatalf("before revocation: %d %s", resp.StatusCode, data)
		}
		if err := g.keys.Revoke(ctx, j.webID, "test"); err != nil {
			t.Fatal(err)
		}
		resp, data = g.chatWith(t, tok, chatBody, nil)
		wantRefusal(t, "parent revoked here", resp, data, 401, "revoked")
	})

	log := g.log.String()
	for _, tok := range j.seen {
		sig := tok[strings.LastIndexByte(tok, '.')+1:]
		if strings.Contains(log, tok) || (len(sig) > 10 && strings.Contains(log, sig)) {
			t.Fatal("the log holds a JWT")
		}
	}
}

// Failed JWT authentications count against the client address like key
// guesses: after failed_auth_per_minute of them even a valid token is
// refused with 429 until the minute has passed.
func TestJWTCountsFailedAuthentication(t *testing.T) {
	j := mustRunJWTGateway(t, 3)
	c := j.claims("user-f")
	c["aud"] = "someone-else"
	for i := range 3 {
		if resp, data := j.chatWith(t, j.sign("k1", c), chatBody, nil); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("bad JWT %d: status %d (%s), want 401", i+1, resp.StatusCode, data)
		}
	}
	resp, data := j.chatWith(t, j.sign("k1", j.claims("user-f")), chatBody, nil)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("valid JWT after 3 failures: status %d (%s), want 429 with Retry-After", resp.StatusCode, data)
	}
}
