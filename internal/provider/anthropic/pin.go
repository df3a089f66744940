package anthropic

import (
	"bytes"
	"slices"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/jsonscan"
	"github.com/aigate-dev/aigate/internal/provider"
)

// PinSystem places prompt in system. With strip, it replaces whatever the
// client sent there; without it, a client string follows the pinned prompt
// after a blank line and client blocks follow a pinned text block (their
// cache_control and other fields untouched). See [provider.SystemPinner].
func (Adapter) PinSystem(req *gateway.Request, prompt string, strip bool) error {
	v, off, ok := jsonscan.Get(req.Raw, "system")
	switch {
	case !ok:
		at := bytes.IndexByte(req.Raw, '{') + 1
		member := append([]byte(`"system":`), gateway.QuoteJSON(prompt)...)
		req.Insert(gateway.Edit{Start: at, End: at, Insert: append(member, ',')}) // messages is required, so a member follows
	case jsonscan.Kind(v) == '"':
		t := systemText(req, off)
		if t == nil {
			return invalid("system: must be a string or an array of text blocks")
		}
		if strip || t.Value == "" {
			t.Set(prompt)
		} else {
			t.Set(prompt + "\n\n" + t.Value)
		}
	case jsonscan.Kind(v) == '[' && !strip:
		block := append([]byte(`{"type":"text","text":`), gateway.QuoteJSON(prompt)...)
		block = append(block, '}')
		empty := true
		_ = jsonscan.Array(v, func(int, []byte, int) bool { empty = false; return false })
		if !empty {
			block = append(block, ',')
		}
		at := off + bytes.IndexByte(v, '[') + 1
		req.Insert(gateway.Edit{Start: at, End: at, Insert: block})
	default: // null, or blocks to strip
		end := off + len(v)
		req.Insert(gateway.Edit{Start: off, End: end, Insert: gateway.QuoteJSON(prompt)})
		req.Messages = slices.DeleteFunc(req.Messages, func(m gateway.Message) bool {
			return m.Role == gateway.RoleSystem && len(m.Parts) > 0 && m.Parts[0].Start >= off && m.Parts[0].End <= end
		})
	}
	return nil
}

// systemText returns the request text whose JSON string starts at off.
func systemText(req *gateway.Request, off int) *gateway.Text {
	for _, m := range req.Messages {
		for _, p := range m.Parts {
			if p.Start == off {
				return p
			}
		}
	}
	return nil
}

var _ provider.SystemPinner = Adapter{}
