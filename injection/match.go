package injection

import (
	"encoding/binary"
	"unicode"
	"unicode/utf8"
)

// view selects which normalised view a term is matched in.
type view uint8

const (
	viewWords  view = iota // words, lower case, punctuation removed
	viewFolded             // lower case with punctuation and newlines kept
)

// term is one literal of the rule vocabulary, already normalised.
type term struct {
	text     string
	view     view
	boundary bool // Latin-script word: must start at a word boundary
	prefix   bool // may be followed by more letters ("instruction" matches "instructions")
}

// occ is one occurrence of a term: [start, end) in its view.
type occ struct {
	term       uint16
	start, end int32
}

// automaton is an Aho–Corasick matcher over bytes with a dense transition
// table on byte classes. It is immutable once built. The detector uses one
// for the markup view and one for the word-view terms without word
// boundaries (see [wordMatcher]); the tests also build one of every
// word-view term as the reference the word matcher must agree with.
//
// A term that needs a word boundary at its start is stored with a leading
// space. In the word view every byte is a letter, a digit, a byte of a
// multi-byte rune or a space, and the view starts with a space, so "starts
// at a word boundary" is the same as "follows a space". Stored that way, the
// automaton never reports the many rejected matches inside words ("ai" in
// "said", "the" in "other"), and in the middle of a word that starts no
// term it sits in the root state, whose row stays in cache.
type automaton struct {
	class [256]uint8
	// shift is log2 of the row stride: rows are a power of two wide so that
	// the offset of a state's row is a shift, not a multiplication.
	shift uint
	// delta maps state<<shift + class to the next state, with hasOut set
	// when the next state has outputs, so scan tests one bit per byte.
	//
	// Entries are 16 bits, not 32, and states whose path from the root is
	// all ASCII are numbered first, so that a table stays small and the
	// rows that English text walks sit together at its start.
	delta []uint16
	// The occurrences ending at a state, fail links folded in, in one flat
	// array each, so that reporting one reads adjacent memory rather than
	// a slice header, the term and its length from three tables:
	// atEnd[endAt[s]:endAt[s+1]] when the next byte does not continue a
	// word, inWord[inWordAt[s]:inWordAt[s+1]] when it does, which leaves
	// out the whole-word terms (the boundary rule of scan).
	atEnd, inWord   []outTerm
	endAt, inWordAt []uint32
	// In the root state scan skips every byte that starts no key, without
	// the dependent table walk: in the word view every byte inside a word
	// (no stored key starts with a letter or digit); in the markup view,
	// whose keys start with common letters ("end of system prompt",
	// "display:none"), most bytes. pairs holds the first two bytes of every
	// key, little-endian (all pairs beginning with a one-byte key's byte),
	// so that skip tests seven pairs from one eight-byte load: a byte whose
	// pair with the next is not in it is passed after one bit test. When
	// the pair is there, keys shorter than three bytes are looked up
	// exactly (shortStart marks their first bytes, oneKey the one-byte
	// keys, twoKeys the two-byte keys as a bit set per first byte: " a",
	// "d:"), and longer ones by starts, a hashed set of the first three
	// bytes of every such key; a hash collision only costs a table walk.
	// See skip for why the result is unchanged.
	pairs      [1 << (16 - 6)]uint64
	shortStart [256]bool
	oneKey     [256]bool
	twoKeys    [256][4]uint64
	starts     [1 << (startBits - 6)]uint64
	// highStart: every key starts with a byte of a multi-byte rune, as the
	// word view's Han, kana, Hangul and Thai terms do, so skip passes
	// eight ASCII bytes at a time: one stray curly quote in English text
	// puts that automaton to work on the whole text.
	highStart bool
}

// startBits is log2 of the number of bits in automaton.starts: 8 KB.
const startBits = 16

// startHash hashes three bytes to a bit of automaton.starts.
func startHash(b0, b1, b2 byte) uint32 {
	return (uint32(b0) | uint32(b1)<<8 | uint32(b2)<<16) * 0x9e3779b1 >> (32 - startBits)
}

// outTerm is one term a state reports: its id and its length in bytes.
type outTerm struct {
	term uint16
	len  uint16
}

// hasOut marks a delta entry whose state has outputs; the other 15 bits are
// the state, which bounds an automaton to maxStates states.
const (
	hasOut    = 1 << 15
	maxStates = hasOut
)

// automatonKey is the byte string the automaton matches for t.
func automatonKey(t term) string {
	if t.boundary {
		return " " + t.text
	}
	return t.text
}

// buildAutomaton builds the automaton of the terms that keep accepts; it
// reports them by their index in terms.
func buildAutomaton(terms []term, keep func(term) bool) *automaton {
	a := &automaton{}
	// Byte classes: every byte used by some term gets its own class; the
	// rest share class 0, which no term contains.
	used := [256]bool{}
	for _, t := range terms {
		if !keep(t) {
			continue
		}
		k := automatonKey(t)
		for i := 0; i < len(k); i++ {
			used[k[i]] = true
		}
	}
	nClass := 1
	for b := range 256 {
		if used[b] {
			a.class[b] = uint8(nClass)
			nClass++
		}
	}
	for 1<<a.shift < nClass {
		a.shift++
	}
	stride := 1 << a.shift
	// Trie. ascii marks the nodes whose path from the root is all ASCII.
	type node struct {
		next  map[uint8]int32
		out   []uint16
		ascii bool
	}
	nodes := []node{{next: map[uint8]int32{}, ascii: true}}
	for id, t := range terms {
		if !keep(t) {
			continue
		}
		k := automatonKey(t)
		s := int32(0)
		for i := 0; i < len(k); i++ {
			c := a.class[k[i]]
			nx, ok := nodes[s].next[c]
			if !ok {
				nx = int32(len(nodes))
				nodes = append(nodes, node{next: map[uint8]int32{}, ascii: nodes[s].ascii && k[i] < 0x80})
				nodes[s].next[c] = nx
			}
			s = nx
		}
		nodes[s].out = append(nodes[s].out, uint16(id))
	}
	n := len(nodes)
	if n > maxStates {
		panic("injection: the rule vocabulary needs more automaton states than a 16-bit table holds")
	}
	// Breadth-first fail links, then a dense delta, on trie node numbers.
	delta := make([]int32, n*stride)
	outs := make([][]uint16, n)
	fail := make([]int32, n)
	queue := make([]int32, 0, n)
	for c := range nClass {
		if nx, ok := nodes[0].next[uint8(c)]; ok {
			delta[c] = nx
			queue = append(queue, nx)
		}
	}
	outs[0] = nodes[0].out
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		outs[s] = append(append([]uint16(nil), nodes[s].out...), outs[fail[s]]...)
		for c := range nClass {
			if nx, ok := nodes[s].next[uint8(c)]; ok {
				fail[nx] = delta[int(fail[s])*stride+c]
				delta[int(s)*stride+c] = nx
				queue = append(queue, nx)
			} else {
				delta[int(s)*stride+c] = delta[int(fail[s])*stride+c]
			}
		}
	}
	// Renumber: ASCII-path states first (the root, node 0, stays 0), then
	// the rest, each group in trie order.
	num := make([]uint16, n)
	next := 0
	for _, ascii := range [...]bool{true, false} {
		for s := range nodes {
			if nodes[s].ascii == ascii {
				num[s] = uint16(next)
				next++
			}
		}
	}
	a.delta = make([]uint16, n*stride)
	byNum := make([]int, n) // trie node of each new state number
	for s := range n {
		byNum[num[s]] = s
		for c := range stride {
			nx := delta[s*stride+c]
			e := num[nx]
			if len(outs[nx]) > 0 {
				e |= hasOut
			}
			a.delta[int(num[s])<<a.shift+c] = e
		}
	}
	a.endAt = make([]uint32, n+1)
	a.inWordAt = make([]uint32, n+1)
	for ns, s := range byNum {
		for _, id := range outs[s] {
			t := &terms[id]
			if len(t.text) > 1<<16-1 {
				panic("injection: a rule term is longer than 64 KiB")
			}
			o := outTerm{term: id, len: uint16(len(t.text))}
			a.atEnd = append(a.atEnd, o)
			if !t.boundary || t.prefix {
				a.inWord = append(a.inWord, o)
			}
		}
		a.endAt[ns+1] = uint32(len(a.atEnd))
		a.inWordAt[ns+1] = uint32(len(a.inWord))
	}
	for _, t := range terms {
		if !keep(t) {
			continue
		}
		k := automatonKey(t)
		if len(k) >= 2 {
			p := uint(k[0]) | uint(k[1])<<8
			a.pairs[p>>6] |= 1 << (p & 63)
		}
		switch len(k) {
		case 1:
			a.shortStart[k[0]], a.oneKey[k[0]] = true, true
			for c := range uint(256) {
				p := uint(k[0]) | c<<8
				a.pairs[p>>6] |= 1 << (p & 63)
			}
			continue
		case 2:
			a.shortStart[k[0]] = true
			a.twoKeys[k[0]][k[1]>>6] |= 1 << (k[1] & 63)
			continue
		}
		h := startHash(k[0], k[1], k[2])
		a.starts[h>>6] |= 1 << (h & 63)
	}
	a.highStart = true
	for b := range utf8.RuneSelf {
		for c := range 256 {
			if a.pairAt(uint64(b) | uint64(c)<<8) {
				a.highStart = false
			}
		}
	}
	return a
}

// skip returns the first position from i on where scan, in the root state,
// must walk the table: it passes every byte that starts no key, judged by
// the two bytes from it, or when they may, the three.
//
// Passing a byte b at position p in the root state is exact although the
// table would have entered a state of depth one or two: no key of one or
// two bytes starts at p (checked exactly), and the first three bytes of
// any longer key that starts at p would be text[p:p+3], which start no
// key. So no key that starts at p occurs, and the state the table walk
// would be in when it next reports or enters a deeper state depends only
// on the bytes after p. Near the end of text a key of three bytes or more
// cannot start at p. TestScanSkipExact checks this against the plain
// table walk.
func (a *automaton) skip(text []byte, i int) int {
	if a.highStart {
		// No key starts with an ASCII byte.
		for i+8 <= len(text) && binary.LittleEndian.Uint64(text[i:])&0x8080808080808080 == 0 {
			i += 8
		}
	}
	// Seven pairs from each eight-byte load, tested in line: in prose
	// fewer than one in ten pass, so the loop mostly moves on seven bytes.
	for i+9 <= len(text) {
		x := binary.LittleEndian.Uint64(text[i:])
		switch {
		case a.pairAt(x):
		case a.pairAt(x >> 8):
			i++
		case a.pairAt(x >> 16):
			i += 2
		case a.pairAt(x >> 24):
			i += 3
		case a.pairAt(x >> 32):
			i += 4
		case a.pairAt(x >> 40):
			i += 5
		case a.pairAt(x >> 48):
			i += 6
		default:
			i += 7
			continue
		}
		b := text[i]
		if a.shortStart[b] && a.shortKeyAt(text, i) {
			return i
		}
		if h := startHash(b, text[i+1], text[i+2]); a.starts[h>>6]&(1<<(h&63)) != 0 {
			return i
		}
		i++
	}
	for ; i+2 < len(text); i++ {
		b, c := text[i], text[i+1]
		if !a.pairAt(uint64(b) | uint64(c)<<8) {
			continue
		}
		if a.shortStart[b] && a.shortKeyAt(text, i) {
			return i
		}
		h := startHash(b, c, text[i+2])
		if a.starts[h>>6]&(1<<(h&63)) != 0 {
			return i
		}
	}
	for ; i < len(text); i++ {
		if a.shortStart[text[i]] && a.shortKeyAt(text, i) {
			return i
		}
	}
	return i
}

// pairAt reports whether the two low bytes of x, little-endian, begin a
// key.
func (a *automaton) pairAt(x uint64) bool {
	p := uint(x) & 0xFFFF
	return a.pairs[p>>6]&(1<<(p&63)) != 0
}

// shortKeyAt reports whether a key of one or two bytes starts at text[i].
func (a *automaton) shortKeyAt(text []byte, i int) bool {
	b := text[i]
	if a.oneKey[b] {
		return true
	}
	if i+1 == len(text) {
		return false
	}
	n := text[i+1]
	return a.twoKeys[b][n>>6]&(1<<(n&63)) != 0
}

// scan appends the occurrences of terms in text that satisfy their
// boundary rules. text is a view from textnorm: for the word view, see
// [automaton] for why the start boundary needs no check here.
func (a *automaton) scan(dst []occ, text []byte) []occ {
	var s uint // state
	// shift&63 tells the compiler the shift is below 64, sparing the
	// instructions that give a longer shift Go's meaning on the chain of
	// dependent steps.
	delta, class, shift := a.delta, &a.class, a.shift&63
	for i := 0; i < len(text); i++ {
		if s == 0 {
			if i = a.skip(text, i); i == len(text) {
				break
			}
		}
		e := delta[s<<shift+uint(class[text[i]])]
		s = uint(e &^ hasOut)
		if e&hasOut != 0 {
			end := i + 1
			outs := a.atEnd[a.endAt[s]:a.endAt[s+1]]
			if end < len(text) && isWordByte(text[end]) {
				outs = a.inWord[a.inWordAt[s]:a.inWordAt[s+1]]
			}
			for _, o := range outs {
				dst = append(dst, occ{term: o.term, start: int32(end - int(o.len)), end: int32(end)})
			}
		}
	}
	return dst
}

// isWordByte reports whether b can be part of a word in the word view,
// where words are separated by single spaces; in the folded view
// punctuation also separates.
func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b >= 0x80
}

// needsBoundary reports whether a term is written in a script that puts
// spaces between words. Han, kana, Hangul and Thai terms match anywhere:
// those scripts either use no spaces or glue particles to words.
func needsBoundary(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return !unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Thai)
}
