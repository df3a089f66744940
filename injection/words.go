package injection

import (
	"cmp"
	"encoding/binary"
	"maps"
	"math/bits"
	"slices"
	"strings"
)

// wordMatcher finds the occurrences of the word view's boundary terms by
// looking whole words up in a hash table instead of walking a byte
// automaton: a 2 KB message is some 350 words, and one table probe per word
// costs less than a dependent step per byte through the 2.8 MB transition
// table the whole vocabulary needs. The terms without boundaries (Han,
// kana, Hangul, Thai) can start inside a word, so an automaton of those
// alone, cjk, still scans the text, and only when it has a byte of a
// multi-byte rune.
//
// It reports exactly what the automaton of all the word-view terms
// reports, in the same order, for any textnorm word view: a leading space,
// words of letters, digits and multi-byte runes separated by single
// spaces, and a trailing space. There a boundary term's key, " "+text,
// occurs ending at a word end, or anywhere in a word for a prefix term, if
// and only if the text's words from the term's first word on equal the
// term's words, except that the last word of a prefix term need only start
// the text's word. TestWordMatcherExact checks this against the automaton.
type wordMatcher struct {
	// slots is an open-addressed table of entry numbers plus one (0 is an
	// empty slot), indexed by the top slotBits bits of a word's hash, with
	// linear probing; the high half of each slot is a tag from the hash, so
	// that most misses do not read the entry.
	slots    []uint32
	slotBits uint
	entries  []wordEntry
	texts    []string // by entry
	// Terms of one word are held in their word's entry. Terms of several
	// words are listed by their last two words' entries, in pairs, a table
	// like slots whose entries are the pair key above and 1 + an index
	// into pairEnds below, each a span of ends sorted as the automaton
	// reports terms that end at one position: longest first, then by term
	// id. A term of several words is longer than one of its last word
	// alone, so the pair's terms come first.
	ends     []termEnd
	pairs    []uint64
	pairBits uint
	pairEnds [][2]uint32 // ends[lo:hi] of each pair
	// prev holds the words before the last two of each term, nearest
	// first, as entry numbers.
	prev []uint16
	// A word can hold a prefix term's last word at a length shorter than
	// its own. long and short say which lengths to probe for a word: bit L
	// of long[h] for lengths L ≥ 3 of prefix words whose first three bytes
	// hash to h, bits 1 and 2 of short[b] for lengths 1 and 2 of prefix
	// words that start with b. A set bit only costs a probe.
	long  [1 << longBits]uint64
	short [256]uint8
	// cjk matches the word-view terms that need no word boundary.
	cjk *automaton
}

// longBits is log2 of the number of entries in wordMatcher.long: 8 KB.
const longBits = 10

// maxTermWords bounds the words of one term: scan keeps the last
// maxTermWords words' entries in a ring.
const maxTermWords = 64

// wordEntry is a word of the vocabulary, in 16 bytes so that four share a
// cache line; wordMatcher.texts holds the words themselves.
type wordEntry struct {
	first uint64 // the first eight bytes of the word, little-endian, zero-padded
	// single holds the terms that are this word alone, by id, noTerm when
	// absent: the word as a whole word and as a prefix ("instruction*"),
	// the lower id first; prefix has bit i set when single[i] is a prefix
	// term.
	single [2]uint16
	n      uint8 // the word's length, or 255 for 255 and longer
	prefix uint8
	// last: the word ends a term of several words; beforeLast: it comes
	// just before the last word of one. Without both, scan does not look
	// the pair up.
	last, beforeLast bool
}

const (
	noTerm  = 0xFFFF
	noEntry = 0xFFFF // in scan's ring: a word that is not in the vocabulary
)

// termEnd is a term of several words, listed by its last two words.
type termEnd struct {
	term   uint16
	len    uint16 // of the term's text, in bytes
	prefix bool   // the last word may be followed by more of the text's word
	nPrev  uint8  // words before the last two
	prevLo uint32 // prev[prevLo:prevLo+nPrev]
}

// pairKey is the key of the pairs table for two entries.
func pairKey(before, last uint16) uint32 { return uint32(before)<<16 | uint32(last) }

func pairHash(key uint32, bits uint) uint32 { return key * 0x9e3779b1 >> (32 - bits) }

// Word hashing: the eight-byte chunks of a word, little-endian, the last
// one zero-padded, folded by multiplication. Words hold no zero byte, so
// the padding does not make two words of different lengths the same.
const (
	wordSeed = 0x243F6A8885A308D3
	wordMul  = 0x9E3779B97F4A7C15
	wordMul2 = 0xD6E8FEB86659FD93
)

// hashChunk folds in a chunk that is not the word's last.
func hashChunk(h, x uint64) uint64 { return bits.RotateLeft64((h^x)*wordMul, 29) }

// hashLast folds in the last chunk.
func hashLast(h, x uint64) uint64 { return (h ^ x) * wordMul2 }

// hashWord hashes a word as scan does.
func hashWord(w string) uint64 {
	h := uint64(wordSeed)
	for len(w) > 8 {
		h = hashChunk(h, binary.LittleEndian.Uint64([]byte(w[:8])))
		w = w[8:]
	}
	return hashLast(h, loadPartial(w))
}

// loadPartial reads up to eight bytes of s, little-endian, zero-padded.
func loadPartial(s string) uint64 {
	var b [8]byte
	copy(b[:], s)
	return binary.LittleEndian.Uint64(b[:])
}

// byteMask has the low n bytes set, all eight for n ≥ 8; n > 0.
func byteMask(n int) uint64 {
	return ^uint64(0) >> ((64 - 8*uint(min(n, 8))) & 63)
}

// longHash hashes the first three bytes of x, little-endian.
func longHash(x uint64) uint32 {
	return uint32(x&0xFFFFFF) * 0x9e3779b1 >> (32 - longBits)
}

func buildWordMatcher(terms []term) *wordMatcher {
	m := &wordMatcher{}
	index := map[string]uint16{}
	entry := func(w string) uint16 {
		if e, ok := index[w]; ok {
			return e
		}
		if len(m.entries) >= noEntry {
			panic("injection: too many distinct words in the rule vocabulary")
		}
		e := uint16(len(m.entries))
		index[w] = e
		m.entries = append(m.entries, wordEntry{first: loadPartial(w), n: uint8(min(len(w), 255)), single: [2]uint16{noTerm, noTerm}})
		m.texts = append(m.texts, w)
		return e
	}
	pairs := map[uint32][]termEnd{}
	for id, t := range terms {
		if t.view != viewWords || !t.boundary {
			continue
		}
		if id >= noTerm {
			panic("injection: too many terms")
		}
		words := strings.Split(t.text, " ")
		if len(words) > maxTermWords {
			panic("injection: a rule term has more words than maxTermWords")
		}
		last := words[len(words)-1]
		e := entry(last)
		if len(words) == 1 {
			// Terms are interned, so a word is at most one whole-word term
			// and one prefix term, and ids grow.
			en := &m.entries[e]
			i := 0
			if en.single[0] != noTerm {
				i = 1
			}
			if en.single[i] != noTerm {
				panic("injection: a word is more than two terms")
			}
			en.single[i] = uint16(id)
			if t.prefix {
				en.prefix |= 1 << i
			}
		} else {
			te := termEnd{term: uint16(id), len: uint16(len(t.text)), prefix: t.prefix}
			before := entry(words[len(words)-2])
			te.nPrev, te.prevLo = uint8(len(words)-2), uint32(len(m.prev))
			for i := len(words) - 3; i >= 0; i-- {
				m.prev = append(m.prev, entry(words[i]))
			}
			k := pairKey(before, e)
			pairs[k] = append(pairs[k], te)
			m.entries[e].last, m.entries[before].beforeLast = true, true
		}
		if t.prefix {
			if len(last) >= 64 {
				panic("injection: a prefix term's last word is 64 bytes or longer")
			}
			if len(last) >= 3 {
				m.long[longHash(loadPartial(last))] |= 1 << len(last)
			} else {
				m.short[last[0]] |= 1 << len(last)
			}
		}
	}
	// Tables at most a quarter full keep probe chains short.
	for m.slotBits = 4; 1<<m.slotBits < 4*len(m.entries); m.slotBits++ {
	}
	m.slots = make([]uint32, 1<<m.slotBits)
	for e := range m.entries {
		h := hashWord(m.texts[e])
		i := h >> (64 - m.slotBits)
		for m.slots[i] != 0 {
			i = (i + 1) & (1<<m.slotBits - 1)
		}
		m.slots[i] = uint32(h)&0xFFFF0000 | uint32(e+1)
	}
	for m.pairBits = 4; 1<<m.pairBits < 4*len(pairs); m.pairBits++ {
	}
	m.pairs = make([]uint64, 1<<m.pairBits)
	for _, k := range slices.Sorted(maps.Keys(pairs)) {
		te := pairs[k]
		slices.SortFunc(te, func(a, b termEnd) int {
			return cmp.Or(cmp.Compare(b.len, a.len), cmp.Compare(a.term, b.term))
		})
		m.pairEnds = append(m.pairEnds, [2]uint32{uint32(len(m.ends)), uint32(len(m.ends) + len(te))})
		m.ends = append(m.ends, te...)
		i := pairHash(k, m.pairBits)
		for m.pairs[i] != 0 {
			i = (i + 1) & (1<<m.pairBits - 1)
		}
		m.pairs[i] = uint64(k)<<32 | uint64(len(m.pairEnds))
	}
	m.cjk = buildAutomaton(terms, func(t term) bool { return t.view == viewWords && !t.boundary })
	return m
}

// lookup returns the entry of the word text[p:p+n] whose hash is h, or
// noEntry. x is load8(text, p).
func (m *wordMatcher) lookup(text []byte, p, n int, h, x uint64) uint16 {
	mask := uint64(1)<<m.slotBits - 1
	tag := uint32(h) & 0xFFFF0000 // as buildWordMatcher stores it
	for i := h >> ((64 - m.slotBits) & 63); ; i = (i + 1) & mask {
		s := m.slots[i]
		if s == 0 {
			return noEntry
		}
		if s&0xFFFF0000 != tag {
			continue
		}
		e := s&0xFFFF - 1
		en := &m.entries[e]
		if int(en.n) == min(n, 255) && en.first == x&byteMask(n) && (n <= 8 || m.texts[e][8:] == string(text[p+8:p+n])) {
			return uint16(e)
		}
	}
}

// load8 returns text[i:i+8] little-endian, zero-padded past the end.
func load8(text []byte, i int) uint64 {
	if i+8 <= len(text) {
		return binary.LittleEndian.Uint64(text[i:])
	}
	var b [8]byte
	copy(b[:], text[i:])
	return binary.LittleEndian.Uint64(b[:])
}

// hashPrefix hashes text[p:p+n] as hashWord does; x is load8(text, p).
func hashPrefix(text []byte, p, n int, x uint64) uint64 {
	h := uint64(wordSeed)
	for n > 8 {
		h = hashChunk(h, x)
		p, n = p+8, n-8
		x = load8(text, p)
	}
	return hashLast(h, x&byteMask(n))
}

// scan appends the occurrences of the word-view terms in text, a word
// view, in the order the automaton of them all reports them: by end, then
// longest first, then by term id. cjk is scratch for the occurrences of
// the terms without boundaries.
func (m *wordMatcher) scan(dst, cjk []occ, text []byte) (occs, cjkScratch []occ) {
	base := len(dst)
	var ring [maxTermWords]uint16 // entries of the last words, by word number
	var high uint64               // the bytes read, ORed: is any not ASCII?
	run := 0                      // words in a row, each after one space, up to the current one
	for k, p := 0, 0; ; k++ {
		// p is at a word or at the spaces before one.
		q := p
		for q < len(text) && text[q] == ' ' {
			q++
		}
		if q == len(text) {
			break
		}
		if q-p == 1 && run > 0 {
			run++
		} else if q == 0 {
			run = 0 // no space before: no key starts here
		} else {
			run = 1
		}
		p = q
		x := load8(text, p)
		high |= x
		// The word's length: up to the first space byte.
		n := 0
		for y := x; ; {
			z := y ^ 0x2020202020202020
			if sp := (z - 0x0101010101010101) &^ z & 0x8080808080808080; sp != 0 {
				n += bits.TrailingZeros64(sp) >> 3
				break
			}
			n += 8
			if p+n >= len(text) {
				n = len(text) - p
				break
			}
			y = load8(text, p+n)
			high |= y
		}
		e := uint16(noEntry)
		if run > 0 {
			var h uint64
			if n <= 8 {
				h = hashLast(wordSeed, x&byteMask(n))
			} else {
				h = hashPrefix(text, p, n, x)
			}
			e = m.lookup(text, p, n, h, x)
			// Prefix terms whose last word is shorter than this word,
			// shortest first: their occurrences end first.
			lens := uint64(m.short[uint8(x)])
			if n >= 4 {
				lens |= m.long[longHash(x)]
			}
			if n < 64 {
				lens &= 1<<n - 1
			}
			for ; lens != 0; lens &= lens - 1 {
				l := bits.TrailingZeros64(lens)
				if pe := m.lookup(text, p, l, hashPrefix(text, p, l, x), x); pe != noEntry {
					dst = m.report(dst, &ring, k, run, pe, true, p, p+l)
				}
			}
			if e != noEntry {
				dst = m.report(dst, &ring, k, run, e, false, p, p+n)
			}
		}
		ring[k%maxTermWords] = e
		p += n
	}
	cjk = cjk[:0]
	if high&0x8080808080808080 != 0 {
		cjk = m.cjk.scan(cjk, text)
	}
	if len(cjk) > 0 {
		dst = mergeOccs(dst, base, cjk)
	}
	return dst, cjk
}

// report appends the terms that end with entry e's word at end, the word
// starting at start and being the k-th and the last of run words in a
// row; prefixOnly keeps only the prefix terms, for a word that is longer
// than e's.
func (m *wordMatcher) report(dst []occ, ring *[maxTermWords]uint16, k, run int, e uint16, prefixOnly bool, start, end int) []occ {
	en := &m.entries[e]
	if en.last && run >= 2 {
		if before := ring[(k-1)%maxTermWords]; before != noEntry && m.entries[before].beforeLast {
			dst = m.reportPair(dst, ring, k, run, pairKey(before, e), prefixOnly, end)
		}
	}
	for i, id := range en.single {
		if id != noTerm && (!prefixOnly || en.prefix&(1<<i) != 0) {
			dst = append(dst, occ{term: id, start: int32(start), end: int32(end)})
		}
	}
	return dst
}

// reportPair is report for the terms of several words whose last two
// words are the pair key.
func (m *wordMatcher) reportPair(dst []occ, ring *[maxTermWords]uint16, k, run int, key uint32, prefixOnly bool, end int) []occ {
	mask := uint32(1)<<m.pairBits - 1
	var lohi [2]uint32
	for i := pairHash(key, m.pairBits); ; i = (i + 1) & mask {
		s := m.pairs[i]
		if s == 0 {
			return dst
		}
		if uint32(s>>32) == key {
			lohi = m.pairEnds[uint32(s)-1]
			break
		}
	}
	for _, te := range m.ends[lohi[0]:lohi[1]] {
		if prefixOnly && !te.prefix || int(te.nPrev)+2 > run {
			continue
		}
		ok := true
		for j, w := range m.prev[te.prevLo : te.prevLo+uint32(te.nPrev)] {
			if ring[(k-2-j)%maxTermWords] != w {
				ok = false
				break
			}
		}
		if ok {
			dst = append(dst, occ{term: te.term, start: int32(end - int(te.len)), end: int32(end)})
		}
	}
	return dst
}

// mergeOccs merges b, the occurrences of terms without boundaries, into
// dst[base:], those of boundary terms, both in the automaton's order. A
// boundary term's key is one byte longer than its text (the leading
// space).
func mergeOccs(dst []occ, base int, b []occ) []occ {
	n := len(dst) - base
	dst = slices.Grow(dst, len(b))
	// Merge from the back so that dst[base:] is not overwritten unread.
	dst = dst[:len(dst)+len(b)]
	i, j, o := base+n-1, len(b)-1, len(dst)-1
	for j >= 0 {
		if i >= base && occAfter(dst[i], dst[i].end-dst[i].start+1, b[j], b[j].end-b[j].start) {
			dst[o] = dst[i]
			i--
		} else {
			dst[o] = b[j]
			j--
		}
		o--
	}
	return dst
}

// occAfter reports whether the automaton reports a, whose key is aKey
// bytes long, after b.
func occAfter(a occ, aKey int32, b occ, bKey int32) bool {
	if a.end != b.end {
		return a.end > b.end
	}
	if aKey != bKey {
		return aKey < bKey
	}
	return a.term > b.term
}
