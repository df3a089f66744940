package secrets

import (
	"net/http/httptest"
	"testing"

	"github.com/aigate-dev/aigate/internal/secrets/secretsfake"
)

// The fake servers live in secretsfake, shared with the gateway's
// end-to-end tests.

func mustRandomHex(t testing.TB, n int) string { return secretsfake.MustRandomHex(t, n) }

func startFakeSecretsManager(t *testing.T) (*secretsfake.SecretsManager, *httptest.Server) {
	return secretsfake.StartSecretsManager(t)
}

func startFakeVault(t *testing.T) (*secretsfake.Vault, *httptest.Server) {
	return secretsfake.StartVault(t)
}
