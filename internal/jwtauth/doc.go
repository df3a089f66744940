// Package jwtauth verifies JWTs issued by an application's own identity
// provider ("bring your own identity"), so an aigate key can accept its
// users' tokens instead of aigate tokens.
//
// A [Verifier] is configured with the issuer, the audience and the JWKS
// URL of one identity provider. It accepts RS256, ES256 and EdDSA
// signatures only, checked by the JOSE library go-jose, and refuses, each
// with its own error for the log:
//
//   - a token that does not parse, or with alg none, HMAC or any other
//     algorithm ([ErrAlgorithm]; an HMAC token signed with the provider's
//     public key as the secret never reaches a key);
//   - a key id the JWKS does not hold, even after a refresh ([ErrUnknownKey]),
//     or a key whose type does not match the algorithm ([ErrKeyMismatch]);
//   - a bad signature ([ErrSignature]);
//   - an expired, not-yet-valid or future-issued token, with a small leeway
//     for clock skew ([ErrExpired], [ErrNotYetValid]), or one without exp;
//   - another issuer or audience ([ErrIssuer], [ErrAudience]), or no sub.
//
// Errors never hold the token. [Refusal] makes any of them a 401, except a
// JWKS that cannot be fetched while no keys are known, which is a 503.
//
// # Keys
//
// The JWKS is fetched on first use (or by [Verifier.Fetch] at startup),
// cached, re-fetched when older than RefreshInterval, and re-fetched at
// once when a token names a key id it does not hold, which is how a key
// rotation at the provider is picked up. Fetches are rate limited to one
// attempt per MinRefreshInterval, so neither a stream of tokens with made-up
// key ids nor a provider that is down makes every request wait on a fetch.
// A failed fetch keeps the keys already known. The request that finds the
// JWKS stale waits for its refresh; the others go on with the known keys.
//
// # Identity
//
// A verified token yields an [Identity]: sub is the end-user id that
// limits and budgets apply to, and the configured PolicyClaim, if any,
// names the policy.
//
// # In the gateway
//
// An [Authenticator] holds the configured providers, each bound to an
// aigate key. Its middleware sends a credential that is a JWT to the
// provider its iss names and turns the verified token into the key's
// principal for the end user sub; every other credential goes on to key
// authentication.
package jwtauth
