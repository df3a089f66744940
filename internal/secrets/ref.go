package secrets

import (
	"errors"
	"fmt"
	"strings"
)

// Scheme names a kind of secret reference.
type Scheme string

// The schemes a reference can use.
const (
	SchemeEnv   Scheme = "env"
	SchemeFile  Scheme = "file"
	SchemeAWS   Scheme = "aws-sm"
	SchemeVault Scheme = "vault"
)

// Schemes lists every scheme, in the order the docs give them.
func Schemes() []Scheme { return []Scheme{SchemeEnv, SchemeFile, SchemeAWS, SchemeVault} }

// Ref is a parsed secret reference. It holds where a secret lives, never
// the secret, so it is safe to log and to print.
type Ref struct {
	Scheme Scheme
	Path   string // variable name, file path, secret name or ARN, or Vault path
	Field  string // JSON field within the secret; empty for the whole value
}

// String returns the reference as written in the configuration.
func (r Ref) String() string {
	if r.Field == "" {
		return string(r.Scheme) + ":" + r.Path
	}
	return string(r.Scheme) + ":" + r.Path + "#" + r.Field
}

// ErrSyntax is wrapped by every error [Parse] returns.
var ErrSyntax = errors.New("invalid secret reference")

// IsReference reports whether s starts with a known scheme followed by
// something. It does not check the rest: use [Parse] for that.
func IsReference(s string) bool {
	for _, sc := range Schemes() {
		if rest, ok := strings.CutPrefix(s, string(sc)+":"); ok && rest != "" {
			return true
		}
	}
	return false
}

// Parse parses a secret reference. env: and file: take no field (a '#' is
// part of the name); aws-sm: takes an optional one and vault: requires one.
// Errors quote the reference only when it has a known scheme, since a string
// that is not a reference may be a pasted secret.
func Parse(s string) (Ref, error) {
	scheme, rest, ok := strings.Cut(s, ":")
	if !ok {
		return Ref{}, fmt.Errorf("%w: write env:NAME, file:/path, aws-sm:NAME[#field] or vault:PATH#FIELD", ErrSyntax)
	}
	r := Ref{Scheme: Scheme(scheme), Path: rest}
	switch r.Scheme {
	case SchemeEnv, SchemeFile:
		if rest == "" {
			return Ref{}, fmt.Errorf("%w %q: the name is empty", ErrSyntax, s)
		}
		return r, nil
	case SchemeAWS:
		r.Path, r.Field, _ = strings.Cut(rest, "#")
		if r.Path == "" {
			return Ref{}, fmt.Errorf("%w %q: the secret name is empty", ErrSyntax, s)
		}
		if strings.Contains(rest, "#") && r.Field == "" {
			return Ref{}, fmt.Errorf("%w %q: the field after # is empty", ErrSyntax, s)
		}
		return r, nil
	case SchemeVault:
		var hasField bool
		r.Path, r.Field, hasField = strings.Cut(rest, "#")
		r.Path = strings.Trim(r.Path, "/")
		switch {
		case !hasField || r.Field == "":
			return Ref{}, fmt.Errorf("%w %q: name the field, as in vault:secret/aigate#openai", ErrSyntax, s)
		case !strings.Contains(r.Path, "/"):
			return Ref{}, fmt.Errorf("%w %q: the path must start with the KV mount, as in vault:secret/aigate#openai", ErrSyntax, s)
		case strings.Contains(r.Path, "..") || strings.ContainsAny(r.Path, "?%\\"):
			return Ref{}, fmt.Errorf("%w %q: the path may not hold '..', '?', '%%' or '\\'", ErrSyntax, s)
		}
		return r, nil
	default:
		return Ref{}, fmt.Errorf("%w: unknown scheme; write env:NAME, file:/path, aws-sm:NAME[#field] or vault:PATH#FIELD", ErrSyntax)
	}
}
