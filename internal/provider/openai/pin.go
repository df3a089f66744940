package openai

import (
	"bytes"
	"slices"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/jsonscan"
	"github.com/aigate-dev/aigate/internal/provider"
)

// PinSystem places prompt as the first message of a chat completion (a
// "system" message) or in a Responses call's instructions. With strip, the
// client's system and developer messages (and Responses instructions) are
// removed; without it they follow the pinned prompt: later chat messages,
// or the client's instructions appended to the pinned ones after a blank
// line. See [provider.SystemPinner].
func (Adapter) PinSystem(req *gateway.Request, prompt string, strip bool) error {
	switch req.Operation {
	case gateway.OpChatCompletions:
		return pinChat(req, prompt, strip)
	case gateway.OpResponses:
		return pinResponses(req, prompt, strip)
	}
	return nil
}

// pinChat inserts the pinned system message at the head of messages.
func pinChat(req *gateway.Request, prompt string, strip bool) error {
	v, off, ok := jsonscan.Get(req.Raw, "messages")
	if !ok || jsonscan.Kind(v) != '[' {
		return invalid("messages: is required")
	}
	// kept: the messages left after the pinned one, which then needs a comma.
	var (
		elems []span
		del   []bool
		kept  int
	)
	if strip {
		elems, del = arrayRoles(v, off, "system", "developer")
		for _, d := range del {
			if !d {
				kept++
			}
		}
	} else {
		_ = jsonscan.Array(v, func(int, []byte, int) bool { kept++; return false })
	}
	const head = `{"role":"system","content":`
	msg := make([]byte, 0, len(head)+len(prompt)+len(prompt)/16+5)
	msg = gateway.AppendQuoteJSON(append(msg, head...), prompt)
	msg = append(msg, '}')
	if kept > 0 {
		msg = append(msg, ',')
	}
	at := off + bytes.IndexByte(v, '[') + 1
	req.Insert(gateway.Edit{Start: at, End: at, Insert: msg})
	if strip {
		deleteElements(req, elems, del)
	}
	return nil
}

// pinResponses puts the pinned prompt in instructions.
func pinResponses(req *gateway.Request, prompt string, strip bool) error {
	if strip {
		if v, off, ok := jsonscan.Get(req.Raw, "input"); ok && jsonscan.Kind(v) == '[' {
			elems, del := arrayRoles(v, off, "system", "developer")
			deleteElements(req, elems, del)
		}
	}
	v, off, ok := jsonscan.Get(req.Raw, "instructions")
	switch {
	case !ok:
		insertMember(req, "instructions", gateway.QuoteJSON(prompt))
	case jsonscan.Kind(v) == '"':
		t := textAt(req, off)
		if t == nil {
			return invalid("instructions: must be a string")
		}
		if strip || t.Value == "" {
			t.Set(prompt)
		} else {
			t.Set(prompt + "\n\n" + t.Value)
		}
	default: // null
		req.Insert(gateway.Edit{Start: off, End: off + len(v), Insert: gateway.QuoteJSON(prompt)})
	}
	return nil
}

// insertMember adds "key":value as the first member of the body's object.
func insertMember(req *gateway.Request, key string, value []byte) {
	at := bytes.IndexByte(req.Raw, '{') + 1
	member := append(gateway.QuoteJSON(key), ':')
	member = append(member, value...)
	empty := true
	_ = jsonscan.Object(req.Raw, func(string, []byte, int) bool { empty = false; return false })
	if !empty {
		member = append(member, ',')
	}
	req.Insert(gateway.Edit{Start: at, End: at, Insert: member})
}

// textAt returns the request text whose JSON string starts at off.
func textAt(req *gateway.Request, off int) *gateway.Text {
	for _, m := range req.Messages {
		for _, p := range m.Parts {
			if p.Start == off {
				return p
			}
		}
	}
	return nil
}

// span is where one array element stands in the body.
type span struct{ start, end int }

// arrayRoles returns the elements of the array v (at off in the body) and
// which of them are objects whose role is one of roles.
func arrayRoles(v []byte, off int, roles ...string) ([]span, []bool) {
	var (
		elems []span
		match []bool
	)
	_ = jsonscan.Array(v, func(_ int, e []byte, eoff int) bool {
		elems = append(elems, span{off + eoff, off + eoff + len(e)})
		hit := false
		if jsonscan.Kind(e) == '{' {
			if r, _, ok := jsonscan.Get(e, "role"); ok {
				if s, ok := plain(r); ok {
					hit = slices.Contains(roles, string(s))
				}
			}
		}
		match = append(match, hit)
		return true
	})
	return elems, match
}

// deleteElements removes the elements marked in del from the body, commas
// included, and drops from req.Messages the messages whose text lay in them.
// Each maximal run of deleted elements becomes one edit: up to the start of
// the element after it, or, for a run at the end, from the end of the
// element before it; so the edits never overlap.
func deleteElements(req *gateway.Request, elems []span, del []bool) {
	var gone []span
	for i := 0; i < len(elems); i++ {
		if !del[i] {
			continue
		}
		j := i
		for j+1 < len(elems) && del[j+1] {
			j++
		}
		var s span
		switch {
		case j+1 < len(elems):
			s = span{elems[i].start, elems[j+1].start}
		case i > 0:
			s = span{elems[i-1].end, elems[j].end}
		default:
			s = span{elems[i].start, elems[j].end}
		}
		req.Insert(gateway.Edit{Start: s.start, End: s.end})
		gone = append(gone, span{elems[i].start, elems[j].end})
		i = j
	}
	if len(gone) == 0 {
		return
	}
	req.Messages = slices.DeleteFunc(req.Messages, func(m gateway.Message) bool {
		if m.Role != gateway.RoleSystem {
			return false
		}
		for _, p := range m.Parts {
			for _, g := range gone {
				if p.Start >= g.start && p.End <= g.end {
					return true
				}
			}
		}
		return false
	})
}

var _ provider.SystemPinner = Adapter{}
