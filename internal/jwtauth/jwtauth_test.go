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
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock               { return &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }
func (c *fakeClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func mustVerifier(t testing.TB, is *testIssuer, jwksURL string, clock *fakeClock) *Verifier {
	t.Helper()
	v, err := New(Config{Issuer: is.url, Audience: "aigate", JWKSURL: jwksURL, PolicyClaim: "aigate_policy", Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestVerifyAccepts(t *testing.T) {
	is, srv := newTestIssuer(t)
	clock := newClock()
	for _, alg := range Algorithms {
		is.addKey("k-"+string(alg), alg)
	}
	v := mustVerifier(t, is, srv.URL, clock)
	for _, alg := range Algorithms {
		t.Run(string(alg), func(t *testing.T) {
			id, err := v.Verify(context.Background(), is.sign("k-"+string(alg), is.claims(clock.Now())))
			if err != nil {
				t.Fatalf("Verify(%s token) = %v", alg, err)
			}
			want := Identity{Subject: "user-1", Policy: "browser", Issuer: is.url, ID: "id-1", Expires: clock.Now().Add(10 * time.Minute)}
			if *id != want {
				t.Errorf("Verify = %+v, want %+v", *id, want)
			}
		})
	}
	if n := is.fetchCount(); n != 1 {
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
	is.addKey("rsa", jose.RS256)
	is.addKey("ec", jose.ES256)
	other, _ := newTestIssuer(t)
	other.addKey("rsa", jose.RS256) // same kid, another key
	other.addKey("stranger", jose.EdDSA)
	v := mustVerifier(t, is, srv.URL, clock)
	now := clock.Now()
	with := func(k string, val any) map[string]any {
		c := is.claims(now)
		if val == nil {
			delete(c, k)
		} else {
			c[k] = val
		}
		return c
	}
	rsaPub := is.keys["rsa"].key.Public()
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
		{"alg-none", rawToken(map[string]any{"alg": "none", "kid": "rsa"}, is.claims(now), nil), ErrAlgorithm, 401},
		{"hmac-with-public-key", signWith(t, jose.HS256, pubPEM, "rsa", is.claims(now)), ErrAlgorithm, 401},
		{"hmac-with-modulus", signWith(t, jose.HS256, []byte(base64.RawURLEncoding.EncodeToString(pubDER)), "rsa", is.claims(now)), ErrAlgorithm, 401},
		{"rs512", signWith(t, jose.RS512, is.keys["rsa"].key, "rsa", is.claims(now)), ErrAlgorithm, 401},
		{"expired", is.sign("rsa", with("exp", now.Add(-time.Minute).Unix())), ErrExpired, 401},
		{"no-exp", is.sign("rsa", with("exp", nil)), ErrExpired, 401},
		{"not-yet-valid", is.sign("rsa", with("nbf", now.Add(5*time.Minute).Unix())), ErrNotYetValid, 401},
		{"issued-in-future", is.sign("rsa", with("iat", now.Add(5*time.Minute).Unix())), ErrNotYetValid, 401},
		{"wrong-issuer", is.sign("rsa", with("iss", "https://evil.example.test/")), ErrIssuer, 401},
		{"wrong-audience", is.sign("rsa", with("aud", "someone-else")), ErrAudience, 401},
		{"no-subject", is.sign("rsa", with("sub", nil)), ErrSubject, 401},
		{"unknown-kid", other.sign("stranger", is.claims(now)), ErrUnknownKey, 401},
		{"forged-signature", other.sign("rsa", is.claims(now)), ErrSignature, 401},
		{"key-of-other-type", signWith(t, jose.ES256, is.keys["ec"].key, "rsa", is.claims(now)), ErrKeyMismatch, 401},
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
		tok := is.sign("rsa", with("exp", now.Add(-10*time.Second).Unix()))
		if _, err := v.Verify(ctx, tok); err != nil {
			t.Errorf("Verify 10s past exp = %v, want accepted within the 30s leeway", err)
		}
	})
}

func TestKeyRotationAtIssuer(t *testing.T) {
	ctx := context.Background()
	is, srv := newTestIssuer(t)
	clock := newClock()
	is.addKey("2026-01", jose.RS256)
	v := mustVerifier(t, is, srv.URL, clock)
	old := is.sign("2026-01", is.claims(clock.Now()))
	if _, err := v.Verify(ctx, old); err != nil {
		t.Fatal(err)
	}

	t.Run("new-key-fetched-on-unknown-kid", func(t *testing.T) {
		is.addKey("2026-02", jose.ES256)
		clock.Add(31 * time.Second) // past MinRefreshInterval since the first fetch
		if _, err := v.Verify(ctx, is.sign("2026-02", is.claims(clock.Now()))); err != nil {
			t.Fatalf("Verify(token of the new key) = %v, want a JWKS refresh to find it", err)
		}
		if n := is.fetchCount(); n != 2 {
			t.Errorf("JWKS fetched %d times, want 2", n)
		}
	})
	t.Run("unknown-kid-fetches-rate-limited", func(t *testing.T) {
		is.addKey("2026-03", jose.EdDSA)
		tok := is.sign("2026-03", is.claims(clock.Now()))
		for range 3 {
			if _, err := v.Verify(ctx, tok); !errors.Is(err, ErrUnknownKey) {
				t.Fatalf("Verify within MinRefreshInterval = %v, want ErrUnknownKey", err)
			}
		}
		if n := is.fetchCount(); n != 2 {
			t.Errorf("JWKS fetched %d times, want no more fetches within MinRefreshInterval", n)
		}
		clock.Add(31 * time.Second)
		if _, err := v.Verify(ctx, tok); err != nil {
			t.Errorf("Verify after MinRefreshInterval = %v, want the key found", err)
		}
	})
	t.Run("retired-key-refused-after-refresh", func(t *testing.T) {
		is.unpublish("2026-01")
		clock.Add(time.Hour)
		tok := is.sign("2026-01", is.claims(clock.Now()))
		if _, err := v.Verify(ctx, tok); !errors.Is(err, ErrUnknownKey) {
			t.Errorf("Verify(token of an unpublished key) = %v, want ErrUnknownKey", err)
		}
	})
}

func TestJWKSUnavailable(t *testing.T) {
	ctx := context.Background()
	is, srv := newTestIssuer(t)
	clock := newClock()
	is.addKey("k", jose.EdDSA)
	v := mustVerifier(t, is, srv.URL, clock)

	t.Run("no-keys-yet", func(t *testing.T) {
		is.setDown(true)
		_, err := v.Verify(ctx, is.sign("k", is.claims(clock.Now())))
		if !errors.Is(err, ErrJWKS) {
			t.Fatalf("Verify with the JWKS down = %v, want ErrJWKS", err)
		}
		if got := Refusal(err).Code; got != gateway.CodeUnavailable {
			t.Errorf("Refusal code = %s, want unavailable", got)
		}
		n := is.fetchCount()
		if _, err := v.Verify(ctx, is.sign("k", is.claims(clock.Now()))); !errors.Is(err, ErrJWKS) {
			t.Errorf("second Verify with the JWKS down = %v, want ErrJWKS", err)
		}
		if is.fetchCount() != n {
			t.Error("a request right after a failed fetch fetched again, want it rate limited")
		}
	})
	t.Run("known-keys-kept", func(t *testing.T) {
		is.setDown(false)
		if err := v.Fetch(ctx); err != nil {
			t.Fatal(err)
		}
		is.setDown(true)
		clock.Add(2 * time.Hour) // stale: the refresh fails
		for range 3 {
			if _, err := v.Verify(ctx, is.sign("k", is.claims(clock.Now()))); err != nil {
				t.Errorf("Verify with a stale JWKS and the provider down = %v, want the known key used", err)
			}
		}
		if n := is.fetchCount(); n != 3 {
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
	is.addKey("k1", jose.ES256)
	v := mustVerifier(t, is, srv.URL, clock)
	c := is.claims(clock.Now())
	c["exp"] = clock.Now().Add(3 * time.Hour).Unix()
	long := is.sign("k1", c)
	short := is.sign("k1", is.claims(clock.Now()))
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
		is.addKey("k2", jose.ES256)
		is.unpublish("k1")
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
		is.addKey(string(alg), alg)
	}
	ctx := context.Background()
	for _, mode := range []struct {
		name string
		size int
	}{{"first-use", -1}, {"reuse", 0}} {
		v, err := New(Config{Issuer: is.url, Audience: "aigate", JWKSURL: srv.URL, Now: clock.Now, CacheSize: mode.size})
		if err != nil {
			b.Fatal(err)
		}
		for _, alg := range Algorithms {
			b.Run(mode.name+"/"+string(alg), func(b *testing.B) {
				tok := is.sign(string(alg), is.claims(clock.Now()))
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
	is.addKey("k", jose.EdDSA)
	v := mustVerifier(f, is, srv.URL, clock)
	f.Add(is.sign("k", is.claims(clock.Now())))
	f.Add(rawToken(map[string]any{"alg": "none"}, map[string]any{"sub": "x"}, nil))
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := v.Verify(context.Background(), s)
		if err == nil && (id == nil || id.Subject == "") {
			t.Fatalf("Verify(%q) accepted %+v", s, id)
		}
	})
}
