package pii

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// cueReference is the plain definition cue implements: some cue occurs,
// ASCII case-insensitively, in the window before i, not preceded by a
// letter.
func cueReference(text string, i, window int, cues *cueSet) bool {
	lo := max(i-window, 0)
	low := []byte(text[lo:i])
	for k, c := range low {
		if isUpper(c) {
			low[k] = c + 'a' - 'A'
		}
	}
	for _, w := range cues.words {
		for p := 0; p+len(w) <= len(low); p++ {
			if string(low[p:p+len(w)]) == w && !(lo+p > 0 && isAlpha(text[lo+p-1])) {
				return true
			}
		}
	}
	return false
}

func TestCueMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	sets := []*cueSet{birthCues, ssnCues, aadhaarCues, cpfCues, thaiCues, cccdCues, phoneCues, versionCues, notPhoneCues}
	fillers := []string{" ", "a", "Z", ":", "-", "x", "é", "1", ".", "ho"}
	hits := 0
	for range 20000 {
		cs := sets[r.IntN(len(sets))]
		var b strings.Builder
		for range 1 + r.IntN(6) {
			b.WriteString(fillers[r.IntN(len(fillers))])
			w := cs.words[r.IntN(len(cs.words))]
			if r.IntN(2) == 0 {
				w = strings.ToUpper(w[:1]) + w[1:]
			}
			if r.IntN(3) == 0 {
				w = w[:r.IntN(len(w))] // a cut cue must not match
			}
			b.WriteString(w)
		}
		text := b.String()
		i := r.IntN(len(text) + 1)
		window := 8 + r.IntN(40)
		want := cueReference(text, i, window, cs)
		s := scanner{text: text}
		if got := s.cue(i, window, cs); got != want {
			t.Fatalf("cue(%q, %d, %d) = %v, reference %v", text, i, window, got, want)
		}
		if want {
			hits++
		}
	}
	if hits < 2000 {
		t.Fatalf("only %d of 20000 cases matched a cue: the cases do not exercise it", hits)
	}
}
