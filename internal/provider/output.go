package provider

import (
	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/jsonscan"
)

// SystemPinner is implemented by adapters that can place a system prompt
// held by the gateway in the dialect's native place: the first system
// message of an OpenAI chat completion, instructions of a Responses call,
// Anthropic's system, Gemini's systemInstruction.
type SystemPinner interface {
	// PinSystem makes prompt the request's system prompt, ahead of any the
	// client sent. With strip, the client's own system (and developer)
	// content is removed from the body and from req.Messages; without it
	// that content stays, after the pinned prompt. It edits the body only
	// through [gateway.Request.Insert] and [gateway.Text.Set], so every
	// other byte reaches the provider as sent. Operations without a system
	// prompt (embeddings, model lists) are left alone and return nil.
	//
	// PinSystem must run before any guard edits a system text, and at most
	// once per request.
	PinSystem(req *gateway.Request, prompt string, strip bool) error
}

// OutputSpan is one piece of generated text in a response body or in the
// data of one stream event.
type OutputSpan struct {
	// Choice keys the stream of text the piece belongs to: OpenAI's choice
	// index, Anthropic's content block index, Gemini's candidate index.
	Choice int
	// Whole is set for text that is complete in itself rather than the next
	// delta of Choice (a Responses API "done" event repeating the full
	// text); it is checked as a stream of its own.
	Whole bool
	gateway.Text
}

// OutputText is implemented by adapters that can locate the text a model
// generated, so output guards can read it and rewrite it in place (with
// [gateway.Splice] and [gateway.QuoteJSON] over the spans).
//
// Generated text includes the arguments of tool calls: OpenAI's
// tool_calls[].function.arguments (a string of JSON, streamed in
// fragments), Anthropic's tool_use input (an object; streamed as
// input_json_delta fragments of JSON text) and Gemini's functionCall.args
// (an object). A string of JSON is one span, keyed by [gateway.ToolArgs]
// so the guard reads the JSON's values and keeps it valid JSON; in an
// object, every string value and number is a span of its own (see
// [ArgStrings]), so a rewrite, quoted, keeps the JSON valid. The answer
// text of a request that asked for JSON output is keyed [TextKey] to be
// read the same way.
type OutputText interface {
	// ResponseText returns the generated text in a whole response body of
	// req (for Gemini's JSON-array stream, the whole array), in order.
	ResponseText(req *gateway.Request, body []byte) []OutputSpan
	// EventText returns the generated text in the data of one stream event.
	EventText(req *gateway.Request, data []byte) []OutputSpan
}

// StreamErrorer is implemented by adapters that can end a stream, once
// bytes of it have been sent, with an error event the dialect's SDKs raise.
type StreamErrorer interface {
	// StreamError returns the event name (empty for none) and data that
	// carry e. e.Message reaches the client; e.Err never does.
	StreamError(e *gateway.Error) (name string, data []byte)
}

// ArgsChoice keys the tool-call arguments of a choice apart from its text:
// call n of choice c.
func ArgsChoice(c, n int) int { return 1<<24 | c<<12 | n&0xfff }

// TextKey returns the key under which an adapter hands the guard answer
// text of req it would key k otherwise: marked [gateway.ToolArgs] when the
// client asked for the answer as JSON ([gateway.Request.JSONOutput]), so
// the guard reads the values that JSON spells and keeps it valid JSON, as
// it does for tool-call arguments. k must be below the mark.
func TextKey(req *gateway.Request, k int) int {
	if req != nil && req.JSONOutput {
		return gateway.ToolArgs(k)
	}
	return k
}

// PlainKey returns k cut to the bits below the mark [gateway.ToolArgs]
// sets, for keys that name text other than tool-call arguments written as
// JSON (decoded values, whole texts) but are built by shifts that could
// reach it.
func PlainKey(k int) int { return k & (gateway.ToolArgs(0) - 1) }

// ArgStrings appends a span for every string and every number in the JSON
// value v found at off (an object's keys and member values, an array's
// elements, at any depth), each Whole and keyed PlainKey(choice<<8 | k)
// for the k-th.
// A string's span is its decoded value; a number's is its literal, so a
// card number written as a number is checked too, and a rewrite of it
// goes in as a string, still valid JSON. A member's value (or an element
// of an array that is one) carries the member's key as [gateway.Text.Key],
// as [ArgTexts] does on the way in.
func ArgStrings(v []byte, off, choice int, out []OutputSpan) []OutputSpan {
	k := 0
	key := func() int { return PlainKey(choice<<8 | k&0xff) }
	var walk func(v []byte, off int, mkey string)
	walk = func(v []byte, off int, mkey string) {
		switch jsonscan.Kind(v) {
		case '"':
			if s, err := jsonscan.String(v); err == nil {
				out = append(out, OutputSpan{Choice: key(), Whole: true, Text: gateway.Text{Value: s, Start: off, End: off + len(v), Key: mkey}})
				k++
			}
		case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
			out = append(out, OutputSpan{Choice: key(), Whole: true, Text: gateway.Text{Value: string(v), Start: off, End: off + len(v), Number: true, Key: mkey}})
			k++
		case '{':
			_ = jsonscan.Object(v, func(name string, m []byte, moff int) bool {
				if start, end, ok := keyBefore(v, moff); ok {
					walk(v[start:end], off+start, "")
				}
				walk(m, off+moff, name)
				return true
			})
		case '[':
			_ = jsonscan.Array(v, func(_ int, e []byte, eoff int) bool { walk(e, off+eoff, mkey); return true })
		}
	}
	walk(v, off, "")
	return out
}

// keyBefore returns where the key of the member whose value starts at
// voff in the object v starts and ends, quotes included.
func keyBefore(v []byte, voff int) (start, end int, ok bool) {
	i := voff - 1
	for i >= 0 && (v[i] == ' ' || v[i] == '\t' || v[i] == '\n' || v[i] == '\r') {
		i--
	}
	if i < 0 || v[i] != ':' {
		return 0, 0, false
	}
	i--
	for i >= 0 && (v[i] == ' ' || v[i] == '\t' || v[i] == '\n' || v[i] == '\r') {
		i--
	}
	if i < 1 || v[i] != '"' {
		return 0, 0, false
	}
	end = i + 1
	// The opening quote is the first one before that is not escaped: an
	// even run of backslashes before it.
	for i--; i >= 0; i-- {
		if v[i] != '"' {
			continue
		}
		n := 0
		for j := i - 1; j >= 0 && v[j] == '\\'; j-- {
			n++
		}
		if n%2 == 0 {
			return i, end, true
		}
	}
	return 0, 0, false
}

// ArrayStreamer is implemented by adapters whose API can stream either as
// SSE or as one JSON array written piece by piece (Gemini's
// streamGenerateContent without alt=sse). The gateway reads every stream
// from the provider as SSE, so metering, output guards and cut-offs see one
// event at a time, and writes the events back as array elements for a
// client that asked for the array.
type ArrayStreamer interface {
	// ArrayStream reports whether the client of the streaming request req
	// asked for the array form; if so it changes req.Query so that the
	// provider streams SSE instead.
	ArrayStream(req *gateway.Request) bool
}
