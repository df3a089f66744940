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
// string in its place. A member's value (or an element of an array that
// is one) carries the member's key as [gateway.Text.Key], the context the
// guards read it in.
func ArgTexts(v []byte, off int, out []*gateway.Text) []*gateway.Text {
	return argTexts(v, off, "", out)
}

// argTexts is ArgTexts for a value that is the member key of an object,
// or an element of an array that is (key empty for none).
func argTexts(v []byte, off int, key string, out []*gateway.Text) []*gateway.Text {
	switch jsonscan.Kind(v) {
	case '"':
		if s, err := jsonscan.String(v); err == nil {
			out = append(out, &gateway.Text{Value: s, Start: off, End: off + len(v), Key: key})
		}
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		out = append(out, &gateway.Text{Value: string(v), Start: off, End: off + len(v), Number: true, Key: key})
	case '{':
		_ = jsonscan.Object(v, func(k string, m []byte, moff int) bool {
			if start, end, ok := keyBefore(v, moff); ok {
				out = argTexts(v[start:end], off+start, "", out)
			}
			out = argTexts(m, off+moff, k, out)
			return true
		})
	case '[':
		_ = jsonscan.Array(v, func(_ int, e []byte, eoff int) bool {
			out = argTexts(e, off+eoff, key, out)
			return true
		})
	}
	return out
}

// SchemaTexts appends a Text for every "description" and "title" string,
// at any depth, of the JSON Schema v found at off in the body: the prose
// of a tool's input schema that a model reads, where a poisoned tool
// hides instructions in a parameter's description. The schema's structure
// (types, property names, enums) is not read.
func SchemaTexts(v []byte, off int, out []*gateway.Text) []*gateway.Text {
	switch jsonscan.Kind(v) {
	case '{':
		_ = jsonscan.Object(v, func(k string, m []byte, moff int) bool {
			if (k == "description" || k == "title") && jsonscan.Kind(m) == '"' {
				if s, err := jsonscan.String(m); err == nil {
					out = append(out, &gateway.Text{Value: s, Start: off + moff, End: off + moff + len(m), Key: k})
				}
				return true
			}
			out = SchemaTexts(m, off+moff, out)
			return true
		})
	case '[':
		_ = jsonscan.Array(v, func(_ int, e []byte, eoff int) bool {
			out = SchemaTexts(e, off+eoff, out)
			return true
		})
	}
	return out
}
