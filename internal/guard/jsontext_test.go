package guard

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func canonString(s string) string {
	b, _ := canonJSON(nil, s, true)
	return string(b)
}

func TestCanonJSON(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", `{"a":"b c","n":12}`, `{"a":"b c","n":12}`},
		{"escaped at sign", `{"email":"jane\u0040example.org"}`, `{"email":"jane@example.org"}`},
		{"escaped first letter", `"\u0073k-proj"`, `"sk-proj"`},
		{"upper-case hex", `"\u004A\u00e9"`, `"Jé"`},
		{"escaped space in a card number", `"4111\u00201111"`, `"4111 1111"`},
		{"solidus", `"a\/b"`, `"a/b"`},
		{"surrogate pair", `"\ud83d\ude00"`, `"😀"`},
		{"quote and backslash stay", `"\"\\\u0022\u005c"`, `"\"\\\"\\"`},
		{"controls in shortest form", `"\u000a\u0009\u0008\u000C\u000d\u0001\u001F"`, `"\n\t\b\f\r\u0001\u001f"`},
		{"line break stays", `"line1\nline2"`, `"line1\nline2"`},
		{"lone high surrogate", `"\uD800x"`, `"\uD800x"`},
		{"lone low surrogate", `"\udc00"`, `"\udc00"`},
		{"high then not low", `"\ud800\u0041"`, `"\ud800A"`},
		{"escaped backslash then u", `"\\u0040"`, `"\\u0040"`},
		{"line separator", `"\u2028"`, "\"\u2028\""},
		{"not hex", `"\u00zz"`, `"\u00zz"`},
		{"cut short at the end", `"ab\u00`, `"ab\u00`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := canonString(tt.in)
			if got != tt.want {
				t.Errorf("canonJSON(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := canonString(got); again != got {
				t.Errorf("not idempotent: %q", again)
			}
			if json.Valid([]byte(tt.in)) {
				var a, b any
				_ = json.Unmarshal([]byte(tt.in), &a)
				if err := json.Unmarshal([]byte(got), &b); err != nil || !reflect.DeepEqual(a, b) {
					t.Errorf("decodes to %#v (%v), want %#v", b, err, a)
				}
			}
		})
	}
}

// TestCanonJSONPieces: an escape cut anywhere between pieces comes out
// whole, as if the text had come in one piece.
func TestCanonJSONPieces(t *testing.T) {
	in := `{"k":"\u0073k \ud83d\ude00 a\\u0041 \u0040\n\"x\"\u0001"}`
	want := canonString(in)
	for i := 0; i <= len(in); i++ {
		for j := i; j <= len(in); j++ {
			var out []byte
			held := ""
			for _, p := range []string{in[:i], in[i:j], in[j:]} {
				var n int
				buf := held + p
				out, n = canonJSON(out, buf, false)
				held = buf[n:]
				if len(held) > 12 {
					t.Fatalf("held %d bytes", len(held))
				}
			}
			out, _ = canonJSON(out, held, true)
			if string(out) != want {
				t.Fatalf("cut at %d and %d: %q, want %q", i, j, out, want)
			}
		}
	}
}

func TestJSONView(t *testing.T) {
	in := `{"a":"12 Main St\nSpringfield \"Jo\" C:\\x \u0001"}`
	v := jsonView(in)
	if len(v) != len(in) {
		t.Fatalf("view is %d bytes, want %d", len(v), len(in))
	}
	want := `{"a":"12 Main St` + "\n\n" + `Springfield ""Jo"" C:\\x       "}`
	if v != want {
		t.Errorf("jsonView = %q, want %q", v, want)
	}
	if got := unescapeView(in); got != "{\"a\":\"12 Main St\nSpringfield \"Jo\" C:\\x \x01\"}" {
		t.Errorf("unescapeView = %q", got)
	}
}

func TestRedactJSON(t *testing.T) {
	find := func(s, sub string) jsonMatch {
		i := strings.Index(s, sub)
		if i < 0 {
			t.Fatalf("%q not in %q", sub, s)
		}
		return jsonMatch{i, i + len(sub), "[X]"}
	}
	tests := []struct {
		name, in string
		st       jsonState
		final    bool
		match    string
		want     string
	}{
		{"in a string", `{"a":"mail jane@example.org now"}`, jsonOut, true, "jane@example.org", `{"a":"mail [X] now"}`},
		{"a number", `{"card":4111111111111111,"b":1}`, jsonOut, true, "4111111111111111", `{"card":"[X]","b":1}`},
		{"part of a number", `{"n":[14111111111111111]}`, jsonOut, true, "4111111111111111", `{"n":["[X]"]}`},
		{"number at the end, not final", `{"n":4111111111111111`, jsonOut, false, "4111111111111111", `{"n":4111111111111111`},
		{"number at the end, final", `{"n":4111111111111111`, jsonOut, true, "4111111111111111", `{"n":"[X]"`},
		{"across two strings", `{"a":"555","b":"1234"}`, jsonOut, true, `555","b":"1234`, `{"a":"[X]","[X]":"[X]"}`},
		{"cuts an escape", `{"a":"x\ny"}`, jsonOut, true, `ny`, `{"a":"x[X]"}`},
		{"ends in an escape", `{"a":"x\u0001y"}`, jsonOut, true, `x\u00`, `{"a":"[X]y"}`},
		{"chunk starts in a string", `ne@example.org","b":2}`, jsonStr, true, "ne@example.org", `[X]","b":2}`},
		{"structure only", `{"a":1}`, jsonOut, true, `":`, `{"a":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := redactJSON(tt.in, tt.st, tt.final, []jsonMatch{find(tt.in, tt.match)})
			if got != tt.want {
				t.Errorf("redactJSON = %q, want %q", got, tt.want)
			}
		})
	}
	// The marker is escaped as a string's contents.
	if got := redactJSON(`["a"]`, jsonOut, true, []jsonMatch{{2, 3, "q\"\\\n"}}); got != `["q\"\\\n"]` {
		t.Errorf("marker not escaped: %q", got)
	}
}

func TestJSONCut(t *testing.T) {
	s := `"ab\u0001cd\n"`
	for cut := 0; cut <= len(s); cut++ {
		got := jsonCut(s, cut)
		want := cut
		if cut > 3 && cut < 9 {
			want = 3
		}
		if cut == 12 {
			want = 11
		}
		if got != want {
			t.Errorf("jsonCut(%d) = %d, want %d", cut, got, want)
		}
	}
}

// FuzzCanonJSON: valid JSON in, valid JSON out that decodes to the same
// value, and canonical already; cut into pieces, the same output.
func FuzzCanonJSON(f *testing.F) {
	for _, s := range []string{
		`{"email":"jane\u0040example.org"}`, `"\u0073k-x"`, `"\ud83d\ude00\uD800\udc00"`,
		`["\\u0041","\/","\u0022\u005C\u001f"]`, `{"n":-1.5e+3,"t":true,"z":null}`, `"\ud800\ud800\udc00"`,
	} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, in string, cut int) {
		out := canonString(in)
		if again := canonString(out); again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q", in, out, again)
		}
		if cut >= 0 && cut <= len(in) {
			b, n := canonJSON(nil, in[:cut], false)
			b, _ = canonJSON(b, in[n:], true)
			if string(b) != out {
				t.Fatalf("cut at %d: %q, want %q", cut, b, out)
			}
		}
		if !json.Valid([]byte(in)) {
			return
		}
		if !json.Valid([]byte(out)) {
			t.Fatalf("canonJSON(%q) = %q, not valid JSON", in, out)
		}
		var a, b any
		_ = json.Unmarshal([]byte(in), &a)
		_ = json.Unmarshal([]byte(out), &b)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("canonJSON(%q) = %q decodes to %#v, want %#v", in, out, b, a)
		}
	})
}
