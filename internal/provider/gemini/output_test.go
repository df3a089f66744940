package gemini

import (
	"strings"
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
)

// TestOutputKeysNotToolArgs: Gemini hands function-call arguments over
// value by value, decoded, so no key it makes may read as JSON text, for
// any candidate or array index.
func TestOutputKeysNotToolArgs(t *testing.T) {
	resp := func(c int) string {
		return `{"candidates":[{"index":` + string(rune('0'+c)) + `,"content":{"role":"model","parts":[{"text":"hi"},{"functionCall":{"name":"f","args":{"to":"x@example.org","n":[1,2]}}}]}}]}`
	}
	var whole []string
	for i := range 8200 {
		whole = append(whole, resp(i%8))
	}
	spans := Adapter{}.ResponseText(nil, []byte("["+strings.Join(whole, ",")+"]"))
	for c := range 8 {
		spans = append(spans, Adapter{}.ResponseText(nil, []byte(resp(c)))...)
		spans = append(spans, Adapter{}.EventText(nil, []byte(resp(c)))...)
	}
	if len(spans) < 8200*5 {
		t.Fatalf("%d spans", len(spans))
	}
	for _, sp := range spans {
		if gateway.IsToolArgs(sp.Choice) {
			t.Fatalf("span %q keyed %#x, which reads as tool-call arguments in JSON", sp.Value, sp.Choice)
		}
	}
}
