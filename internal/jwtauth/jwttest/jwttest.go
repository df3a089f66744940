// Package jwttest is an identity provider for tests: it holds signing keys
// generated at run time and publishes their public halves as a JWKS on
// 127.0.0.1, so tests of JWT verification need no real provider and commit
// no key.
package jwttest

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

// Issuer is an identity provider run by a test. Its methods are safe for
// concurrent use.
type Issuer struct {
	t testing.TB
	// Iss is the issuer, the iss claim of its tokens.
	Iss string
	// Server serves the JWKS at its root; it is closed when the test ends.
	Server *httptest.Server

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

// New starts an issuer named iss with no keys; its JWKS URL is
// Server.URL.
func New(t testing.TB, iss string) *Issuer {
	t.Helper()
	is := &Issuer{t: t, Iss: iss, keys: map[string]signingKey{}}
	is.Server = httptest.NewServer(http.HandlerFunc(is.serveJWKS))
	t.Cleanup(is.Server.Close)
	return is
}

// JWKSURL returns where the issuer publishes its keys.
func (is *Issuer) JWKSURL() string { return is.Server.URL }

// AddKey generates a key for alg (RS256, ES256 or EdDSA) under kid and
// publishes it.
func (is *Issuer) AddKey(kid string, alg jose.SignatureAlgorithm) {
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
	default:
		is.t.Fatalf("jwttest: no key type for %s", alg)
	}
	if err != nil {
		is.t.Fatal(err)
	}
	is.mu.Lock()
	defer is.mu.Unlock()
	is.keys[kid] = signingKey{alg: alg, key: k}
	is.published = append(is.published, kid)
}

// Key returns the private key kid, to sign tokens the issuer would not.
func (is *Issuer) Key(kid string) crypto.Signer {
	is.t.Helper()
	is.mu.Lock()
	defer is.mu.Unlock()
	k, ok := is.keys[kid]
	if !ok {
		is.t.Fatalf("jwttest: no key %s", kid)
	}
	return k.key
}

// Unpublish removes kid from the JWKS; the issuer can still sign with it.
func (is *Issuer) Unpublish(kid string) {
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

// Fetches returns how many times the JWKS was fetched.
func (is *Issuer) Fetches() int {
	is.mu.Lock()
	defer is.mu.Unlock()
	return is.fetches
}

// SetDown makes the JWKS answer 500 (true) or serve again (false).
func (is *Issuer) SetDown(v bool) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.down = v
}

func (is *Issuer) serveJWKS(w http.ResponseWriter, r *http.Request) {
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

// Claims are the usual claims of a token for user-1, valid for ten minutes
// from now, for the audiences "aigate" and "other", with aigate_policy
// "browser". Tests change or delete entries.
func (is *Issuer) Claims(now time.Time) map[string]any {
	return map[string]any{
		"iss": is.Iss, "aud": []string{"aigate", "other"}, "sub": "user-1",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(),
		"jti": "id-1", "aigate_policy": "browser",
	}
}

// Sign signs claims with the key kid, under its own algorithm.
func (is *Issuer) Sign(kid string, claims map[string]any) string {
	is.t.Helper()
	is.mu.Lock()
	k, ok := is.keys[kid]
	is.mu.Unlock()
	if !ok {
		is.t.Fatalf("jwttest: no key %s", kid)
	}
	return SignWith(is.t, k.alg, k.key, kid, claims)
}

// SignWith signs claims with key under alg, any algorithm go-jose knows
// (HS256 with a public key as the secret included), naming kid.
func SignWith(t testing.TB, alg jose.SignatureAlgorithm, key any, kid string, claims map[string]any) string {
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
