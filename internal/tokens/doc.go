// Package tokens mints and verifies aigate end-user tokens: short-lived,
// signed credentials that an application backend holding an aigate key hands
// to one of its users, so a browser or a mobile app can call the gateway
// without ever holding a long-lived key.
//
// # Format
//
// A token is "agt_" followed by a JWS in compact serialization:
//
//	agt_eyJhbGciOiJIUzI1NiIsImtpZCI6Ii4uLiIsInR5cCI6ImFndCtqd3QifQ.eyJ...
//	    └ header {"alg":"HS256","kid":"…","typ":"agt+jwt"} . claims . HMAC-SHA256
//
// The prefix lets scanners (aigate audit, push protection) recognise a
// leaked token; a scanner can match agt_eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}.
// The claims ([Claims]) bind the token to its parent key, its end user, a
// policy, the models it may use, an optional browser origin, and an expiry
// of at most [MaxTTL] (default [DefaultTTL]).
//
// # Signing keys
//
// Tokens are signed with HS256 under a server key held as a secret
// reference (at least 32 bytes; generate one with openssl rand -base64 32),
// by the JOSE library go-jose. A token whose protected header is byte for
// byte one that Mint writes for a live key is verified on a fast path: with
// the header fixed there is nothing left to confuse, and the HS256 MAC is
// checked with crypto/hmac in constant time. Any other token is parsed and
// checked by go-jose with HS256 as the only algorithm accepted, which
// gives the precise refusal; tests hold both paths to the same cases. Each
// key's id, the "kid" header, is derived from
// the key itself (an HMAC of a fixed label), so the operator names nothing.
// [Authority.Rotate] switches signing to a new key and keeps verifying with
// the old one for [MaxTTL] plus the clock skew, so no unexpired token is cut
// short; keys given in [Options.Previous] verify for as long as they are
// configured, for instances started after a rotation.
//
// # Verification
//
// [Authority.Verify] needs no database: it checks the prefix, the
// algorithm, the key id, the signature, the token type, the expiry and
// not-before times with a small allowance for clock skew, and finally asks
// [Revocations] — a cache the gateway keeps current the way it learns of key
// revocations — whether the parent key is still live. Revoking the parent
// ends all its tokens within the cache's revocation bound. A failed
// revocation check refuses the token ([ErrRevocationCheck]): verification
// fails closed. [Refusal] turns any Verify error into the *[gateway.Error]
// the client sees: 401, or 503 when the revocation check failed.
//
// After Verify, [Claims.Principal] narrows the parent key's principal to
// the token's end user, models and policy, and [Claims.AllowsOrigin]
// checks the browser's Origin header.
//
// # In the gateway
//
// [Parents] is the cache of parent keys: it implements [Revocations] and
// serves the parent's principal, asking the key store at most once per TTL
// (the revocation bound) per key. [Authenticator.Middleware] puts token
// authentication in front of the key authenticator: a credential starting
// with [Prefix] is verified here, origin-checked and turned into a
// principal; any other credential goes to the key authenticator unchanged.
// Limits and budgets then apply to the token's end user under the parent
// key, and the model allow-list is enforced by the validation guard as for
// keys.
package tokens
