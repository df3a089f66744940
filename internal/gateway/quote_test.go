package gateway

import (
	"bytes"
	"encoding/json"
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
