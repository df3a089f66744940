package guard

import (
	"strings"
)

// Chat templates mark turns with special strings. A model may read one in
// user text as the start of a new turn, such as a system turn the user
// wrote, so they are rewritten into plain words the template does not know:
//
//	<|im_start|>, <|system|>, <|begin_of_text|>, <|eot_id|> … → (im_start), (system), …
//	[INST] [/INST] <<SYS>> <</SYS>>                           → (INST) (/INST) (SYS) (/SYS)
//	<start_of_turn> <end_of_turn>                             → (start_of_turn) (end_of_turn)
//	"\n\nHuman:" "\n\nAssistant:" "\n\nSystem:"               → "\n\n(Human):" …
//	"### System:" "### Instruction:" "### Response:" …        → "(System):" …
//
// Matching ignores ASCII case. Text without '<', '[' or '#', or a blank
// line, is returned as is after one vectorised search per trigger byte.

// neutralizeMarkers returns s with chat-template role markers rewritten and
// how many it rewrote.
func neutralizeMarkers(s string) (string, int) {
	// next[k] is the next offset of trigger byte k (-1: none left), each
	// found with the vectorised strings.IndexByte.
	const triggers = "<[#\n"
	var next [len(triggers)]int
	find := func(k, from int) {
		next[k] = -1
		if j := strings.IndexByte(s[from:], triggers[k]); j >= 0 {
			next[k] = from + j
		}
	}
	for k := range next {
		find(k, 0)
	}
	if next[0] < 0 && next[1] < 0 && next[2] < 0 && (next[3] < 0 || !strings.Contains(s[next[3]:], "\n\n")) {
		return s, 0 // nothing a marker starts with
	}
	var (
		b    strings.Builder
		n    int
		last int
	)
	for {
		i := -1
		for _, j := range next {
			if j >= 0 && (i < 0 || j < i) {
				i = j
			}
		}
		if i < 0 {
			break
		}
		end, repl := marker(s, i)
		from := i + 1
		if end >= 0 {
			if n == 0 {
				b.Grow(len(s) + 8)
			}
			b.WriteString(s[last:i])
			b.WriteString(repl)
			last = end
			n++
			from = end
		}
		for k, j := range next {
			if j >= 0 && j < from {
				find(k, from)
			}
		}
	}
	if n == 0 {
		return s, 0
	}
	b.WriteString(s[last:])
	return b.String(), n
}

// fixedMarkers are the markers without a variable part.
var fixedMarkers = []struct{ marker, repl string }{
	{"[inst]", "(INST)"},
	{"[/inst]", "(/INST)"},
	{"<<sys>>", "(SYS)"},
	{"<</sys>>", "(/SYS)"},
	{"<start_of_turn>", "(start_of_turn)"},
	{"<end_of_turn>", "(end_of_turn)"},
}

// turnNames are the speaker names of "\n\nName:" and "### Name:" markers.
var turnNames = []string{"human", "assistant", "system", "user", "instruction", "response", "input"}

// marker reports the end of a marker starting at s[i] and its replacement,
// or -1.
func marker(s string, i int) (int, string) {
	rest := s[i:]
	switch s[i] {
	case '<':
		if strings.HasPrefix(rest, "<|") {
			// <|name|> with a name of letters, digits and underscores.
			j := 2
			for j < len(rest) && j < 40 && (isWord(rest[j])) {
				j++
			}
			if j > 2 && strings.HasPrefix(rest[j:], "|>") {
				return i + j + 2, "(" + rest[2:j] + ")"
			}
			return -1, ""
		}
	case '\n':
		if !strings.HasPrefix(rest, "\n\n") {
			return -1, ""
		}
		if end, name := turnName(rest[2:]); end > 0 {
			return i + 2 + end, "\n\n(" + name + "):"
		}
		return -1, ""
	case '#':
		if !strings.HasPrefix(rest, "### ") {
			return -1, ""
		}
		if end, name := turnName(rest[4:]); end > 0 {
			return i + 4 + end, "(" + name + "):"
		}
		return -1, ""
	}
	for _, m := range fixedMarkers {
		if len(rest) >= len(m.marker) && strings.EqualFold(rest[:len(m.marker)], m.marker) {
			return i + len(m.marker), m.repl
		}
	}
	return -1, ""
}

// turnName matches "Name:" at the start of s for a known speaker name and
// returns the length matched and the name as written.
func turnName(s string) (int, string) {
	for _, n := range turnNames {
		if len(s) > len(n) && strings.EqualFold(s[:len(n)], n) && s[len(n)] == ':' {
			return len(n) + 1, s[:len(n)]
		}
	}
	return 0, ""
}

func isWord(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
