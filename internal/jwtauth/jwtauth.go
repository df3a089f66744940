package jwtauth

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/tokencache"
)

// Errors Verify returns, wrapped with details for the log; test them with
// errors.Is.
var (
	ErrMalformed   = errors.New("malformed JWT")
	ErrAlgorithm   = errors.New("JWT algorithm not allowed")
	ErrUnknownKey  = errors.New("JWT signed by a key the issuer's JWKS does not hold")
	ErrKeyMismatch = errors.New("JWT key does not match its algorithm")
	ErrSignature   = errors.New("JWT signature does not verify")
	ErrExpired     = errors.New("JWT expired")
	ErrNotYetValid = errors.New("JWT not yet valid")
	ErrIssuer      = errors.New("JWT issuer not accepted")
	ErrAudience    = errors.New("JWT audience not accepted")
	ErrSubject     = errors.New("JWT has no subject")
	ErrJWKS        = errors.New("cannot fetch the issuer's JWKS")
)

// Algorithms are the signature algorithms a Verifier accepts.
var Algorithms = []jose.SignatureAlgorithm{jose.RS256, jose.ES256, jose.EdDSA}

// maxTokenLen and maxJWKS bound what is parsed and fetched.
const (
	maxTokenLen = 16 << 10
	maxJWKS     = 1 << 20
)

// Config describes one identity provider. Issuer, Audience and JWKSURL are
// required; every other zero field is a useful default.
type Config struct {
	Issuer   string // the exact iss value, such as https://login.example.com/
	Audience string // a value aud must contain
	// JWKSURL is where the provider publishes its keys; https, or http on a
	// loopback address only.
	JWKSURL string
	// PolicyClaim names a string claim that selects the policy; empty: the
	// key's policy.
	PolicyClaim string
	// Leeway is the clock skew allowed on exp, nbf and iat; zero means 30s.
	Leeway time.Duration
	// RefreshInterval is how old the cached JWKS may grow before a request
	// re-fetches it; zero means 1 hour.
	RefreshInterval time.Duration
	// MinRefreshInterval is the least time between two fetches caused by
	// unknown key ids; zero means 30 seconds.
	MinRefreshInterval time.Duration
	// Client fetches the JWKS; nil means a client with a 10 second timeout.
	Client *http.Client
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Logger receives JWKS fetch failures; nil discards them.
	Logger *slog.Logger
	// CacheSize bounds how many verified tokens are remembered, so a token
	// reused for many requests is checked with the public key once; zero
	// means 65536, negative turns the cache off.
	CacheSize int
}

// Identity is who a verified token speaks for. It is safe to log except
// Subject, which is the provider's id for a person.
type Identity struct {
	Subject string // sub: the end-user id
	Policy  string // the PolicyClaim value; empty when absent or not configured
	Issuer  string
	ID      string // jti, if any
	Expires time.Time
}

// Verifier verifies the JWTs of one identity provider. It is safe for
// concurrent use.
type Verifier struct {
	c Config

	keys  atomic.Pointer[keySet]
	cache tokencache.Cache[*entry]

	fetchMu   sync.Mutex // serialises fetches; protects lastFetch
	lastFetch time.Time  // zero before the first fetch
}

// keySet is an immutable JWKS snapshot.
type keySet struct {
	byKID   map[string]jose.JSONWebKey
	fetched time.Time
}

// New checks c and returns a Verifier. It does not fetch the JWKS.
func New(c Config) (*Verifier, error) {
	var errs []error
	if c.Issuer == "" {
		errs = append(errs, errors.New("issuer is required"))
	}
	if c.Audience == "" {
		errs = append(errs, errors.New("audience is required"))
	}
	if err := checkJWKSURL(c.JWKSURL); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("jwtauth: %w", err)
	}
	if c.Leeway <= 0 {
		c.Leeway = 30 * time.Second
	}
	if c.RefreshInterval <= 0 {
		c.RefreshInterval = time.Hour
	}
	if c.MinRefreshInterval <= 0 {
		c.MinRefreshInterval = 30 * time.Second
	}
	if c.Client == nil {
		c.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	v := &Verifier{c: c}
	v.cache.Max = c.CacheSize
	if v.cache.Max == 0 {
		v.cache.Max = 1 << 16
	}
	v.cache.Expired = func(e *entry, now time.Time) bool { return !now.Before(e.id.Expires) }
	return v, nil
}

func checkJWKSURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return errors.New("jwks_url must be an absolute URL")
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if ip := net.ParseIP(u.Hostname()); u.Hostname() == "localhost" || (ip != nil && ip.IsLoopback()) {
			return nil
		}
	}
	return errors.New("jwks_url must use https (http only on a loopback address)")
}

// Verify checks token and returns the identity it carries. Errors wrap one
// of the Err* values and never hold the token.
//
// A verified token is remembered under its SHA-256 until it expires; a
// later Verify of the same token checks only that it has not expired and
// that its key is still in the JWKS.
func (v *Verifier) Verify(ctx context.Context, token string) (*Identity, error) {
	if len(token) > maxTokenLen {
		return nil, fmt.Errorf("%w: longer than %d bytes", ErrMalformed, maxTokenLen)
	}
	sum := sha256.Sum256([]byte(token))
	now := v.c.Now()
	if e, ok := v.cache.Get(sum); ok {
		if ks := v.keys.Load(); ks != nil && now.Sub(ks.fetched) < v.c.RefreshInterval {
			if _, live := ks.byKID[e.kid]; live && now.Before(e.id.Expires.Add(v.c.Leeway)) {
				id := e.id
				return &id, nil
			}
		}
		// Expired, its key gone, or the JWKS is due a refresh: verify in
		// full, which gives the precise error.
	}
	id, kid, err := v.verify(ctx, token)
	if err != nil {
		return nil, err
	}
	v.cache.Put(sum, &entry{id: *id, kid: kid}, now)
	return id, nil
}

// verify checks token in full and returns its identity and key id.
func (v *Verifier) verify(ctx context.Context, token string) (*Identity, string, error) {
	tok, err := jwt.ParseSigned(token, Algorithms)
	if err != nil {
		var alg *jose.ErrUnexpectedSignatureAlgorithm
		if errors.As(err, &alg) {
			return nil, "", fmt.Errorf("%w: %s", ErrAlgorithm, alg.Got)
		}
		return nil, "", fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if len(tok.Headers) != 1 {
		return nil, "", fmt.Errorf("%w: %d signatures", ErrMalformed, len(tok.Headers))
	}
	h := tok.Headers[0]
	key, err := v.key(ctx, h.KeyID)
	if err != nil {
		return nil, "", err
	}
	if err := matches(key, jose.SignatureAlgorithm(h.Algorithm)); err != nil {
		return nil, "", err
	}
	var (
		std   jwt.Claims
		extra map[string]any
	)
	dest := []any{&std}
	if v.c.PolicyClaim != "" {
		dest = append(dest, &extra)
	}
	if err := tok.Claims(key.Key, dest...); err != nil {
		if errors.Is(err, jose.ErrCryptoFailure) {
			return nil, "", fmt.Errorf("%w (kid %q)", ErrSignature, h.KeyID)
		}
		return nil, "", fmt.Errorf("%w: claims: %w", ErrMalformed, err)
	}
	if err := v.validate(&std); err != nil {
		return nil, "", err
	}
	id := &Identity{Subject: std.Subject, Issuer: std.Issuer, ID: std.ID, Expires: std.Expiry.Time().UTC()}
	if p, ok := extra[v.c.PolicyClaim].(string); ok {
		id.Policy = p
	}
	return id, key.KeyID, nil
}

func (v *Verifier) validate(c *jwt.Claims) error {
	if c.Expiry == nil {
		return fmt.Errorf("%w: no exp claim", ErrExpired)
	}
	err := c.ValidateWithLeeway(jwt.Expected{
		Issuer:      v.c.Issuer,
		AnyAudience: jwt.Audience{v.c.Audience},
		Time:        v.c.Now(),
	}, v.c.Leeway)
	switch {
	case errors.Is(err, jwt.ErrExpired):
		return fmt.Errorf("%w at %s", ErrExpired, c.Expiry.Time().UTC().Format(time.RFC3339))
	case errors.Is(err, jwt.ErrNotValidYet):
		return fmt.Errorf("%w before %s", ErrNotYetValid, c.NotBefore.Time().UTC().Format(time.RFC3339))
	case errors.Is(err, jwt.ErrIssuedInTheFuture):
		return fmt.Errorf("%w: issued in the future", ErrNotYetValid)
	case errors.Is(err, jwt.ErrInvalidIssuer):
		return fmt.Errorf("%w: %q", ErrIssuer, truncate(c.Issuer))
	case errors.Is(err, jwt.ErrInvalidAudience):
		return fmt.Errorf("%w: %q", ErrAudience, truncate(strings.Join(c.Audience, ",")))
	case err != nil:
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	case c.Subject == "":
		return ErrSubject
	}
	return nil
}

// truncate shortens a claim quoted in an error.
func truncate(s string) string {
	if len(s) > 100 {
		return s[:100] + "…"
	}
	return s
}

// matches checks that key can verify alg, so no token chooses how a key is
// used: an RSA key of at least 2048 bits for RS256, a P-256 key for ES256,
// an Ed25519 key for EdDSA, and the JWK's own alg, if set, must agree.
func matches(key jose.JSONWebKey, alg jose.SignatureAlgorithm) error {
	if key.Algorithm != "" && key.Algorithm != string(alg) {
		return fmt.Errorf("%w: kid %q is for %s, the token says %s", ErrKeyMismatch, key.KeyID, key.Algorithm, alg)
	}
	ok := false
	switch k := key.Key.(type) {
	case *rsa.PublicKey:
		ok = alg == jose.RS256 && k.N.BitLen() >= 2048
	case *ecdsa.PublicKey:
		ok = alg == jose.ES256 && k.Curve == elliptic.P256()
	case ed25519.PublicKey:
		ok = alg == jose.EdDSA
	}
	if !ok {
		return fmt.Errorf("%w: kid %q (%T) cannot verify %s", ErrKeyMismatch, key.KeyID, key.Key, alg)
	}
	return nil
}

// key returns the key kid names, fetching the JWKS when it is stale or
// lacks kid. A token without kid is accepted only when the JWKS holds one
// key.
func (v *Verifier) key(ctx context.Context, kid string) (jose.JSONWebKey, error) {
	now := v.c.Now()
	ks := v.keys.Load()
	if ks == nil {
		var err error
		if ks, err = v.fetch(ctx, false); err != nil {
			return jose.JSONWebKey{}, err
		}
	} else if now.Sub(ks.fetched) >= v.c.RefreshInterval && v.fetchMu.TryLock() {
		// Stale: refresh, unless another request already is.
		v.fetchMu.Unlock()
		if fresh, err := v.fetch(ctx, false); err == nil {
			ks = fresh
		}
	}
	if k, ok := ks.lookup(kid); ok {
		return k, nil
	}
	fresh, err := v.fetch(ctx, false)
	if err != nil && !errors.Is(err, errRateLimited) {
		return jose.JSONWebKey{}, fmt.Errorf("%w (kid %q): %w", ErrUnknownKey, kid, err)
	}
	if fresh != nil {
		if k, ok := fresh.lookup(kid); ok {
			return k, nil
		}
	}
	return jose.JSONWebKey{}, fmt.Errorf("%w (kid %q)", ErrUnknownKey, kid)
}

func (ks *keySet) lookup(kid string) (jose.JSONWebKey, bool) {
	if kid == "" && len(ks.byKID) == 1 {
		for _, k := range ks.byKID {
			return k, true
		}
	}
	k, ok := ks.byKID[kid]
	return k, ok
}

var errRateLimited = errors.New("JWKS fetched too recently")

// Fetch fetches the JWKS now, whenever it was last fetched, for a startup
// check.
func (v *Verifier) Fetch(ctx context.Context) error {
	_, err := v.fetch(ctx, true)
	return err
}

// fetch fetches the JWKS and swaps it in. Unless force is set, it does
// nothing if the last attempt is more recent than MinRefreshInterval, so
// neither made-up key ids nor a provider that is down make every request
// wait on a fetch; if another fetch succeeded while it waited for the lock,
// it returns that one's keys. A failed fetch keeps the keys already known.
func (v *Verifier) fetch(ctx context.Context, force bool) (*keySet, error) {
	before := v.keys.Load()
	v.fetchMu.Lock()
	defer v.fetchMu.Unlock()
	if cur := v.keys.Load(); cur != before && cur != nil {
		return cur, nil // another request fetched while we waited
	}
	now := v.c.Now()
	if !force && !v.lastFetch.IsZero() && now.Sub(v.lastFetch) < v.c.MinRefreshInterval {
		if before == nil {
			return nil, fmt.Errorf("%w %s: the last attempt failed less than %s ago", ErrJWKS, v.c.JWKSURL, v.c.MinRefreshInterval)
		}
		return nil, errRateLimited
	}
	v.lastFetch = now
	ks, err := v.download(ctx)
	if err != nil {
		v.c.Logger.LogAttrs(ctx, slog.LevelError, "JWKS fetch failed; keeping the keys already known",
			slog.String("jwks_url", v.c.JWKSURL), slog.String("error", err.Error()))
		if before == nil {
			return nil, fmt.Errorf("%w %s: %w", ErrJWKS, v.c.JWKSURL, err)
		}
		return nil, err
	}
	ks.fetched = now
	v.keys.Store(ks)
	return ks, nil
}

func (v *Verifier) download(ctx context.Context) (*keySet, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, v.c.JWKSURL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := v.c.Client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("JWKS answered %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKS))
	if err != nil {
		return nil, err
	}
	// Decode key by key, so one key of a type go-jose does not know does
	// not hide the others.
	var raw struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, fmt.Errorf("JWKS is not a JSON key set: %w", err)
	}
	ks := &keySet{byKID: map[string]jose.JSONWebKey{}}
	for _, r := range raw.Keys {
		var k jose.JSONWebKey
		if err := k.UnmarshalJSON(r); err != nil || !k.Valid() {
			continue
		}
		if !k.IsPublic() || (k.Use != "" && k.Use != "sig") {
			continue // never verify with a private or an encryption key
		}
		ks.byKID[k.KeyID] = k
	}
	if len(ks.byKID) == 0 {
		return nil, errors.New("JWKS holds no usable signing key")
	}
	return ks, nil
}

// Refusal turns an error from [Verifier.Verify] into what the client sees:
// [gateway.CodeUnavailable] when the provider's keys could not be fetched at
// all, otherwise [gateway.CodeUnauthenticated] with a message that names the
// class of problem but not the token. The error is kept for the log.
func Refusal(err error) *gateway.Error {
	e := &gateway.Error{Code: gateway.CodeUnauthenticated, Message: "invalid identity token: sign in again", Err: err}
	switch {
	case errors.Is(err, ErrJWKS):
		e.Code, e.Message = gateway.CodeUnavailable, "aigate cannot check identity tokens right now; the request was not sent to the provider. Retry later"
	case errors.Is(err, ErrExpired):
		e.Message = "the identity token expired: sign in again"
	}
	return e
}
