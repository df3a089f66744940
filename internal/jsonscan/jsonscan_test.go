package jsonscan

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestObjectOffsets(t *testing.T) {
	data := []byte(` { "a" : 1, "b\"k":"x\u00e9" ,"c":{"d":[1,"]"]} , "e":null}`)
	type member struct {
		key, value string
	}
	var got []member
	err := Object(data, func(k string, v []byte, off int) bool {
		if string(data[off:off+len(v)]) != string(v) {
			t.Errorf("member %q: offset %d does not point at its value", k, off)
		}
		got = append(got, member{k, string(v)})
		return true
	})
	if err != nil {
		t.Fatalf("Object: %v", err)
	}
	want := []member{{"a", "1"}, {`b"k`, `"x\u00e9"`}, {"c", `{"d":[1,"]"]}`}, {"e", "null"}}
	if len(got) != len(want) {
		t.Fatalf("Object members = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("member %d = %v, want %v", i, got[i], want[i])
		}
	}
	s, err := String([]byte(`"x\u00e9"`))
	if err != nil || s != "xé" {
		t.Errorf(`String("x\u00e9") = %q, %v; want "xé"`, s, err)
	}
}

func TestArrayAndGet(t *testing.T) {
	data := []byte(`{"messages":[{"role":"user"},"s",[],3]}`)
	v, off, ok := Get(data, "messages")
	if !ok || off != 12 {
		t.Fatalf("Get(messages) = %s, %d, %v", v, off, ok)
	}
	var kinds []byte
	if err := Array(v, func(i int, e []byte, _ int) bool { kinds = append(kinds, Kind(e)); return true }); err != nil {
		t.Fatal(err)
	}
	if string(kinds) != `{"[3` {
		t.Errorf("kinds = %q, want %q", kinds, `{"[3`)
	}
	if _, _, ok := Get(data, "missing"); ok {
		t.Error("Get(missing) found a member")
	}
}

func TestMalformed(t *testing.T) {
	for _, in := range []string{``, `[`, `{"a":}`, `{"a" 1}`, `{"a":1`, `{"a":"x}`, `1`} {
		if err := Object([]byte(in), func(string, []byte, int) bool { return true }); err == nil {
			t.Errorf("Object(%q) = nil error, want ErrSyntax", in)
		}
	}
}

func FuzzObject(f *testing.F) {
	f.Add([]byte(`{"a":[1,{"b":"c"}],"d":"e\"f"}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"a":1,"d":{"a":2},"b":[],"d":3}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Never panics; on valid objects, every value it reports is valid JSON
		// found at the offset it claims.
		valid := json.Valid(data)
		_ = Object(data, func(_ string, v []byte, off int) bool {
			if valid && !json.Valid(v) {
				t.Errorf("Object(%q) reported invalid value %q", data, v)
			}
			if string(data[off:off+len(v)]) != string(v) {
				t.Errorf("offset %d does not point at %q", off, v)
			}
			return true
		})
		checkMembers(t, data)
	})
}

// checkMembers checks [Members] against what Object and Get report: the
// first name seen twice is the duplicate; otherwise a malformed object is
// an error and each member found is the one Get finds.
func checkMembers(t *testing.T, data []byte) {
	names := []string{"a", "d", "b"}
	seen := map[string]bool{}
	wantDup := ""
	objErr := Object(data, func(k string, _ []byte, _ int) bool {
		for _, n := range names {
			if k == n && seen[k] && wantDup == "" {
				wantDup = k
			}
		}
		seen[k] = true
		return true
	})
	var out [3]Member
	dup, err := Members(data, names, out[:])
	if wantDup != "" {
		if dup != wantDup || err != nil {
			t.Fatalf("Members(%q) = %q, %v; want duplicate %q", data, dup, err, wantDup)
		}
		return
	}
	if dup != "" || (err != nil) != (objErr != nil) {
		t.Fatalf("Members(%q) = %q, %v; Object error %v", data, dup, err, objErr)
	}
	if err != nil {
		return
	}
	for i, n := range names {
		v, off, ok := Get(data, n)
		if m := out[i]; m.Found() != ok || string(m.Value) != string(v) || m.Off != off {
			t.Errorf("Members(%q)[%q] = %q at %d, Get: %q at %d", data, n, m.Value, m.Off, v, off)
		}
	}
}

// Get compares keys decoded, whether they are written plain, escaped or
// with non-ASCII letters.
func TestGetKeys(t *testing.T) {
	data := []byte(`{"r\u006fle":1,"é":2,"a\"b":3,"ab":4,"":5}`)
	for key, want := range map[string]string{"role": "1", "é": "2", `a"b`: "3", "ab": "4", "": "5"} {
		v, off, ok := Get(data, key)
		if !ok || string(v) != want || string(data[off:off+len(v)]) != want {
			t.Errorf("Get(%q) = %q at %d, %v; want %q", key, v, off, ok, want)
		}
	}
	if _, _, ok := Get(data, "r\\u006fle"); ok {
		t.Error(`Get found the escaped spelling of "role"`)
	}
}

// EachMember's keys compare and read decoded, plain or escaped, and
// match what Object reports.
func TestEachMemberKeys(t *testing.T) {
	data := []byte(`{"us\u0061ge":1,"usage":2,"é":3,"a\\b":4}`)
	var got []string
	if err := EachMember(data, func(k Key, v []byte, _ int) bool {
		if want := map[string]bool{"1": true, "2": true}[string(v)]; k.Is("usage") != want {
			t.Errorf("key of %s: Is(usage) = %v, want %v", v, !want, want)
		}
		got = append(got, k.String())
		return true
	}); err != nil {
		t.Fatal(err)
	}
	var want []string
	_ = Object(data, func(k string, _ []byte, _ int) bool { want = append(want, k); return true })
	if !slices.Equal(got, want) || !slices.Equal(want, []string{"usage", "usage", "é", `a\b`}) {
		t.Errorf("EachMember keys %q, Object keys %q", got, want)
	}
}
