package tokens

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/guard"
)

// keyStore stands in for keys.Store behind the Parents cache.
type keyStore struct {
	mu      sync.Mutex
	live    map[string]*gateway.Principal
	down    bool
	lookups int
}

func (s *keyStore) lookup(_ context.Context, id string) (*gateway.Principal, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lookups++
	if s.down {
		return nil, errors.New("database is down")
	}
	p, ok := s.live[id]
	if !ok {
		return nil, fmt.Errorf("key %s: %w", id, ErrParentGone)
	}
	return p, nil
}

func (s *keyStore) revoke(id string) { s.mu.Lock(); delete(s.live, id); s.mu.Unlock() }

func (s *keyStore) count() int { s.mu.Lock(); defer s.mu.Unlock(); return s.lookups }

func TestParents(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	st := &keyStore{live: map[string]*gateway.Principal{parent.KeyID: parent}}
	ps := &Parents{Lookup: st.lookup, TTL: 5 * time.Second, Now: clock.Now}

	t.Run("cached-within-ttl", func(t *testing.T) {
		for range 3 {
			if revoked, err := ps.Revoked(ctx, parent.KeyID); revoked || err != nil {
				t.Fatalf("Revoked = %v, %v; want live", revoked, err)
			}
		}
		if st.count() != 1 {
			t.Errorf("lookups = %d, want 1", st.count())
		}
	})
	t.Run("revocation-seen-after-ttl", func(t *testing.T) {
		st.revoke(parent.KeyID)
		clock.Add(4 * time.Second)
		if revoked, _ := ps.Revoked(ctx, parent.KeyID); revoked {
			t.Error("revoked before the TTL ran out: the cache is not used")
		}
		clock.Add(time.Second)
		if revoked, err := ps.Revoked(ctx, parent.KeyID); !revoked || err != nil {
			t.Errorf("Revoked after the TTL = %v, %v; want revoked", revoked, err)
		}
	})
	t.Run("forget", func(t *testing.T) {
		st.mu.Lock()
		st.live[parent.KeyID] = parent
		st.mu.Unlock()
		ps.Forget(parent.KeyID)
		if revoked, err := ps.Revoked(ctx, parent.KeyID); revoked || err != nil {
			t.Errorf("Revoked after Forget = %v, %v; want the store's answer", revoked, err)
		}
	})
	t.Run("store-down-fails-closed-uncached", func(t *testing.T) {
		clock.Add(time.Minute)
		st.mu.Lock()
		st.down = true
		st.mu.Unlock()
		if _, err := ps.Revoked(ctx, parent.KeyID); err == nil {
			t.Error("Revoked with the store down = nil error, want it to fail closed")
		}
		st.mu.Lock()
		st.down = false
		st.mu.Unlock()
		if revoked, err := ps.Revoked(ctx, parent.KeyID); revoked || err != nil {
			t.Errorf("Revoked after the store is back = %v, %v", revoked, err)
		}
	})
	t.Run("copies", func(t *testing.T) {
		p, err := ps.Principal(ctx, parent.KeyID)
		if err != nil {
			t.Fatal(err)
		}
		p.Models[0] = "changed"
		if parent.Models[0] == "changed" {
			t.Error("Principal returned the cached slice")
		}
	})
}

// request is a chat request for model, made with cred from origin.
func request(cred, model string, inURL bool) *gateway.Request {
	return &gateway.Request{Credential: gateway.NewSecret(cred), CredentialInURL: inURL, Model: model,
		Operation: gateway.OpChatCompletions, Messages: []gateway.Message{{Role: gateway.RoleUser}}}
}

// TestAuthenticator covers the refusals issue 6 lists, through the token
// middleware and the model check of guard.Validator, as the gateway chains
// them.
func TestAuthenticator(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	st := &keyStore{live: map[string]*gateway.Principal{parent.KeyID: parent, "vk_other000001": {KeyID: "vk_other000001"}}}
	ps := &Parents{Lookup: st.lookup, Now: clock.Now}
	a := mustAuthority(t, mustKey(t), clock, ps)
	var logs bytes.Buffer
	origins := map[*gateway.Request]string{}
	auth := &Authenticator{Authority: a, Parents: ps, Logger: slog.New(slog.NewJSONHandler(&logs, nil)),
		Origin: func(r *gateway.Request) string { return origins[r] }}
	keysCalled := 0
	keyAuth := func(next gateway.Handler) gateway.Handler {
		return gateway.HandlerFunc(func(ctx context.Context, req *gateway.Request) (*gateway.Response, error) {
			keysCalled++
			return nil, gateway.Errorf(gateway.CodeUnauthenticated, "unknown aigate key")
		})
	}
	var served *gateway.Principal
	h := gateway.Chain(gateway.HandlerFunc(func(_ context.Context, req *gateway.Request) (*gateway.Response, error) {
		served = req.Principal
		return &gateway.Response{}, nil
	}), auth.Middleware(keyAuth), gateway.Guards(&guard.Validator{}))

	mint := func(p *gateway.Principal, m Mint) string {
		tok, _, err := a.Mint(p, m)
		if err != nil {
			t.Fatal(err)
		}
		return tok.Reveal()
	}
	good := mint(parent, Mint{User: "user-9", Models: []string{"gpt-4o-mini"}, Origin: "https://app.example"})
	other := mustAuthority(t, mustKey(t), clock, ps)
	forged, _, _ := other.Mint(parent, Mint{User: "user-9"})
	gone := mint(&gateway.Principal{KeyID: "vk_deleted0001"}, Mint{User: "u"})
	revokedTok := mint(&gateway.Principal{KeyID: "vk_other000001"}, Mint{User: "u"})

	tests := []struct {
		name    string
		req     *gateway.Request
		origin  string
		advance time.Duration
		setup   func()
		want    gateway.Code // empty: served
	}{
		{"valid", request(good, "gpt-4o-mini", false), "https://app.example", 0, nil, ""},
		{"forged-signature", request(forged.Reveal(), "gpt-4o-mini", false), "https://app.example", 0, nil, gateway.CodeUnauthenticated},
		{"tampered", request(good[:len(good)-3]+"AAA", "gpt-4o-mini", false), "https://app.example", 0, nil, gateway.CodeUnauthenticated},
		{"unknown-parent", request(gone, "gpt-4o-mini", false), "", 0, nil, gateway.CodeUnauthenticated},
		{"expired", request(good, "gpt-4o-mini", false), "https://app.example", DefaultTTL + time.Minute, nil, gateway.CodeUnauthenticated},
		{"revoked-parent", request(revokedTok, "gpt-4o-mini", false), "", 0, func() { st.revoke("vk_other000001"); ps.Forget("vk_other000001") }, gateway.CodeUnauthenticated},
		{"wrong-origin", request(good, "gpt-4o-mini", false), "https://evil.example", 0, nil, gateway.CodeForbidden},
		{"no-origin-for-bound-token", request(good, "gpt-4o-mini", false), "", 0, nil, gateway.CodeForbidden},
		{"token-in-url", request(good, "gpt-4o-mini", true), "https://app.example", 0, nil, gateway.CodeInvalid},
		{"model-not-allowed", request(good, "claude-3-5-haiku", false), "https://app.example", 0, nil, gateway.CodeForbidden},
		{"store-down", request(good, "gpt-4o-mini", false), "https://app.example", time.Minute / 2, func() { st.mu.Lock(); st.down = true; st.mu.Unlock() }, gateway.CodeUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := clock.Now()
			defer clock.Set(start)
			clock.Add(tt.advance)
			if tt.setup != nil {
				tt.setup()
			}
			origins[tt.req] = tt.origin
			served = nil
			_, err := h.Serve(ctx, tt.req)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Serve = %v, want served", err)
				}
				if served == nil || served.User != "user-9" || served.KeyID != parent.KeyID || served.Limits.RequestsPerMinute != 60 {
					t.Errorf("principal = %+v, want user-9 under the parent key with its limits", served)
				}
				return
			}
			if got := gateway.ErrorCode(err); got != tt.want {
				t.Fatalf("Serve = %v, want code %s", err, tt.want)
			}
			if e := gateway.AsError(err); strings.Contains(e.Message, "eyJ") || strings.Contains(err.Error(), good) {
				t.Errorf("the refusal quotes a token: %v", err)
			}
		})
	}
	t.Run("keys-go-to-the-key-authenticator", func(t *testing.T) {
		before := keysCalled
		if _, err := h.Serve(ctx, request("agk_notatoken", "gpt-4o-mini", false)); gateway.ErrorCode(err) != gateway.CodeUnauthenticated || keysCalled != before+1 {
			t.Errorf("a key credential: %v, key authenticator called %d times; want it to decide", err, keysCalled-before)
		}
	})
	if strings.Contains(logs.String(), "eyJ") {
		t.Errorf("the log holds a token:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "aigate token refused") {
		t.Error("refusals are not logged")
	}
}
