// Package jsonscan walks JSON documents without decoding them, reporting
// where each value stands in the input. Adapters use it to read the few
// fields the guards need while keeping every byte of the original body, so
// an edit can splice one string and leave the rest untouched.
//
// The functions expect valid JSON (check with [encoding/json.Valid] first);
// on invalid input they return an error rather than panic.
package jsonscan

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/bits"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// ErrSyntax is returned for input that is not the expected JSON value.
var ErrSyntax = errors.New("jsonscan: malformed JSON")

// Object calls fn for each member of the JSON object in data, in order, with
// the member's key, its raw value, and the value's offset in data. It stops
// early when fn returns false.
func Object(data []byte, fn func(key string, value []byte, off int) bool) error {
	return EachMember(data, func(k Key, v []byte, off int) bool {
		return fn(k.String(), v, off)
	})
}

// Key is a member's key as [EachMember] found it: the bytes between the
// quotes when they read as they are (plain), or else the decoded key. It
// is valid only during the call.
type Key struct {
	raw     []byte
	decoded string
	plain   bool
}

// String returns the decoded key.
func (k Key) String() string {
	if k.plain {
		return string(k.raw)
	}
	return k.decoded
}

// Is reports whether the decoded key is name.
func (k Key) Is(name string) bool {
	if k.plain {
		return string(k.raw) == name
	}
	return k.decoded == name
}

// plainKey reports whether the body of a key, between its quotes, decodes
// to itself: printable ASCII without '"' or '\\'.
func plainKey(body []byte) bool {
	for _, c := range body {
		if !plainByte[c] {
			return false
		}
	}
	return true
}

// EachMember is [Object] with each key handed over as a [Key], which
// compares with a name without copying the key where it reads as written:
// for hot paths that only look for a few names.
func EachMember(data []byte, fn func(key Key, value []byte, off int) bool) error {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return ErrSyntax
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return nil
	}
	for i < len(data) {
		kEnd, err := skipString(data, i)
		if err != nil {
			return err
		}
		var key Key
		if body := data[i+1 : kEnd-1]; plainKey(body) {
			key = Key{raw: body, plain: true}
		} else if key.decoded, err = String(data[i:kEnd]); err != nil {
			return err
		}
		i = skipSpace(data, kEnd)
		if i >= len(data) || data[i] != ':' {
			return ErrSyntax
		}
		i = skipSpace(data, i+1)
		vEnd, err := skipValue(data, i)
		if err != nil {
			return err
		}
		if !fn(key, data[i:vEnd], i) {
			return nil
		}
		i = skipSpace(data, vEnd)
		if i >= len(data) {
			return ErrSyntax
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case '}':
			return nil
		default:
			return ErrSyntax
		}
	}
	return ErrSyntax
}

// Array calls fn for each element of the JSON array in data, in order, with
// its index, raw value and offset in data. It stops early when fn returns
// false.
func Array(data []byte, fn func(i int, value []byte, off int) bool) error {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '[' {
		return ErrSyntax
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		return nil
	}
	for n := 0; i < len(data); n++ {
		vEnd, err := skipValue(data, i)
		if err != nil {
			return err
		}
		if !fn(n, data[i:vEnd], i) {
			return nil
		}
		i = skipSpace(data, vEnd)
		if i >= len(data) {
			return ErrSyntax
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case ']':
			return nil
		default:
			return ErrSyntax
		}
	}
	return ErrSyntax
}

// Get returns the raw value of the member key of the object in data and its
// offset, or ok false when the object has no such member.
func Get(data []byte, key string) (value []byte, off int, ok bool) {
	_ = EachMember(data, func(k Key, v []byte, o int) bool {
		if k.Is(key) {
			value, off, ok = v, o, true
			return false
		}
		return true
	})
	return value, off, ok
}

// Member is one member of an object found by [Members]: its raw value and
// the value's offset in the object's data. Value is nil when the object has
// no such member.
type Member struct {
	Value []byte
	Off   int
}

// Found reports whether the object has the member.
func (m Member) Found() bool { return m.Value != nil }

// Members looks up the members names of the JSON object in data in one walk
// and stores each in out at its name's index; out must have at least
// len(names) elements, and those are cleared first. Names should be
// distinct. Other members are skipped.
//
// A member given twice is refused rather than one copy chosen, since
// readers differ on which copy wins: Members stops at the second and
// returns its name as dup. err is [ErrSyntax] when data is not a
// well-formed object up to that point. At most one of the two is set, so
// whichever problem comes first in data is the one reported.
func Members(data []byte, names []string, out []Member) (dup string, err error) {
	return MembersFunc(data, nil, names, out)
}

// MembersFunc is [Members] for objects whose members have several
// spellings: each key is passed through canon, when it is not nil, and the
// result is compared with names. Two spellings of one name are a
// duplicate, reported by the name.
func MembersFunc(data []byte, canon func(key string) string, names []string, out []Member) (dup string, err error) {
	out = out[:len(names)]
	clear(out)
	err = EachMember(data, func(key Key, v []byte, off int) bool {
		if canon != nil {
			key = Key{decoded: canon(key.String())}
		}
		for i, name := range names {
			if !key.Is(name) {
				continue
			}
			if out[i].Value != nil {
				dup = name
				return false
			}
			out[i] = Member{v, off}
			return true
		}
		return true
	})
	return dup, err
}

// Kind returns the first byte of a raw value: '{', '[', '"', 't', 'f', 'n',
// or a digit or '-' for numbers; 0 for empty input.
func Kind(value []byte) byte {
	i := skipSpace(value, 0)
	if i >= len(value) {
		return 0
	}
	return value[i]
}

// String decodes a raw JSON string value, as [encoding/json.Unmarshal]
// would into a string.
func String(value []byte) (string, error) {
	if Kind(value) != '"' {
		return "", ErrSyntax
	}
	if s, ok := unquote(value); ok {
		return s, nil
	}
	var s string
	if err := json.Unmarshal(value, &s); err != nil {
		return "", ErrSyntax
	}
	return s, nil
}

// unquote decodes the JSON string literal v in one pass when it holds only
// valid UTF-8 and escapes other than UTF-16 surrogates; otherwise ok is
// false and encoding/json decides (invalid bytes and lone surrogates become
// U+FFFD there, which this need not copy). It is the path almost every
// message takes: text with line breaks, quotes or any non-ASCII letter.
func unquote(v []byte) (s string, ok bool) {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return "", false
	}
	body := v[1 : len(v)-1]
	str := unsafe.String(unsafe.SliceData(body), len(body)) // read only
	i := plainRun(str, 0)
	for i < len(body) && plainByte[body[i]] {
		i++
	}
	if i == len(body) {
		return string(body), true
	}
	// A Builder grows without zeroing its buffer first.
	var b strings.Builder
	b.Grow(len(body))
	b.WriteString(str[:i])
	for i < len(body) {
		c := body[i]
		switch {
		case c == '\\':
			if i+1 >= len(body) {
				return "", false
			}
			switch e := body[i+1]; e {
			case '"', '\\', '/':
				b.WriteByte(e)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				if i+6 > len(body) {
					return "", false
				}
				r := rune(0)
				for _, h := range body[i+2 : i+6] {
					switch {
					case '0' <= h && h <= '9':
						h -= '0'
					case 'a' <= h && h <= 'f':
						h -= 'a' - 10
					case 'A' <= h && h <= 'F':
						h -= 'A' - 10
					default:
						return "", false
					}
					r = r<<4 | rune(h)
				}
				if utf16.IsSurrogate(r) {
					return "", false
				}
				b.WriteRune(r)
				i += 6
				continue
			default:
				return "", false
			}
			i += 2
		case c < 0x20 || c == '"':
			return "", false
		case c < utf8.RuneSelf:
			// A run of plain bytes: a word at a time where it is ASCII.
			j := i + 1
			for j < len(body) && plainByte[body[j]] {
				j++
				if j&7 == 0 {
					j = plainRun(str, j)
				}
			}
			b.WriteString(str[i:j])
			i = j
		default:
			r, n := utf8.DecodeRune(body[i:min(i+utf8.UTFMax, len(body))])
			if r == utf8.RuneError && n == 1 {
				return "", false
			}
			b.WriteString(str[i : i+n])
			i += n
		}
	}
	return b.String(), true
}

// plainByte marks the bytes a JSON string holds as they are: ASCII other
// than control bytes, '"' and '\\'.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// plainRun returns the offset of the first byte at or after i that a JSON
// string cannot hold as it is (a control byte, '"', '\\' or a non-ASCII
// byte), testing eight bytes at a time; when every byte is plain it stops
// where fewer than eight are left. In each word's test a borrow only runs
// upward from a byte that matched, so the lowest marked byte is exact.
func plainRun(s string, i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; i+8 <= len(s); i += 8 {
		w := s[i : i+8]
		x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		ctl := (x - ones*0x20) & ^x // a byte below 0x20 (high bytes: x itself)
		q := x ^ (ones * '"')       // a zero byte where x has '"'
		bs := x ^ (ones * '\\')     // a zero byte where x has '\\'
		if m := (ctl | (q-ones)&^q | (bs-ones)&^bs | x) & highs; m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	return i
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the offset just past the string starting at data[i].
func skipString(data []byte, i int) (int, error) {
	if i >= len(data) || data[i] != '"' {
		return 0, ErrSyntax
	}
	start := i
	for i++; i < len(data); i++ {
		j := bytes.IndexByte(data[i:], '"')
		if j < 0 {
			break
		}
		i += j
		// The quote ends the string unless an odd run of backslashes escapes it.
		n := 0
		for k := i - 1; k > start && data[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			return i + 1, nil
		}
	}
	return 0, ErrSyntax
}

// skipValue returns the offset just past the value starting at data[i].
func skipValue(data []byte, i int) (int, error) {
	if i >= len(data) {
		return 0, ErrSyntax
	}
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for ; i < len(data); i++ {
			switch data[i] {
			case '"':
				end, err := skipString(data, i)
				if err != nil {
					return 0, err
				}
				i = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1, nil
				}
			}
		}
		return 0, ErrSyntax
	default:
		start := i
		for i < len(data) {
			switch data[i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				if i == start {
					return 0, ErrSyntax
				}
				return i, nil
			}
			i++
		}
		if i == start {
			return 0, ErrSyntax
		}
		return i, nil
	}
}
