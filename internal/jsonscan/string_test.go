package jsonscan

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
)

var stringSeeds = []string{
	`""`, `"plain"`, `"line\nbreak \"quoted\" back\\slash \/ \b\f\r\t"`, `"\u00e9\u00E9 \u2028 \u0000"`,
	`"héllo 日本語 🙂"`, `"\ud83d\ude00 pair"`, `"\ud83d lone high"`, `"\ude00 lone low"`,
	"\"bad \xff utf-8\"", "\"cut \xe2\x82\"", `"<EMAIL_1>"`,
}

// TestStringMatchesUnmarshal: String decodes as encoding/json does.
func TestStringMatchesUnmarshal(t *testing.T) {
	for _, v := range stringSeeds {
		checkString(t, []byte(v))
	}
}

func checkString(t *testing.T, v []byte) {
	t.Helper()
	var want string
	werr := json.Unmarshal(v, &want)
	got, err := String(v)
	if (err != nil) != (werr != nil) || got != want {
		t.Fatalf("String(%q) = %q, %v; encoding/json: %q, %v", v, got, err, want, werr)
	}
}

// FuzzString feeds both raw literals and literals encoding/json wrote for
// arbitrary strings.
func FuzzString(f *testing.F) {
	for _, v := range stringSeeds {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if json.Valid([]byte(s)) && Kind([]byte(s)) == '"' {
			checkString(t, []byte(s))
		}
		enc, _ := json.Marshal(s)
		checkString(t, enc)
	})
}

func benchLiteral() []byte {
	s := ""
	for range 32 {
		s += "A support answer with \"quotes\", a line break\nand ünïcödé. "
	}
	v, _ := json.Marshal(s)
	return v
}

func BenchmarkString(b *testing.B) {
	v := benchLiteral()
	b.SetBytes(int64(len(v)))
	b.ReportAllocs()
	for b.Loop() {
		_, _ = String(v)
	}
}

func BenchmarkStringUnmarshal(b *testing.B) {
	v := benchLiteral()
	b.SetBytes(int64(len(v)))
	b.ReportAllocs()
	for b.Loop() {
		var s string
		_ = json.Unmarshal(v, &s)
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
