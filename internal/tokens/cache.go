package tokens

// verified is a token whose signature has verified, as the Authority's
// cache remembers it.
type verified struct {
	claims Claims
	kid    string // the key that signed it
}
