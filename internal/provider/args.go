package provider

import (
	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/jsonscan"
)

// ArgTexts appends, for the request side, a Text for every string and
// every number in the JSON value v found at off in the body: an object's
// keys and members, an array's elements, at any depth. Decoders use it for
// the parts of a conversation's history that the model and the tools
// exchange as JSON objects (Anthropic tool_use input, Gemini functionCall
// args and functionResponse response), so the input guards read them value
// by value and an edit ([gateway.Text.Set]) replaces one JSON value in
// place: the body stays valid JSON. A number's Text is its literal, marked
// [gateway.Text.Number], as [ArgStrings] hands numbers on the way out: a
// card number written as a number is checked too, and an edit writes a
// string in its place.
func ArgTexts(v []byte, off int, out []*gateway.Text) []*gateway.Text {
	switch jsonscan.Kind(v) {
	case '"':
		if s, err := jsonscan.String(v); err == nil {
			out = append(out, &gateway.Text{Value: s, Start: off, End: off + len(v)})
		}
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		out = append(out, &gateway.Text{Value: string(v), Start: off, End: off + len(v), Number: true})
	case '{':
		_ = jsonscan.Object(v, func(_ string, m []byte, moff int) bool {
			if start, end, ok := keyBefore(v, moff); ok {
				out = ArgTexts(v[start:end], off+start, out)
			}
			out = ArgTexts(m, off+moff, out)
			return true
		})
	case '[':
		_ = jsonscan.Array(v, func(_ int, e []byte, eoff int) bool {
			out = ArgTexts(e, off+eoff, out)
			return true
		})
	}
	return out
}
