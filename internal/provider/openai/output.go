package openai

import (
	"strconv"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/jsonscan"
	"github.com/aigate-dev/aigate/internal/provider"
)

// ResponseText returns the assistant text of a whole chat completion
// (choices[i].message.content and the arguments of its tool_calls) or
// Responses object (the output_text parts of its output messages and the
// arguments of its function_call items).
func (Adapter) ResponseText(req *gateway.Request, body []byte) []provider.OutputSpan {
	var out []provider.OutputSpan
	switch req.Operation {
	case gateway.OpChatCompletions:
		out = chatChoices(req, body, "message", false, out)
	case gateway.OpResponses:
		if v, off, ok := jsonscan.Get(body, "output"); ok {
			out = outputItems(req, v, off, out)
		}
	}
	return out
}

// EventText returns the text of one stream event: a chat completion
// chunk's choices[i].delta.content and tool-call argument fragments, or
// the text a Responses API event carries (deltas by output and content
// index, function-call argument deltas by output index; the full text
// repeated by the done, item and response events, as whole texts).
func (Adapter) EventText(req *gateway.Request, data []byte) []provider.OutputSpan {
	if jsonscan.Kind(data) != '{' {
		return nil // [DONE]
	}
	switch req.Operation {
	case gateway.OpChatCompletions:
		return chatChoices(req, data, "delta", true, nil)
	case gateway.OpResponses:
		return responsesEvent(req, data)
	}
	return nil
}

// chatChoices appends choices[i].FIELD.content of a completion or chunk
// (keyed [provider.TextKey], JSON text when req asked for JSON output).
func chatChoices(req *gateway.Request, data []byte, field string, delta bool, out []provider.OutputSpan) []provider.OutputSpan {
	v, off, ok := jsonscan.Get(data, "choices")
	if !ok || jsonscan.Kind(v) != '[' {
		return out
	}
	_ = jsonscan.Array(v, func(i int, c []byte, coff int) bool {
		if jsonscan.Kind(c) != '{' {
			return true
		}
		idx := i
		if n, _, ok := jsonscan.Get(c, "index"); ok {
			if k, err := strconv.Atoi(string(n)); err == nil {
				idx = k
			}
		}
		m, moff, ok := jsonscan.Get(c, field)
		if !ok || jsonscan.Kind(m) != '{' {
			return true
		}
		t, toff, ok := jsonscan.Get(m, "content")
		if s, ok2 := stringAt(t, off+coff+moff+toff, ok); ok2 {
			out = append(out, provider.OutputSpan{Choice: provider.TextKey(req, idx), Whole: !delta, Text: s})
		}
		out = toolCallArgs(m, off+coff+moff, idx, delta, out)
		return true
	})
	return out
}

// toolCallArgs appends tool_calls[j].function.arguments of a message or
// delta m at off, keyed gateway.ToolArgs(provider.ArgsChoice(choice, j)) (a
// delta's calls by their "index", which continues a call across chunks):
// JSON text, which the guard reads as such.
func toolCallArgs(m []byte, off, choice int, delta bool, out []provider.OutputSpan) []provider.OutputSpan {
	tc, tcoff, ok := jsonscan.Get(m, "tool_calls")
	if !ok || jsonscan.Kind(tc) != '[' {
		return out
	}
	_ = jsonscan.Array(tc, func(j int, call []byte, calloff int) bool {
		if jsonscan.Kind(call) != '{' {
			return true
		}
		n := j
		if v, _, ok := jsonscan.Get(call, "index"); ok {
			if k, err := strconv.Atoi(string(v)); err == nil {
				n = k
			}
		}
		fn, fnoff, ok := jsonscan.Get(call, "function")
		if !ok || jsonscan.Kind(fn) != '{' {
			return true
		}
		a, aoff, ok := jsonscan.Get(fn, "arguments")
		if s, ok := stringAt(a, off+tcoff+calloff+fnoff+aoff, ok); ok {
			out = append(out, provider.OutputSpan{Choice: gateway.ToolArgs(provider.ArgsChoice(choice, n)), Whole: !delta, Text: s})
		}
		return true
	})
	return out
}

// stringAt returns the JSON string v found at off as a Text.
func stringAt(v []byte, off int, ok bool) (gateway.Text, bool) {
	if !ok || jsonscan.Kind(v) != '"' {
		return gateway.Text{}, false
	}
	s, err := jsonscan.String(v)
	if err != nil {
		return gateway.Text{}, false
	}
	return gateway.Text{Value: s, Start: off, End: off + len(v)}, true
}

// outputItems appends the output_text of the message items in a Responses
// output array v at off.
func outputItems(req *gateway.Request, v []byte, off int, out []provider.OutputSpan) []provider.OutputSpan {
	if jsonscan.Kind(v) != '[' {
		return out
	}
	_ = jsonscan.Array(v, func(i int, item []byte, ioff int) bool {
		out = itemContent(req, item, off+ioff, i, out)
		return true
	})
	return out
}

// itemContent appends the output_text parts of one output item, or the
// arguments of a function_call item.
func itemContent(req *gateway.Request, item []byte, off, index int, out []provider.OutputSpan) []provider.OutputSpan {
	if typ, _, _ := jsonscan.Get(item, "type"); string(typ) == `"function_call"` {
		a, aoff, ok := jsonscan.Get(item, "arguments")
		if s, ok := stringAt(a, off+aoff, ok); ok {
			out = append(out, provider.OutputSpan{Choice: gateway.ToolArgs(provider.ArgsChoice(index, 0)), Whole: true, Text: s})
		}
		return out
	}
	c, coff, ok := jsonscan.Get(item, "content")
	if !ok || jsonscan.Kind(c) != '[' {
		return out
	}
	_ = jsonscan.Array(c, func(j int, part []byte, poff int) bool {
		if s, ok := partText(part, off+coff+poff); ok {
			out = append(out, provider.OutputSpan{Choice: provider.TextKey(req, index<<10|j), Whole: true, Text: s})
		}
		return true
	})
	return out
}

// partText returns the text of an output_text content part at off.
func partText(part []byte, off int) (gateway.Text, bool) {
	if jsonscan.Kind(part) != '{' {
		return gateway.Text{}, false
	}
	if typ, _, ok := jsonscan.Get(part, "type"); !ok || string(typ) != `"output_text"` {
		return gateway.Text{}, false
	}
	t, toff, ok := jsonscan.Get(part, "text")
	return stringAt(t, off+toff, ok)
}

// responsesEvent returns the text of one Responses API stream event.
func responsesEvent(req *gateway.Request, data []byte) []provider.OutputSpan {
	typ, _, ok := jsonscan.Get(data, "type")
	if !ok {
		return nil
	}
	index := func(key string) int {
		n, _, _ := jsonscan.Get(data, key)
		k, _ := strconv.Atoi(string(n))
		return k
	}
	textKey := func() int { return provider.TextKey(req, index("output_index")<<10|index("content_index")) }
	switch string(typ) {
	case `"response.output_text.delta"`:
		t, off, ok := jsonscan.Get(data, "delta")
		if s, ok := stringAt(t, off, ok); ok {
			return []provider.OutputSpan{{Choice: textKey(), Text: s}}
		}
	case `"response.output_text.done"`:
		t, off, ok := jsonscan.Get(data, "text")
		if s, ok := stringAt(t, off, ok); ok {
			return []provider.OutputSpan{{Choice: textKey(), Whole: true, Text: s}}
		}
	case `"response.function_call_arguments.delta"`:
		t, off, ok := jsonscan.Get(data, "delta")
		if s, ok := stringAt(t, off, ok); ok {
			return []provider.OutputSpan{{Choice: gateway.ToolArgs(provider.ArgsChoice(index("output_index"), 0)), Text: s}}
		}
	case `"response.function_call_arguments.done"`:
		t, off, ok := jsonscan.Get(data, "arguments")
		if s, ok := stringAt(t, off, ok); ok {
			return []provider.OutputSpan{{Choice: gateway.ToolArgs(provider.ArgsChoice(index("output_index"), 0)), Whole: true, Text: s}}
		}
	case `"response.content_part.added"`, `"response.content_part.done"`:
		p, off, ok := jsonscan.Get(data, "part")
		if !ok {
			return nil
		}
		if s, ok := partText(p, off); ok {
			return []provider.OutputSpan{{Choice: textKey(), Whole: true, Text: s}}
		}
	case `"response.output_item.added"`, `"response.output_item.done"`:
		it, off, ok := jsonscan.Get(data, "item")
		if ok && jsonscan.Kind(it) == '{' {
			return itemContent(req, it, off, index("output_index"), nil)
		}
	default:
		// response.created, in_progress, completed, incomplete, failed:
		// the response object, whose output repeats every text.
		r, roff, ok := jsonscan.Get(data, "response")
		if !ok || jsonscan.Kind(r) != '{' {
			return nil
		}
		if v, off, ok := jsonscan.Get(r, "output"); ok {
			return outputItems(req, v, roff+off, nil)
		}
	}
	return nil
}

var (
	_ provider.OutputText    = Adapter{}
	_ provider.StreamErrorer = Adapter{}
)
