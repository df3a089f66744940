package config

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/secrets"
)

func TestResolveSecretManagers(t *testing.T) {
	read := func(_ context.Context, ref secrets.Ref) (gateway.Secret, error) {
		return gateway.NewSecret("value-of-" + ref.String()), nil
	}
	r := Resolver{Env: func(string) (string, bool) { return "", false }, Secrets: &secrets.Manager{Sources: map[secrets.Scheme]secrets.Source{
		secrets.SchemeAWS:   secrets.SourceFunc(read),
		secrets.SchemeVault: secrets.SourceFunc(read),
	}}}
	for _, ref := range []string{"aws-sm:prod/llm#openai", "vault:secret/aigate#openai"} {
		t.Run(ref, func(t *testing.T) {
			if !IsReference(ref) {
				t.Errorf("IsReference(%q) = false", ref)
			}
			s, err := r.Resolve(ref)
			if err != nil || s.Reveal() != "value-of-"+ref {
				t.Errorf("Resolve(%q) = %v, want the manager's value", ref, err)
			}
			if _, err := (Resolver{}).Resolve(ref); err == nil {
				t.Errorf("Resolve(%q) without a secrets manager = nil error", ref)
			}
		})
	}
	t.Run("syntax-error-names-reference", func(t *testing.T) {
		_, err := r.Resolve("vault:secret/aigate")
		if err == nil || !strings.Contains(err.Error(), "vault:secret/aigate") {
			t.Errorf("Resolve(vault ref without field) = %v, want an error naming it", err)
		}
	})
}

func TestResolveTracked(t *testing.T) {
	reads := 0
	val := "first-value"
	m := &secrets.Manager{Sources: map[secrets.Scheme]secrets.Source{
		secrets.SchemeEnv: secrets.SourceFunc(func(_ context.Context, ref secrets.Ref) (gateway.Secret, error) {
			reads++
			return gateway.NewSecret(val), nil
		}),
	}}
	r := Resolver{Secrets: m, Track: true}
	s, err := r.Resolve("env:X")
	if err != nil || s.Reveal() != "first-value" || reads != 1 {
		t.Fatalf("first Resolve = %v after %d reads, want the value after one read", err, reads)
	}
	if _, err := r.Resolve("env:X"); err != nil || reads != 1 {
		t.Errorf("second Resolve = %v after %d reads, want the tracked value without a read", err, reads)
	}
	val = "second-value"
	if err := m.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s, _ := r.Resolve("env:X"); s.Reveal() != "second-value" {
		t.Error("Resolve after a refresh does not return the refreshed value")
	}
	if len(m.Status()) != 1 {
		t.Errorf("the manager tracks %d references, want 1", len(m.Status()))
	}
}

func TestSecretRefreshValidate(t *testing.T) {
	for _, tt := range []struct {
		yaml, wantErr string
	}{
		{"", ""},
		{"secrets: {refresh_interval: 0}", ""},
		{"secrets: {refresh_interval: 30s, max_stale: 10m}", ""},
		{"secrets: {refresh_interval: 10ms}", "secrets.refresh_interval"},
		{"secrets: {refresh_interval: -1m}", "secrets.refresh_interval"},
		{"secrets: {max_stale: 0s}", "secrets.max_stale: must be positive"},
		{"secrets: {refresh_interval: 2h}", "secrets.max_stale: must be at least"},
	} {
		f, err := Parse("test.yaml", []byte(tt.yaml))
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.yaml, err)
		}
		err = f.Validate()
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("Validate(%q) = %v, want nil", tt.yaml, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("Validate(%q) = %v, want an error containing %q", tt.yaml, err, tt.wantErr)
		}
	}
	if d := Default().Secrets; d.RefreshInterval != Duration(5*time.Minute) || d.MaxStale != Duration(time.Hour) {
		t.Errorf("default secrets = %+v, want 5m and 1h", d)
	}
}
