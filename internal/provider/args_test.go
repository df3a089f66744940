package provider

import "testing"

// ArgTexts hands numbers over as Number texts, their literal as Value and
// their span exactly the literal, next to the keys and strings.
func TestArgTextsNumbers(t *testing.T) {
	v := []byte(`{"card": 4111111111111111, "list": [-1.5e3, "s"], "ok": true}`)
	const off = 7
	var got []string
	for _, tx := range ArgTexts(v, off, nil) {
		raw := string(v[tx.Start-off : tx.End-off])
		if tx.Number {
			if raw != tx.Value {
				t.Errorf("number %q spans %q", tx.Value, raw)
			}
			got = append(got, "#"+tx.Value)
			continue
		}
		if raw != `"`+tx.Value+`"` {
			t.Errorf("string %q spans %q", tx.Value, raw)
		}
		got = append(got, tx.Value)
	}
	want := []string{"card", "#4111111111111111", "list", "#-1.5e3", "s", "ok"}
	if len(got) != len(want) {
		t.Fatalf("texts = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("texts = %q, want %q", got, want)
			break
		}
	}
}
