package anthropic

import (
	"encoding/json"
	"strconv"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/jsonscan"
	"github.com/aigate-dev/aigate/internal/provider"
)

// ResponseText returns the text blocks of a whole message, keyed by their
// index in content ([provider.TextKey]: JSON text when req asked for JSON
// output through output_config.format), and the string values in the input
// of its tool_use blocks.
func (Adapter) ResponseText(req *gateway.Request, body []byte) []provider.OutputSpan {
	v, off, ok := jsonscan.Get(body, "content")
	if !ok || jsonscan.Kind(v) != '[' {
		return nil
	}
	var out []provider.OutputSpan
	_ = jsonscan.Array(v, func(i int, b []byte, boff int) bool {
		if s, ok := textBlock(b, off+boff); ok {
			out = append(out, provider.OutputSpan{Choice: provider.TextKey(req, i), Whole: true, Text: s})
		} else if in, inoff, ok := toolInput(b); ok {
			out = provider.ArgStrings(in, off+boff+inoff, i, out)
		}
		return true
	})
	return out
}

// toolInput returns the input object of a tool_use block b.
func toolInput(b []byte) (in []byte, off int, ok bool) {
	if jsonscan.Kind(b) != '{' {
		return nil, 0, false
	}
	if typ, _, _ := jsonscan.Get(b, "type"); string(typ) != `"tool_use"` {
		return nil, 0, false
	}
	return jsonscan.Get(b, "input")
}

// EventText returns the text of a content_block_delta (a text_delta, or an
// input_json_delta's fragment of tool input) or of the text block a
// content_block_start opens, keyed by the block's index (text keyed
// [provider.TextKey]).
func (Adapter) EventText(req *gateway.Request, data []byte) []provider.OutputSpan {
	if jsonscan.Kind(data) != '{' {
		return nil
	}
	typ, _, _ := jsonscan.Get(data, "type")
	var (
		b   []byte
		off int
		ok  bool
	)
	switch string(typ) {
	case `"content_block_delta"`:
		b, off, ok = jsonscan.Get(data, "delta")
	case `"content_block_start"`:
		b, off, ok = jsonscan.Get(data, "content_block")
	default:
		return nil
	}
	if !ok {
		return nil
	}
	n, _, _ := jsonscan.Get(data, "index")
	idx, _ := strconv.Atoi(string(n))
	if s, ok := textBlock(b, off); ok {
		return []provider.OutputSpan{{Choice: provider.TextKey(req, idx), Text: s}}
	}
	if s, ok := inputJSONDelta(b, off); ok {
		// JSON text, cut anywhere: the guard reads it as such.
		return []provider.OutputSpan{{Choice: gateway.ToolArgs(idx), Text: s}}
	}
	if in, inoff, ok := toolInput(b); ok {
		// A tool_use block's start, its input normally still empty.
		return provider.ArgStrings(in, off+inoff, provider.ArgsChoice(idx, 0), nil)
	}
	return nil
}

// inputJSONDelta returns the partial_json of an input_json_delta b at off:
// the next fragment of a tool_use block's input, as JSON text.
func inputJSONDelta(b []byte, off int) (gateway.Text, bool) {
	if jsonscan.Kind(b) != '{' {
		return gateway.Text{}, false
	}
	if typ, _, _ := jsonscan.Get(b, "type"); string(typ) != `"input_json_delta"` {
		return gateway.Text{}, false
	}
	t, toff, ok := jsonscan.Get(b, "partial_json")
	if !ok || jsonscan.Kind(t) != '"' {
		return gateway.Text{}, false
	}
	s, err := jsonscan.String(t)
	if err != nil {
		return gateway.Text{}, false
	}
	return gateway.Text{Value: s, Start: off + toff, End: off + toff + len(t)}, true
}

// textBlock returns the text of a text block or text_delta b at off.
func textBlock(b []byte, off int) (gateway.Text, bool) {
	if jsonscan.Kind(b) != '{' {
		return gateway.Text{}, false
	}
	if typ, _, _ := jsonscan.Get(b, "type"); string(typ) != `"text"` && string(typ) != `"text_delta"` {
		return gateway.Text{}, false
	}
	t, toff, ok := jsonscan.Get(b, "text")
	if !ok || jsonscan.Kind(t) != '"' {
		return gateway.Text{}, false
	}
	s, err := jsonscan.String(t)
	if err != nil {
		return gateway.Text{}, false
	}
	return gateway.Text{Value: s, Start: off + toff, End: off + toff + len(t)}, true
}

// StreamError returns the "error" event Anthropic sends mid-stream,
// {"type":"error","error":{"type":...,"message":...}}, which the SDKs raise
// as an API error.
func (Adapter) StreamError(e *gateway.Error) (name string, data []byte) {
	data, _ = json.Marshal(errorBody{ // a struct of strings always marshals
		Type:  "error",
		Error: errorDetails{Type: ErrorType(e.Code), Message: e.Message},
	})
	return "error", data
}

var (
	_ provider.OutputText    = Adapter{}
	_ provider.StreamErrorer = Adapter{}
)
