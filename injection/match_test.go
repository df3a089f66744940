package injection

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/aigate-dev/aigate/injection/internal/textnorm"
)

// plainScan is scan without its shortcuts: one table step per byte from
// the first, and the boundary rule applied term by term. It is the
// reference that scan's skipping must reproduce exactly.
func plainScan(a *automaton, terms []term, text []byte) []occ {
	var dst []occ
	var s uint
	for i := range text {
		e := a.delta[s<<a.shift+uint(a.class[text[i]])]
		s = uint(e &^ hasOut)
		if e&hasOut == 0 {
			continue
		}
		end := i + 1
		for _, o := range a.atEnd[a.endAt[s]:a.endAt[s+1]] {
			t := &terms[o.term]
			if t.boundary && !t.prefix && end < len(text) && isWordByte(text[end]) {
				continue
			}
			dst = append(dst, occ{term: o.term, start: int32(end - len(t.text)), end: int32(end)})
		}
	}
	return dst
}

func TestScanSkipExact(t *testing.T) {
	c := Default().rules
	check := func(a *automaton, text []byte) {
		t.Helper()
		got := a.scan(nil, text)
		want := plainScan(a, c.terms, text)
		if !slices.Equal(got, want) {
			t.Fatalf("scan of a %d-byte text: got %d occurrences %v, want %d %v", len(text), len(got), got, len(want), want)
		}
	}
	var tx textnorm.Text
	for _, s := range goldenCorpus(t) {
		textnorm.Normalize(s, &tx)
		check(c.words, tx.Words)
		check(c.folded, tx.Folded)
	}
	// Random texts made of pieces of keys, so that near misses, overlaps
	// and keys cut short at the end of the text are common.
	rng := rand.New(rand.NewPCG(1, 2))
	for _, v := range []view{viewWords, viewFolded} {
		a := c.words
		if v == viewFolded {
			a = c.folded
		}
		var keys []string
		for _, tm := range c.terms {
			if tm.view == v {
				keys = append(keys, automatonKey(tm))
			}
		}
		for range 20000 {
			var text []byte
			for range 1 + rng.IntN(6) {
				k := keys[rng.IntN(len(keys))]
				from := rng.IntN(len(k))
				to := from + 1 + rng.IntN(len(k)-from)
				if rng.IntN(2) == 0 {
					from = 0
				}
				text = append(text, k[from:to]...)
				if rng.IntN(3) == 0 {
					text = append(text, " ab"[rng.IntN(3)])
				}
			}
			check(a, text)
		}
	}
}
