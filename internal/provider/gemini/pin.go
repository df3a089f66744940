package gemini

import (
	"bytes"
	"encoding/json"
	"slices"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/jsonscan"
	"github.com/aigate-dev/aigate/internal/provider"
)

// PinSystem places prompt in systemInstruction (either spelling) of a
// generateContent or streamGenerateContent call. With strip, it replaces
// what the client sent there; without it, the pinned text becomes the
// first part and the client's parts follow. See [provider.SystemPinner].
func (Adapter) PinSystem(req *gateway.Request, prompt string, strip bool) error {
	if req.Operation != gateway.OpGenerateContent && req.Operation != gateway.OpStreamGenerate {
		return nil
	}
	var (
		v   []byte
		off int
		ok  bool
	)
	_ = jsonscan.Object(req.Raw, func(k string, mv []byte, moff int) bool {
		if canonical(k) == "systemInstruction" {
			v, off, ok = mv, moff, true
			return false
		}
		return true
	})
	part := append([]byte(`{"text":`), gateway.QuoteJSON(prompt)...)
	part = append(part, '}')
	pinned := append(append([]byte(`{"parts":[`), part...), "]}"...)
	if !ok {
		at := bytes.IndexByte(req.Raw, '{') + 1
		member := append([]byte(`"systemInstruction":`), pinned...)
		req.Insert(gateway.Edit{Start: at, End: at, Insert: append(member, ',')}) // contents is required, so a member follows
		return nil
	}
	if !strip && jsonscan.Kind(v) == '{' {
		var parts []byte
		var poff int
		_ = jsonscan.Object(v, func(k string, mv []byte, moff int) bool {
			if k == "parts" {
				parts, poff = mv, moff
				return false
			}
			return true
		})
		if jsonscan.Kind(parts) == '[' {
			empty := true
			_ = jsonscan.Array(parts, func(int, []byte, int) bool { empty = false; return false })
			if !empty {
				part = append(part, ',')
			}
			at := off + poff + bytes.IndexByte(parts, '[') + 1
			req.Insert(gateway.Edit{Start: at, End: at, Insert: part})
			return nil
		}
	}
	end := off + len(v)
	req.Insert(gateway.Edit{Start: off, End: end, Insert: pinned})
	req.Messages = slices.DeleteFunc(req.Messages, func(m gateway.Message) bool {
		return m.Role == gateway.RoleSystem && len(m.Parts) > 0 && m.Parts[0].Start >= off && m.Parts[0].End <= end
	})
	return nil
}

// ResponseText returns the text parts of a whole GenerateContentResponse,
// or of every response in a JSON-array stream.
func (Adapter) ResponseText(req *gateway.Request, body []byte) []provider.OutputSpan {
	if jsonscan.Kind(body) == '[' {
		var out []provider.OutputSpan
		_ = jsonscan.Array(body, func(i int, r []byte, roff int) bool {
			for _, s := range candidates(req, r, roff) {
				rekey(&s, provider.PlainKey(s.Choice)|i<<16)
				s.Whole = true
				out = append(out, s)
			}
			return true
		})
		return out
	}
	out := candidates(req, body, 0)
	for i := range out {
		out[i].Whole = true
	}
	return out
}

// EventText returns the text parts of one streamed response, keyed by
// candidate index: one candidate's text continues from chunk to chunk.
func (Adapter) EventText(req *gateway.Request, data []byte) []provider.OutputSpan {
	out := candidates(req, data, 0)
	for i := range out {
		rekey(&out[i], provider.PlainKey(out[i].Choice)>>8)
	}
	return out
}

// rekey gives sp the key k, cut below the [gateway.ToolArgs] mark, and
// the mark again if sp had it (answer text of a JSON-output request).
func rekey(sp *provider.OutputSpan, k int) {
	if gateway.IsToolArgs(sp.Choice) {
		sp.Choice = gateway.ToolArgs(provider.PlainKey(k))
		return
	}
	sp.Choice = provider.PlainKey(k)
}

// candidates returns candidates[c].content.parts[p].text of the response
// r at off, keyed c<<8|p, and the strings in the args of its functionCall
// parts (Whole, keyed apart from the text). The text is keyed
// [provider.TextKey]: JSON text when req asked for JSON output.
func candidates(req *gateway.Request, r []byte, off int) []provider.OutputSpan {
	if jsonscan.Kind(r) != '{' {
		return nil
	}
	cs, coff, ok := jsonscan.Get(r, "candidates")
	if !ok || jsonscan.Kind(cs) != '[' {
		return nil
	}
	var out []provider.OutputSpan
	_ = jsonscan.Array(cs, func(i int, c []byte, ioff int) bool {
		if jsonscan.Kind(c) != '{' {
			return true
		}
		idx := i
		if n, _, ok := jsonscan.Get(c, "index"); ok {
			if k, ok := integer(n); ok {
				idx = int(k)
			}
		}
		ct, ctoff, ok := jsonscan.Get(c, "content")
		if !ok || jsonscan.Kind(ct) != '{' {
			return true
		}
		ps, psoff, ok := jsonscan.Get(ct, "parts")
		if !ok || jsonscan.Kind(ps) != '[' {
			return true
		}
		base := off + coff + ioff + ctoff + psoff
		_ = jsonscan.Array(ps, func(j int, p []byte, poff int) bool {
			if jsonscan.Kind(p) != '{' {
				return true
			}
			if fc, fcoff, ok := jsonscan.Get(p, "functionCall"); ok && jsonscan.Kind(fc) == '{' {
				if args, aoff, ok := jsonscan.Get(fc, "args"); ok {
					// Each string in the call's arguments is checked whole.
					out = provider.ArgStrings(args, base+poff+fcoff+aoff, provider.ArgsChoice(idx, j)<<8, out)
				}
				return true
			}
			t, toff, ok := jsonscan.Get(p, "text")
			if !ok || jsonscan.Kind(t) != '"' {
				return true
			}
			s, err := jsonscan.String(t)
			if err != nil {
				return true
			}
			at := base + poff + toff
			out = append(out, provider.OutputSpan{Choice: provider.TextKey(req, idx<<8|j&0xff), Text: gateway.Text{Value: s, Start: at, End: at + len(t)}})
			return true
		})
		return true
	})
	return out
}

// StreamError returns a data-only event holding the Google error object,
// {"error":{"code","message","status"}}, which the genai SDKs raise when
// they meet it in a stream.
func (Adapter) StreamError(e *gateway.Error) (name string, data []byte) {
	data, _ = json.Marshal(errorBody{errorDetails{Code: e.Code.Status(), Message: e.Message, Status: Status(e.Code)}}) // cannot fail
	return "", data
}

var (
	_ provider.SystemPinner  = Adapter{}
	_ provider.OutputText    = Adapter{}
	_ provider.StreamErrorer = Adapter{}
)
