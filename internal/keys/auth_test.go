package keys_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/keys"
	"github.com/aigate-dev/aigate/internal/store/sqlite"
)

// clock is a settable time source for Now fields.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time          { return c.t }
func (c *clock) Advance(d time.Duration) { c.t = c.t.Add(d) }

func newClock() *clock {
	return &clock{t: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)}
}

// spyStore wraps a real store to count lookups and inject failures.
type spyStore struct {
	keys.Store
	lookups        atomic.Int32
	byHashErr      error
	markExposedErr error
	wrongHash      bool // ByHash returns a key whose hash differs
}

func (s *spyStore) ByHash(ctx context.Context, h [32]byte) (*keys.VirtualKey, error) {
	s.lookups.Add(1)
	if s.byHashErr != nil {
		return nil, s.byHashErr
	}
	vk, err := s.Store.ByHash(ctx, h)
	if err == nil && s.wrongHash {
		vk.Hash[0] ^= 1
	}
	return vk, err
}

func (s *spyStore) MarkExposed(ctx context.Context, id, reason string, at time.Time) error {
	if s.markExposedErr != nil {
		return s.markExposedErr
	}
	return s.Store.MarkExposed(ctx, id, reason, at)
}

func mustOpenStore(t testing.TB, dsn string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(t.Context(), dsn)
	if err != nil {
		t.Fatalf("sqlite.Open = %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// authEnv is a store with one live key, an authenticator and a service
// sharing a clock.
type authEnv struct {
	clock  *clock
	store  *spyStore
	svc    *keys.Service
	auth   *keys.Authenticator
	logs   *bytes.Buffer
	secret gateway.Secret
	vk     *keys.VirtualKey
}

func newAuthEnv(t *testing.T) *authEnv {
	t.Helper()
	e := &authEnv{clock: newClock(), logs: new(bytes.Buffer)}
	e.store = &spyStore{Store: mustOpenStore(t, ":memory:")}
	e.svc = &keys.Service{Store: e.store, Now: e.clock.Now}
	e.auth = &keys.Authenticator{Store: e.store, Now: e.clock.Now, Logger: slog.New(slog.NewJSONHandler(e.logs, nil))}
	var err error
	e.secret, e.vk, err = e.svc.Create(t.Context(), keys.CreateOptions{
		Name: "web-app", Owner: "alice", Team: "support", Policy: "support-bot",
		Models: []string{"gpt-4o-mini"}, Providers: []string{"openai"}, TTL: 24 * time.Hour,
	})
	if err != nil {
		t.Fatalf("Create = %v", err)
	}
	return e
}

// serve runs a request through the middleware and reports whether next ran.
func (e *authEnv) serve(t *testing.T, req *gateway.Request) (called bool, err error) {
	t.Helper()
	next := gateway.HandlerFunc(func(_ context.Context, r *gateway.Request) (*gateway.Response, error) {
		called = true
		if r.Principal == nil {
			t.Error("next called without a Principal")
		}
		return &gateway.Response{Status: 200}, nil
	})
	_, err = e.auth.Middleware(next).Serve(t.Context(), req)
	return called, err
}

var errDatabaseDown = errors.New("database is down")

func TestAuthenticator(t *testing.T) {
	tests := []struct {
		name string
		// setup prepares e and returns the request to send.
		setup func(t *testing.T, e *authEnv) *gateway.Request
		code  gateway.Code // empty: the request is let through
		msg   string       // substring of the client message
		// noLookup asserts the store was not asked.
		noLookup bool
		check    func(t *testing.T, e *authEnv, err error)
	}{
		{
			name:  "valid-key",
			setup: func(t *testing.T, e *authEnv) *gateway.Request { return &gateway.Request{Credential: e.secret} },
			check: func(t *testing.T, e *authEnv, _ error) {},
		},
		{
			name:     "missing-key",
			setup:    func(t *testing.T, e *authEnv) *gateway.Request { return &gateway.Request{} },
			code:     gateway.CodeUnauthenticated,
			msg:      "missing aigate key: send it as Authorization: Bearer, x-api-key or x-goog-api-key",
			noLookup: true,
		},
		{
			name: "provider-key-instead",
			setup: func(t *testing.T, e *authEnv) *gateway.Request {
				return &gateway.Request{Credential: gateway.NewSecret("sk-proj-" + strings.Repeat("a", 40))}
			},
			code: gateway.CodeUnauthenticated, msg: "invalid aigate key", noLookup: true,
		},
		{
			name: "bad-checksum",
			setup: func(t *testing.T, e *authEnv) *gateway.Request {
				return &gateway.Request{Credential: gateway.NewSecret(corrupt(e.secret.Reveal()))}
			},
			code: gateway.CodeUnauthenticated, msg: "invalid aigate key", noLookup: true,
		},
		{
			name: "unknown-key",
			setup: func(t *testing.T, e *authEnv) *gateway.Request {
				return &gateway.Request{Credential: gateway.NewSecret(mustGenerate(t))}
			},
			code: gateway.CodeUnauthenticated, msg: "unknown aigate key",
		},
		{
			name: "revoked-key",
			setup: func(t *testing.T, e *authEnv) *gateway.Request {
				if err := e.svc.Revoke(t.Context(), e.vk.ID, "leaked"); err != nil {
					t.Fatal(err)
				}
				return &gateway.Request{Credential: e.secret}
			},
			code: gateway.CodeUnauthenticated, msg: "this aigate key was revoked",
		},
		{
			name: "expired-key",
			setup: func(t *testing.T, e *authEnv) *gateway.Request {
				e.clock.Advance(24 * time.Hour)
				return &gateway.Request{Credential: e.secret}
			},
			code: gateway.CodeUnauthenticated, msg: "expired",
		},
		{
			name: "exposed-key-in-header-still-works",
			setup: func(t *testing.T, e *authEnv) *gateway.Request {
				if err := e.store.MarkExposed(t.Context(), e.vk.ID, "pasted in chat", e.clock.Now()); err != nil {
					t.Fatal(err)
				}
				return &gateway.Request{Credential: e.secret}
			},
		},
		{
			name: "store-down",
			setup: func(t *testing.T, e *authEnv) *gateway.Request {
				e.store.byHashErr = errDatabaseDown
				return &gateway.Request{Credential: e.secret}
			},
			code: gateway.CodeUnavailable, msg: "cannot check keys",
			check: func(t *testing.T, e *authEnv, err error) {
				if !errors.Is(err, errDatabaseDown) {
					t.Errorf("error %v does not wrap the store error", err)
				}
			},
		},
		{
			name: "store-returns-another-key",
			setup: func(t *testing.T, e *authEnv) *gateway.Request {
				e.store.wrongHash = true
				return &gateway.Request{Credential: e.secret}
			},
			code: gateway.CodeUnauthenticated, msg: "unknown aigate key",
		},
		{
			name: "live-key-in-url",
			setup: func(t *testing.T, e *authEnv) *gateway.Request {
				return &gateway.Request{Credential: e.secret, CredentialInURL: true}
			},
			code: gateway.CodeInvalid,
			msg:  "API keys must not be sent in the URL; this key is now marked exposed — rotate it with `aigate keys rotate ",
			check: func(t *testing.T, e *authEnv, err error) {
				if msg := gateway.AsError(err).Message; !strings.Contains(msg, e.vk.ID) {
					t.Errorf("message %q does not name the key ID", msg)
				}
				vk, err := e.store.ByID(t.Context(), e.vk.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !vk.Exposed.Equal(e.clock.Now()) || vk.ExposedReason != keys.ExposedInURL {
					t.Errorf("key exposed at %v for %q, want %v for %q", vk.Exposed, vk.ExposedReason, e.clock.Now(), keys.ExposedInURL)
				}
				if vk.Status(e.clock.Now()) != keys.StatusActive {
					t.Error("exposure revoked the key; it should only be marked")
				}
				if !strings.Contains(e.logs.String(), e.vk.ID) {
					t.Errorf("exposure not logged with the key ID: %s", e.logs)
				}
			},
		},
		{
			name: "revoked-key-in-url",
			setup: func(t *testing.T, e *authEnv) *gateway.Request {
				if err := e.svc.Revoke(t.Context(), e.vk.ID, ""); err != nil {
					t.Fatal(err)
				}
				return &gateway.Request{Credential: e.secret, CredentialInURL: true}
			},
			code: gateway.CodeInvalid, msg: "must not be sent in the URL",
			check: mustNotBeExposed,
		},
		{
			name: "unknown-key-in-url",
			setup: func(t *testing.T, e *authEnv) *gateway.Request {
				return &gateway.Request{Credential: gateway.NewSecret(mustGenerate(t)), CredentialInURL: true}
			},
			code: gateway.CodeInvalid, msg: "must not be sent in the URL",
			check: mustNotBeExposed,
		},
		{
			name: "malformed-key-in-url",
			setup: func(t *testing.T, e *authEnv) *gateway.Request {
				return &gateway.Request{Credential: gateway.NewSecret(corrupt(e.secret.Reveal())), CredentialInURL: true}
			},
			code: gateway.CodeInvalid, msg: "must not be sent in the URL", noLookup: true,
			check: mustNotBeExposed,
		},
		{
			name: "empty-key-in-url",
			setup: func(t *testing.T, e *authEnv) *gateway.Request {
				return &gateway.Request{CredentialInURL: true}
			},
			code: gateway.CodeInvalid, msg: "must not be sent in the URL", noLookup: true,
		},
		{
			name: "store-down-for-key-in-url",
			setup: func(t *testing.T, e *authEnv) *gateway.Request {
				e.store.byHashErr = errDatabaseDown
				return &gateway.Request{Credential: e.secret, CredentialInURL: true}
			},
			code: gateway.CodeUnavailable, msg: "cannot check keys",
			check: func(t *testing.T, e *authEnv, err error) {
				if !errors.Is(err, errDatabaseDown) {
					t.Errorf("error %v does not wrap the store error", err)
				}
			},
		},
		{
			name: "mark-exposed-fails",
			setup: func(t *testing.T, e *authEnv) *gateway.Request {
				e.store.markExposedErr = errDatabaseDown
				return &gateway.Request{Credential: e.secret, CredentialInURL: true}
			},
			code: gateway.CodeUnavailable, msg: "cannot check keys",
			check: func(t *testing.T, e *authEnv, err error) {
				if !errors.Is(err, errDatabaseDown) {
					t.Errorf("error %v does not wrap the store error", err)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newAuthEnv(t)
			req := tt.setup(t, e)
			e.store.lookups.Store(0)
			called, err := e.serve(t, req)

			if tt.code == "" {
				if err != nil || !called {
					t.Fatalf("Serve = %v, next called %t; want the request let through", err, called)
				}
				if req.Principal.KeyID != e.vk.ID || req.Principal.Policy != "support-bot" {
					t.Errorf("Principal = %+v, want key %s with policy support-bot", req.Principal, e.vk.ID)
				}
			} else {
				if called {
					t.Fatal("next was called for a refused request")
				}
				ge := gateway.AsError(err)
				if ge.Code != tt.code || !strings.Contains(ge.Message, tt.msg) {
					t.Fatalf("Serve error = %s %q, want %s containing %q", ge.Code, ge.Message, tt.code, tt.msg)
				}
				if req.Principal != nil {
					t.Error("Principal set on a refused request")
				}
				// No key material in the client message, the log text or the logs.
				for _, s := range []string{e.secret.Reveal(), e.secret.Reveal()[4:20]} {
					if strings.Contains(err.Error(), s) || strings.Contains(e.logs.String(), s) {
						t.Error("error or log contains key material")
					}
				}
			}
			if tt.noLookup && e.store.lookups.Load() != 0 {
				t.Errorf("store was asked %d times, want none", e.store.lookups.Load())
			}
			if tt.check != nil {
				tt.check(t, e, err)
			}
		})
	}
}

func mustNotBeExposed(t *testing.T, e *authEnv, _ error) {
	t.Helper()
	vk, err := e.store.ByID(t.Context(), e.vk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !vk.Exposed.IsZero() {
		t.Error("key marked exposed, want unmarked")
	}
}

// corrupt changes one character of the random part of a key.
func corrupt(k string) string {
	b := []byte(k)
	if b[10] == 'a' {
		b[10] = 'b'
	} else {
		b[10] = 'a'
	}
	return string(b)
}

// BenchmarkAuthenticate measures the middleware against a SQLite file
// holding 1,000 keys: one indexed lookup per request, no cache.
func BenchmarkAuthenticate(b *testing.B) {
	ctx := b.Context()
	db := mustOpenStore(b, filepath.Join(b.TempDir(), "aigate.db"))
	svc := &keys.Service{Store: db}
	var secrets []gateway.Secret
	for range 1000 {
		s, _, err := svc.Create(ctx, keys.CreateOptions{Name: "bench", Models: []string{"gpt-4o-mini"}})
		if err != nil {
			b.Fatal(err)
		}
		secrets = append(secrets, s)
	}
	auth := &keys.Authenticator{Store: db}
	h := auth.Middleware(gateway.HandlerFunc(func(context.Context, *gateway.Request) (*gateway.Response, error) {
		return nil, nil
	}))
	b.Run("serial", func(b *testing.B) {
		i := 0
		for b.Loop() {
			req := &gateway.Request{Credential: secrets[i%len(secrets)]}
			if _, err := h.Serve(ctx, req); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("parallel", func(b *testing.B) {
		var n atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				req := &gateway.Request{Credential: secrets[n.Add(1)%int64(len(secrets))]}
				if _, err := h.Serve(ctx, req); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("malformed", func(b *testing.B) {
		bad := gateway.NewSecret(corrupt(secrets[0].Reveal()))
		for b.Loop() {
			if _, err := h.Serve(ctx, &gateway.Request{Credential: bad}); err == nil {
				b.Fatal("malformed key accepted")
			}
		}
	})
}
