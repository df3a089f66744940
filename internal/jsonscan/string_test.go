package jsonscan

import (
	"encoding/json"
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
