package secretscan

import (
	"crypto/sha256"
	"encoding/hex"
)

// Mask returns a preview of secret that is safe to print: its first few
// characters (six for long secrets, four for shorter ones, one for very short
// ones), an ellipsis and its last two characters. "sk-proj-…" becomes
// "sk-pro…Aa".
func Mask(secret []byte) string {
	n := len(secret)
	switch {
	case n == 0:
		return ""
	case n < 12:
		return string(secret[:1]) + "…"
	case n < 24:
		return string(secret[:4]) + "…" + string(secret[n-2:])
	default:
		return string(secret[:6]) + "…" + string(secret[n-2:])
	}
}

// Fingerprint returns a stable identifier for secret: the first 16 hex
// digits of its SHA-256. It recognises the same secret in two places (and
// in a baseline) without keeping the secret.
func Fingerprint(secret []byte) string {
	sum := sha256.Sum256(secret)
	return hex.EncodeToString(sum[:8])
}
