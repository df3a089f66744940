package provider

import (
	"fmt"
	"testing"
)

func TestArgStrings(t *testing.T) {
	body := []byte(`{"in":{"a":"x\u0040y","n" : 4111111111111111,"l":[-1.5e3,"z"],"t":true,"o":null,"k\\\"\u0040\\":{}}}`)
	const off = 6 // where the value of "in" starts
	var got []string
	for _, sp := range ArgStrings(body[off:len(body)-1], off, 2, nil) {
		raw := string(body[sp.Start:sp.End])
		if want := map[string]string{"x@y": `"x\u0040y"`, `k\"@\`: `"k\\\"\u0040\\"`}[sp.Value]; raw != sp.Value && raw != want && raw != `"`+sp.Value+`"` {
			t.Errorf("span %q at %d:%d covers %q", sp.Value, sp.Start, sp.End, raw)
		}
		if !sp.Whole || sp.Choice>>8 != 2 {
			t.Errorf("span %q: whole %v, choice %#x", sp.Value, sp.Whole, sp.Choice)
		}
		got = append(got, sp.Value+"@"+sp.Key)
	}
	// A member's value carries its key, an array's elements the array's;
	// keys themselves carry none.
	if want := `[a@ x@y@a n@ 4111111111111111@n l@ -1.5e3@l z@l t@ o@ k\"@\@]`; fmt.Sprint(got) != want {
		t.Errorf("spans %v, want %s", got, want)
	}
}
