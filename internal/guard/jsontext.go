package guard

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/pii"
)

// Tool-call arguments reach the output guard as JSON text, where a value
// can be spelt with escapes ("jane\u0040example.org", "\u0073k-…") that
// hide it from the detectors. The helpers here give the guard the values:
// canonJSON rewrites escapes that need not be escapes as the characters
// they stand for (equivalent JSON, safe to forward), jsonView masks the
// escapes that remain for the detectors, and redactJSON replaces what they
// find while keeping the text valid JSON.

// canonJSON appends to dst the JSON text s with every string escape whose
// character needs no escaping in JSON (a \uXXXX escape, a surrogate pair,
// \/) replaced by that character. Escapes of '"', '\' and control
// characters are written in their shortest form (\" \\ \n … \u001f, hex in
// lower case); a lone surrogate stays as it was. Any JSON parser decodes
// the result to the same values as s, and canonJSON of the result changes
// nothing. Bytes outside escapes are copied as they are, so text that is
// not JSON comes out as it went in but for its escapes.
//
// Unless final, an escape that s cuts short (or a high surrogate that a
// low one may still follow) is not consumed: n is how much of s was, and
// the caller passes the rest again with the next text.
func canonJSON(dst []byte, s string, final bool) (out []byte, n int) {
	i := 0
	for {
		j := strings.IndexByte(s[i:], '\\')
		if j < 0 {
			return append(dst, s[i:]...), len(s)
		}
		j += i
		dst = append(dst, s[i:j]...)
		size, r, ok := escape(s[j:])
		switch {
		case !ok && !final:
			return dst, j // cut short: wait for the rest
		case !ok:
			return append(dst, s[j:]...), len(s)
		case r < 0:
			dst = append(dst, s[j:j+size]...) // kept as written
		default:
			dst = appendEscaped(dst, r)
		}
		i = j + size
	}
}

// escape reads the escape at the start of s (s[0] == '\\'). It returns its
// length and the character it stands for, r < 0 when it is to be kept as
// written (a lone surrogate, an invalid escape); ok is false when s ends
// before the escape does, or before the low half of a surrogate pair that
// could still follow.
func escape(s string) (size int, r rune, ok bool) {
	if len(s) < 2 {
		return 0, 0, false
	}
	switch s[1] {
	case '"', '\\', '/':
		return 2, rune(s[1]), true
	case 'b':
		return 2, '\b', true
	case 'f':
		return 2, '\f', true
	case 'n':
		return 2, '\n', true
	case 'r':
		return 2, '\r', true
	case 't':
		return 2, '\t', true
	case 'u':
	default:
		return 2, -1, true // invalid: not JSON, copied
	}
	h, complete := hex4(s[2:])
	if !complete {
		return 0, 0, false
	}
	if h < 0 {
		return 2, -1, true
	}
	switch {
	case utf16.IsSurrogate(h) && h < 0xdc00:
		// A high surrogate: a low one must follow as another \u escape.
		rest := s[6:]
		if len(rest) < 2 || rest[0] != '\\' || rest[1] != 'u' {
			if len(rest) < 2 && (rest == "" || rest[0] == '\\') {
				return 0, 0, false
			}
			return 6, -1, true
		}
		l, complete := hex4(rest[2:])
		if !complete {
			return 0, 0, false
		}
		if pair := utf16.DecodeRune(h, l); pair != utf8.RuneError {
			return 12, pair, true
		}
		return 6, -1, true
	case utf16.IsSurrogate(h):
		return 6, -1, true // a lone low surrogate
	}
	return 6, h, true
}

// hex4 reads four hex digits at the start of s: h < 0 when they are not
// hex digits, complete false when s ends before four bytes that could be.
func hex4(s string) (h rune, complete bool) {
	for i := range 4 {
		if i >= len(s) {
			return 0, false
		}
		c := s[i]
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return -1, true
		}
		h = h<<4 | rune(d)
	}
	return h, true
}

// appendEscaped appends r as canonJSON writes it inside a JSON string.
func appendEscaped(dst []byte, r rune) []byte {
	switch r {
	case '"':
		return append(dst, '\\', '"')
	case '\\':
		return append(dst, '\\', '\\')
	case '\b':
		return append(dst, '\\', 'b')
	case '\f':
		return append(dst, '\\', 'f')
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	case '\t':
		return append(dst, '\\', 't')
	}
	if r < 0x20 {
		const hex = "0123456789abcdef"
		return append(dst, '\\', 'u', '0', '0', hex[r>>4], hex[r&0xf])
	}
	return utf8.AppendRune(dst, r)
}

// appendJSONString appends s as the contents of a JSON string (without
// the quotes), escaped as canonJSON would leave it.
func appendJSONString(dst []byte, s string) []byte {
	for _, r := range s {
		if r == utf8.RuneError {
			dst = append(dst, "\ufffd"...)
			continue
		}
		dst = appendEscaped(dst, r)
	}
	return dst
}

// jsonState is where a chunk of JSON text starts or ends: outside any
// string or number, inside a string (never inside an escape: chunks are
// cut between escapes), or inside a number.
type jsonState uint8

const (
	jsonOut jsonState = iota
	jsonStr
	jsonNum
)

// jsonToken is a string's contents, or a number, in a chunk of JSON text.
type jsonToken struct {
	start, end int
	num        bool
	whole      bool // a number that starts and ends in the chunk
}

// jsonTokens appends the tokens of s, a chunk that starts in state st, and
// returns the state at its end. final says no text follows s, so a number
// running to its end is whole.
func jsonTokens(s string, st jsonState, final bool, out []jsonToken) ([]jsonToken, jsonState) {
	start, here := 0, false // the open token's start; whether it opened in s
	for i := 0; i < len(s); {
		c := s[i]
		switch st {
		case jsonStr:
			if c == '\\' {
				i += 2
				continue
			}
			if c == '"' {
				out = append(out, jsonToken{start: start, end: i})
				st = jsonOut
			}
		case jsonNum:
			if isNumByte(c) {
				break
			}
			out = append(out, jsonToken{start: start, end: i, num: true, whole: here})
			st = jsonOut
			continue // c is read again, outside the number
		default:
			switch {
			case c == '"':
				st, start, here = jsonStr, i+1, true
			case c == '-' || c >= '0' && c <= '9':
				st, start, here = jsonNum, i, true
			}
		}
		i++
	}
	switch st {
	case jsonStr:
		out = append(out, jsonToken{start: min(start, len(s)), end: len(s)})
	case jsonNum:
		out = append(out, jsonToken{start: start, end: len(s), num: true, whole: here && final})
	}
	return out, st
}

func isNumByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

// escapeEnd returns the end of the escape starting at i in a string of s.
func escapeEnd(s string, i int) int {
	n := 2
	if i+1 < len(s) && s[i+1] == 'u' {
		n = 6
	}
	return min(i+n, len(s))
}

// jsonCut moves cut, a place to split the JSON text s (which starts
// between escapes), back to the start of an escape it would cut in two.
func jsonCut(s string, cut int) int {
	for i := 0; i < cut; {
		j := strings.IndexByte(s[i:cut], '\\')
		if j < 0 {
			break
		}
		i += j
		e := escapeEnd(s, i)
		if e > cut {
			return i
		}
		i = e
	}
	return cut
}

// jsonView returns s, canonical JSON text, with the escapes that are left
// masked at the same length, so the detectors see a separator where the
// value has one: \n and \r as two line breaks, \t as two tabs, \" as two
// quotes, \\ as it is, the others as spaces. Offsets in the view are
// offsets in s.
func jsonView(s string) string {
	i := strings.IndexByte(s, '\\')
	if i < 0 {
		return s
	}
	b := []byte(s)
	for i < len(b) {
		if b[i] != '\\' {
			i++
			continue
		}
		e := escapeEnd(s, i)
		var c byte = ' '
		switch s[min(i+1, len(s)-1)] {
		case 'n', 'r':
			c = '\n'
		case 't':
			c = '\t'
		case '"':
			c = '"'
		case '\\':
			c = '\\'
		}
		for k := i; k < e; k++ {
			b[k] = c
		}
		i = e
	}
	return string(b)
}

// unescapeView returns s, canonical JSON text, with its escapes replaced
// by the characters they stand for (a lone surrogate by U+FFFD): what the
// leak check reads, which needs no offsets.
func unescapeView(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '\\')
		if j < 0 {
			b = append(b, s[i:]...)
			break
		}
		b = append(b, s[i:i+j]...)
		i += j
		size, r, ok := escape(s[i:])
		if !ok {
			b = append(b, s[i:]...)
			break
		}
		if r < 0 {
			r = utf8.RuneError
		}
		b = utf8.AppendRune(b, r)
		i += size
	}
	return string(b)
}

// jsonMatch is a range of a chunk of JSON text that a detector found, and
// the marker that replaces it.
type jsonMatch struct {
	start, end int
	marker     string
}

// redactJSON replaces each match in s, a chunk of JSON text that starts in
// state st, with its marker, keeping the text valid JSON: in a string (a
// value or a key) the part of the match within it becomes the marker's
// text, widened to whole escapes; a number the match touches becomes the
// marker as a string. Structure between tokens stays. A number that runs
// past the end of s (when not final) is left, as it cannot be replaced
// whole. ms are in order of start.
func redactJSON(s string, st jsonState, final bool, ms []jsonMatch) string {
	var buf [64]jsonToken
	toks, _ := jsonTokens(s, st, final, buf[:0])
	var b []byte
	at := 0 // end of the last replacement
	for _, m := range ms {
		for _, t := range toks {
			if t.end <= m.start || t.start >= m.end || t.start == t.end {
				continue
			}
			x, y := t.start, t.end
			if !t.num {
				x, y = max(m.start, t.start), min(m.end, t.end)
				for i := t.start; i < y; {
					k := strings.IndexByte(s[i:y], '\\')
					if k < 0 {
						break
					}
					i += k
					e := escapeEnd(s, i)
					if x > i && x < e {
						x = i
					}
					if y > i && y < e {
						y = e
					}
					i = e
				}
			} else if !t.whole {
				continue
			}
			if x < at {
				continue // overlaps the replacement before
			}
			if b == nil {
				b = make([]byte, 0, len(s)+16)
			}
			b = append(b, s[at:x]...)
			if t.num {
				b = append(b, '"')
			}
			b = appendJSONString(b, m.marker)
			if t.num {
				b = append(b, '"')
			}
			at = y
		}
	}
	if b == nil {
		return s
	}
	return string(append(b, s[at:]...))
}

// Texts of the request that are JSON documents (tool-call arguments
// written as JSON text, a tool's result, JSON a user pasted) get the same
// care on the way in: after canonJSONTexts, the input checks read them
// through jsonView and replace what they find with redactJSON, so the
// arguments the provider receives are still valid JSON.

// mayBeJSON reports whether t may be a JSON document to check as one: a
// string of the body whose value, spaces aside, starts with '{' and ends
// with '}', or starts with '[' and ends with ']'. It is the cheap test;
// the checks parse the text (isJSONDoc) only when they have something to
// replace in it.
func mayBeJSON(t *gateway.Text) bool {
	if t.Number {
		return false
	}
	s := strings.Trim(t.Value, " \t\r\n")
	return len(s) >= 2 && (s[0] == '{' && s[len(s)-1] == '}' || s[0] == '[' && s[len(s)-1] == ']')
}

// applyPIIJSON is [pii.Redactor.Apply] for s, a text that may be a JSON
// document (see mayBeJSON) with canonical escapes. The detectors read
// jsonView(s), so an escape neither hides a value nor glues it to a word
// ("x\n4111…"), and each replacement goes in through redactJSON, so the
// result is valid JSON: a number that is a card number becomes the marker
// as a string. A number in exponent form is checked by the digits of its
// integer value (see expNumbers). Text that is not JSON after all gets
// Apply as it is.
//
// One pass finds and replaces: [pii.Redactor.ApplyEdits] on the view
// issues the pseudonyms, counts the entities and says where each
// replacement goes. Should the redactor have replaced more in a re-scan of
// its output (then it returns no edits), every entity found is redacted as
// "[TYPE]". When that happened, or when the document came out other than
// the re-scanned view but for quotes (a number in exponent form replaced,
// an escape swallowed), whatever a detector still finds is redacted too,
// up to a few rounds, before the document is given up for the JSON string
// "[REDACTED]": valid JSON, and nothing leaks.
func applyPIIJSON(r *pii.Redactor, d *pii.Detector, s string, pol pii.Policy) (string, pii.Report) {
	view := jsonView(s)
	out, edits, rep := r.ApplyEdits(view, pol)
	exp := mayHaveExpNumber(s)
	if out == view && !exp {
		return s, rep
	}
	if !isJSONDoc(s) {
		switch {
		case out == view:
			return s, rep
		case view == s:
			return out, rep
		}
		return r.Apply(s, pol)
	}
	rescanned := edits == nil && out != view
	var ms []jsonMatch
	if rescanned {
		ms = typeMarkers(d.Find(view), pol, nil)
	} else {
		ms = make([]jsonMatch, len(edits))
		for i, e := range edits {
			ms[i] = jsonMatch{start: e.Start, end: e.End, marker: e.New}
		}
	}
	n := len(ms)
	if exp {
		ms, rep = expNumbers(r, s, pol, ms, rep)
	}
	s = redactJSON(s, jsonOut, true, ms)
	if !rescanned && len(ms) == n && len(s) >= len(out) {
		// ApplyEdits re-scanned out; the document differs from it only by
		// quotes around numbers it replaced, which move nothing closer.
		return s, rep
	}
	// Replacements the re-scan did not see (numbers in exponent form,
	// escapes a replacement swallowed) may have brought a cue within reach
	// of a value: look again.
	for range 4 {
		if ms = typeMarkers(d.Find(jsonView(s)), pol, ms[:0]); len(ms) == 0 {
			return s, rep
		}
		s = redactJSON(s, jsonOut, true, ms)
	}
	return `"[REDACTED]"`, rep
}

// typeMarkers appends a "[TYPE]" match for each entity pol does not allow.
func typeMarkers(ents []pii.Entity, pol pii.Policy, ms []jsonMatch) []jsonMatch {
	for _, e := range ents {
		if pol.For(e.Type) != pii.Allow {
			ms = append(ms, jsonMatch{start: e.Start, end: e.End, marker: "[" + string(e.Type) + "]"})
		}
	}
	return ms
}
