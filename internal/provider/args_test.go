package provider

import (
	"fmt"
	"slices"
	"testing"

	"github.com/aigate-dev/aigate/internal/jsonscan"
)

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

// A member's value carries its key, and so do the elements of an array
// that is one; keys themselves and values outside an object carry none.
func TestArgTextsKeys(t *testing.T) {
	v := []byte(`{"phone": 14155550100, "tels": ["1", 2], "o": {"created_at": 1700000000}, "k\u00e9": "v"}`)
	var got []string
	for _, tx := range ArgTexts(v, 0, nil) {
		got = append(got, tx.Key+"="+tx.Value)
	}
	want := "[=phone phone=14155550100 =tels tels=1 tels=2 =o =created_at created_at=1700000000 =ké ké=v]"
	if fmt.Sprint(got) != want {
		t.Errorf("keys = %v, want %v", got, want)
	}
	if tx := ArgTexts([]byte(`[447911123456]`), 0, nil); len(tx) != 1 || tx[0].Key != "" {
		t.Errorf("ArgTexts of a top-level array = %v, want one text without a key", tx)
	}
}

// TestSchemaTexts: a schema's descriptions and titles are read at any
// depth, with spans that hold them; its types, property names and enums
// are not, and a property named "description" is walked into, not read.
func TestSchemaTexts(t *testing.T) {
	body := []byte(`{"s":{"type":"object","title":"Lookup","description":"Finds \u0022x\u0022.","properties":{` +
		`"q":{"type":"string","description":"the query","enum":["a","b"]},` +
		`"description":{"type":"string","description":"a note"},` +
		`"tags":{"type":"array","items":[{"title":"tag"}]}}}}`)
	const off = 5 // where the value of "s" starts
	var got []string
	for _, tx := range SchemaTexts(body[off:len(body)-1], off, nil) {
		if s, err := jsonscan.String(body[tx.Start:tx.End]); err != nil || s != tx.Value {
			t.Errorf("span of %q holds %q", tx.Value, body[tx.Start:tx.End])
		}
		got = append(got, tx.Key+"="+tx.Value)
	}
	want := []string{"title=Lookup", `description=Finds "x".`, "description=the query", "description=a note", "title=tag"}
	if !slices.Equal(got, want) {
		t.Errorf("SchemaTexts = %q, want %q", got, want)
	}
}
