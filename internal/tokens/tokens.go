package tokens

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/aigate-dev/aigate/internal/cors"
	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/tokencache"
)

// Prefix starts every token.
const Prefix = "agt_"

// Token lifetimes.
const (
	DefaultTTL = 10 * time.Minute // when a mint request names none
	MaxTTL     = time.Hour        // the longest a token can live
)

// MinKeyLen is the shortest signing key accepted, in bytes.
const MinKeyLen = 32

// typ is the JWS "typ" header of a token, so that no other JWT signed with
// the same key can pass for one.
const typ = "agt+jwt"

// maxTokenLen bounds what Verify parses.
const maxTokenLen = 4096

// Errors Verify returns, wrapped; test them with errors.Is.
var (
	ErrMalformed       = errors.New("malformed token")
	ErrUnknownKey      = errors.New("token signed by an unknown key")
	ErrSignature       = errors.New("token signature does not verify")
	ErrExpired         = errors.New("token expired")
	ErrNotYetValid     = errors.New("token not yet valid")
	ErrRevoked         = errors.New("parent key revoked")
	ErrRevocationCheck = errors.New("cannot check the parent key")
)

// Revocations tells whether a parent key may still back tokens. The gateway
// answers from a cache that it keeps current the way it learns of key
// revocations, never from the database on the request path.
//
// Revoked returns true for a key that is revoked, expired or unknown. An
// error means the cache cannot answer; the token is then refused. It is
// called concurrently.
type Revocations interface {
	Revoked(ctx context.Context, parentKeyID string) (bool, error)
}

// RevocationsFunc adapts a function to [Revocations].
type RevocationsFunc func(ctx context.Context, parentKeyID string) (bool, error)

// Revoked calls f.
func (f RevocationsFunc) Revoked(ctx context.Context, id string) (bool, error) { return f(ctx, id) }

// Claims are what a token says. They are safe to log except User, which is
// the application's id for a person: log ID, the token's own id.
type Claims struct {
	ID        string   `json:"jti"`           // "tk_…", the token's id: safe to log
	ParentKey string   `json:"pk"`            // id of the aigate key that minted it
	User      string   `json:"sub"`           // end-user id
	Policy    string   `json:"pol,omitempty"` // policy name; empty: the parent key's
	Models    []string `json:"mdl,omitempty"` // allowed model patterns; empty: the parent key's
	Origin    string   `json:"org,omitempty"` // allowed browser origin; empty: any
	IssuedAt  int64    `json:"iat"`           // Unix seconds
	Expires   int64    `json:"exp"`           // Unix seconds
}

// ExpiresAt returns the expiry as a time.
func (c *Claims) ExpiresAt() time.Time { return time.Unix(c.Expires, 0) }

// AllowsOrigin reports whether a request with the Origin header origin
// may use the token. A token bound to an origin requires exactly that
// origin; an unbound one accepts any, including none.
func (c *Claims) AllowsOrigin(origin string) bool {
	return c.Origin == "" || strings.EqualFold(c.Origin, origin)
}

// Principal returns who a request made with the token acts for: parent,
// the principal of the live parent key, narrowed to the token's end user,
// models and policy. The user is fixed by the token, so the parent's
// ActsForUsers is cleared: a browser cannot name another user.
func (c *Claims) Principal(parent *gateway.Principal) *gateway.Principal {
	p := *parent
	p.Providers = slices.Clone(parent.Providers)
	p.Models = slices.Clone(parent.Models)
	if len(c.Models) > 0 {
		p.Models = slices.Clone(c.Models)
	}
	if c.Policy != "" {
		p.Policy = c.Policy
	}
	p.User = c.User
	p.Limits.ActsForUsers = false
	return &p
}

// Mint is a request for a token.
type Mint struct {
	User   string        // end-user id; required
	Policy string        // empty: the parent key's policy
	Models []string      // each must be allowed to the parent key; empty: the parent key's
	TTL    time.Duration // zero: DefaultTTL; more than MaxTTL is refused
	Origin string        // "https://app.example"; empty: any origin
}

// Options configure an [Authority]. The zero value of every field but
// Revocations is a useful default.
type Options struct {
	// Revocations answers whether a parent key is revoked; required.
	Revocations Revocations
	// Previous are older signing keys that still verify tokens (never
	// sign), for as long as they are configured.
	Previous []gateway.Secret
	// Skew is the clock skew allowed on expiry and issue times; zero means
	// 30 seconds.
	Skew time.Duration
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// CacheSize bounds how many verified tokens are remembered; zero means
	// 65536, negative disables the cache.
	CacheSize int
}

// Authority mints and verifies tokens. It is safe for concurrent use;
// [Authority.Rotate] may run while requests are verified.
type Authority struct {
	revocations Revocations
	skew        time.Duration
	now         func() time.Time
	keys        atomic.Pointer[keyset]
	cache       tokencache.Cache[*verified]
	noFast      bool // tests: verify every token with go-jose
}

// keyset is immutable; Rotate swaps in a new one.
type keyset struct {
	signer  jose.Signer
	signKID string
	verify  map[string]verifyKey // by kid
	// headers maps the encoded protected header of each key's tokens, byte
	// for byte as Mint writes it, to the key's id: see fastVerify.
	headers map[string]string
}

type verifyKey struct {
	key   []byte
	until time.Time // zero: for as long as configured
}

// New returns an Authority that signs with signing. It returns an error if
// a key is shorter than [MinKeyLen] or Revocations is nil.
func New(signing gateway.Secret, o Options) (*Authority, error) {
	if o.Revocations == nil {
		return nil, errors.New("tokens: Options.Revocations is required")
	}
	a := &Authority{revocations: o.Revocations, skew: o.Skew, now: o.Now}
	if a.skew <= 0 {
		a.skew = 30 * time.Second
	}
	if a.now == nil {
		a.now = time.Now
	}
	a.cache.Max = o.CacheSize
	if a.cache.Max == 0 {
		a.cache.Max = 1 << 16
	}
	a.cache.Expired = func(v *verified, now time.Time) bool { return v.claims.Expires <= now.Unix() }
	verify := map[string]verifyKey{}
	for i, p := range o.Previous {
		if len(p.Reveal()) < MinKeyLen {
			return nil, fmt.Errorf("tokens: previous key %d is shorter than %d bytes", i, MinKeyLen)
		}
		verify[KeyID(p)] = verifyKey{key: []byte(p.Reveal())}
	}
	ks, err := newKeyset(signing, verify)
	if err != nil {
		return nil, err
	}
	a.keys.Store(ks)
	return a, nil
}

func newKeyset(signing gateway.Secret, verify map[string]verifyKey) (*keyset, error) {
	if len(signing.Reveal()) < MinKeyLen {
		return nil, fmt.Errorf("tokens: the signing key is shorter than %d bytes; generate one with: openssl rand -base64 32", MinKeyLen)
	}
	kid := KeyID(signing)
	key := []byte(signing.Reveal())
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: key},
		(&jose.SignerOptions{}).WithType(typ).WithHeader(jose.HeaderKey("kid"), kid))
	if err != nil {
		return nil, fmt.Errorf("tokens: %w", err)
	}
	verify[kid] = verifyKey{key: key}
	ks := &keyset{signer: signer, signKID: kid, verify: verify, headers: map[string]string{}}
	for kid, k := range verify {
		h, err := headerSegment(kid, k.key)
		if err != nil {
			return nil, err
		}
		ks.headers[h] = kid
	}
	return ks, nil
}

// headerSegment returns the encoded protected header go-jose writes into
// every token signed with key under kid, by signing an empty payload.
func headerSegment(kid string, key []byte) (string, error) {
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: key},
		(&jose.SignerOptions{}).WithType(typ).WithHeader(jose.HeaderKey("kid"), kid))
	if err != nil {
		return "", fmt.Errorf("tokens: %w", err)
	}
	jws, err := s.Sign([]byte("{}"))
	if err != nil {
		return "", fmt.Errorf("tokens: %w", err)
	}
	c, err := jws.CompactSerialize()
	if err != nil {
		return "", fmt.Errorf("tokens: %w", err)
	}
	h, _, _ := strings.Cut(c, ".")
	return h, nil
}

// KeyID returns the key id of a signing key: an HMAC of a fixed label under
// the key, which identifies it without revealing it.
func KeyID(key gateway.Secret) string {
	m := hmac.New(sha256.New, []byte(key.Reveal()))
	m.Write([]byte("aigate token key id v1"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:9])
}

// SigningKeyID returns the id of the key new tokens are signed with.
func (a *Authority) SigningKeyID() string { return a.keys.Load().signKID }

// Rotate makes next the signing key. The key it replaces keeps verifying
// tokens for MaxTTL plus the skew, so every token it signed can run out;
// retired keys past that are dropped. Rotating to the current key does
// nothing. It returns an error, and changes nothing, if next is too short.
func (a *Authority) Rotate(next gateway.Secret) error {
	old := a.keys.Load()
	if KeyID(next) == old.signKID {
		return nil
	}
	now := a.now()
	verify := map[string]verifyKey{}
	for kid, k := range old.verify {
		switch {
		case kid == old.signKID:
			k.until = now.Add(MaxTTL + a.skew)
		case !k.until.IsZero() && now.After(k.until):
			continue
		}
		verify[kid] = k
	}
	ks, err := newKeyset(next, verify)
	if err != nil {
		return err
	}
	a.keys.Store(ks)
	return nil
}

// Mint signs a token for m on behalf of parent, the principal of the aigate
// key that asked for it. It refuses, with a *[gateway.Error] of
// [gateway.CodeInvalid] or [gateway.CodeForbidden], an empty or oversized
// user id, a TTL out of range, a malformed origin and a model the parent may
// not use.
func (a *Authority) Mint(parent *gateway.Principal, m Mint) (gateway.Secret, *Claims, error) {
	if parent == nil || parent.KeyID == "" {
		return gateway.Secret{}, nil, errors.New("tokens: mint without a parent key")
	}
	if err := checkUser(m.User); err != nil {
		return gateway.Secret{}, nil, err
	}
	ttl := m.TTL
	switch {
	case ttl == 0:
		ttl = DefaultTTL
	case ttl < 0 || ttl > MaxTTL:
		return gateway.Secret{}, nil, gateway.Errorf(gateway.CodeInvalid, "token lifetime must be between 1s and %s", MaxTTL)
	case ttl < time.Second:
		ttl = time.Second
	}
	origin := ""
	if m.Origin != "" {
		o, err := cors.NormalizeOrigin(m.Origin)
		if err != nil {
			return gateway.Secret{}, nil, gateway.Errorf(gateway.CodeInvalid, "%v", err)
		}
		origin = o
	}
	for _, pat := range m.Models {
		if !covers(parent.Models, pat) {
			return gateway.Secret{}, nil, gateway.Errorf(gateway.CodeForbidden, "the parent key may not use model %q, so its tokens may not either", pat)
		}
	}
	now := a.now()
	c := &Claims{
		ID:        newID(),
		ParentKey: parent.KeyID,
		User:      m.User,
		Policy:    m.Policy,
		Models:    slices.Clone(m.Models),
		Origin:    origin,
		IssuedAt:  now.Unix(),
		Expires:   now.Add(ttl).Unix(),
	}
	payload, err := json.Marshal(c)
	if err != nil {
		return gateway.Secret{}, nil, fmt.Errorf("tokens: %w", err)
	}
	jws, err := a.keys.Load().signer.Sign(payload)
	if err != nil {
		return gateway.Secret{}, nil, fmt.Errorf("tokens: signing: %w", err)
	}
	s, err := jws.CompactSerialize()
	if err != nil {
		return gateway.Secret{}, nil, fmt.Errorf("tokens: %w", err)
	}
	return gateway.NewSecret(Prefix + s), c, nil
}

// algs is the algorithm allow-list: tokens are only ever HS256.
var algs = []jose.SignatureAlgorithm{jose.HS256}

// Verify checks token and returns its claims; see the package doc for the
// order of checks. Errors wrap one of the Err* values above, name the token
// id once the signature has verified, and never hold the token. The claims
// returned are the caller's, but their Models slice is shared with the
// cache: do not modify it.
//
// A token whose signature has verified is remembered, under its SHA-256, in
// a bounded cache, so the next request with it skips the JWS parse and the
// HMAC; expiry, the key's retirement and the parent's revocation are checked
// on every call.
func (a *Authority) Verify(ctx context.Context, token string) (*Claims, error) {
	raw, ok := strings.CutPrefix(token, Prefix)
	if !ok || len(token) > maxTokenLen {
		return nil, ErrMalformed
	}
	now := a.now()
	ks := a.keys.Load()
	sum := sha256.Sum256([]byte(token))
	v, hit := a.cache.Get(sum)
	if hit && !ks.live(v.kid, now) {
		return nil, ErrUnknownKey
	}
	if !hit {
		// A signature must be canonical base64url: go-jose also accepts
		// variants whose unused trailing bits differ, which would make
		// one token many.
		sig := raw[strings.LastIndexByte(raw, '.')+1:]
		if _, err := base64.RawURLEncoding.Strict().DecodeString(sig); err != nil {
			return nil, ErrSignature
		}
		var err error
		v, err = a.fastVerify(ks, raw, now)
		if errors.Is(err, errNotOurHeader) {
			v, err = a.verifySignature(ks, raw, now)
		}
		if err != nil {
			return nil, err
		}
	}
	c := v.claims
	skew := int64(a.skew / time.Second)
	switch t := now.Unix(); {
	case t >= c.Expires+skew:
		return nil, fmt.Errorf("%w: token %s of key %s expired at %s", ErrExpired, c.ID, c.ParentKey, c.ExpiresAt().UTC().Format(time.RFC3339))
	case t+skew < c.IssuedAt:
		return nil, fmt.Errorf("%w: token %s of key %s is issued in the future", ErrNotYetValid, c.ID, c.ParentKey)
	case c.Expires-c.IssuedAt > int64(MaxTTL/time.Second):
		return nil, fmt.Errorf("%w: token %s of key %s lives longer than %s", ErrMalformed, c.ID, c.ParentKey, MaxTTL)
	}
	if !hit {
		a.cache.Put(sum, v, now)
	}
	revoked, err := a.revocations.Revoked(ctx, c.ParentKey)
	switch {
	case err != nil:
		return nil, fmt.Errorf("%w %s (token %s): %w", ErrRevocationCheck, c.ParentKey, c.ID, err)
	case revoked:
		return nil, fmt.Errorf("%w: token %s of key %s", ErrRevoked, c.ID, c.ParentKey)
	}
	return &c, nil
}

// verifySignature parses raw, the token without its prefix, with go-jose and
// checks its algorithm, type, key id and signature.
func (a *Authority) verifySignature(ks *keyset, raw string, now time.Time) (*verified, error) {
	jws, err := jose.ParseSignedCompact(raw, algs)
	if err != nil {
		// go-jose names the algorithm or the part that did not parse;
		// neither holds the signature.
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if len(jws.Signatures) != 1 {
		return nil, ErrMalformed
	}
	h := jws.Signatures[0].Protected
	if h.ExtraHeaders[jose.HeaderType] != typ {
		return nil, fmt.Errorf("%w: typ is not %s", ErrMalformed, typ)
	}
	if !ks.live(h.KeyID, now) {
		return nil, ErrUnknownKey
	}
	payload, err := jws.Verify(ks.verify[h.KeyID].key)
	if err != nil {
		return nil, ErrSignature
	}
	v := &verified{kid: h.KeyID}
	if err := json.Unmarshal(payload, &v.claims); err != nil || v.claims.ParentKey == "" || v.claims.User == "" || v.claims.Expires == 0 {
		return nil, fmt.Errorf("%w: claims", ErrMalformed)
	}
	return v, nil
}

// errNotOurHeader sends a token to the go-jose path.
var errNotOurHeader = errors.New("header is not one Mint writes")

// fastVerify checks a token whose protected header is, byte for byte, one
// that Mint writes for a live key: {"alg":"HS256","kid":KID,"typ":"agt+jwt"}.
// Matching the whole header leaves no room for algorithm confusion, so what
// remains of JWS verification is the HS256 MAC over "header.payload",
// computed with crypto/hmac and compared in constant time, as go-jose
// does. It accepts exactly what verifySignature accepts for such tokens (a
// test holds both paths to the same cases), at a third of the cost; any
// other header returns errNotOurHeader and goes through go-jose, which
// gives the precise refusal.
func (a *Authority) fastVerify(ks *keyset, raw string, now time.Time) (*verified, error) {
	if a.noFast {
		return nil, errNotOurHeader
	}
	header, rest, ok := strings.Cut(raw, ".")
	kid, known := ks.headers[header]
	if !ok || !known {
		return nil, errNotOurHeader
	}
	payload, sig, ok := strings.Cut(rest, ".")
	if !ok || strings.Contains(sig, ".") {
		return nil, ErrMalformed
	}
	if !ks.live(kid, now) {
		return nil, ErrUnknownKey
	}
	got, err := base64.RawURLEncoding.Strict().DecodeString(sig)
	if err != nil || len(got) != sha256.Size {
		return nil, ErrSignature
	}
	m := hmac.New(sha256.New, ks.verify[kid].key)
	m.Write([]byte(raw[:len(header)+1+len(payload)]))
	if !hmac.Equal(m.Sum(nil), got) {
		return nil, ErrSignature
	}
	body, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return nil, fmt.Errorf("%w: claims", ErrMalformed)
	}
	v := &verified{kid: kid}
	if err := json.Unmarshal(body, &v.claims); err != nil || v.claims.ParentKey == "" || v.claims.User == "" || v.claims.Expires == 0 {
		return nil, fmt.Errorf("%w: claims", ErrMalformed)
	}
	return v, nil
}

// live reports whether kid names a key that verifies at now.
func (ks *keyset) live(kid string, now time.Time) bool {
	k, ok := ks.verify[kid]
	return ok && (k.until.IsZero() || !now.After(k.until))
}

// Client messages. They tell the caller what to do and never quote the
// token.
const (
	msgInvalid     = "invalid aigate token: ask the application for a new one"
	msgExpired     = "this aigate token expired: ask the application for a new one"
	msgRevoked     = "the key behind this aigate token was revoked"
	msgUnavailable = "aigate cannot check tokens right now; the request was not sent to the provider. Retry later"
	msgOrigin      = "this aigate token is not valid for this origin"
)

// Refusal turns an error from [Authority.Verify] into what the client sees:
// [gateway.CodeUnavailable] when the revocation check failed, otherwise
// [gateway.CodeUnauthenticated]. The error is kept for the log.
func Refusal(err error) *gateway.Error {
	e := &gateway.Error{Code: gateway.CodeUnauthenticated, Message: msgInvalid, Err: err}
	switch {
	case errors.Is(err, ErrRevocationCheck):
		e.Code, e.Message = gateway.CodeUnavailable, msgUnavailable
	case errors.Is(err, ErrExpired):
		e.Message = msgExpired
	case errors.Is(err, ErrRevoked):
		e.Message = msgRevoked
	}
	return e
}

// OriginRefusal is the refusal for a token presented from an origin it is
// not bound to: 403, since the token itself is valid.
func OriginRefusal(c *Claims, origin string) *gateway.Error {
	return &gateway.Error{Code: gateway.CodeForbidden, Message: msgOrigin,
		Err: fmt.Errorf("token %s of key %s is bound to %s, presented from %q", c.ID, c.ParentKey, c.Origin, origin)}
}

// checkUser refuses an end-user id that is empty, too long or holds control
// characters, which would end up in logs and limit keys.
func checkUser(u string) error {
	if u == "" {
		return gateway.Errorf(gateway.CodeInvalid, "a token needs an end-user id")
	}
	if len(u) > 256 {
		return gateway.Errorf(gateway.CodeInvalid, "the end-user id is longer than 256 bytes")
	}
	if strings.ContainsFunc(u, unicode.IsControl) {
		return gateway.Errorf(gateway.CodeInvalid, "the end-user id holds control characters")
	}
	return nil
}

// covers reports whether the parent's model patterns allow every model pat
// allows. An empty parent list allows everything.
func covers(parent []string, pat string) bool {
	if len(parent) == 0 {
		return true
	}
	wild, isWild := strings.CutSuffix(pat, "*")
	for _, q := range parent {
		qp, qWild := strings.CutSuffix(q, "*")
		switch {
		case !isWild && gateway.MatchModel(q, pat):
			return true
		case isWild && qWild && strings.HasPrefix(wild, qp):
			return true
		}
	}
	return false
}

var idEncoding = base32.HexEncoding.WithPadding(base32.NoPadding)

// newID returns "tk_" and 16 random base32hex characters (80 bits).
func newID() string {
	var b [10]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return "tk_" + strings.ToLower(idEncoding.EncodeToString(b[:]))
}
