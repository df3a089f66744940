package jsonscan

import (
	"errors"
	"strings"
	"testing"
)

func TestMembers(t *testing.T) {
	data := []byte(` {"skip":[{"role":1}], "content" : "hi", "r\u006fle":"user","x":{}} `)
	out := []Member{{Value: []byte("stale"), Off: 9}, {}, {Value: []byte("stale")}}
	dup, err := Members(data, []string{"role", "content", "name"}, out)
	if dup != "" || err != nil {
		t.Fatalf("Members = %q, %v; want no duplicate, no error", dup, err)
	}
	for i, want := range []struct {
		value string
		off   int
	}{{`"user"`, strings.Index(string(data), `"user"`)}, {`"hi"`, strings.Index(string(data), `"hi"`)}} {
		if m := out[i]; !m.Found() || string(m.Value) != want.value || m.Off != want.off {
			t.Errorf("out[%d] = %q at %d (found %v), want %q at %d", i, m.Value, m.Off, m.Found(), want.value, want.off)
		}
	}
	if m := out[2]; m.Found() || m.Value != nil || m.Off != 0 {
		t.Errorf("missing member: out[2] = %q at %d, want cleared", m.Value, m.Off)
	}
}

func TestMembersFirstProblemWins(t *testing.T) {
	names := []string{"a", "b"}
	for _, c := range []struct {
		in      string
		dup     string
		syntax  bool
		comment string
	}{
		{`{"a":1,"b":2,"b":3,"a":4}`, "b", false, "first duplicate in order"},
		{`{"a":1,"a":{"b":1,"b":2}}`, "a", false, "nested members are not this object's"},
		{`{"a":1,"\u0061":2}`, "a", false, "keys compare decoded"},
		{`{"c":1,"c":2,"a":3}`, "", false, "only names are refused twice"},
		{`{"a":1,"a":2,`, "a", false, "the duplicate comes before the syntax error"},
		{`{"a":1,"b" 2,"a":3}`, "", true, "the syntax error comes before the duplicate"},
		{`{}`, "", false, "empty object"},
		{`[{"a":1,"a":2}]`, "", true, "array"},
		{`"a"`, "", true, "string"},
		{`null`, "", true, "null"},
		{``, "", true, "empty input"},
	} {
		var out [2]Member
		dup, err := Members([]byte(c.in), names, out[:])
		if dup != c.dup || (err != nil) != c.syntax {
			t.Errorf("%s: Members(%s) = %q, %v; want %q, syntax error %v", c.comment, c.in, dup, err, c.dup, c.syntax)
		}
		if err != nil && !errors.Is(err, ErrSyntax) {
			t.Errorf("%s: error %v is not ErrSyntax", c.comment, err)
		}
	}
}

func TestMembersFunc(t *testing.T) {
	canon := func(k string) string {
		if k == "system_instruction" {
			return "systemInstruction"
		}
		return k
	}
	names := []string{"contents", "systemInstruction"}
	var out [2]Member
	data := []byte(`{"system_instruction":{"parts":[]},"contents":[]}`)
	if dup, err := MembersFunc(data, canon, names, out[:]); dup != "" || err != nil {
		t.Fatalf("MembersFunc = %q, %v", dup, err)
	}
	if string(out[1].Value) != `{"parts":[]}` || out[1].Off != len(`{"system_instruction":`) {
		t.Errorf("systemInstruction = %q at %d", out[1].Value, out[1].Off)
	}
	data = []byte(`{"systemInstruction":{},"system_instruction":{}}`)
	if dup, err := MembersFunc(data, canon, names, out[:]); dup != "systemInstruction" || err != nil {
		t.Errorf("two spellings: MembersFunc = %q, %v; want the canonical name as duplicate", dup, err)
	}
	if dup, _ := Members(data, names, out[:]); dup != "" {
		t.Errorf("Members without canon = duplicate %q, want the spellings kept apart", dup)
	}
}

// TestMembersAllocs: Members allocates nothing beyond what Object does
// (a string for each key).
func TestMembersAllocs(t *testing.T) {
	data := []byte(`{"role":"user","content":[{"type":"text","text":"hello"}],"name":"x"}`)
	names := []string{"role", "content"}
	var out [2]Member
	walk := testing.AllocsPerRun(100, func() { _ = Object(data, func(string, []byte, int) bool { return true }) })
	if n := testing.AllocsPerRun(100, func() { _, _ = Members(data, names, out[:]) }); n > walk {
		t.Errorf("Members allocates %v times per call, Object alone %v", n, walk)
	}
}

var benchBlock = []byte(`{"type":"text","text":"Please summarise the following paragraph.","cache_control":{"type":"ephemeral"}}`)

// BenchmarkMembers and BenchmarkMembersByHand compare Members with the
// Object walk it replaces in the adapters.
func BenchmarkMembers(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var ms [4]Member
		if dup, err := Members(benchBlock, []string{"type", "text", "content", "source"}, ms[:]); dup != "" || err != nil || !ms[1].Found() {
			b.Fatal(dup, err)
		}
	}
}

func BenchmarkMembersByHand(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var typ, txt, content, source []byte
		var dup string
		err := Object(benchBlock, func(k string, v []byte, _ int) bool {
			var seen *[]byte
			switch k {
			case "type":
				seen = &typ
			case "text":
				seen = &txt
			case "content":
				seen = &content
			case "source":
				seen = &source
			default:
				return true
			}
			if *seen != nil {
				dup = k
				return false
			}
			*seen = v
			return true
		})
		if dup != "" || err != nil || txt == nil {
			b.Fatal(dup, err)
		}
	}
}
