package secrets

import (
	"context"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/internal/gateway"
)

func TestVault(t *testing.T) {
	f, srv := startFakeVault(t)
	key := "k-" + mustRandomHex(t, 8)
	f.Put("secret/data/aigate/llm", map[string]string{"openai": key})
	tok := f.NewToken()

	tests := []struct {
		name    string
		vault   *Vault
		ref     string
		wantErr string // empty: want key
	}{
		{"token", &Vault{Addr: srv.URL, Token: gateway.NewSecret(tok)}, "vault:secret/aigate/llm#openai", ""},
		{"api-path", &Vault{Addr: srv.URL, Token: gateway.NewSecret(tok)}, "vault:secret/data/aigate/llm#openai", ""},
		{"approle", &Vault{Addr: srv.URL, RoleID: f.RoleID, SecretID: gateway.NewSecret(f.SecretID)}, "vault:secret/aigate/llm#openai", ""},
		{"wrong-token", &Vault{Addr: srv.URL, Token: gateway.NewSecret("hvs.wrong")}, "vault:secret/aigate/llm#openai", "403 permission denied"},
		{"wrong-secret-id", &Vault{Addr: srv.URL, RoleID: f.RoleID, SecretID: gateway.NewSecret("nope")}, "vault:secret/aigate/llm#openai", "approle login"},
		{"no-credentials", &Vault{Addr: srv.URL}, "vault:secret/aigate/llm#openai", "no credentials"},
		{"no-addr", &Vault{Token: gateway.NewSecret(tok)}, "vault:secret/aigate/llm#openai", "VAULT_ADDR is not set"},
		{"not-found", &Vault{Addr: srv.URL, Token: gateway.NewSecret(tok)}, "vault:secret/other#openai", "404"},
		{"missing-field", &Vault{Addr: srv.URL, Token: gateway.NewSecret(tok)}, "vault:secret/aigate/llm#anthropic", `no field "anthropic"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ref, err := Parse(tt.ref)
			if err != nil {
				t.Fatal(err)
			}
			s, err := tt.vault.Read(context.Background(), ref)
			if tt.wantErr != "" {
				if err == nil || !contains(err.Error(), tt.wantErr) {
					t.Fatalf("Read(%s) = %v, want an error containing %q", tt.ref, err, tt.wantErr)
				}
				for _, secret := range []string{key, tok, f.SecretID} {
					if contains(err.Error(), secret) {
						t.Errorf("Read(%s) error quotes a secret: %v", tt.ref, err)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("Read(%s): %v", tt.ref, err)
			}
			if s.Reveal() != key {
				t.Errorf("Read(%s) = %q, want the stored key", tt.ref, s.Reveal())
			}
		})
	}
}

func TestVaultAppRoleToken(t *testing.T) {
	f, srv := startFakeVault(t)
	f.Put("secret/data/app", map[string]string{"k": "v"})
	clock := newFakeClock()
	v := &Vault{Addr: srv.URL, RoleID: f.RoleID, SecretID: gateway.NewSecret(f.SecretID), Now: clock.Now, Namespace: "team-a"}
	ref := Ref{Scheme: SchemeVault, Path: "secret/app", Field: "k"}
	read := func(t *testing.T) {
		t.Helper()
		if _, err := v.Read(context.Background(), ref); err != nil {
			t.Fatalf("Read: %v", err)
		}
	}
	logins := f.Logins

	t.Run("reused-within-lease", func(t *testing.T) {
		read(t)
		clock.Add(30 * time.Minute)
		read(t)
		if n := logins(); n != 1 {
			t.Errorf("logins = %d, want 1", n)
		}
	})
	t.Run("renewed-near-lease-end", func(t *testing.T) {
		clock.Add(20 * time.Minute) // 50 of 60 minutes: past 80%
		read(t)
		if n := logins(); n != 2 {
			t.Errorf("logins = %d, want 2", n)
		}
	})
	t.Run("login-again-when-token-revoked", func(t *testing.T) {
		f.RevokeAll()
		read(t)
		if n := logins(); n != 3 {
			t.Errorf("logins = %d, want 3", n)
		}
	})
	t.Run("namespace-header", func(t *testing.T) {
		for _, ns := range f.Namespaces() {
			if ns != "team-a" {
				t.Errorf("X-Vault-Namespace = %q, want team-a", ns)
			}
		}
	})
}

func TestVaultKV1Refused(t *testing.T) {
	f, srv := startFakeVault(t)
	f.Put("secret/data/app", map[string]string{"k": "v"})
	f.SetKV1(true)
	v := &Vault{Addr: srv.URL, Token: gateway.NewSecret(f.NewToken())}
	_, err := v.Read(context.Background(), Ref{Scheme: SchemeVault, Path: "secret/app", Field: "k"})
	if err == nil || !contains(err.Error(), "KV version 2") {
		t.Errorf("Read of a KV v1 response = %v, want a KV version 2 error", err)
	}
}

func TestVaultFromEnv(t *testing.T) {
	env := map[string]string{"VAULT_ADDR": "https://vault:8200", "VAULT_TOKEN": " t ", "VAULT_ROLE_ID": "r", "VAULT_SECRET_ID": "s", "VAULT_NAMESPACE": "ns"}
	v := VaultFromEnv(func(k string) (string, bool) { s, ok := env[k]; return s, ok })
	if v.Addr != "https://vault:8200" || v.Token.Reveal() != "t" || v.RoleID != "r" || v.SecretID.Reveal() != "s" || v.Namespace != "ns" {
		t.Errorf("VaultFromEnv = %+v, want the environment's settings", v)
	}
}
