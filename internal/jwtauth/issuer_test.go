package jwtauth

import (
	"net/http/httptest"
	"testing"

	"github.com/aigate-dev/aigate/internal/jwtauth/jwttest"
)

// newTestIssuer starts an identity provider run by the test (see jwttest)
// with no keys, and returns it with its JWKS server.
func newTestIssuer(t testing.TB) (*jwttest.Issuer, *httptest.Server) {
	t.Helper()
	is := jwttest.New(t, "https://login.example.test/")
	return is, is.Server
}
