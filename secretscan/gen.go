package secretscan

import (
	"hash/crc32"
	"math/rand/v2"
)

const (
	digits    = "0123456789"
	upper     = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	lowerABC  = "abcdefghijklmnopqrstuvwxyz"
	hexLower  = digits + "abcdef"
	alnum     = digits + upper + lowerABC
	base62    = alnum // order used by base62 checksums: 0-9, A-Z, a-z
	base64URL = upper + lowerABC + digits + "-_"
	letters   = upper + lowerABC
)

// randomFrom returns n characters drawn from alphabet that pass the
// placeholder filter and contain every character class the alphabet has, so
// that generated keys are never mistaken for placeholders.
func randomFrom(r *rand.Rand, alphabet string, n int) string {
	for {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		if n < 8 || (!IsPlaceholder(b) && hasClasses(b, alphabet)) {
			return string(b)
		}
	}
}

// hasClasses reports whether b has a digit, an upper- and a lowercase letter
// wherever alphabet has them.
func hasClasses(b []byte, alphabet string) bool {
	want := classes([]byte(alphabet))
	return classes(b)&want == want
}

const (
	classDigit = 1 << iota
	classUpper
	classLower
)

func classes(b []byte) int {
	c := 0
	for _, x := range b {
		switch {
		case '0' <= x && x <= '9':
			c |= classDigit
		case 'A' <= x && x <= 'Z':
			c |= classUpper
		case 'a' <= x && x <= 'z':
			c |= classLower
		}
	}
	return c
}

// base62Checksum encodes the CRC-32 (IEEE) of b in base62 (0-9A-Za-z),
// zero-padded to six characters: the checksum trailer of aigate and
// GitHub-style tokens.
func base62Checksum(b []byte) string {
	n := crc32.ChecksumIEEE(b)
	var out [6]byte
	for i := 5; i >= 0; i-- {
		out[i] = base62[n%62]
		n /= 62
	}
	return string(out[:])
}
