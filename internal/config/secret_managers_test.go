package config

import (
	"context"
	"strings"
	"testing"

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
