package injection

import (
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
// table on byte classes. It is immutable once built.
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
	// the state of a row offset is a shift, not a division.
	shift uint
	// delta maps state<<shift + class to next<<shift, negated minus one
	// when the next state has outputs, so scan tests one sign per byte.
	delta   []int32
	out     [][]uint16 // term ids ending at each state, fail links folded in
	termLen []int32    // by term id
	// rootStays marks the bytes that lead from the root state back to it:
	// in the word view, every letter and digit, as no stored key starts
	// with one. scan skips runs of them without the dependent table walk.
	rootStays [256]bool
}

// automatonKey is the byte string the automaton matches for t.
func automatonKey(t term) string {
	if t.boundary {
		return " " + t.text
	}
	return t.text
}

func buildAutomaton(terms []term, v view) *automaton {
	a := &automaton{termLen: make([]int32, len(terms))}
	// Byte classes: every byte used by some term gets its own class; the
	// rest share class 0, which no term contains.
	used := [256]bool{}
	for _, t := range terms {
		if t.view != v {
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
	// Trie.
	type node struct {
		next map[uint8]int32
		out  []uint16
	}
	nodes := []node{{next: map[uint8]int32{}}}
	for id, t := range terms {
		a.termLen[id] = int32(len(t.text))
		if t.view != v {
			continue
		}
		k := automatonKey(t)
		s := int32(0)
		for i := 0; i < len(k); i++ {
			c := a.class[k[i]]
			nx, ok := nodes[s].next[c]
			if !ok {
				nx = int32(len(nodes))
				nodes = append(nodes, node{next: map[uint8]int32{}})
				nodes[s].next[c] = nx
			}
			s = nx
		}
		nodes[s].out = append(nodes[s].out, uint16(id))
	}
	// Breadth-first fail links, then a dense delta.
	n := len(nodes)
	a.delta = make([]int32, n*stride)
	a.out = make([][]uint16, n)
	fail := make([]int32, n)
	queue := make([]int32, 0, n)
	for c := range nClass {
		if nx, ok := nodes[0].next[uint8(c)]; ok {
			a.delta[c] = nx
			queue = append(queue, nx)
		}
	}
	a.out[0] = nodes[0].out
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		a.out[s] = append(append([]uint16(nil), nodes[s].out...), a.out[fail[s]]...)
		for c := range nClass {
			if nx, ok := nodes[s].next[uint8(c)]; ok {
				fail[nx] = a.delta[int(fail[s])*stride+c]
				a.delta[int(s)*stride+c] = nx
				queue = append(queue, nx)
			} else {
				a.delta[int(s)*stride+c] = a.delta[int(fail[s])*stride+c]
			}
		}
	}
	for i, nx := range a.delta {
		a.delta[i] = nx << a.shift
		if len(a.out[nx]) > 0 {
			a.delta[i] = -a.delta[i] - 1
		}
	}
	for b := range 256 {
		a.rootStays[b] = a.delta[a.class[b]] == 0
	}
	return a
}

// scan appends the occurrences of terms in text that satisfy their
// boundary rules. text is a view from textnorm: for the word view, see
// [automaton] for why the start boundary needs no check here.
func (a *automaton) scan(dst []occ, text []byte, terms []term) []occ {
	var s int32 // state << shift
	delta, class, shift, stays := a.delta, &a.class, a.shift, &a.rootStays
	for i := 0; i < len(text); i++ {
		if s == 0 {
			for i < len(text) && stays[text[i]] {
				i++
			}
			if i == len(text) {
				break
			}
		}
		s = delta[s+int32(class[text[i]])]
		if s < 0 {
			s = -s - 1
			end := i + 1
			for _, id := range a.out[s>>shift] {
				start := end - int(a.termLen[id])
				t := &terms[id]
				if t.boundary && !t.prefix && end < len(text) && isWordByte(text[end]) {
					continue
				}
				dst = append(dst, occ{term: id, start: int32(start), end: int32(end)})
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
