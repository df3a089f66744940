// Package textnorm folds text into the canonical forms the injection rules
// and model read: Unicode compatibility folding (NFKC), lower case, invisible
// characters removed, homoglyphs and leetspeak folded inside words, and
// base64/hex payloads decoded and appended.
//
// It is shared by the detector and the training command so that both see
// exactly the same text.
package textnorm

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"math/bits"
	"slices"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Text holds the views of one input. A Text is reused across calls to
// [Normalize] to avoid allocation; it is not safe for concurrent use.
type Text struct {
	// Words is the word view: lower-case letters, digits and marks, one
	// space between words, with a leading and a trailing space so that
	// " word " finds whole words. Punctuation is a separator.
	Words []byte
	// Folded is the markup view: lower case, NFKC, invisible characters
	// removed, runs of spaces collapsed to one; newlines are kept.
	Folded []byte
	// DecodedFrom is the offset in Words where text decoded from base64 or
	// hex payloads starts; len(Words) when nothing was decoded.
	DecodedFrom int

	Invisible   int // invisible or zero-width characters removed
	TagChars    int // Unicode tag characters (U+E0020..U+E007E) read as ASCII
	MixedScript int // words in which look-alike letters were folded to Latin
	Leet        int // words in which digits or symbols were folded to letters
	Decoded     int // base64 or hex segments decoded
	Spaced      int // runs of SpacedRun or more one-letter words ("i g n o r e")

	nfkc    []byte
	scratch []byte
	input   []byte
}

// Reset empties t, keeping its buffers.
func (t *Text) Reset() {
	*t = Text{
		Words:   t.Words[:0],
		Folded:  t.Folded[:0],
		nfkc:    t.nfkc[:0],
		scratch: t.scratch[:0],
		input:   t.input[:0],
	}
}

// byte classes for the ASCII fast path.
const (
	clsOther  = iota // punctuation and symbols: a word separator
	clsLetter        // a-z after lowering
	clsDigit
	clsSpace
	clsNewline
	clsLeetSym // '@' '$' '!' '|' : leet inside a word, separator otherwise
)

var asciiClass, asciiLower = func() ([128]uint8, [128]byte) {
	var c [128]uint8
	var l [128]byte
	for i := range 128 {
		b := byte(i)
		l[i] = b
		switch {
		case b >= 'a' && b <= 'z':
			c[i] = clsLetter
		case b >= 'A' && b <= 'Z':
			c[i] = clsLetter
			l[i] = b + 'a' - 'A'
		case b >= '0' && b <= '9':
			c[i] = clsDigit
		case b == '\n' || b == '\r' || b == '\v' || b == '\f':
			c[i] = clsNewline
		case b == ' ' || b == '\t':
			c[i] = clsSpace
		case b == '@' || b == '$' || b == '!' || b == '|':
			c[i] = clsLeetSym
		default:
			c[i] = clsOther
		}
	}
	return c, l
}()

// leet maps the characters of leetspeak to the letters they stand for.
var leet = [128]byte{
	'0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '9': 'g',
	'@': 'a', '$': 's', '!': 'i', '|': 'l',
}

// Normalize fills t with the views of s. It never fails: invalid UTF-8 is
// read as U+FFFD.
func Normalize(s string, t *Text) {
	t.Reset()
	in := s
	if dec := decodePayloads(s, t); dec {
		in = string(t.input) // rare path: payloads found
	}
	if !isASCII(in) && !nfkcStable(in) {
		t.nfkc = norm.NFKC.AppendString(t.nfkc[:0], in)
		in = unsafeString(t.nfkc)
	}
	t.fold(in)
}

// SpacedRun is the number of one-letter words in a row that counts as text
// spelled out letter by letter to slip past word filters.
const SpacedRun = 8

func isASCII(s string) bool {
	i := 0
	// Eight bytes at a time: any byte with its top bit set is not ASCII.
	for ; i+8 <= len(s); i += 8 {
		if binary.LittleEndian.Uint64([]byte(s[i:i+8]))&0x8080808080808080 != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// nfkcStable reports whether every rune of s is one NFKC leaves alone in
// any context: ASCII, precomposed Latin, Vietnamese, Greek and Cyrillic
// letters, kana, CJK ideographs, Hangul syllables and common punctuation.
// It lets the common scripts skip the full NFKC pass; anything else (marks,
// compatibility characters, other scripts) goes through norm.NFKC.
func nfkcStable(s string) bool {
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := decodeRune(s, i)
		i += size
		if r >= 0x4E00 && r <= 0x9FFF || r >= 0xAC00 && r <= 0xD7A3 {
			continue // CJK ideographs and Hangul syllables, the common case
		}
		if r < rune(len(nfkcStable2)) {
			if !nfkcStable2[r] {
				return false
			}
		} else if !nfkcStableRune(r) {
			return false
		}
	}
	return true
}

// nfkcStable2 is nfkcStableRune for the runes UTF-8 writes in two bytes.
var nfkcStable2 = func() (t [0x800]bool) {
	for r := range rune(len(t)) {
		t[r] = nfkcStableRune(r)
	}
	return t
}()

// nfkcStableRune is nfkcStable for one rune.
func nfkcStableRune(r rune) bool {
	switch {
	case r < 0x80,
		r >= 0xC0 && r <= 0xFF, r == 0xA1 || r == 0xAB || r == 0xB7 || r == 0xBB || r == 0xBF,
		r >= 0x100 && r <= 0x17E && r != 0x132 && r != 0x133 && r != 0x13F && r != 0x140 && r != 0x149,
		r >= 0x180 && r <= 0x24F && !(r >= 0x1C4 && r <= 0x1CC) && !(r >= 0x1F1 && r <= 0x1F3),
		r >= 0x391 && r <= 0x3CE,
		r >= 0x400 && r <= 0x45F,
		r >= 0x1EA0 && r <= 0x1EF9,
		r >= 0x2010 && r <= 0x2022 && r != 0x2011 && r != 0x2017,
		r == 0x3001 || r == 0x3002 || r >= 0x300C && r <= 0x300F,
		r >= 0x3041 && r <= 0x3096,
		r >= 0x30A1 && r <= 0x30FA,
		r >= 0x4E00 && r <= 0x9FFF,
		r >= 0xAC00 && r <= 0xD7A3:
		return true
	}
	return false
}

// fold writes both views. decodedAt is the input offset of the first
// decoded payload; it is located by the NUL separator decodePayloads puts
// before decoded text (NUL never survives as text).
func (t *Text) fold(s string) {
	// Room for the common case, where the views are no longer than the
	// input, plus the eight bytes the letter loop writes past its end.
	w := append(slices.Grow(t.Words[:0], len(s)+16), ' ')
	f := slices.Grow(t.Folded[:0], len(s)+16)
	t.DecodedFrom = -1
	var (
		tokStart             = -1 // start of the current word in w
		tokLetters, tokLeet  int
		tokLatin, tokConfuse bool
		tokNonDigit          bool
		fSpace               = true // last byte written to f was a space
		oneLetter            int    // one-letter words in a row, for Spaced
	)
	endTok := func() {
		if tokStart < 0 {
			return
		}
		// Trailing '!' or '$' is punctuation, not leet.
		for n := len(w); n > tokStart && isLeetSym(w[n-1]); n-- {
			w = w[:n-1]
			tokLeet--
		}
		if len(w) == tokStart {
			tokStart, tokLetters, tokLeet = -1, 0, 0
			tokLatin, tokConfuse, tokNonDigit = false, false, false
			return
		}
		if tokLeet > 0 && tokLetters >= 2 && tokNonDigit {
			foldLeet(w[tokStart:])
			t.Leet++
		} else if tokLeet > 0 {
			// Not a leet word: digits stay, leet symbols become separators.
			w = dropLeetSyms(w, tokStart)
		}
		if tokLatin && tokConfuse {
			w = t.foldConfusables(w, tokStart)
			t.MixedScript++
		}
		if len(w)-tokStart == 1 && w[tokStart] >= 'a' && w[tokStart] <= 'z' {
			if oneLetter++; oneLetter == SpacedRun {
				t.Spaced++
			}
		} else {
			oneLetter = 0
		}
		tokStart, tokLetters, tokLeet = -1, 0, 0
		tokLatin, tokConfuse, tokNonDigit = false, false, false
		if len(w) > 0 && w[len(w)-1] != ' ' {
			w = append(w, ' ')
		}
	}
	startTok := func() {
		if tokStart < 0 {
			tokStart = len(w)
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			if c == 0 { // decoded-payload separator
				endTok()
				if t.DecodedFrom < 0 {
					t.DecodedFrom = len(w)
				}
				if !fSpace {
					f = append(f, '\n')
					fSpace = true
				}
				continue
			}
			lc := asciiLower[c]
			switch asciiClass[c] {
			case clsLetter:
				// Most input is runs of ASCII letters, each followed by one
				// space. Copy a run in a tight loop on local slices (w and f
				// are shared with the closures, so every append to them goes
				// through memory), and when the run is a whole word followed
				// by a space, close the word here with what endTok would do
				// for a word of plain letters.
				wordStart := tokStart < 0
				startTok()
				ww, ff := w, f
				j := i - 1
				// Eight bytes at a time while there is room: most words
				// fit in one step, so the step count does not depend on
				// the word's length and no branch guesses where it ends.
				// When a step ends the run, s[j] is known not to be an
				// ASCII letter and the byte loop below, there for the end
				// of the input or of the buffers, is skipped.
				ended := false
				for j+8 <= len(s) && cap(ww)-len(ww) >= 8 && cap(ff)-len(ff) >= 8 {
					x := binary.LittleEndian.Uint64([]byte(s[j : j+8]))
					n := asciiLetterRun(x)
					lower := x | 0x2020202020202020 // A-Z to a-z; kept bytes are letters
					binary.LittleEndian.PutUint64(ww[len(ww):len(ww)+8], lower)
					binary.LittleEndian.PutUint64(ff[len(ff):len(ff)+8], lower)
					ww, ff = ww[:len(ww)+n], ff[:len(ff)+n]
					j += n
					if n < 8 {
						ended = true
						break
					}
				}
				for ; !ended && j < len(s); j++ {
					b := s[j]
					if b >= utf8.RuneSelf || asciiClass[b] != clsLetter {
						break
					}
					b |= 0x20 // A-Z to a-z; a-z unchanged
					ww = append(ww, b)
					ff = append(ff, b)
				}
				tokLetters += j - i + 1
				i = j
				if wordStart && j < len(s) && s[j] == ' ' {
					// endTok for a word with no leet, no look-alikes and no
					// trailing symbols, then the space.
					if len(ww)-tokStart == 1 {
						if oneLetter++; oneLetter == SpacedRun {
							t.Spaced++
						}
					} else {
						oneLetter = 0
					}
					tokStart, tokLetters = -1, 0
					w, f = append(ww, ' '), append(ff, ' ')
					fSpace = true
					i++
					continue
				}
				w, f = ww, ff
				tokLatin = true
				tokNonDigit = true
				fSpace = false
			case clsDigit:
				startTok()
				w = append(w, lc)
				if leet[c] != 0 {
					tokLeet++
				}
				f = append(f, lc)
				fSpace = false
			case clsLeetSym:
				// Part of a word only when a word is already open.
				if tokStart >= 0 {
					w = append(w, lc)
					tokLeet++
				}
				f = append(f, lc)
				fSpace = false
			case clsSpace:
				endTok()
				if !fSpace {
					f = append(f, ' ')
					fSpace = true
				}
			case clsNewline:
				endTok()
				if n := len(f); n > 0 && f[n-1] == ' ' {
					f[n-1] = '\n'
				} else if n > 0 && f[n-1] != '\n' {
					f = append(f, '\n')
				}
				fSpace = true
			default:
				endTok()
				f = append(f, lc)
				fSpace = false
			}
			continue
		}
		r, size := decodeRune(s, i)
		i += size
		if r >= 0x3040 && r <= 0x9FFF || r >= 0xAC00 && r <= 0xD7A3 {
			// Kana, CJK ideographs and Hangul syllables: caseless letters
			// with no look-alikes; the common case for CJK text. They are
			// three bytes long, so the input bytes are the encoding.
			startTok()
			w = append(w, s[i-3], s[i-2], s[i-1])
			tokLetters++
			tokNonDigit = true
			f = append(f, s[i-3], s[i-2], s[i-1])
			fSpace = false
			continue
		}
		if r >= 0xE0000 && r <= 0xE007F {
			// Tag characters mirror ASCII and render as nothing: the
			// "ASCII smuggling" channel. Read them as the ASCII they encode.
			t.Invisible++
			t.TagChars++
			if a := r - 0xE0000; a >= 0x20 && a < 0x7F {
				lc := asciiLower[a]
				switch asciiClass[a] {
				case clsLetter, clsDigit:
					startTok()
					w = append(w, lc)
					tokLatin = tokLatin || asciiClass[a] == clsLetter
					tokNonDigit = tokNonDigit || asciiClass[a] == clsLetter
					if asciiClass[a] == clsLetter {
						tokLetters++
					} else if leet[a] != 0 {
						tokLeet++
					}
				default:
					endTok()
				}
				f = append(f, lc)
				fSpace = lc == ' '
			}
			continue
		}
		if r == 0xFEFF && i == size {
			continue // a leading byte-order mark is encoding, not content
		}
		p := runeTable[r&(runeTableLen-1)]
		if r >= runeTableLen {
			p = runeProps(r)
		}
		switch kind := p >> kindShift & kindMask; kind {
		case kInvisible:
			t.Invisible++
			continue
		case kSpace, kNewline:
			endTok()
			if kind == kNewline {
				if n := len(f); n > 0 && f[n-1] == ' ' {
					f[n-1] = '\n'
				} else if n > 0 && f[n-1] != '\n' {
					f = append(f, '\n')
				}
			} else if !fSpace {
				f = append(f, ' ')
			}
			fSpace = true
			continue
		}
		r = rune(p & lowerMask)
		f = utf8.AppendRune(f, r)
		fSpace = false
		switch p >> kindShift & kindMask {
		case kLetter, kMark:
			startTok()
			w = utf8.AppendRune(w, r)
			if p>>kindShift&kindMask == kLetter {
				tokLetters++
			}
			tokNonDigit = true
			if p&confusableBit != 0 {
				tokConfuse = true
			}
		case kDigit:
			startTok()
			w = utf8.AppendRune(w, r)
		default:
			endTok()
		}
	}
	endTok()
	if len(w) == 0 || w[len(w)-1] != ' ' {
		w = append(w, ' ')
	}
	if t.DecodedFrom < 0 {
		t.DecodedFrom = len(w)
	}
	t.Words, t.Folded = w, f
}

// decodeRune decodes the non-ASCII rune at s[i:] as
// utf8.DecodeRuneInString(s[i:]) would, doing two- and three-byte
// sequences, the common cases, by hand.
func decodeRune(s string, i int) (rune, int) {
	if c := s[i]; c >= 0xC2 && c < 0xE0 && i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
		return rune(c&0x1F)<<6 | rune(s[i+1]&0x3F), 2
	}
	if c := s[i]; c&0xF0 == 0xE0 && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
		r := rune(c&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F)
		if r >= 0x800 && (r < 0xD800 || r > 0xDFFF) { // not overlong, not a surrogate
			return r, 3
		}
	}
	return utf8.DecodeRuneInString(s[i:])
}

// Rune properties for the fold loop's non-ASCII path, packed in a uint32:
// the rune's lower case, what kind of character the fold treats it as, and
// whether the lower case is a Latin look-alike.
const (
	lowerMask     = 1<<21 - 1
	kindShift     = 24
	kindMask      = 7
	confusableBit = 1 << 27

	kOther     = 0
	kInvisible = 1
	kSpace     = 2
	kNewline   = 3 // a space that breaks lines: U+0085, U+2028, U+2029
	kLetter    = 4
	kMark      = 5
	kDigit     = 6
)

// runeProps classifies r the way fold reads it: invisible and space are
// judged on r, letter, mark and digit on its lower case.
func runeProps(r rune) uint32 {
	switch {
	case isInvisible(r):
		return kInvisible << kindShift
	case r == '\u2028' || r == '\u2029' || r == 0x85:
		return kNewline << kindShift
	case unicode.IsSpace(r):
		return kSpace << kindShift
	}
	lr := unicode.ToLower(r)
	p := uint32(lr) & lowerMask
	switch {
	case unicode.IsMark(lr):
		p |= kMark << kindShift
	case unicode.IsLetter(lr):
		p |= kLetter << kindShift
	case unicode.IsDigit(lr):
		p |= kDigit << kindShift
	}
	if lr < rune(len(confusableTable)) && confusableTable[lr] != 0 {
		p |= confusableBit
	}
	return p
}

// runeTableLen covers Latin, Greek, Cyrillic, Arabic, Thai, Vietnamese and
// general punctuation: the runes fold meets most outside the CJK fast path.
// The table is runeProps precomputed, so both paths agree by construction.
const runeTableLen = 0x4000

var runeTable = func() *[runeTableLen]uint32 {
	var t [runeTableLen]uint32
	for r := range rune(runeTableLen) {
		t[r] = runeProps(r)
	}
	return &t
}()

// asciiLetterRun returns how many of the eight bytes of x, from the
// lowest, are ASCII letters before the first byte that is not.
func asciiLetterRun(x uint64) int {
	const (
		lo7  = 0x7F7F7F7F7F7F7F7F
		high = 0x8080808080808080
	)
	// Lower-case, then per byte (top bits cleared, so no carries):
	// +0x1F sets bit 7 from 'a' up, +0x05 from '{' up. Bytes of x with
	// bit 7 set are not ASCII.
	y := (x | 0x2020202020202020) & lo7
	letters := (y + 0x1F1F1F1F1F1F1F1F) &^ (y + 0x0505050505050505) &^ x & high
	return bits.TrailingZeros64(^letters&high) >> 3
}

func isLeetSym(c byte) bool { return c == '@' || c == '$' || c == '!' || c == '|' }

func foldLeet(b []byte) {
	for i, c := range b {
		if c < 128 && leet[c] != 0 {
			b[i] = leet[c]
		}
	}
}

// dropLeetSyms removes '@' '$' '!' '|' from the word that starts at from,
// splitting it where they were.
func dropLeetSyms(w []byte, from int) []byte {
	out := from
	for i := from; i < len(w); i++ {
		c := w[i]
		if isLeetSym(c) {
			if out > 0 && w[out-1] != ' ' {
				w[out] = ' '
				out++
			}
			continue
		}
		w[out] = c
		out++
	}
	return w[:out]
}

// foldConfusables rewrites the word starting at from, mapping non-Latin
// look-alikes to Latin letters. Only words that already contain Latin letters
// get here, so genuine Cyrillic or Greek words are left alone.
func (t *Text) foldConfusables(w []byte, from int) []byte {
	t.scratch = append(t.scratch[:0], w[from:]...)
	w = w[:from]
	for i := 0; i < len(t.scratch); {
		r, size := utf8.DecodeRune(t.scratch[i:])
		i += size
		if r < rune(len(confusableTable)) && confusableTable[r] != 0 {
			w = append(w, confusableTable[r])
			continue
		}
		w = utf8.AppendRune(w, r)
	}
	return w
}

// isInvisible reports whether r renders as nothing (or as a layout control)
// and so can hide text from a human reviewer.
func isInvisible(r rune) bool {
	switch {
	case r == 0x00AD, r == 0x034F, r == 0x061C, r == 0x115F, r == 0x1160,
		r == 0x17B4, r == 0x17B5, r == 0x180E, r == 0x3164, r == 0xFEFF, r == 0xFFA0:
		return true
	case r >= 0x200B && r <= 0x200F: // zero-width space/joiners, LRM/RLM
		return true
	case r >= 0x202A && r <= 0x202E: // bidi embeddings and overrides
		return true
	case r >= 0x2060 && r <= 0x206F: // word joiner, invisible operators, bidi isolates
		return true
	case r >= 0xFE00 && r <= 0xFE0F, r >= 0xE0100 && r <= 0xE01EF: // variation selectors
		return true
	case r >= 0xFFF0 && r <= 0xFFF8:
		return true
	}
	return false
}

// confusable maps lower-case Cyrillic, Greek and other letters that look like
// Latin ones (after NFKC and lowering) to the Latin letter.
var confusable = map[rune]byte{
	// Cyrillic
	'а': 'a', 'в': 'b', 'е': 'e', 'ё': 'e', 'к': 'k', 'м': 'm', 'н': 'h', 'о': 'o', 'р': 'p', 'с': 'c',
	'т': 't', 'у': 'y', 'х': 'x', 'ѕ': 's', 'і': 'i', 'ї': 'i', 'ј': 'j', 'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w',
	'һ': 'h', 'ӏ': 'l', 'ɡ': 'g', 'ո': 'n', 'ս': 'u', 'օ': 'o',
	// Greek
	'α': 'a', 'β': 'b', 'ε': 'e', 'η': 'n', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p', 'τ': 't',
	'υ': 'u', 'χ': 'x', 'γ': 'y', 'ω': 'w', 'ϲ': 'c', 'ϳ': 'j',
	// Latin look-alikes outside ASCII that NFKC keeps.
	'ɩ': 'i', 'ℓ': 'l', 'ǀ': 'l', 'ɑ': 'a', 'ɒ': 'a', 'ʀ': 'r', 'ᴅ': 'd', 'ᴇ': 'e', 'ɴ': 'n',
	'ᴏ': 'o', 'ꜱ': 's', 'ᴛ': 't', 'ᴜ': 'u', 'ᴠ': 'v', 'ᴡ': 'w', 'ʏ': 'y', 'ᴢ': 'z', 'ᴀ': 'a', 'ʙ': 'b',
	'ᴄ': 'c', 'ғ': 'f', 'ɢ': 'g', 'ʜ': 'h', 'ɪ': 'i', 'ᴊ': 'j', 'ᴋ': 'k', 'ʟ': 'l', 'ᴍ': 'm', 'ᴘ': 'p',
}

// confusableTable is confusable as a table indexed by rune: the fold loop
// consults it for every non-ASCII letter.
var confusableTable = func() []byte {
	var top rune
	for r := range confusable {
		top = max(top, r)
	}
	t := make([]byte, top+1)
	for r, b := range confusable {
		t[r] = b
	}
	return t
}()

// decodePayloads looks for base64 and hex runs in s that decode to readable
// text. If it finds any, t.input holds s followed by the decoded texts, each
// after a NUL separator, and it returns true.
func decodePayloads(s string, t *Text) bool {
	const (
		minB64     = 20
		minHex     = 16
		maxPayload = 8
	)
	found := false
	for i := 0; i < len(s) && t.Decoded < maxPayload; {
		// Only maximal runs of base64 bytes at least minHex long matter.
		// Such a run that starts in s[i:p+1] covers s[p], so when s[p] is
		// no base64 byte the search resumes after it: ordinary text is
		// passed over minHex bytes at a time. i is at the start of s, just
		// after a byte that is not base64, or at one, so the run around
		// s[p] found here never starts before i.
		p := i + minHex - 1
		if p >= len(s) {
			break
		}
		if !b64Byte[s[p]] {
			i = p + 1
			continue
		}
		i = p
		for i > 0 && b64Byte[s[i-1]] {
			i--
		}
		j := p + 1
		for j < len(s) && b64Byte[s[j]] {
			j++
		}
		if j-i < minHex {
			i = j
			continue
		}
		hexOnly, digits, upper, lower := true, 0, 0, 0
		for _, b := range []byte(s[i:j]) {
			switch {
			case b >= '0' && b <= '9':
				digits++
			case b >= 'a' && b <= 'f':
				lower++
			case b >= 'A' && b <= 'F':
				upper++
			default:
				hexOnly = false
				if b >= 'a' && b <= 'z' {
					lower++
				} else if b >= 'A' && b <= 'Z' {
					upper++
				}
			}
		}
		end := j
		for end < len(s) && s[end] == '=' && end-j < 2 {
			end++
		}
		seg := s[i:j]
		i = end
		var dec []byte
		switch {
		case hexOnly && len(seg) >= minHex && digits > 0:
			if len(seg)%2 == 1 {
				seg = seg[:len(seg)-1]
			}
			d := make([]byte, len(seg)/2)
			if _, err := hex.Decode(d, []byte(seg)); err == nil {
				dec = d
			}
		case len(seg) >= minB64 && lower > 0 && (upper > 0 || digits > 0):
			dec = decodeB64(s[j-len(seg) : end])
		}
		if dec == nil || !readable(dec) {
			continue
		}
		if !found {
			t.input = append(t.input[:0], s...)
			found = true
		}
		t.input = append(t.input, 0)
		t.input = append(t.input, dec...)
		t.Decoded++
	}
	return found
}

// b64Byte marks the bytes of the standard and URL base64 alphabets.
var b64Byte = func() (t [256]bool) {
	for _, c := range []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_") {
		t[c] = true
	}
	return t
}()

func decodeB64(seg string) []byte {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if d, err := enc.DecodeString(seg); err == nil {
			return d
		}
	}
	// Tolerate a truncated tail: decode the longest multiple of 4.
	if n := len(seg) &^ 3; n >= 16 {
		if d, err := base64.StdEncoding.DecodeString(seg[:n]); err == nil {
			return d
		}
	}
	return nil
}

// readable reports whether b looks like natural-language text: valid UTF-8,
// almost no control bytes, and at least one space.
func readable(b []byte) bool {
	if len(b) < 6 || !utf8.Valid(b) {
		return false
	}
	spaces, bad, n := 0, 0, 0
	for _, r := range string(b) {
		n++
		switch {
		case r == ' ':
			spaces++
		case r == '\n' || r == '\t' || r == '\r':
		case r < 0x20 || r == 0x7F || r == utf8.RuneError:
			bad++
		}
	}
	return spaces > 0 && bad*20 < n && bytes.IndexByte(b, 0) < 0
}
