package jwtauth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// testIssuer is an identity provider run by the test: it holds signing keys
// generated at test run time and publishes the public halves as a JWKS on
// 127.0.0.1.
type testIssuer struct {
	t   testing.TB
	url string // the issuer, iss

	mu        sync.Mutex
	keys      map[string]signingKey // kid → key
	published []string              // kids in the JWKS
	fetches   int
	down      bool // answer 500
}

type signingKey struct {
	alg jose.SignatureAlgorithm
	key crypto.Signer
}

func newTestIssuer(t testing.TB) (*testIssuer, *httptest.Server) {
	t.Helper()
	is := &testIssuer{t: t, url: "https://login.example.test/", keys: map[string]signingKey{}}
	srv := httptest.NewServer(http.HandlerFunc(is.serveJWKS))
	t.Cleanup(srv.Close)
	return is, srv
}

// addKey generates a key for alg under kid and publishes it.
func (is *testIssuer) addKey(kid string, alg jose.SignatureAlgorithm) {
	is.t.Helper()
	var (
		k   crypto.Signer
		err error
	)
	switch alg {
	case jose.RS256:
		k, err = rsa.GenerateKey(rand.Reader, 2048)
	case jose.ES256:
		k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case jose.EdDSA:
		_, k, err = ed25519.GenerateKey(rand.Reader)
	}
	if err != nil {
		is.t.Fatal(err)
	}
	is.mu.Lock()
	defer is.mu.Unlock()
	is.keys[kid] = signingKey{alg: alg, key: k}
	is.published = append(is.published, kid)
}

// unpublish removes kid from the JWKS; the issuer can still sign with it.
func (is *testIssuer) unpublish(kid string) {
	is.mu.Lock()
	defer is.mu.Unlock()
	var keep []string
	for _, k := range is.published {
		if k != kid {
			keep = append(keep, k)
		}
	}
	is.published = keep
}

func (is *testIssuer) fetchCount() int {
	is.mu.Lock()
	defer is.mu.Unlock()
	return is.fetches
}

func (is *testIssuer) setDown(v bool) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.down = v
}

func (is *testIssuer) serveJWKS(w http.ResponseWriter, r *http.Request) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.fetches++
	if is.down {
		http.Error(w, "unavailable", http.StatusInternalServerError)
		return
	}
	var set jose.JSONWebKeySet
	for _, kid := range is.published {
		k := is.keys[kid]
		set.Keys = append(set.Keys, jose.JSONWebKey{Key: k.key.Public(), KeyID: kid, Algorithm: string(k.alg), Use: "sig"})
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(set)
}

// claims are the usual claims of a token for user-1, valid around now.
func (is *testIssuer) claims(now time.Time) map[string]any {
	return map[string]any{
		"iss": is.url, "aud": []string{"aigate", "other"}, "sub": "user-1",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(),
		"jti": "id-1", "aigate_policy": "browser",
	}
}

// sign signs claims with the key kid, under its own algorithm.
func (is *testIssuer) sign(kid string, claims map[string]any) string {
	is.t.Helper()
	is.mu.Lock()
	k, ok := is.keys[kid]
	is.mu.Unlock()
	if !ok {
		is.t.Fatalf("no key %s", kid)
	}
	return signWith(is.t, k.alg, k.key, kid, claims)
}

func signWith(t testing.TB, alg jose.SignatureAlgorithm, key any, kid string, claims map[string]any) string {
	t.Helper()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", kid))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.Signed(s).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
