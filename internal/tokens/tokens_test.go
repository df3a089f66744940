package tokens

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/aigate-dev/aigate/internal/gateway"
)

// mustKey returns a signing key generated at test run time.
func mustKey(t testing.TB) gateway.Secret {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return gateway.NewSecret(base64.StdEncoding.EncodeToString(b))
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time                   { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration)              { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func (c *fakeClock) Set(t time.Time)                  { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func newClock() *fakeClock                            { return &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }
func (c *fakeClock) Since(t0 time.Time) time.Duration { return c.Now().Sub(t0) }

// revoked is a Revocations backed by a set, standing in for the gateway's
// cache.
type revoked struct {
	mu  sync.Mutex
	ids map[string]bool
	err error
}

func (r *revoked) Revoked(_ context.Context, id string) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ids[id], r.err
}

var parent = &gateway.Principal{KeyID: "vk_parent00001", KeyName: "web", Models: []string{"gpt-4o-mini", "claude-*"},
	Policy: "default", Limits: gateway.Limits{RequestsPerMinute: 60, ActsForUsers: true}}

func mustAuthority(t testing.TB, key gateway.Secret, clock *fakeClock, rev Revocations, prev ...gateway.Secret) *Authority {
	t.Helper()
	a, err := New(key, Options{Revocations: rev, Now: clock.Now, Previous: prev})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func mustMint(t testing.TB, a *Authority, m Mint) (string, *Claims) {
	t.Helper()
	tok, c, err := a.Mint(parent, m)
	if err != nil {
		t.Fatalf("Mint(%+v): %v", m, err)
	}
	return tok.Reveal(), c
}

func TestMintVerify(t *testing.T) {
	clock := newClock()
	a := mustAuthority(t, mustKey(t), clock, &revoked{})
	tok, minted := mustMint(t, a, Mint{User: "user-42", Models: []string{"gpt-4o-mini"}, Origin: "HTTPS://App.Example", Policy: "browser"})
	if !strings.HasPrefix(tok, Prefix+"eyJ") {
		t.Errorf("token %.12s… does not start with %seyJ", tok, Prefix)
	}
	if h, _, _ := strings.Cut(strings.TrimPrefix(tok, Prefix), "."); a.keys.Load().headers[h] != a.SigningKeyID() {
		t.Error("a minted token's header is not one the fast path knows")
	}
	c, err := a.Verify(context.Background(), tok)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	want := Claims{ID: minted.ID, ParentKey: "vk_parent00001", User: "user-42", Policy: "browser",
		Models: []string{"gpt-4o-mini"}, Origin: "https://app.example",
		IssuedAt: clock.Now().Unix(), Expires: clock.Now().Add(DefaultTTL).Unix()}
	if got, _ := json.Marshal(c); string(got) != string(must(json.Marshal(want))) {
		t.Errorf("Verify claims = %s, want %s", got, must(json.Marshal(want)))
	}
	if !strings.HasPrefix(c.ID, "tk_") || len(c.ID) != 19 {
		t.Errorf("token id %q, want tk_ and 16 characters", c.ID)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// resign builds a token with the given header and payload, signed with key
// under alg (or unsigned for "none").
func resign(t *testing.T, header map[string]any, payload []byte, key []byte, alg jose.SignatureAlgorithm) string {
	t.Helper()
	h := base64.RawURLEncoding.EncodeToString(must(json.Marshal(header)))
	p := base64.RawURLEncoding.EncodeToString(payload)
	if alg == "none" {
		return Prefix + h + "." + p + "."
	}
	opts := &jose.SignerOptions{}
	for k, v := range header {
		if k != "alg" {
			opts.WithHeader(jose.HeaderKey(k), v)
		}
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	jws, err := s.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	return Prefix + must(jws.CompactSerialize())
}

const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// refusalCase is a token Verify must refuse with want.
type refusalCase struct {
	name   string
	token  func() string
	at     time.Duration // clock offset at verification
	want   error
	status int
}

func runRefusals(t *testing.T, a *Authority, clock *fakeClock, tests []refusalCase) {
	t.Helper()
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := tt.token()
			start := clock.Now()
			clock.Add(tt.at)
			defer clock.Set(start)
			_, err := a.Verify(ctx, tok)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
			e := Refusal(err)
			if got := e.Code.Status(); got != tt.status {
				t.Errorf("Refusal status = %d, want %d", got, tt.status)
			}
			sig := tok[strings.LastIndexByte(tok, '.')+1:]
			if len(sig) > 8 && (strings.Contains(err.Error(), sig) || strings.Contains(e.Message, sig)) {
				t.Errorf("the error quotes the token: %v", err)
			}
		})
	}
}

func TestVerifyRefuses(t *testing.T) {
	ctx := context.Background()
	key := mustKey(t)
	clock := newClock()
	rev := &revoked{ids: map[string]bool{"vk_revoked0001": true}}
	a, err := New(key, Options{Revocations: rev, Now: clock.Now, CacheSize: -1})
	if err != nil {
		t.Fatal(err)
	}
	good, _ := mustMint(t, a, Mint{User: "u1"})
	parts := strings.Split(strings.TrimPrefix(good, Prefix), ".")
	payload := must(base64.RawURLEncoding.DecodeString(parts[1]))
	kid := a.SigningKeyID()
	other := mustAuthority(t, mustKey(t), clock, rev)
	fromOther, _ := mustMint(t, other, Mint{User: "u1"})

	tests := []refusalCase{
		{"forged-signature", func() string {
			forged := strings.Replace(string(payload), `"sub":"u1"`, `"sub":"admin"`, 1)
			return Prefix + parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(forged)) + "." + parts[2]
		}, 0, ErrSignature, 401},
		{"unknown-key", func() string { return fromOther }, 0, ErrUnknownKey, 401},
		{"same-kid-other-key", func() string {
			return resign(t, map[string]any{"alg": "HS256", "kid": kid, "typ": typ}, payload, []byte(mustKey(t).Reveal()), jose.HS256)
		}, 0, ErrSignature, 401},
		{"alg-none", func() string {
			return resign(t, map[string]any{"alg": "none", "kid": kid, "typ": typ}, payload, nil, "none")
		}, 0, ErrMalformed, 401},
		{"alg-hs512", func() string {
			long := []byte(key.Reveal() + key.Reveal())
			return resign(t, map[string]any{"alg": "HS512", "kid": kid, "typ": typ}, payload, long, jose.HS512)
		}, 0, ErrMalformed, 401},
		{"wrong-typ", func() string {
			return resign(t, map[string]any{"alg": "HS256", "kid": kid, "typ": "JWT"}, payload, []byte(key.Reveal()), jose.HS256)
		}, 0, ErrMalformed, 401},
		{"no-prefix", func() string { return strings.TrimPrefix(good, Prefix) }, 0, ErrMalformed, 401},
		{"garbage", func() string { return Prefix + "not.a.jws" }, 0, ErrMalformed, 401},
		{"truncated", func() string { return good[:len(good)-5] }, 0, ErrSignature, 401},
		{"non-canonical-signature", func() string {
			// The last of 43 base64 characters carries 4 unused bits.
			last := good[len(good)-1]
			i := strings.IndexByte(b64, last)
			return good[:len(good)-1] + string(b64[i^1])
		}, 0, ErrSignature, 401},
		{"expired", func() string { return good }, DefaultTTL + 31*time.Second, ErrExpired, 401},
		{"not-yet-valid", func() string { return good }, -2 * time.Minute, ErrNotYetValid, 401},
		{"revoked-parent", func() string {
			tok, _, err := a.Mint(&gateway.Principal{KeyID: "vk_revoked0001"}, Mint{User: "u1"})
			if err != nil {
				t.Fatal(err)
			}
			return tok.Reveal()
		}, 0, ErrRevoked, 401},
		{"too-long-lifetime", func() string {
			var c Claims
			_ = json.Unmarshal(payload, &c)
			c.Expires = c.IssuedAt + int64(2*MaxTTL/time.Second)
			return resign(t, map[string]any{"alg": "HS256", "kid": kid, "typ": typ}, must(json.Marshal(c)), []byte(key.Reveal()), jose.HS256)
		}, 0, ErrMalformed, 401},
	}
	// Every case runs twice: tokens with the header Mint writes take the
	// fast path unless noFast sends them through go-jose, and both paths
	// must agree.
	for _, path := range []struct {
		name   string
		noFast bool
	}{{"fast", false}, {"go-jose", true}} {
		t.Run(path.name, func(t *testing.T) {
			a.noFast = path.noFast
			defer func() { a.noFast = false }()
			if _, err := a.Verify(ctx, good); err != nil {
				t.Fatalf("Verify(good) = %v", err)
			}
			runRefusals(t, a, clock, tests)
		})
	}
	t.Run("within-skew", func(t *testing.T) {
		defer clock.Set(clock.Now())
		clock.Add(DefaultTTL + 10*time.Second)
		if _, err := a.Verify(ctx, good); err != nil {
			t.Errorf("Verify 10s past expiry = %v, want accepted within the 30s skew", err)
		}
	})
	t.Run("revocation-check-fails-closed", func(t *testing.T) {
		rev.mu.Lock()
		rev.err = errors.New("cache not loaded")
		rev.mu.Unlock()
		defer func() { rev.mu.Lock(); rev.err = nil; rev.mu.Unlock() }()
		_, err := a.Verify(ctx, good)
		if !errors.Is(err, ErrRevocationCheck) {
			t.Fatalf("Verify = %v, want ErrRevocationCheck", err)
		}
		if got := Refusal(err).Code; got != gateway.CodeUnavailable {
			t.Errorf("Refusal code = %s, want %s", got, gateway.CodeUnavailable)
		}
	})
	t.Run("revoking-the-parent-ends-its-tokens", func(t *testing.T) {
		tok, _ := mustMint(t, a, Mint{User: "u2"})
		if _, err := a.Verify(ctx, tok); err != nil {
			t.Fatal(err)
		}
		rev.mu.Lock()
		rev.ids[parent.KeyID] = true
		rev.mu.Unlock()
		defer func() { rev.mu.Lock(); delete(rev.ids, parent.KeyID); rev.mu.Unlock() }()
		if _, err := a.Verify(ctx, tok); !errors.Is(err, ErrRevoked) {
			t.Errorf("Verify after revoking the parent = %v, want ErrRevoked", err)
		}
	})
}

func TestRotate(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	k1, k2 := mustKey(t), mustKey(t)
	a := mustAuthority(t, k1, clock, &revoked{})
	old, _ := mustMint(t, a, Mint{User: "u", TTL: MaxTTL})
	if err := a.Rotate(k2); err != nil {
		t.Fatal(err)
	}
	if a.SigningKeyID() != KeyID(k2) {
		t.Fatalf("SigningKeyID = %s after Rotate, want the new key's", a.SigningKeyID())
	}
	fresh, _ := mustMint(t, a, Mint{User: "u", TTL: MaxTTL})

	t.Run("old-token-still-verifies", func(t *testing.T) {
		if _, err := a.Verify(ctx, old); err != nil {
			t.Errorf("Verify(old) after rotation = %v", err)
		}
	})
	t.Run("new-token-verifies", func(t *testing.T) {
		if _, err := a.Verify(ctx, fresh); err != nil {
			t.Errorf("Verify(new) = %v", err)
		}
	})
	t.Run("rotate-to-same-key-keeps-retired", func(t *testing.T) {
		if err := a.Rotate(k2); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Verify(ctx, old); err != nil {
			t.Errorf("Verify(old) = %v", err)
		}
	})
	t.Run("retired-key-dropped-after-max-ttl", func(t *testing.T) {
		clock.Add(MaxTTL + time.Minute)
		if err := a.Rotate(mustKey(t)); err != nil {
			t.Fatal(err)
		}
		if _, ok := a.keys.Load().verify[KeyID(k1)]; ok {
			t.Error("the retired key is still held an hour after rotation")
		}
	})
	t.Run("configured-previous-key", func(t *testing.T) {
		clock := newClock()
		b := mustAuthority(t, k2, clock, &revoked{}, k1)
		tok, _ := mustMint(t, mustAuthority(t, k1, clock, &revoked{}), Mint{User: "u"})
		if _, err := b.Verify(ctx, tok); err != nil {
			t.Errorf("Verify with k1 configured as previous = %v", err)
		}
	})
	t.Run("short-key-refused", func(t *testing.T) {
		if err := a.Rotate(gateway.NewSecret("short")); err == nil {
			t.Error("Rotate(short key) = nil, want an error")
		}
		if _, err := New(gateway.NewSecret("short"), Options{Revocations: &revoked{}}); err == nil {
			t.Error("New(short key) = nil, want an error")
		}
	})
}

func TestMintRefuses(t *testing.T) {
	a := mustAuthority(t, mustKey(t), newClock(), &revoked{})
	tests := []struct {
		name string
		m    Mint
		code gateway.Code
	}{
		{"no-user", Mint{}, gateway.CodeInvalid},
		{"control-in-user", Mint{User: "a\nb"}, gateway.CodeInvalid},
		{"long-user", Mint{User: strings.Repeat("u", 257)}, gateway.CodeInvalid},
		{"ttl-over-an-hour", Mint{User: "u", TTL: MaxTTL + time.Second}, gateway.CodeInvalid},
		{"negative-ttl", Mint{User: "u", TTL: -time.Second}, gateway.CodeInvalid},
		{"origin-with-path", Mint{User: "u", Origin: "https://app.example/x"}, gateway.CodeInvalid},
		{"origin-not-http", Mint{User: "u", Origin: "file:///x"}, gateway.CodeInvalid},
		{"model-parent-lacks", Mint{User: "u", Models: []string{"gpt-4o"}}, gateway.CodeForbidden},
		{"wider-wildcard", Mint{User: "u", Models: []string{"claude*"}}, gateway.CodeForbidden},
		{"wildcard-over-exact", Mint{User: "u", Models: []string{"gpt-4o-mini*"}}, gateway.CodeForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := a.Mint(parent, tt.m)
			if got := gateway.ErrorCode(err); err == nil || got != tt.code {
				t.Errorf("Mint(%+v) = %v, want code %s", tt.m, err, tt.code)
			}
		})
	}
	t.Run("allowed-models", func(t *testing.T) {
		for _, m := range [][]string{{"gpt-4o-mini"}, {"claude-3-5-haiku"}, {"claude-3-*"}} {
			if _, _, err := a.Mint(parent, Mint{User: "u", Models: m}); err != nil {
				t.Errorf("Mint(models %v) = %v, want allowed", m, err)
			}
		}
	})
	t.Run("ttl-max", func(t *testing.T) {
		_, c, err := a.Mint(parent, Mint{User: "u", TTL: MaxTTL})
		if err != nil || c.Expires-c.IssuedAt != 3600 {
			t.Errorf("Mint(TTL 1h) = %+v, %v; want exactly an hour", c, err)
		}
	})
}

func TestClaimsPrincipal(t *testing.T) {
	c := &Claims{ParentKey: parent.KeyID, User: "user-7", Models: []string{"gpt-4o-mini"}, Policy: "browser"}
	p := c.Principal(parent)
	if p.User != "user-7" || p.Policy != "browser" || p.KeyID != parent.KeyID || p.Limits.RequestsPerMinute != 60 {
		t.Errorf("Principal = %+v, want the parent narrowed to user-7 and policy browser", p)
	}
	if p.Limits.ActsForUsers {
		t.Error("a token principal may name other users (ActsForUsers), want not")
	}
	if p.AllowsModel("claude-3-5-haiku") || !p.AllowsModel("gpt-4o-mini") {
		t.Errorf("Principal models = %v, want only gpt-4o-mini", p.Models)
	}
	if !parent.Limits.ActsForUsers || len(parent.Models) != 2 {
		t.Error("Principal changed the parent")
	}
	inherit := (&Claims{User: "u"}).Principal(parent)
	if !inherit.AllowsModel("claude-3-5-haiku") || inherit.Policy != "default" {
		t.Errorf("Principal without token models/policy = %+v, want the parent's", inherit)
	}
}

func TestAllowsOrigin(t *testing.T) {
	bound := &Claims{Origin: "https://app.example"}
	for origin, want := range map[string]bool{
		"https://app.example": true, "HTTPS://APP.EXAMPLE": true,
		"https://evil.example": false, "": false, "http://app.example": false,
	} {
		if got := bound.AllowsOrigin(origin); got != want {
			t.Errorf("AllowsOrigin(%q) = %v, want %v", origin, got, want)
		}
	}
	if !(&Claims{}).AllowsOrigin("https://any.example") {
		t.Error("an unbound token refuses an origin")
	}
	if e := OriginRefusal(bound, "https://evil.example"); e.Code != gateway.CodeForbidden {
		t.Errorf("OriginRefusal code = %s, want forbidden", e.Code)
	}
}

// BenchmarkVerify measures Verify of one token, as each request made with
// it costs: "first-use" checks the signature (the cache is off) on the fast
// path, "first-use-go-jose" on the go-jose path, and "reuse" is every later
// request with the same token.
func BenchmarkVerify(b *testing.B) {
	for _, bc := range []struct {
		name      string
		cacheSize int
		noFast    bool
	}{{"first-use", -1, false}, {"first-use-go-jose", -1, true}, {"reuse", 0, false}} {
		b.Run(bc.name, func(b *testing.B) {
			clock := newClock()
			a, err := New(mustKey(b), Options{
				Revocations: RevocationsFunc(func(context.Context, string) (bool, error) { return false, nil }),
				Now:         clock.Now, CacheSize: bc.cacheSize,
			})
			if err != nil {
				b.Fatal(err)
			}
			a.noFast = bc.noFast
			tok, _, err := a.Mint(parent, Mint{User: "user-42", Models: []string{"gpt-4o-mini"}, Origin: "https://app.example"})
			if err != nil {
				b.Fatal(err)
			}
			raw := tok.Reveal()
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := a.Verify(ctx, raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestVerifyCache(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	rev := &revoked{ids: map[string]bool{}}
	a, err := New(mustKey(t), Options{Revocations: rev, Now: clock.Now, CacheSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	var toks []string
	for i := range 3 {
		tok, _ := mustMint(t, a, Mint{User: fmt.Sprint("u", i)})
		toks = append(toks, tok)
	}
	t.Run("bounded", func(t *testing.T) {
		for range 2 {
			for _, tok := range toks {
				if _, err := a.Verify(ctx, tok); err != nil {
					t.Fatal(err)
				}
			}
		}
		if n := a.cache.Len(); n > 2 {
			t.Errorf("cache holds %d tokens, want at most 2", n)
		}
	})
	t.Run("cached-token-still-expires", func(t *testing.T) {
		defer clock.Set(clock.Now())
		clock.Add(DefaultTTL + time.Minute)
		if _, err := a.Verify(ctx, toks[2]); !errors.Is(err, ErrExpired) {
			t.Errorf("Verify(cached, expired) = %v, want ErrExpired", err)
		}
	})
	t.Run("cached-token-still-revoked", func(t *testing.T) {
		rev.mu.Lock()
		rev.ids[parent.KeyID] = true
		rev.mu.Unlock()
		defer func() { rev.mu.Lock(); clear(rev.ids); rev.mu.Unlock() }()
		if _, err := a.Verify(ctx, toks[2]); !errors.Is(err, ErrRevoked) {
			t.Errorf("Verify(cached, parent revoked) = %v, want ErrRevoked", err)
		}
	})
	t.Run("cached-token-of-dropped-key", func(t *testing.T) {
		if err := a.Rotate(mustKey(t)); err != nil {
			t.Fatal(err)
		}
		defer clock.Set(clock.Now())
		clock.Add(MaxTTL + time.Minute)
		if _, err := a.Verify(ctx, toks[2]); !errors.Is(err, ErrUnknownKey) {
			t.Errorf("Verify(cached, key retired) = %v, want ErrUnknownKey", err)
		}
	})
}

// FuzzVerify checks that Verify never panics nor accepts empty claims, and
// that the fast path and the go-jose path agree on every input.
func FuzzVerify(f *testing.F) {
	clock := newClock()
	a, err := New(mustKey(f), Options{Revocations: &revoked{}, Now: clock.Now, CacheSize: -1})
	if err != nil {
		f.Fatal(err)
	}
	tok, _, err := a.Mint(parent, Mint{User: "u"})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(tok.Reveal())
	f.Add(Prefix + "eyJhbGciOiJub25lIn0.e30.")
	f.Add("agt_..")
	f.Fuzz(func(t *testing.T, s string) {
		a.noFast = false
		c, err := a.Verify(context.Background(), s)
		if err == nil && (c == nil || c.ParentKey == "") {
			t.Fatalf("Verify(%q) accepted claims %+v", s, c)
		}
		a.noFast = true
		_, slow := a.Verify(context.Background(), s)
		if (err == nil) != (slow == nil) {
			t.Fatalf("Verify(%q): fast path %v, go-jose %v", s, err, slow)
		}
	})
}
