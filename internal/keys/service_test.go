package keys_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/keys"
)

func newService(t *testing.T) (*keys.Service, *clock) {
	t.Helper()
	c := newClock()
	return &keys.Service{Store: mustOpenStore(t, ":memory:"), Now: c.Now}, c
}

func TestServiceCreate(t *testing.T) {
	svc, c := newService(t)
	opts := keys.CreateOptions{
		Name: "web-app", Owner: "alice", Team: "support", Policy: "support-bot",
		Models: []string{"gpt-4o-mini"}, Providers: []string{"openai"},
		Metadata: map[string]string{"app": "web"}, TTL: time.Hour,
	}
	secret, vk, err := svc.Create(t.Context(), opts)
	if err != nil {
		t.Fatalf("Create = %v", err)
	}
	if !keys.Valid(secret.Reveal()) {
		t.Error("Create returned a malformed key")
	}
	if !vk.Matches(keys.Hash(secret)) || !keys.ValidID(vk.ID) {
		t.Errorf("Create returned key %s whose hash or ID is wrong", vk.ID)
	}
	if !vk.Created.Equal(c.Now()) || !vk.Expires.Equal(c.Now().Add(time.Hour)) {
		t.Errorf("Created, Expires = %v, %v; want now and now+1h", vk.Created, vk.Expires)
	}
	stored, err := svc.Store.ByHash(t.Context(), keys.Hash(secret))
	if err != nil {
		t.Fatalf("ByHash(new key) = %v", err)
	}
	if d := cmp.Diff(vk, stored, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("stored key differs (-returned +stored):\n%s", d)
	}
	opts.Models[0] = "changed"
	if vk.Models[0] == "changed" {
		t.Error("key shares Models with the options")
	}

	at := c.Now().Add(48 * time.Hour)
	_, vk, err = svc.Create(t.Context(), keys.CreateOptions{Name: "dated", Expires: at})
	if err != nil || !vk.Expires.Equal(at) {
		t.Errorf("Create(Expires) = %v, expires %v; want nil, %v", err, vk.Expires, at)
	}
	_, vk, err = svc.Create(t.Context(), keys.CreateOptions{Name: "forever"})
	if err != nil || !vk.Expires.IsZero() {
		t.Errorf("Create(no expiry) = %v, expires %v; want nil, never", err, vk.Expires)
	}
}

func TestServiceCreateInvalid(t *testing.T) {
	now := newClock().Now()
	long := strings.Repeat("a", keys.MaxNameLength+1)
	many := make([]string, keys.MaxListLength+1)
	for i := range many {
		many[i] = "m"
	}
	bigMeta := map[string]string{}
	for i := range keys.MaxMetadata + 1 {
		bigMeta[string(rune('A'+i))] = "v"
	}
	tests := []struct {
		name string
		opts keys.CreateOptions
		want string
	}{
		{"no-name", keys.CreateOptions{}, "name is required"},
		{"long-name", keys.CreateOptions{Name: long}, "name: longer than"},
		{"long-owner", keys.CreateOptions{Name: "n", Owner: long}, "owner: longer than"},
		{"control-in-team", keys.CreateOptions{Name: "n", Team: "a\nb"}, "team: contains control characters"},
		{"bad-utf8-policy", keys.CreateOptions{Name: "n", Policy: "\xff"}, "policy: not valid UTF-8"},
		{"too-many-models", keys.CreateOptions{Name: "n", Models: many}, "models: more than"},
		{"empty-provider", keys.CreateOptions{Name: "n", Providers: []string{"openai", ""}}, "providers[1]: empty"},
		{"too-much-metadata", keys.CreateOptions{Name: "n", Metadata: bigMeta}, "metadata: more than"},
		{"empty-metadata-key", keys.CreateOptions{Name: "n", Metadata: map[string]string{"": "v"}}, "metadata: empty key"},
		{"long-metadata-value", keys.CreateOptions{Name: "n", Metadata: map[string]string{"k": strings.Repeat("v", keys.MaxMetadataValue+1)}}, `metadata["k"]: longer than`},
		{"negative-ttl", keys.CreateOptions{Name: "n", TTL: -time.Second}, "ttl must not be negative"},
		{"ttl-and-expires", keys.CreateOptions{Name: "n", TTL: time.Hour, Expires: now.Add(time.Hour)}, "not both"},
		{"expires-in-the-past", keys.CreateOptions{Name: "n", Expires: now}, "expires must be in the future"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, _ := newService(t)
			_, vk, err := svc.Create(t.Context(), tt.opts)
			if !errors.Is(err, keys.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Create = %v, want ErrInvalid saying %q", err, tt.want)
			}
			if vk != nil {
				t.Error("Create returned a key with an error")
			}
			if list, _ := svc.Store.List(t.Context()); len(list) != 0 {
				t.Errorf("invalid Create stored %d keys", len(list))
			}
		})
	}
}

// The old key keeps working during the grace period, and only then.
func TestServiceRotate(t *testing.T) {
	e := newAuthEnv(t)
	e.clock.Advance(6 * time.Hour) // the key has 18h left of its 24h
	created := e.clock.Now()
	secret, next, err := e.svc.Rotate(t.Context(), e.vk.ID, time.Hour)
	if err != nil {
		t.Fatalf("Rotate = %v", err)
	}
	if secret.Equal(e.secret) || next.ID == e.vk.ID {
		t.Fatal("Rotate reused the old key or ID")
	}
	if d := cmp.Diff(e.vk.Principal(), &gateway.Principal{
		KeyID: e.vk.ID, KeyName: next.Name, Owner: next.Owner, Team: next.Team,
		Models: next.Models, Providers: next.Providers, Policy: next.Policy,
	}); d != "" {
		t.Errorf("successor settings differ (-old +new):\n%s", d)
	}
	if want := created.Add(24 * time.Hour); !next.Expires.Equal(want) {
		t.Errorf("successor expires %v, want %v (the old key's 24h lifetime from now)", next.Expires, want)
	}
	old, err := e.store.ByID(t.Context(), e.vk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if old.RotatedTo != next.ID || !old.Expires.Equal(created.Add(time.Hour)) {
		t.Errorf("old key: RotatedTo %s, Expires %v; want %s, %v", old.RotatedTo, old.Expires, next.ID, created.Add(time.Hour))
	}

	steps := []struct {
		name    string
		advance time.Duration
		key     gateway.Secret
		ok      bool
	}{
		{"new-key-works", 0, secret, true},
		{"old-key-works-during-grace", 59 * time.Minute, e.secret, true},
		{"old-key-expires-with-grace", time.Minute, e.secret, false},
		{"new-key-still-works", 0, secret, true},
	}
	for _, s := range steps {
		e.clock.Advance(s.advance)
		called, err := e.serve(t, &gateway.Request{Credential: s.key})
		if called != s.ok {
			t.Errorf("%s: request let through = %t (%v), want %t", s.name, called, err, s.ok)
		}
	}
}

func TestServiceRotateKeepsEarlierExpiry(t *testing.T) {
	e := newAuthEnv(t) // expires in 24h
	_, _, err := e.svc.Rotate(t.Context(), e.vk.ID, 7*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	old, err := e.store.ByID(t.Context(), e.vk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !old.Expires.Equal(e.vk.Expires) {
		t.Errorf("old key expires %v, want its own expiry %v: rotation must not extend a key", old.Expires, e.vk.Expires)
	}
}

func TestServiceRotateErrors(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, e *authEnv) (id string, grace time.Duration)
		want  error
	}{
		{"unknown-key", func(t *testing.T, e *authEnv) (string, time.Duration) { return "vk_nosuchkey00", 0 }, keys.ErrNotFound},
		{"negative-grace", func(t *testing.T, e *authEnv) (string, time.Duration) { return e.vk.ID, -time.Second }, keys.ErrInvalid},
		{"grace-too-long", func(t *testing.T, e *authEnv) (string, time.Duration) { return e.vk.ID, keys.MaxGrace + 1 }, keys.ErrInvalid},
		{"revoked-key", func(t *testing.T, e *authEnv) (string, time.Duration) {
			if err := e.svc.Revoke(t.Context(), e.vk.ID, ""); err != nil {
				t.Fatal(err)
			}
			return e.vk.ID, 0
		}, keys.ErrConflict},
		{"expired-key", func(t *testing.T, e *authEnv) (string, time.Duration) {
			e.clock.Advance(25 * time.Hour)
			return e.vk.ID, 0
		}, keys.ErrConflict},
		{"already-rotated", func(t *testing.T, e *authEnv) (string, time.Duration) {
			if _, _, err := e.svc.Rotate(t.Context(), e.vk.ID, time.Hour); err != nil {
				t.Fatal(err)
			}
			return e.vk.ID, time.Hour
		}, keys.ErrConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newAuthEnv(t)
			id, grace := tt.setup(t, e)
			before, _ := e.store.List(t.Context())
			_, next, err := e.svc.Rotate(t.Context(), id, grace)
			if !errors.Is(err, tt.want) || next != nil {
				t.Fatalf("Rotate = %v, %v; want nil, %v", next, err, tt.want)
			}
			if after, _ := e.store.List(t.Context()); len(after) != len(before) {
				t.Errorf("failed Rotate changed the number of keys from %d to %d", len(before), len(after))
			}
		})
	}
}

func TestServiceRevoke(t *testing.T) {
	e := newAuthEnv(t)
	if err := e.svc.Revoke(t.Context(), e.vk.ID, ""); err != nil {
		t.Fatalf("Revoke = %v", err)
	}
	vk, err := e.store.ByID(t.Context(), e.vk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !vk.Revoked.Equal(e.clock.Now()) || vk.RevokeReason == "" {
		t.Errorf("Revoked, RevokeReason = %v, %q; want now and a default reason", vk.Revoked, vk.RevokeReason)
	}
	if called, _ := e.serve(t, &gateway.Request{Credential: e.secret}); called {
		t.Error("revoked key let through")
	}
	if err := e.svc.Revoke(t.Context(), "vk_nosuchkey00", "x"); !errors.Is(err, keys.ErrNotFound) {
		t.Errorf("Revoke(unknown) = %v, want ErrNotFound", err)
	}
	if err := e.svc.Revoke(t.Context(), e.vk.ID, "bad\x1breason"); !errors.Is(err, keys.ErrInvalid) {
		t.Errorf("Revoke(control characters) = %v, want ErrInvalid", err)
	}
}

// With the real clock, the key Create returns equals the key read back.
func TestServiceCreateRealClock(t *testing.T) {
	svc := &keys.Service{Store: mustOpenStore(t, ":memory:")}
	_, vk, err := svc.Create(t.Context(), keys.CreateOptions{Name: "real-clock", TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	stored, err := svc.Store.ByID(t.Context(), vk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(vk, stored, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("stored key differs (-returned +stored):\n%s", d)
	}
	if vk.Created != stored.Created {
		t.Errorf("Created = %#v, stored %#v: want identical values, not just equal instants", vk.Created, stored.Created)
	}
}
