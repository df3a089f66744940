package keys

import (
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash/crc32"

	"github.com/aigate-dev/aigate/internal/gateway"
)

// The shape of an aigate key; see the package documentation.
const (
	Prefix         = "agk_"
	RandomLength   = 40
	ChecksumLength = 6
	Length         = len(Prefix) + RandomLength + ChecksumLength

	// IDPrefix starts every key ID.
	IDPrefix = "vk_"
)

// ErrMalformed reports a string that is not a well-formed aigate key. Errors
// wrapping it say what is wrong but never quote the string.
var ErrMalformed = errors.New("not a well-formed aigate key")

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// base62Value maps a byte to its base62 digit value, or -1.
var base62Value = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := range len(base62) {
		t[base62[i]] = int8(i)
	}
	return t
}()

// Generate returns a new random aigate key. The error is non-nil only if
// the system's random source fails.
func Generate() (gateway.Secret, error) {
	var b [Length]byte
	copy(b[:], Prefix)
	random := b[len(Prefix) : len(Prefix)+RandomLength]
	if err := randomBase62(random); err != nil {
		return gateway.Secret{}, fmt.Errorf("generate key: %w", err)
	}
	putChecksum(b[len(Prefix)+RandomLength:], crc32.ChecksumIEEE(random))
	return gateway.NewSecret(string(b[:])), nil
}

// randomBase62 fills dst with uniformly random base62 characters.
func randomBase62(dst []byte) error {
	var buf [64]byte
	n := 0
	for n < len(dst) {
		if _, err := rand.Read(buf[:]); err != nil {
			return err
		}
		for _, c := range buf {
			// 248 = 4*62: rejecting the rest keeps every digit equally likely.
			if c >= 248 {
				continue
			}
			dst[n] = base62[c%62]
			n++
			if n == len(dst) {
				break
			}
		}
	}
	return nil
}

// putChecksum writes sum in base62, most significant digit first, into the
// ChecksumLength bytes of dst. 62^6 > 2^32, so every sum fits.
func putChecksum(dst []byte, sum uint32) {
	v := uint64(sum)
	for i := ChecksumLength - 1; i >= 0; i-- {
		dst[i] = base62[v%62]
		v /= 62
	}
}

// Parsed is a well-formed aigate key: right prefix, length, alphabet and
// checksum. Being well-formed says nothing about whether the key was issued
// or is still live; only a [Store] knows that.
type Parsed struct {
	_      [0]func() // incomparable: compare hashes, in constant time
	secret gateway.Secret
}

// Secret returns the key.
func (p Parsed) Secret() gateway.Secret { return p.secret }

// Hash returns the SHA-256 of the key, the form in which it is stored.
func (p Parsed) Hash() [32]byte { return Hash(p.secret) }

// Parse checks that s is a well-formed aigate key. The error wraps
// [ErrMalformed] and never contains s.
func Parse(s string) (Parsed, error) {
	if len(s) != Length {
		return Parsed{}, fmt.Errorf("%w: length %d, want %d", ErrMalformed, len(s), Length)
	}
	if s[:len(Prefix)] != Prefix {
		return Parsed{}, fmt.Errorf("%w: missing %q prefix", ErrMalformed, Prefix)
	}
	var sum uint64
	for i := len(Prefix); i < Length; i++ {
		d := base62Value[s[i]]
		if d < 0 {
			return Parsed{}, fmt.Errorf("%w: character %d is not base62", ErrMalformed, i)
		}
		if i >= len(Prefix)+RandomLength {
			sum = sum*62 + uint64(d)
		}
	}
	if sum != uint64(crc32.ChecksumIEEE([]byte(s[len(Prefix):len(Prefix)+RandomLength]))) {
		return Parsed{}, fmt.Errorf("%w: checksum mismatch", ErrMalformed)
	}
	return Parsed{secret: gateway.NewSecret(s)}, nil
}

// Valid reports whether s is a well-formed aigate key.
func Valid(s string) bool {
	_, err := Parse(s)
	return err == nil
}

// Hash returns the SHA-256 of a key: the only form in which keys are stored.
func Hash(key gateway.Secret) [32]byte {
	return sha256.Sum256([]byte(key.Reveal()))
}

// idAlphabet is base32hex, lowercase: 32 symbols, so a random byte masked to
// 5 bits picks one without bias.
const idAlphabet = "0123456789abcdefghijklmnopqrstuv"

// idRandomLength is the number of random characters after [IDPrefix].
const idRandomLength = 12

// NewID returns a new random key ID: [IDPrefix] and 12 base32hex characters
// (60 bits). IDs are public and safe to log.
func NewID() (string, error) {
	var r [idRandomLength]byte
	if _, err := rand.Read(r[:]); err != nil {
		return "", fmt.Errorf("generate key id: %w", err)
	}
	b := make([]byte, 0, len(IDPrefix)+idRandomLength)
	b = append(b, IDPrefix...)
	for _, c := range r {
		b = append(b, idAlphabet[c&31])
	}
	return string(b), nil
}

// ValidID reports whether id has the shape of a key ID.
func ValidID(id string) bool {
	if len(id) != len(IDPrefix)+idRandomLength || id[:len(IDPrefix)] != IDPrefix {
		return false
	}
	for i := len(IDPrefix); i < len(id); i++ {
		c := id[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'v') {
			return false
		}
	}
	return true
}
