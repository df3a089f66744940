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
// costs less than a dependent step per byte through the transition table
// of the whole vocabulary, megabytes that do not stay in cache. The terms without boundaries (Han,
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
	// entries are the vocabulary's words; entry 0 is none, with no terms.
	entries []wordEntry
	texts   []string // by entry
	// Words of up to eight bytes, most of any text, are looked up by their
	// bytes, little-endian and zero-padded, in short.
	short bucketTable
	// slots is the table of the longer words: an open-addressed table of
	// entry numbers, indexed by the top slotBits bits of a word's hash,
	// with linear probing; the high half of each slot is a tag from the
	// hash, so that most misses do not read the entry.
	slots    []uint32
	slotBits uint
	// Terms of one word are held in their word's entry. Terms of several
	// words are listed by their last two words' entries: pairs maps their
	// pairKey to 1 + an index into pairEnds, each a span of ends sorted as
	// the automaton reports terms that end at one position: longest
	// first, then by term id. A term of several words is longer than one
	// of its last word alone, so the pair's terms come first.
	ends     []termEnd
	pairs    bucketTable
	pairEnds [][2]uint32 // ends[lo:hi] of each pair
	// prev holds the words before the last two of each term, nearest
	// first, as entry numbers.
	prev []uint16
	// A word can hold a prefix term's last word at a length shorter than
	// its own. long and shortLens say which lengths to probe for a word: bit L
	// of long[h] for lengths L ≥ 3 of prefix words whose first three bytes
	// hash to h, bits 1 and 2 of shortLens[b] for lengths 1 and 2 of prefix
	// words that start with b. A set bit only costs a probe.
	long      [1 << longBits]uint64
	shortLens [256]uint8
	// cjk matches the word-view terms that need no word boundary.
	cjk *automaton
}

// bucketTable maps nonzero 64-bit keys to nonzero 16-bit values, 0
// meaning absent, in buckets of bucketSize keys: half a cache line. It is made
// large enough that no bucket overflows, so a lookup reads one bucket and
// chooses among its keys without a branch. Whether a word is in the
// vocabulary, or two words end a term, is as good as random, and a
// mispredicted branch per word would cost more than the lookup.
type bucketTable struct {
	keys [][bucketSize]uint64
	// vals holds a bucket's four 16-bit values in one word, the value of
	// keys[b][j] at bits 16j: get then costs few enough instructions for
	// the compiler to inline it.
	vals  []uint64
	shift uint
}

const bucketSize = 4

// bucket returns the index of key's bucket.
func (t *bucketTable) bucket(key uint64) int {
	return int(key * wordMul >> (t.shift & 63))
}

// get returns key's value, or 0.
func (t *bucketTable) get(key uint64) uint16 {
	b := t.bucket(key)
	keys := &t.keys[b]
	sh := uint(64) // no key: shifts all the values out
	if keys[0] == key {
		sh = 0
	}
	if keys[1] == key {
		sh = 16
	}
	if keys[2] == key {
		sh = 32
	}
	if keys[3] == key {
		sh = 48
	}
	return uint16(t.vals[b] >> sh)
}

// newBucketTable returns the table of the fewest buckets, at least one per
// two keys, in which no bucket overflows.
func newBucketTable(keys []uint64, vals []uint32) bucketTable {
	bits := uint(1)
	for 1<<bits < (len(keys)+1)/2 {
		bits++
	}
grow:
	for ; ; bits++ {
		t := bucketTable{keys: make([][bucketSize]uint64, 1<<bits), vals: make([]uint64, 1<<bits), shift: 64 - bits}
		for i, k := range keys {
			b := t.bucket(k)
			j := 0
			for j < bucketSize && t.keys[b][j] != 0 {
				j++
			}
			if j == bucketSize {
				continue grow
			}
			if vals[i] > 0xFFFF {
				panic("injection: a bucket table value does not fit in 16 bits")
			}
			t.keys[b][j] = k
			t.vals[b] |= uint64(vals[i]) << (16 * j)
		}
		return t
	}
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
	// single holds the terms that are this word alone, by id: the word as
	// a whole word and as a prefix ("instruction*"), the lower id first;
	// nSingle of them. prefix has bit i set when single[i] is a prefix
	// term.
	single  [2]uint16
	nSingle uint8
	n       uint8 // the word's length, or 255 for 255 and longer
	prefix  uint8
	last    bool // the word ends a term of several words
}

// noEntry is the entry of a word that is not in the vocabulary.
const noEntry = 0

// termEnd is a term of several words, listed by its last two words.
type termEnd struct {
	term   uint16
	len    uint16 // of the term's text, in bytes
	prefix bool   // the last word may be followed by more of the text's word
	nPrev  uint8  // words before the last two
	prevLo uint32 // prev[prevLo:prevLo+nPrev]
}

// pairKey is the key of the pairs table for two entries; it is 0 only
// when both are noEntry.
func pairKey(before, last uint16) uint32 { return uint32(before)<<16 | uint32(last) }

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
		if len(m.entries) >= 1<<16 {
			panic("injection: too many distinct words in the rule vocabulary")
		}
		e := uint16(len(m.entries))
		index[w] = e
		m.entries = append(m.entries, wordEntry{first: loadPartial(w), n: uint8(min(len(w), 255))})
		m.texts = append(m.texts, w)
		return e
	}
	m.entries, m.texts = []wordEntry{noEntry: {}}, []string{noEntry: ""}
	pairs := map[uint32][]termEnd{}
	for id, t := range terms {
		if t.view != viewWords || !t.boundary {
			continue
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
			if en.nSingle == 2 {
				panic("injection: a word is more than two terms")
			}
			en.single[en.nSingle] = uint16(id)
			if t.prefix {
				en.prefix |= 1 << en.nSingle
			}
			en.nSingle++
		} else {
			te := termEnd{term: uint16(id), len: uint16(len(t.text)), prefix: t.prefix}
			before := entry(words[len(words)-2])
			te.nPrev, te.prevLo = uint8(len(words)-2), uint32(len(m.prev))
			for i := len(words) - 3; i >= 0; i-- {
				m.prev = append(m.prev, entry(words[i]))
			}
			k := pairKey(before, e)
			pairs[k] = append(pairs[k], te)
			m.entries[e].last = true
		}
		if t.prefix {
			if len(last) >= 64 {
				panic("injection: a prefix term's last word is 64 bytes or longer")
			}
			if len(last) >= 3 {
				m.long[longHash(loadPartial(last))] |= 1 << len(last)
			} else {
				m.shortLens[last[0]] |= 1 << len(last)
			}
		}
	}
	var keys []uint64
	var vals []uint32
	for e, w := range m.texts {
		if e != noEntry && len(w) <= 8 {
			keys, vals = append(keys, m.entries[e].first), append(vals, uint32(e))
		}
	}
	m.short = newBucketTable(keys, vals)
	// Tables at most a quarter full keep probe chains short.
	for m.slotBits = 4; 1<<m.slotBits < 4*len(m.entries); m.slotBits++ {
	}
	m.slots = make([]uint32, 1<<m.slotBits)
	for e := range m.entries {
		if e == noEntry || len(m.texts[e]) <= 8 {
			continue
		}
		h := hashWord(m.texts[e])
		i := h >> (64 - m.slotBits)
		for m.slots[i] != 0 {
			i = (i + 1) & (1<<m.slotBits - 1)
		}
		m.slots[i] = uint32(h)&0xFFFF0000 | uint32(e)
	}
	keys, vals = keys[:0], vals[:0]
	for _, k := range slices.Sorted(maps.Keys(pairs)) {
		te := pairs[k]
		slices.SortFunc(te, func(a, b termEnd) int {
			return cmp.Or(cmp.Compare(b.len, a.len), cmp.Compare(a.term, b.term))
		})
		m.pairEnds = append(m.pairEnds, [2]uint32{uint32(len(m.ends)), uint32(len(m.ends) + len(te))})
		m.ends = append(m.ends, te...)
		keys, vals = append(keys, uint64(k)), append(vals, uint32(len(m.pairEnds)))
	}
	m.pairs = newBucketTable(keys, vals)
	m.cjk = buildAutomaton(terms, func(t term) bool { return t.view == viewWords && !t.boundary })
	return m
}

// lookup returns the entry of the word text[p:p+n], or noEntry. x is
// load8(text, p).
func (m *wordMatcher) lookup(text []byte, p, n int, x uint64) uint16 {
	if n <= 8 {
		return uint16(m.short.get(x & byteMask(n)))
	}
	h := hashPrefix(text, p, n, x)
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
		e := s & 0xFFFF
		en := &m.entries[e]
		if int(en.n) == min(n, 255) && en.first == x && m.texts[e][8:] == string(text[p+8:p+n]) {
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
			if n <= 8 {
				e = uint16(m.short.get(x & byteMask(n)))
			} else {
				e = m.lookup(text, p, n, x)
			}
			// Prefix terms whose last word is shorter than this word,
			// shortest first: their occurrences end first.
			// (For a word of under three bytes long's bits are of no
			// use, but looking them up costs less than a branch on the
			// length, which is as good as random in prose.)
			lens := uint64(m.shortLens[uint8(x)]) | m.long[longHash(x)]
			if n < 64 {
				lens &= 1<<n - 1
			}
			for ; lens != 0; lens &= lens - 1 {
				l := bits.TrailingZeros64(lens)
				if pe := m.lookup(text, p, l, x); pe != noEntry {
					dst = m.report(dst, &ring, k, run, pe, true, p, p+l)
				}
			}
			// Terms of several words, then the word's own. The pair is
			// looked up only after a word that ends such a term: the
			// branch is a guess in new prose, but skipping the probe for
			// the other half of the words measured faster on the
			// benchmark's message. The word's own terms are appended
			// without a branch on whether there are any.
			en := &m.entries[e]
			if en.last && run >= 2 {
				if pi := m.pairs.get(uint64(pairKey(ring[uint(k-1)%maxTermWords], e))); pi != 0 {
					dst = m.reportPair(dst, &ring, k, run, pi, false, p+n)
				}
			}
			dst = slices.Grow(dst, 2)
			o := len(dst)
			dst = dst[:o+2]
			dst[o] = occ{term: en.single[0], start: int32(p), end: int32(p + n)}
			dst[o+1] = occ{term: en.single[1], start: int32(p), end: int32(p + n)}
			dst = dst[:o+int(en.nSingle)]
		}
		ring[uint(k)%maxTermWords] = e
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
	if run >= 2 {
		if pi := m.pairs.get(uint64(pairKey(ring[uint(k-1)%maxTermWords], e))); pi != 0 {
			dst = m.reportPair(dst, ring, k, run, pi, prefixOnly, end)
		}
	}
	for i, id := range en.single[:en.nSingle] {
		if !prefixOnly || en.prefix&(1<<i) != 0 {
			dst = append(dst, occ{term: id, start: int32(start), end: int32(end)})
		}
	}
	return dst
}

// reportPair is report for the terms of several words whose last two
// words make pairs entry pi.
func (m *wordMatcher) reportPair(dst []occ, ring *[maxTermWords]uint16, k, run int, pi uint16, prefixOnly bool, end int) []occ {
	lohi := m.pairEnds[pi-1]
	for _, te := range m.ends[lohi[0]:lohi[1]] {
		if prefixOnly && !te.prefix || int(te.nPrev)+2 > run {
			continue
		}
		ok := true
		for j, w := range m.prev[te.prevLo : te.prevLo+uint32(te.nPrev)] {
			if ring[uint(k-2-j)%maxTermWords] != w {
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
