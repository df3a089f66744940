package proxy

import (
	"bytes"
	"errors"
	"slices"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider"
	"github.com/aigate-dev/aigate/internal/sse"
)

// errNoOutputText refuses a response whose output guard cannot run because
// the adapter cannot locate generated text: the guard fails closed.
var errNoOutputText = &gateway.Error{Code: gateway.CodeInternal, Message: "aigate cannot check this provider's answers, which the key's policy requires", Err: errors.New("adapter does not implement provider.OutputText")}

// checkBody runs a response's output guard over a whole body and returns
// the body to send, with each rewritten text spliced in place.
func checkBody(ad provider.Adapter, req *gateway.Request, og gateway.OutputGuard, body []byte) ([]byte, error) {
	ot, ok := ad.(provider.OutputText)
	if !ok {
		return nil, errNoOutputText
	}
	var edits []gateway.Edit
	for i, sp := range ot.ResponseText(req, body) {
		s, err := checkWhole(og, wholeKey(i, sp), sp)
		if err != nil {
			return nil, err
		}
		if s != sp.Value {
			edits = append(edits, gateway.Edit{Start: sp.Start, End: sp.End, Insert: gateway.QuoteJSON(s)})
		}
	}
	if len(edits) == 0 {
		return body, nil
	}
	return gateway.Splice(body, edits), nil
}

// checkWhole runs og over sp, a whole text, as the choice key: in the
// context of its member's key when it has one and og reads keys.
func checkWhole(og gateway.OutputGuard, key int, sp provider.OutputSpan) (string, error) {
	if fg, ok := og.(gateway.FieldGuard); ok && sp.Key != "" {
		return fg.Field(key, sp.Key, sp.Value)
	}
	s, err := og.Text(key, sp.Value)
	if err != nil {
		return "", err
	}
	rest, err := og.Flush(key)
	return s + rest, err
}

// streamOutput runs a response's output guard over a relayed SSE stream,
// one event at a time. Text the guard holds back (a placeholder cut
// between events) is released with the next event of the same choice; if
// an event without text comes first, or the stream ends, it is sent in a
// copy of the choice's last text event, so the client reads every byte in
// order.
type streamOutput struct {
	guard gateway.OutputGuard
	text  provider.OutputText
	ad    provider.Adapter
	req   *gateway.Request
	last  map[int]lastText // choices that may hold text back
	// Buffers reused from event to event to rewrite one.
	edits   []gateway.Edit
	quoted  []byte
	spliced []byte
}

// lastText is the last event that carried a choice's text.
type lastText struct {
	name string
	data []byte
	span gateway.Text
}

// wholeChoice keys text that is checked as a stream of its own.
const wholeChoice = -1 << 30

// wholeKey returns the key to check the Whole span sp under, given the
// key of a stream of its own: key, marked as tool-call arguments when sp is.
func wholeKey(key int, sp provider.OutputSpan) int {
	if gateway.IsToolArgs(sp.Choice) {
		return gateway.ToolArgs(key)
	}
	return key
}

func newStreamOutput(ad provider.Adapter, req *gateway.Request, og gateway.OutputGuard) *streamOutput {
	ot, _ := ad.(provider.OutputText)
	return &streamOutput{guard: og, text: ot, ad: ad, req: req, last: map[int]lastText{}}
}

// write sends ev, rewritten as the guard says; spans is the text the
// adapter's EventText found in its data. An event the guard leaves as it is
// goes out as its raw bytes. With flush false the bytes stay buffered (the
// next event is already waiting). A non-nil error ends the relay: the
// client is gone, or the guard refused and the stream was ended with an
// error event.
func (so *streamOutput) write(out *sse.Writer, ev sse.Event, spans []provider.OutputSpan, flush bool) error {
	if err := so.writeEvent(out, ev, spans); err != nil {
		return err
	}
	if flush {
		return out.Flush()
	}
	return nil
}

func (so *streamOutput) writeEvent(out *sse.Writer, ev sse.Event, spans []provider.OutputSpan) error {
	if so.text == nil {
		return so.fail(out, errNoOutputText)
	}
	if !ev.HasData || isPing(ev.Data) {
		return out.WriteRawNoFlush(ev.Raw)
	}
	if len(spans) == 0 {
		if err := so.flush(out); err != nil {
			return err
		}
		return out.WriteRawNoFlush(ev.Raw)
	}
	if !slices.ContainsFunc(spans, func(sp provider.OutputSpan) bool { return !sp.Whole }) {
		// Only whole texts (a Responses "done" event repeating what the
		// deltas said): the deltas' held-back tail goes first, so a client
		// that adds up the deltas reads it all before the done event.
		if err := so.flush(out); err != nil {
			return err
		}
	}
	edits, quoted := so.edits[:0], so.quoted[:0]
	for _, sp := range spans {
		var (
			s   string
			err error
		)
		if sp.Whole {
			s, err = checkWhole(so.guard, wholeKey(wholeChoice, sp), sp)
		} else {
			s, err = so.guard.Text(sp.Choice, sp.Value)
			// Keep the event for flush, reusing the choice's copy.
			lt := so.last[sp.Choice]
			lt.name, lt.data, lt.span = ev.Name, append(lt.data[:0], ev.Data...), sp.Text
			so.last[sp.Choice] = lt
		}
		if err != nil {
			return so.fail(out, err)
		}
		if s != sp.Value {
			at := len(quoted)
			quoted = gateway.AppendQuoteJSON(quoted, s)
			edits = append(edits, gateway.Edit{Start: sp.Start, End: sp.End, Insert: quoted[at:len(quoted):len(quoted)]})
		}
	}
	so.edits, so.quoted = edits, quoted
	if len(edits) == 0 {
		return out.WriteRawNoFlush(ev.Raw)
	}
	so.spliced = gateway.AppendSplice(so.spliced[:0], ev.Data, edits)
	return out.WriteEventNoFlush(ev.Name, so.spliced)
}

// flush writes, unflushed, the text every choice holds back.
func (so *streamOutput) flush(out *sse.Writer) error {
	if len(so.last) == 0 {
		return nil
	}
	var buf [4]int
	choices := buf[:0]
	for c := range so.last {
		choices = append(choices, c)
	}
	slices.Sort(choices)
	for _, c := range choices {
		lt := so.last[c]
		delete(so.last, c)
		s, err := so.guard.Flush(c)
		if err != nil {
			return so.fail(out, err)
		}
		if s == "" {
			continue
		}
		data := gateway.Splice(lt.data, []gateway.Edit{{Start: lt.span.Start, End: lt.span.End, Insert: gateway.QuoteJSON(s)}})
		if err := out.WriteEventNoFlush(lt.name, data); err != nil {
			return err
		}
	}
	return nil
}

// fail ends the stream with err as an error event the SDKs raise.
func (so *streamOutput) fail(out *sse.Writer, err error) error {
	return streamError(out, so.ad, err)
}

// streamError ends a stream with err as an error event the dialect's SDKs
// raise, if the adapter can write one, and returns err as a *gateway.Error.
func streamError(out *sse.Writer, ad provider.Adapter, err error) error {
	e := gateway.AsError(err)
	if se, ok := ad.(provider.StreamErrorer); ok {
		name, data := se.StreamError(e)
		_ = out.WriteEvent(name, data)
	}
	return e
}

// isPing reports whether data is a keep-alive event (Anthropic's ping),
// which must not release held-back text.
func isPing(data []byte) bool {
	return len(data) < 40 && bytes.Contains(data, []byte(`"ping"`))
}
