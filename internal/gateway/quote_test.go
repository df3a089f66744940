package gateway

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// encoderQuote is what QuoteJSON must equal: encoding/json's encoding of s
// without HTML escaping.
func encoderQuote(s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

var quoteSeeds = []string{
	"", "plain text", `say "hi" \ bye`, "line\nbreak\r\ttab\b\f", "\x00\x01\x1f\x7f",
	"<EMAIL_1> & <b>", "héllo wörld – ✓ 日本語 🙂", "\u2028\u2029", "bad \xff\xfe utf-8 \xe2\x82",
	"\xed\xa0\x80 surrogate bytes", "ends in a lone \xc3",
}

func TestQuoteJSONMatchesEncoder(t *testing.T) {
	for _, s := range quoteSeeds {
		if got, want := QuoteJSON(s), encoderQuote(s); !bytes.Equal(got, want) {
			t.Errorf("QuoteJSON(%q) = %s, want %s", s, got, want)
		}
	}
}

func FuzzQuoteJSON(f *testing.F) {
	for _, s := range quoteSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := QuoteJSON(s), encoderQuote(s); !bytes.Equal(got, want) {
			t.Fatalf("QuoteJSON(%q) = %s, want %s", s, got, want)
		}
	})
}

func BenchmarkQuoteJSON(b *testing.B) {
	s := string(bytes.Repeat([]byte("A support answer with \"quotes\", a line break\nand ünïcödé. "), 32))
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		QuoteJSON(s)
	}
}

func BenchmarkQuoteJSONEncoder(b *testing.B) {
	s := string(bytes.Repeat([]byte("A support answer with \"quotes\", a line break\nand ünïcödé. "), 32))
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		encoderQuote(s)
	}
}

// The Append forms add to what dst holds, and Splice applies edits in
// order of their position whatever their order in the slice.
func TestAppendSpliceAndQuote(t *testing.T) {
	src := []byte(`{"a":"x","b":"y"}`)
	q := AppendQuoteJSON([]byte("pre:"), "é\n\"")
	if string(q) != "pre:"+string(QuoteJSON("é\n\"")) {
		t.Errorf("AppendQuoteJSON = %q", q)
	}
	edits := []Edit{{Start: 13, End: 16, Insert: []byte(`"Y"`)}, {Start: 5, End: 8, Insert: q[4:]}}
	got := AppendSplice([]byte("pre:"), src, edits)
	want := `pre:{"a":"é\n\"","b":"Y"}`
	if string(got) != want {
		t.Errorf("AppendSplice = %q, want %q", got, want)
	}
	if s := Splice(src, edits); string(s) != want[4:] {
		t.Errorf("Splice = %q, want %q", s, want[4:])
	}
}

// TestPlainRun checks plainRun against the byte table: it stops at the
// first byte that is not plain, or where fewer than eight bytes are left.
func TestPlainRun(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	const pick = "abc \x1f\x20\x7f\x80\xff\"\\!#\x00\x01\x21\x5b\x5d"
	for n := 0; n < 100000; n++ {
		b := make([]byte, r.IntN(40))
		for k := range b {
			if r.IntN(6) == 0 {
				b[k] = pick[r.IntN(len(pick))]
			} else {
				b[k] = byte('a' + r.IntN(26))
			}
		}
		s := string(b)
		i := r.IntN(len(s) + 1)
		want := i
	words:
		for ; want+8 <= len(s); want += 8 {
			for k := want; k < want+8; k++ {
				if !plainByte[s[k]] {
					want = k
					break words
				}
			}
		}
		if got := plainRun(s, i); got != want {
			t.Fatalf("plainRun(%q, %d) = %d, want %d", s, i, got, want)
		}
	}
}
