package jwtauth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/jwtauth/jwttest"
)

// authFixture is an Authenticator with one provider bound to a parent key
// whose liveness the test sets.
type authFixture struct {
	is     *jwttest.Issuer
	clock  *fakeClock
	auth   *Authenticator
	parent *gateway.Principal
	gone   bool
	broken bool
}

func newAuthFixture(t testing.TB) *authFixture {
	t.Helper()
	f := &authFixture{clock: newClock(), parent: &gateway.Principal{KeyID: "vk_parent", Owner: "acme", Policy: "default",
		Models: []string{"gpt-4o-mini"}, Limits: gateway.Limits{RequestsPerMinute: 7, ActsForUsers: true}}}
	f.is, _ = newTestIssuer(t)
	f.is.AddKey("k1", jose.ES256)
	v := mustVerifier(t, f.is, f.is.JWKSURL(), f.clock)
	a, err := NewAuthenticator([]*Provider{{Name: "acme-auth", Verifier: v, Issuer: f.is.Iss, Policies: []string{"browser", "sales"},
		Parent: func(context.Context) (*gateway.Principal, error) {
			switch {
			case f.gone:
				return nil, fmt.Errorf("key vk_parent: %w", ErrParentGone)
			case f.broken:
				return nil, errors.New("database is down")
			}
			return f.parent, nil
		}}})
	if err != nil {
		t.Fatal(err)
	}
	f.auth = a
	return f
}

// serve runs req through the middleware in front of a handler that
// reports whether it was reached; keys refuses everything it sees.
func (f *authFixture) serve(req *gateway.Request) (reachedKeys, reachedNext bool, err error) {
	keys := func(next gateway.Handler) gateway.Handler {
		return gateway.HandlerFunc(func(context.Context, *gateway.Request) (*gateway.Response, error) {
			reachedKeys = true
			return nil, gateway.Errorf(gateway.CodeUnauthenticated, "unknown aigate key")
		})
	}
	next := gateway.HandlerFunc(func(context.Context, *gateway.Request) (*gateway.Response, error) {
		reachedNext = true
		return &gateway.Response{}, nil
	})
	_, err = f.auth.Middleware(keys)(next).Serve(context.Background(), req)
	return reachedKeys, reachedNext, err
}

func TestAuthenticatorAccepts(t *testing.T) {
	f := newAuthFixture(t)
	claims := f.is.Claims(f.clock.Now())
	claims["sub"] = "user-42"
	req := &gateway.Request{Credential: gateway.NewSecret(f.is.Sign("k1", claims)), User: "someone-else"}
	byKey, reached, err := f.serve(req)
	if err != nil || byKey || !reached {
		t.Fatalf("serve = keys %v, next %v, %v; want next only", byKey, reached, err)
	}
	p := req.Principal
	if p.KeyID != "vk_parent" || p.User != "user-42" || p.Policy != "browser" || p.Limits.ActsForUsers || p.Limits.RequestsPerMinute != 7 {
		t.Errorf("principal = %+v, want the parent's for user-42 with policy browser, not acting for users", p)
	}
	if f.parent.User != "" || f.parent.Policy != "default" || !f.parent.Limits.ActsForUsers {
		t.Errorf("the parent's principal was changed: %+v", f.parent)
	}

	delete(claims, "aigate_policy")
	req = &gateway.Request{Credential: gateway.NewSecret(f.is.Sign("k1", claims))}
	if _, _, err := f.serve(req); err != nil || req.Principal.Policy != "default" {
		t.Errorf("no policy claim: %v, policy %q; want the key's policy", err, req.Principal.Policy)
	}
}

func TestAuthenticatorRefuses(t *testing.T) {
	f := newAuthFixture(t)
	now := f.clock.Now()
	good := f.is.Sign("k1", f.is.Claims(now))
	with := func(k string, v any) string {
		c := f.is.Claims(now)
		c[k] = v
		return f.is.Sign("k1", c)
	}
	stranger := jwttest.New(t, "https://elsewhere.example.test/")
	stranger.AddKey("k1", jose.ES256)

	tests := []struct {
		name   string
		token  string
		inURL  bool
		setup  func()
		status int
		reason error
	}{
		{"in-url", good, true, nil, 400, nil},
		{"unknown-issuer", stranger.Sign("k1", stranger.Claims(now)), false, nil, 401, ErrIssuer},
		{"no-issuer", with("iss", ""), false, nil, 401, ErrIssuer},
		{"bad-signature", stranger.Sign("k1", f.is.Claims(now)), false, nil, 401, ErrSignature},
		{"alg-none", rawToken(map[string]any{"alg": "none", "kid": "k1"}, f.is.Claims(now), nil), false, nil, 401, ErrAlgorithm},
		{"long-sub", with("sub", strings.Repeat("u", 257)), false, nil, 401, nil},
		{"control-in-sub", with("sub", "user\n1"), false, nil, 401, nil},
		{"policy-not-allowed", with("aigate_policy", "lenient"), false, nil, 403, ErrPolicy},
		{"parent-gone", good, false, func() { f.gone = true }, 401, ErrParentGone},
		{"parent-check-fails", good, false, func() { f.gone, f.broken = false, true }, 503, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup()
			}
			req := &gateway.Request{Credential: gateway.NewSecret(tt.token), CredentialInURL: tt.inURL}
			byKey, reached, err := f.serve(req)
			if byKey || reached || req.Principal != nil {
				t.Fatalf("reached keys %v, next %v, principal %+v; want a refusal", byKey, reached, req.Principal)
			}
			var e *gateway.Error
			if !errors.As(err, &e) || e.Code.Status() != tt.status {
				t.Fatalf("err = %v, want status %d", err, tt.status)
			}
			if tt.reason != nil && !errors.Is(e.Err, tt.reason) {
				t.Errorf("reason = %v, want %v", e.Err, tt.reason)
			}
			sig := tt.token[strings.LastIndexByte(tt.token, '.')+1:]
			if len(sig) > 10 && (strings.Contains(e.Error(), sig) || (e.Err != nil && strings.Contains(e.Err.Error(), sig))) {
				t.Errorf("the refusal quotes the token: %v", e.Err)
			}
		})
	}
}

func TestAuthenticatorPassesKeysOn(t *testing.T) {
	f := newAuthFixture(t)
	for _, cred := range []string{"", "agk_notajwtatall", "agt_eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", "a.b.c", "e30.e30"} {
		byKey, reached, _ := f.serve(&gateway.Request{Credential: gateway.NewSecret(cred)})
		if !byKey || reached {
			t.Errorf("credential %q: keys %v, next %v; want it left to key authentication", cred, byKey, reached)
		}
	}
}

func TestLooksLikeJWT(t *testing.T) {
	is, _ := newTestIssuer(t)
	is.AddKey("k", jose.EdDSA)
	for _, s := range []string{is.Sign("k", is.Claims(newClock().Now())), "e30.e30.", "eyJhbGciOiJub25lIn0.e30."} {
		if !LooksLikeJWT(s) {
			t.Errorf("LooksLikeJWT(%.20q…) = false", s)
		}
	}
	for _, s := range []string{"", "e30", "e30.e30", "e30..sig", ".e30.sig", "e30.e30.s+g", "YWJj.e30.", "e30.e30.e30.e30"} {
		if LooksLikeJWT(s) {
			t.Errorf("LooksLikeJWT(%q) = true", s)
		}
	}
}

func TestNewAuthenticatorDuplicateIssuer(t *testing.T) {
	f := newAuthFixture(t)
	p := *f.auth.byIssuer[f.is.Iss]
	q := p
	q.Name = "again"
	if _, err := NewAuthenticator([]*Provider{&p, &q}); err == nil {
		t.Error("NewAuthenticator accepted two providers with one issuer")
	}
}

// BenchmarkAuthenticate measures the JWT authentication of one request with
// the provider's keys cached, as every request after the first pays it:
// "reuse" presents the same token each time (its verification is cached),
// "first-use" a token not seen before (signature checked), both with the
// parent key answered from a cache.
func BenchmarkAuthenticate(b *testing.B) {
	ctx := context.Background()
	for _, alg := range Algorithms {
		f := newAuthFixture(b)
		f.is.AddKey("b", alg)
		claims := f.is.Claims(f.clock.Now())
		if _, err := f.auth.Authenticate(ctx, f.is.Sign("b", claims), false); err != nil {
			b.Fatal(err) // fetches the JWKS
		}
		b.Run("reuse/"+string(alg), func(b *testing.B) {
			tok := f.is.Sign("b", claims)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.auth.Authenticate(ctx, tok, false); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("first-use/"+string(alg), func(b *testing.B) {
			const n = 64 // distinct tokens, signed before timing
			toks := make([]string, n)
			for i := range toks {
				claims["jti"] = fmt.Sprint("b-", i)
				toks[i] = f.is.Sign("b", claims)
			}
			p := f.auth.byIssuer[f.is.Iss]
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				p.Verifier.cache.Clear() // every token is new
				if _, err := f.auth.Authenticate(ctx, toks[i%n], false); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
