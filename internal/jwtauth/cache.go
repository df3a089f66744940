package jwtauth

// entry is a token whose signature and claims have verified, as the
// Verifier's cache remembers it.
type entry struct {
	id  Identity
	kid string // the key that signed it
}
