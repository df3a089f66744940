package secretscan

import (
	"math/rand/v2"
	"regexp"
)

// Boundary says which characters may not touch a match on either side, so
// that a key-shaped run inside a longer token is not reported.
type Boundary uint8

const (
	// BoundaryWord rejects a match next to [A-Za-z0-9_-].
	BoundaryWord Boundary = iota
	// BoundaryBase64 rejects a match next to [A-Za-z0-9_+/-].
	BoundaryBase64
	// BoundaryNone checks no edges: the pattern delimits the match itself.
	BoundaryNone
)

// A Rule finds one kind of secret.
//
// The zero values of the optional fields are useful: no Validate means every
// pattern match (that passes the edge and placeholder checks) is reported, a
// zero Window means 256 bytes after the keyword, and so on.
type Rule struct {
	// ID names the rule in findings, e.g. "openai-project-key".
	ID string
	// Description is one line for humans: "OpenAI project API key".
	Description string
	// Provider is the service the credential unlocks, e.g. "OpenAI".
	Provider string
	// AI reports whether the credential is for an AI provider's API.
	AI bool
	// EnvVar is the conventional variable name the credential is kept in
	// ("OPENAI_API_KEY"). Besides documentation, tests and fixtures use it
	// to place generated keys the way real code does; for rules that need
	// context it contains one of the Keywords.
	EnvVar string

	// Keywords are lowercase strings, at least three bytes long, one of
	// which must occur in the input
	// for Pattern to run at all. The pattern runs over a window from Before
	// bytes before the keyword to After bytes after its end. For keys with
	// a fixed prefix or marker the keyword is that prefix or marker; for
	// keys without one (Mistral, Cohere, classic Azure, DeepSeek) it is the
	// provider's name, which then must occur near the key.
	Keywords []string
	// Before and After bound the window the pattern runs over around each
	// keyword occurrence. Zero After means 256.
	Before, After int

	// Gate, if non-nil, sees the text after each keyword occurrence (up to
	// the end of the window) and may reject the occurrence before the
	// pattern runs. It lets a rule with a common keyword ("://") skip most
	// occurrences cheaply.
	Gate func(after []byte) bool

	// Pattern matches a candidate. If it has a capturing group, group 1 is
	// the secret; otherwise the whole match is.
	Pattern *regexp.Regexp
	// Boundary says which characters may not border the secret.
	Boundary Boundary
	// Validate, if non-nil, reports whether a candidate secret is real
	// enough to report: markers, checksums, decodable payloads, character
	// classes. It must not retain secret.
	Validate func(secret []byte) bool
	// KeepPlaceholders turns off the placeholder filter for this rule (for
	// rules whose Validate already rejects placeholders).
	KeepPlaceholders bool

	// Example returns a fresh fake secret of this rule's shape, with valid
	// markers and checksums, drawn from r. It is used by tests, fixture
	// corpora and demos; generated secrets were never issued by anyone.
	Example func(r *rand.Rand) string
	// NonExamples are near misses the rule must not report, each a complete
	// text to scan (placeholders, wrong lengths, broken markers).
	NonExamples []string
}

func (r *Rule) after() int {
	if r.After == 0 {
		return 256
	}
	return r.After
}
