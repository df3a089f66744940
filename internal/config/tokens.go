package config

import (
	"fmt"
	"time"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/tokens"
)

// Tokens configure short-lived end-user tokens (agt_…), which an app
// backend holding an aigate key mints for one of its users
// (POST /v1/aigate/tokens, aigate tokens mint). Off while SigningKey is
// empty.
type Tokens struct {
	// SigningKey is a secret reference to the HS256 server key, at least
	// 32 bytes: env:AIGATE_TOKEN_SIGNING_KEY (openssl rand -base64 32).
	SigningKey string `yaml:"signing_key"`
	// PreviousKeys are references to older signing keys that still verify
	// tokens (never sign): list the old key here when rotating, for at
	// least max_ttl.
	PreviousKeys []string `yaml:"previous_keys"`
	// DefaultTTL is a token's lifetime when the mint request names none;
	// default 10m.
	DefaultTTL Duration `yaml:"default_ttl"`
	// MaxTTL is the longest lifetime a mint request may ask for; default
	// and at most 1h.
	MaxTTL Duration `yaml:"max_ttl"`
	// ClockSkew is how far the clocks of the instances (and of the app
	// backend that mints) may disagree: a token is accepted that long past
	// its expiry and before its issue time. Default 30s, at most 5m.
	ClockSkew Duration `yaml:"clock_skew"`
}

// maxClockSkew bounds tokens.clock_skew: a larger skew would stretch every
// token's life by as much.
const maxClockSkew = 5 * time.Minute

// Enabled reports whether tokens are configured.
func (t Tokens) Enabled() bool { return t.SigningKey != "" }

// TTLs returns the default and maximum lifetimes with defaults applied.
func (t Tokens) TTLs() (def, max time.Duration) {
	def, max = time.Duration(t.DefaultTTL), time.Duration(t.MaxTTL)
	if max == 0 {
		max = tokens.MaxTTL
	}
	if def == 0 {
		def = min(tokens.DefaultTTL, max)
	}
	return def, max
}

// validate reports problems under the field path "tokens".
func (t Tokens) validate(add func(path, format string, args ...any)) {
	if t.SigningKey == "" {
		if len(t.PreviousKeys) > 0 {
			add("tokens.signing_key", "is required when tokens.previous_keys is set")
		}
		return
	}
	if !IsReference(t.SigningKey) {
		add("tokens.signing_key", "must be a secret reference such as env:AIGATE_TOKEN_SIGNING_KEY, not a key")
	}
	for i, p := range t.PreviousKeys {
		if !IsReference(p) {
			add(fmt.Sprintf("tokens.previous_keys[%d]", i), "must be a secret reference such as env:AIGATE_TOKEN_SIGNING_KEY_OLD")
		}
	}
	if t.MaxTTL < 0 || time.Duration(t.MaxTTL) > tokens.MaxTTL {
		add("tokens.max_ttl", "must be between 1s and %s", tokens.MaxTTL)
	} else if t.MaxTTL > 0 && time.Duration(t.MaxTTL) < time.Second {
		add("tokens.max_ttl", "must be at least 1s")
	}
	if t.ClockSkew < 0 || t.ClockSkew > 0 && time.Duration(t.ClockSkew) < time.Second || time.Duration(t.ClockSkew) > maxClockSkew {
		add("tokens.clock_skew", "must be between 1s and %s", maxClockSkew)
	}
	_, max := t.TTLs()
	if t.DefaultTTL < 0 || (t.DefaultTTL > 0 && time.Duration(t.DefaultTTL) < time.Second) {
		add("tokens.default_ttl", "must be at least 1s")
	} else if time.Duration(t.DefaultTTL) > max {
		add("tokens.default_ttl", "must not exceed tokens.max_ttl (%s)", max)
	}
}

// TokenKeys are the resolved token signing keys.
type TokenKeys struct {
	Signing  gateway.Secret
	Previous []gateway.Secret
}

// Resolve resolves the signing keys; nil when tokens are off. Errors name
// the field and the reference, never a value.
func (t Tokens) Resolve(r Resolver) (*TokenKeys, error) {
	if !t.Enabled() {
		return nil, nil
	}
	k := &TokenKeys{}
	var err error
	if k.Signing, err = r.Resolve(t.SigningKey); err != nil {
		return nil, fmt.Errorf("tokens.signing_key: %w", err)
	}
	if len(k.Signing.Reveal()) < tokens.MinKeyLen {
		return nil, fmt.Errorf("tokens.signing_key: must be at least %d bytes; generate one with: openssl rand -base64 32", tokens.MinKeyLen)
	}
	for i, ref := range t.PreviousKeys {
		s, err := r.Resolve(ref)
		if err != nil {
			return nil, fmt.Errorf("tokens.previous_keys[%d]: %w", i, err)
		}
		if len(s.Reveal()) < tokens.MinKeyLen {
			return nil, fmt.Errorf("tokens.previous_keys[%d]: must be at least %d bytes", i, tokens.MinKeyLen)
		}
		k.Previous = append(k.Previous, s)
	}
	return k, nil
}
