// Package keys issues, stores and checks aigate keys: the credentials an
// application sends to the gateway instead of a provider key.
//
// # Key format
//
// An aigate key is 50 characters:
//
//	agk_ RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR CCCCCC
//	 │    │                                        └ checksum: 6 base62 chars
//	 │    └ random: 40 base62 chars from crypto/rand (about 238 bits)
//	 └ prefix: "agk_"
//
// The base62 alphabet is 0-9, A-Z, a-z, in that order. The checksum is the
// CRC-32 (IEEE) of the 40 random characters, written in base62 with the most
// significant digit first and zero-padded to 6 characters. A scanner can match
//
//	agk_[0-9A-Za-z]{46}
//
// and confirm a hit with [Valid], which tells a real key from noise without
// asking the gateway. The checksum only detects typos and look-alikes; it is
// not a secret and proves nothing about who issued the key.
//
// [Generate] returns a new key as a [gateway.Secret]. It is shown to its owner
// once: the gateway keeps only [Hash], the SHA-256 of the whole key, in a
// [Store]. A key's public name is its ID, "vk_" followed by 12 random
// characters of 0-9a-v (base32hex, lowercase), which is what logs, errors and
// the CLI show.
//
// # Lifecycle
//
// [Service.Create] issues a key with its owner, policy and allowed models.
// [Service.Rotate] issues a successor with the same settings and lets the old
// key live on for a grace period, so deployments can switch over without
// downtime. [Service.Revoke] ends a key at once. A key sent in a URL query
// string is refused and marked exposed by [Authenticator]; exposure does not
// revoke it, but tells its owner to rotate it.
//
// # Authentication
//
// [Authenticator.Middleware] turns the credential of a [gateway.Request] into
// a [gateway.Principal]. It fails closed: a store it cannot reach denies the
// request with [gateway.CodeUnavailable].
package keys
