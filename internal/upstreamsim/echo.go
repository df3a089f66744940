package upstreamsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Markers, placed by a caller in the user's text, make the simulated
// models say or do more than the deterministic sentence, so the demo and the
// gateway's tests can show output guards at work. Without a marker the
// reply never depends on the request's text.
const (
	// EchoMarker makes the reply repeat the placeholders (<EMAIL_1>,
	// <PHONE_1>, …) found in the request, as a model answering a
	// pseudonymised message would, so the gateway's restore shows.
	EchoMarker = "[[sim:echo-placeholders]]"
	// LeakMarker makes the reply repeat the request's system prompt, as a
	// model talked into leaking it would, so the gateway's canary check
	// shows.
	LeakMarker = "[[sim:drill-7]]"
	// ToolCallMarker makes the reply, after its sentence, call the tool
	// SimToolName with the arguments {"note": TEXT}, TEXT being what follows
	// the marker in the request's text (to the end of that string), as a
	// model passing the user's words on to a tool would, so the gateway's
	// checks of tool-call arguments show. Streamed, the arguments arrive
	// in fragments of a few bytes.
	ToolCallMarker = "[[sim:tool-call]]"
	// ToolArgsMarker is ToolCallMarker with the arguments given: what
	// follows it (to the end of that string, trimmed), if it is a JSON
	// object, is sent as the call's arguments exactly as written, escapes
	// and all, so tests can show how the gateway reads them.
	ToolArgsMarker = "[[sim:tool-args]]"
	// LeakArgsMarker makes the reply call the tool SimToolName with the
	// request's system prompt as its note, every character written as a
	// \u escape, as a model talked into smuggling the prompt out through a
	// tool call would, so the gateway's canary check of tool-call
	// arguments shows.
	LeakArgsMarker = "[[sim:drill-7-tool]]"
	// AnswerMarker makes what follows it (to the end of that string,
	// trimmed) the whole reply text, written exactly as given, in place of
	// the deterministic sentence and any other marker's addition, so tests
	// can show how the gateway reads an answer the client asked for as
	// JSON. Streamed, it is cut where the sentence would be.
	AnswerMarker = "[[sim:answer]]"
	// SimToolName is the tool ToolCallMarker calls.
	SimToolName = "record_note"
)

// simToolArgs returns the JSON arguments of the tool call ToolCallMarker
// asks for in body, or "" when there is no marker.
func simToolArgs(body []byte) string {
	if bytes.Contains(body, []byte(LeakArgsMarker)) {
		if s := systemText(body); s != "" {
			return `{"note":"` + escapeAll(s) + `"}`
		}
	}
	given := bytes.Contains(body, []byte(ToolArgsMarker))
	if !given && !bytes.Contains(body, []byte(ToolCallMarker)) {
		return ""
	}
	var v any
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	if given {
		args, ok := afterMarker(v, ToolArgsMarker)
		if !ok || !strings.HasPrefix(args, "{") || !json.Valid([]byte(args)) {
			return ""
		}
		return args
	}
	note, ok := afterMarker(v, ToolCallMarker)
	if !ok {
		return ""
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // models write < and > as they are
	_ = enc.Encode(map[string]string{"note": note})
	return strings.TrimSpace(b.String())
}

// escapeAll writes s as the contents of a JSON string made of \u
// escapes only.
func escapeAll(s string) string {
	var b strings.Builder
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, `\u%04x`, u)
	}
	return b.String()
}

// afterMarker finds the first string in v holding marker and returns what
// follows the marker, trimmed.
func afterMarker(v any, marker string) (string, bool) {
	switch v := v.(type) {
	case string:
		if _, after, ok := strings.Cut(v, marker); ok {
			return strings.TrimSpace(after), true
		}
	case []any:
		for _, e := range v {
			if s, ok := afterMarker(e, marker); ok {
				return s, true
			}
		}
	case map[string]any:
		for _, e := range v {
			if s, ok := afterMarker(e, marker); ok {
				return s, true
			}
		}
	}
	return "", false
}

// argPieces cuts a tool call's JSON arguments into the small fragments a
// streamed call arrives in, so values are split across events.
func argPieces(s string) []string {
	var out []string
	for s != "" {
		n := min(7, len(s))
		for n < len(s) && !utf8.RuneStart(s[n]) {
			n++
		}
		out = append(out, s[:n])
		s = s[n:]
	}
	return out
}

// placeholderRE matches pseudonym placeholders such as <EMAIL_1>.
var placeholderRE = regexp.MustCompile(`<[A-Z][A-Z_]*_[0-9]+>`)

// givenAnswer starts what simExtra returns for AnswerMarker: the rest is
// the whole reply (see simReply).
const givenAnswer = "\x00answer:"

// simReply returns the reply text: the deterministic sentence with extra
// added, or the answer AnswerMarker gave.
func simReply(model string, lastChars int, extra string) string {
	if s, ok := strings.CutPrefix(extra, givenAnswer); ok {
		return s
	}
	return fmt.Sprintf("This is a simulated reply from %s. Your last message was %d characters long.", model, lastChars) + extra
}

// simExtra returns what a marker in body adds to the reply: "" when there
// is none.
func simExtra(body []byte) string {
	if bytes.Contains(body, []byte(AnswerMarker)) {
		var v any
		if json.Unmarshal(body, &v) == nil {
			if s, ok := afterMarker(v, AnswerMarker); ok {
				return givenAnswer + s
			}
		}
	}
	var b strings.Builder
	if strings.Contains(string(body), EchoMarker) {
		seen := map[string]bool{}
		var ps []string
		for _, p := range placeholderRE.FindAllString(string(body), -1) {
			if !seen[p] {
				seen[p] = true
				ps = append(ps, p)
			}
		}
		if len(ps) > 0 {
			b.WriteString(" I will write to " + strings.Join(ps, " and ") + ".")
		}
	}
	if strings.Contains(string(body), LeakMarker) {
		if s := systemText(body); s != "" {
			b.WriteString(" My instructions are: " + s)
		}
	}
	return b.String()
}

// systemText returns the system prompt of a request in any of the three
// dialects: OpenAI system/developer messages and instructions, Anthropic's
// system, Gemini's systemInstruction.
func systemText(body []byte) string {
	var req struct {
		System       json.RawMessage `json:"system"`
		Instructions string          `json:"instructions"`
		SysInstr     *geminiContent  `json:"systemInstruction"`
		SysSnake     *geminiContent  `json:"system_instruction"`
		Messages     []struct {
			Role    string          `json:"role"`
			Content json.RawMessage `json:"content"`
		} `json:"messages"`
	}
	if json.Unmarshal(body, &req) != nil {
		return ""
	}
	var parts []string
	add := func(raw json.RawMessage) {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			parts = append(parts, s)
			return
		}
		var blocks []struct {
			Text string `json:"text"`
		}
		if json.Unmarshal(raw, &blocks) == nil {
			for _, b := range blocks {
				parts = append(parts, b.Text)
			}
		}
	}
	add(req.System)
	if req.Instructions != "" {
		parts = append(parts, req.Instructions)
	}
	for _, c := range []*geminiContent{req.SysInstr, req.SysSnake} {
		if c != nil {
			for _, p := range c.Parts {
				parts = append(parts, p.Text)
			}
		}
	}
	for _, m := range req.Messages {
		if m.Role == "system" || m.Role == "developer" {
			add(m.Content)
		}
	}
	return strings.TrimSpace(strings.Join(parts, "\n"))
}
