package jwtauth

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/aigate-dev/aigate/internal/gateway"
)

// ErrParentGone is what a [Provider.Parent] returns, wrapped, when the
// aigate key the provider is bound to is revoked, expired or unknown: its
// tokens are refused with 401. Any other error is a 503.
var ErrParentGone = errors.New("the aigate key of the identity provider is revoked, expired or unknown")

// ErrPolicy is the reason a token whose policy claim names a policy its
// provider may not select is refused (403).
var ErrPolicy = errors.New("JWT policy claim not allowed")

// Client messages of the Authenticator; they never quote the token.
const (
	msgInURL       = "identity tokens must not be sent in the URL; send the token as Authorization: Bearer, x-api-key or x-goog-api-key"
	msgNoProvider  = "invalid credential: this identity token's issuer is not accepted by this gateway; sign in again or ask the app's operator"
	msgBadSubject  = "invalid identity token: its sub claim is not a usable user id"
	msgParentGone  = "the aigate key behind this identity provider is revoked, expired or not found; ask the app's operator"
	msgPolicy      = "this identity token selects a policy its identity provider may not use; ask the app's operator"
	msgParentCheck = "aigate cannot check identity tokens right now; the request was not sent to the provider. Retry later"
)

// Provider is one identity provider whose tokens stand for an aigate key.
type Provider struct {
	// Name is the provider's configured name, for the log.
	Name     string
	Verifier *Verifier
	// Issuer is the iss its tokens carry, which selects the provider.
	Issuer string
	// Parent returns the principal of the live aigate key the provider is
	// bound to (its limits, budgets, CORS origins and policy apply), or an
	// error wrapping [ErrParentGone]. It is called on every request, so it
	// should answer from a cache.
	Parent func(ctx context.Context) (*gateway.Principal, error)
	// Policies are the policies the PolicyClaim of the Verifier may select;
	// a token naming any other is refused. Empty: a token naming any
	// policy is refused.
	Policies []string
}

// Authenticator authenticates requests whose credential is a JWT (see
// [LooksLikeJWT]) with the identity provider whose Issuer is the token's
// iss, and hands every other request to the key authentication it wraps.
// It is immutable once built: a configuration reload builds a new one (the
// Verifiers, and so their JWKS caches, may be carried over).
type Authenticator struct {
	byIssuer map[string]*Provider
}

// NewAuthenticator returns an Authenticator for providers, each with a
// distinct Issuer.
func NewAuthenticator(providers []*Provider) (*Authenticator, error) {
	a := &Authenticator{byIssuer: map[string]*Provider{}}
	for _, p := range providers {
		if p.Verifier == nil || p.Parent == nil || p.Issuer == "" {
			return nil, fmt.Errorf("jwtauth: identity provider %s needs a Verifier, a Parent and an Issuer", p.Name)
		}
		if _, dup := a.byIssuer[p.Issuer]; dup {
			return nil, fmt.Errorf("jwtauth: two identity providers have the issuer %q", p.Issuer)
		}
		a.byIssuer[p.Issuer] = p
	}
	return a, nil
}

// Middleware returns keys, the key authentication middleware, preceded by
// JWT authentication:
//
//  1. A request whose credential is not a JWT goes to keys unchanged.
//  2. A JWT sent in the URL query is refused with [gateway.CodeInvalid].
//  3. A JWT whose (unverified) iss names no provider is refused with 401.
//  4. A JWT the provider's Verifier refuses is refused as [Refusal] says:
//     401 (503 if the provider's keys cannot be fetched at all).
//  5. A sub that is longer than 256 bytes or holds control characters is
//     refused with 401; a revoked, expired or unknown parent key with 401;
//     a policy claim the provider may not select with 403.
//  6. Otherwise req.Principal is the parent key's principal for the end
//     user sub, with the claimed policy if any, and the request goes on,
//     past keys. The end user is fixed by the token: neither the request
//     body nor X-Aigate-User can change it.
//
// The refusal's error holds the provider and the reason for the access
// log, never the token.
func (a *Authenticator) Middleware(keys gateway.Middleware) gateway.Middleware {
	return func(next gateway.Handler) gateway.Handler {
		byKey := keys(next)
		return gateway.HandlerFunc(func(ctx context.Context, req *gateway.Request) (*gateway.Response, error) {
			raw := req.Credential.Reveal()
			if !LooksLikeJWT(raw) {
				return byKey.Serve(ctx, req)
			}
			p, err := a.Authenticate(ctx, raw, req.CredentialInURL)
			if err != nil {
				return nil, err
			}
			req.Principal = p
			return next.Serve(ctx, req)
		})
	}
}

// Authenticate returns the principal the JWT raw stands for, or the
// refusal; inURL says the token came in the URL query.
func (a *Authenticator) Authenticate(ctx context.Context, raw string, inURL bool) (*gateway.Principal, error) {
	if inURL {
		return nil, gateway.Errorf(gateway.CodeInvalid, msgInURL)
	}
	iss := unverifiedIssuer(raw)
	p, ok := a.byIssuer[iss]
	if !ok {
		return nil, &gateway.Error{Code: gateway.CodeUnauthenticated, Message: msgNoProvider,
			Err: fmt.Errorf("%w: no identity provider has the issuer %q", ErrIssuer, truncate(iss))}
	}
	id, err := p.Verifier.Verify(ctx, raw)
	if err != nil {
		return nil, Refusal(fmt.Errorf("identity provider %s: %w", p.Name, err))
	}
	if err := checkSubject(id.Subject); err != nil {
		return nil, &gateway.Error{Code: gateway.CodeUnauthenticated, Message: msgBadSubject,
			Err: fmt.Errorf("identity provider %s: %w", p.Name, err)}
	}
	parent, err := p.Parent(ctx)
	switch {
	case errors.Is(err, ErrParentGone):
		return nil, &gateway.Error{Code: gateway.CodeUnauthenticated, Message: msgParentGone,
			Err: fmt.Errorf("identity provider %s: %w", p.Name, err)}
	case err != nil:
		return nil, &gateway.Error{Code: gateway.CodeUnavailable, Message: msgParentCheck,
			Err: fmt.Errorf("identity provider %s: parent key: %w", p.Name, err)}
	}
	pr := *parent
	pr.Models = slices.Clone(parent.Models)
	pr.Providers = slices.Clone(parent.Providers)
	pr.CORSOrigins = slices.Clone(parent.CORSOrigins)
	if id.Policy != "" {
		if !slices.Contains(p.Policies, id.Policy) {
			return nil, &gateway.Error{Code: gateway.CodeForbidden, Message: msgPolicy,
				Err: fmt.Errorf("identity provider %s: %w: %q is not one of %q", p.Name, ErrPolicy, truncate(id.Policy), p.Policies)}
		}
		pr.Policy = id.Policy
	}
	pr.User = id.Subject
	pr.Limits.ActsForUsers = false // the token names the user; the request cannot
	return &pr, nil
}

// LooksLikeJWT reports whether cred is a compact JWS: three base64url parts
// (the last may be empty, as in alg none) whose first decodes to a JSON
// object. aigate keys and aigate tokens (agt_…) are not.
func LooksLikeJWT(cred string) bool {
	if len(cred) > maxTokenLen || strings.Count(cred, ".") != 2 {
		return false
	}
	head, rest, _ := strings.Cut(cred, ".")
	payload, sig, _ := strings.Cut(rest, ".")
	if head == "" || payload == "" || !base64URL(head) || !base64URL(payload) || !base64URL(sig) {
		return false
	}
	h, err := base64.RawURLEncoding.DecodeString(head)
	return err == nil && bytes.HasPrefix(bytes.TrimLeft(h, " \t\r\n"), []byte("{"))
}

func base64URL(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// unverifiedIssuer returns the iss claim of a JWT without verifying
// anything, only to pick the provider whose Verifier then checks it all;
// empty if there is none.
func unverifiedIssuer(raw string) string {
	_, rest, _ := strings.Cut(raw, ".")
	payload, _, _ := strings.Cut(rest, ".")
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return ""
	}
	var c struct {
		Iss string `json:"iss"`
	}
	if json.Unmarshal(b, &c) != nil {
		return ""
	}
	return c.Iss
}

// checkSubject refuses an end-user id that would be unsafe in logs and
// limit keys: longer than 256 bytes or with control characters.
func checkSubject(sub string) error {
	if len(sub) > 256 {
		return errors.New("JWT sub is longer than 256 bytes")
	}
	if strings.ContainsFunc(sub, unicode.IsControl) {
		return errors.New("JWT sub holds control characters")
	}
	return nil
}
