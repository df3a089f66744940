package gateway

import (
	"crypto/subtle"
	"fmt"
	"log/slog"
)

// Redacted is what every secret prints as.
const Redacted = "[redacted]"

// Secret holds a credential. It prints, logs, formats and marshals as
// [Redacted]; only [Secret.Reveal] returns the value. Secrets cannot be
// compared with ==, which would not be constant-time; use [Secret.Equal].
type Secret struct {
	_ [0]func() // makes Secret incomparable
	v string
}

// NewSecret wraps v.
func NewSecret(v string) Secret { return Secret{v: v} }

// Reveal returns the secret value. Call it only where the value leaves
// aigate on purpose (an upstream request header) or is hashed.
func (s Secret) Reveal() string { return s.v }

// IsZero reports whether s holds no value.
func (s Secret) IsZero() bool { return s.v == "" }

// Equal compares two secrets in constant time.
func (s Secret) Equal(o Secret) bool {
	return subtle.ConstantTimeCompare([]byte(s.v), []byte(o.v)) == 1
}

// String returns [Redacted].
func (s Secret) String() string { return Redacted }

// GoString returns [Redacted], so %#v does not reveal the value either.
func (s Secret) GoString() string { return Redacted }

// Format prints [Redacted] for every verb.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(Redacted)) }

// LogValue returns [Redacted].
func (s Secret) LogValue() slog.Value { return slog.StringValue(Redacted) }

// MarshalText returns [Redacted].
func (s Secret) MarshalText() ([]byte, error) { return []byte(Redacted), nil }

var (
	_ fmt.Stringer   = Secret{}
	_ fmt.GoStringer = Secret{}
	_ fmt.Formatter  = Secret{}
	_ slog.LogValuer = Secret{}
)
