package jwtauth

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/jwtauth/jwttest"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock               { return &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }
func (c *fakeClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func mustVerifier(t testing.TB, is *jwttest.Issuer, jwksURL string, clock *fakeClock) *Verifier {
	t.Helper()
	v, err := New(Config{Issuer: is.Iss, Audience: "aigate", JWKSURL: jwksURL, PolicyClaim: "aigate_policy", Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestVerifyAccepts(t *testing.T) {
	is, srv := newTestIssuer(t)
	clock := newClock()
	for _, alg := range Algorithms {
		is.AddKey("k-"+string(alg), alg)
	}
	v := mustVerifier(t, is, srv.URL, clock)
	for _, alg := range Algorithms {
		t.Run(string(alg), func(t *testing.T) {
			id, err := v.Verify(context.Background(), is.Sign("k-"+string(alg), is.Claims(clock.Now())))
			if err != nil {
				t.Fatalf("Verify(%s token) = %v", alg, err)
			}
			want := Identity{Subject: "user-1", Policy: "browser", Issuer: is.Iss, ID: "id-1", Expires: clock.Now().Add(10 * time.Minute)}
			if *id != want {
				t.Errorf("Verify = %+v, want %+v", *id, want)
			}
		})
	}
	if n := is.Fetches(); n != 1 {
		t.Errorf("JWKS fetched %d times, want once", n)
	}
}

// unsigned returns a token with the given header and claims and the given
// signature bytes.
func rawToken(header, claims map[string]any, sig []byte) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(header) + "." + enc(claims) + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func TestVerifyRefuses(t *testing.T) {
	ctx := context.Background()
	is, srv := newTestIssuer(t)
	clock := newClock()
	is.AddKey("rsa", jose.RS256)
	is.AddKey("ec", jose.ES256)
	other, _ := newTestIssuer(t)
	other.AddKey("rsa", jose.RS256) // same kid, another key
	other.AddKey("stranger", jose.EdDSA)
	v := mustVerifier(t, is, srv.URL, clock)
	now := clock.Now()
	with := func(k string, val any) map[string]any {
		c := is.Claims(now)
		if val == nil {
			delete(c, k)
		} else {
			c[k] = val
		}
		return c
	}
	rsaPub := is.Key("rsa").Public()
	pubDER, err := x509.MarshalPKIXPublicKey(rsaPub)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})

	tests := []struct {
		name   string
		token  string
		want   error
		status int
	}{
		{"alg-none", rawToken(map[string]any{"alg": "none", "kid": "rsa"}, is.Claims(now), nil), ErrAlgorithm, 401},
		{"hmac-with-public-key", jwttest.SignWith(t, jose.HS256, pubPEM, "rsa", is.Claims(now)), ErrAlgorithm, 401},
		{"hmac-with-modulus", jwttest.SignWith(t, jose.HS256, []byte(base64.RawURLEncoding.EncodeToString(pubDER)), "rsa", is.Claims(now)), ErrAlgorithm, 401},
		{"rs512", jwttest.SignWith(t, jose.RS512, is.Key("rsa"), "rsa", is.Claims(now)), ErrAlgorithm, 401},
		{"expired", is.Sign("rsa", with("exp", now.Add(-time.Minute).Unix())), ErrExpired, 401},
		{"no-exp", is.Sign("rsa", with("exp", nil)), ErrExpired, 401},
		{"not-yet-valid", is.Sign("rsa", with("nbf", now.Add(5*time.Minute).Unix())), ErrNotYetValid, 401},
		{"issued-in-future", is.Sign("rsa", with("iat", now.Add(5*time.Minute).Unix())), ErrNotYetValid, 401},
		{"wrong-issuer", is.Sign("rsa", with("iss", "https://evil.example.test/")), ErrIssuer, 401},
		{"wrong-audience", is.Sign("rsa", with("aud", "someone-else")), ErrAudience, 401},
		{"no-subject", is.Sign("rsa", with("sub", nil)), ErrSubject, 401},
		{"unknown-kid", other.Sign("stranger", is.Claims(now)), ErrUnknownKey, 401},
		{"forged-signature", other.Sign("rsa", is.Claims(now)), ErrSignature, 401},
		{"key-of-other-type", jwttest.SignWith(t, jose.ES256, is.Key("ec"), "rsa", is.Claims(now)), ErrKeyMismatch, 401},
		{"garbage", "not-a-jwt", ErrMalformed, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Verify(ctx, tt.token)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
			e := Refusal(err)
			if got := e.Code.Status(); got != tt.status {
				t.Errorf("Refusal status = %d, want %d", got, tt.status)
			}
			if i := strings.LastIndexByte(tt.token, '.'); i > 0 && len(tt.token)-i > 10 {
				if sig := tt.token[i+1:]; strings.Contains(err.Error(), sig) || strings.Contains(e.Message, sig) {
					t.Errorf("the error quotes the token: %v", err)
				}
			}
		})
	}
	t.Run("within-leeway", func(t *testing.T) {
		tok := is.Sign("rsa", with("exp", now.Add(-10*time.Second).Unix()))
		if _, err := v.Verify(ctx, tok); err != nil {
			t.Errorf("Verify 10s past exp = %v, want accepted within the 30s leeway", err)
		}
	})
}

func TestKeyRotationAtIssuer(t *testing.T) {
	ctx := context.Background()
	is, srv := newTestIssuer(t)
	clock := newClock()
	is.AddKey("2026-01", jose.RS256)
	v := mustVerifier(t, is, srv.URL, clock)
	old := is.Sign("2026-01", is.Claims(clock.Now()))
	if _, err := v.Verify(ctx, old); err != nil {
		t.Fatal(err)
	}

	t.Run("new-key-fetched-on-unknown-kid", func(t *testing.T) {
		is.AddKey("2026-02", jose.ES256)
		clock.Add(31 * time.Second) // past MinRefreshInterval since the first fetch
		if _, err := v.Verify(ctx, is.Sign("2026-02", is.Claims(clock.Now()))); err != nil {
			t.Fatalf("Verify(token of the new key) = %v, want a JWKS refresh to find it", err)
		}
		if n := is.Fetches(); n != 2 {
			t.Errorf("JWKS fetched %d times, want 2", n)
		}
	})
	t.Run("unknown-kid-fetches-rate-limited", func(t *testing.T) {
		is.AddKey("2026-03", jose.EdDSA)
		tok := is.Sign("2026-03", is.Claims(clock.Now()))
		for range 3 {
			if _, err := v.Verify(ctx, tok); !errors.Is(err, ErrUnknownKey) {
				t.Fatalf("Verify within MinRefreshInterval = %v, want ErrUnknownKey", err)
			}
		}
		if n := is.Fetches(); n != 2 {
			t.Errorf("JWKS fetched %d times, want no more fetches within MinRefreshInterval", n)
		}
		clock.Add(31 * time.Second)
		if _, err := v.Verify(ctx, tok); err != nil {
			t.Errorf("Verify after MinRefreshInterval = %v, want the key found", err)
		}
	})
	t.Run("retired-key-refused-after-refresh", func(t *testing.T) {
		is.Unpublish("2026-01")
		clock.Add(time.Hour)
		tok := is.Sign("2026-01", is.Claims(clock.Now()))
		if _, err := v.Verify(ctx, tok); !errors.Is(err, ErrUnknownKey) {
			t.Errorf("Verify(token of an unpublished key) = %v, want ErrUnknownKey", err)
		}
	})
}

func TestJWKSUnavailable(t *testing.T) {
	ctx := context.Background()
	is, srv := newTestIssuer(t)
	clock := newClock()
	is.AddKey("k", jose.EdDSA)
	v := mustVerifier(t, is, srv.URL, clock)

	t.Run("no-keys-yet", func(t *testing.T) {
		is.SetDown(true)
		_, err := v.Verify(ctx, is.Sign("k", is.Claims(clock.Now())))
		if !errors.Is(err, ErrJWKS) {
			t.Fatalf("Verify with the JWKS down = %v, want ErrJWKS", err)
		}
		if got := Refusal(err).Code; got != gateway.CodeUnavailable {
			t.Errorf("Refusal code = %s, want unavailable", got)
		}
		n := is.Fetches()
		if _, err := v.Verify(ctx, is.Sign("k", is.Claims(clock.Now()))); !errors.Is(err, ErrJWKS) {
			t.Errorf("second Verify with the JWKS down = %v, want ErrJWKS", err)
		}
		if is.Fetches() != n {
			t.Error("a request right after a failed fetch fetched again, want it rate limited")
		}
	})
	t.Run("known-keys-kept", func(t *testing.T) {
		is.SetDown(false)
		if err := v.Fetch(ctx); err != nil {
			t.Fatal(err)
		}
		is.SetDown(true)
		clock.Add(2 * time.Hour) // stale: the refresh fails
		for range 3 {
			if _, err := v.Verify(ctx, is.Sign("k", is.Claims(clock.Now()))); err != nil {
				t.Errorf("Verify with a stale JWKS and the provider down = %v, want the known key used", err)
			}
		}
		if n := is.Fetches(); n != 3 {
			t.Errorf("JWKS fetched %d times, want 3: one failed, Fetch, one failed refresh, not one per request", n)
		}
	})
}

func TestNew(t *testing.T) {
	tests := []struct {
		name string
		c    Config
		want string
	}{
		{"missing", Config{}, "issuer is required"},
		{"http", Config{Issuer: "i", Audience: "a", JWKSURL: "http://idp.example/jwks"}, "must use https"},
		{"relative", Config{Issuer: "i", Audience: "a", JWKSURL: "/jwks"}, "absolute URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.c); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New(%+v) = %v, want an error containing %q", tt.c, err, tt.want)
			}
		})
	}
	for _, u := range []string{"https://idp.example/jwks", "http://127.0.0.1:8080/jwks", "http://localhost/jwks"} {
		if _, err := New(Config{Issuer: "i", Audience: "a", JWKSURL: u}); err != nil {
			t.Errorf("New(JWKSURL %s) = %v, want accepted", u, err)
		}
	}
}

func TestVerifyCache(t *testing.T) {
	ctx := context.Background()
	is, srv := newTestIssuer(t)
	clock := newClock()
	is.AddKey("k1", jose.ES256)
	v := mustVerifier(t, is, srv.URL, clock)
	c := is.Claims(clock.Now())
	c["exp"] = clock.Now().Add(3 * time.Hour).Unix()
	long := is.Sign("k1", c)
	short := is.Sign("k1", is.Claims(clock.Now()))
	for _, tok := range []string{long, short} {
		if _, err := v.Verify(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("cached-token-expires", func(t *testing.T) {
		clock.Add(11 * time.Minute)
		if _, err := v.Verify(ctx, short); !errors.Is(err, ErrExpired) {
			t.Errorf("Verify(cached, expired) = %v, want ErrExpired", err)
		}
	})
	t.Run("cached-token-of-retired-key", func(t *testing.T) {
		is.AddKey("k2", jose.ES256)
		is.Unpublish("k1")
		clock.Add(time.Hour) // the JWKS is due a refresh
		if _, err := v.Verify(ctx, long); !errors.Is(err, ErrUnknownKey) {
			t.Errorf("Verify(cached, key unpublished) = %v, want ErrUnknownKey", err)
		}
	})
}

// BenchmarkVerify measures Verify per algorithm: "first-use" checks the
// signature (the cache is off), "reuse" is every later request with the
// same token.
func BenchmarkVerify(b *testing.B) {
	is, srv := newTestIssuer(b)
	clock := newClock()
	for _, alg := range Algorithms {
		is.AddKey(string(alg), alg)
	}
	ctx := context.Background()
	for _, mode := range []struct {
		name string
		size int
	}{{"first-use", -1}, {"reuse", 0}} {
		v, err := New(Config{Issuer: is.Iss, Audience: "aigate", JWKSURL: srv.URL, Now: clock.Now, CacheSize: mode.size})
		if err != nil {
			b.Fatal(err)
		}
		for _, alg := range Algorithms {
			b.Run(mode.name+"/"+string(alg), func(b *testing.B) {
				tok := is.Sign(string(alg), is.Claims(clock.Now()))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := v.Verify(ctx, tok); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func FuzzVerify(f *testing.F) {
	is, srv := newTestIssuer(f)
	clock := newClock()
	is.AddKey("k", jose.EdDSA)
	v := mustVerifier(f, is, srv.URL, clock)
	f.Add(is.Sign("k", is.Claims(clock.Now())))
	f.Add(rawToken(map[string]any{"alg": "none"}, map[string]any{"sub": "x"}, nil))
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := v.Verify(context.Background(), s)
		if err == nil && (id == nil || id.Subject == "") {
			t.Fatalf("Verify(%q) accepted %+v", s, id)
		}
	})
}
