package guard

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/pii"
	"github.com/aigate-dev/aigate/secretscan"
)

// output is a policy's [gateway.OutputGuard] for one response. Per choice,
// each piece of text goes through three stages (the arguments of tool calls
// too, which the adapters hand over as text of their own choice keys):
//
//  1. leak check: the canary, or a long verbatim run of the pinned prompt,
//     in the text so far refuses the rest of the answer;
//  2. scan: personal data and secrets the model wrote are flagged or
//     redacted; the trailing token is held back until the next piece, so a
//     value cut in two is still seen whole;
//  3. restore: pseudonyms issued for the request are put back, a
//     placeholder cut in two being held back by a pii.Restorer.
//
// Stages that have nothing to do are skipped.
//
// Tool-call arguments handed over as JSON text (under a [gateway.ToolArgs]
// key) are first canonicalised (see canonJSON), so that no stage is fooled
// by a value spelt with escapes, and the escape the piece ends in waits for
// the next; the detectors read them through jsonView, and redaction keeps
// them valid JSON (see redactJSON).
type output struct {
	p       *Policy
	req     *gateway.Request
	vault   *pii.Vault // nil when no pseudonym was issued
	scan    bool
	choices map[int]*choiceState
	// key is the member key of the whole value Field is checking, the
	// context its personal data is found in; empty otherwise.
	key string
}

type choiceState struct {
	tail     []byte // folded end of the text so far, for the leak check
	prev     string // raw end of the text so far, for the canary
	carry    string // text held back by the scan stage
	restorer *pii.Restorer
	// For tool-call arguments as JSON text:
	esc string    // an escape cut short at the end of the last piece
	ph  string    // a placeholder perhaps cut short, held by restoreArgs
	lex jsonState // where the text held back by the scan stage starts
	ctx string    // the end of the view scanned last (see scanArgs)
}

// newOutput returns the output guard for req, or nil when p has nothing to
// check on the way out.
func (p *Policy) newOutput(req *gateway.Request, vault *pii.Vault) *output {
	o := &output{p: p, req: req, vault: vault, scan: p.outPII != ActionOff || p.outSecrets != ActionOff}
	if p.canary == "" && p.leak == nil && vault == nil && !o.scan {
		return nil
	}
	o.choices = map[int]*choiceState{}
	return o
}

func (o *output) state(choice int) *choiceState {
	st := o.choices[choice]
	if st == nil {
		st = &choiceState{}
		if o.vault != nil && !gateway.IsToolArgs(choice) { // see restoreArgs
			st.restorer = o.vault.NewRestorer()
		}
		o.choices[choice] = st
	}
	return st
}

// errLeak is the refusal for an answer that gives the pinned prompt away.
var errLeak = &gateway.Error{
	Code:    gateway.CodeUpstream,
	Message: "the model's answer was withheld because it disclosed the gateway's pinned system prompt; rephrase the request",
}

// Text implements gateway.OutputGuard.
func (o *output) Text(choice int, piece string) (string, error) {
	st := o.state(choice)
	args := gateway.IsToolArgs(choice)
	leak := piece
	if args {
		piece = st.canon(piece, false)
		leak = unescapeView(piece)
	}
	if err := o.checkLeak(st, leak); err != nil {
		return "", err
	}
	emit := piece
	if o.scan {
		buf := st.carry + piece
		cut := holdBack(buf)
		if args {
			cut = jsonCut(buf, cut)
			emit = o.scanArgs(st, buf[:cut], false)
		} else {
			emit = o.scanOutput(buf[:cut])
		}
		st.carry = buf[cut:]
	}
	if args && o.vault != nil {
		emit = st.restoreArgs(o.vault, emit, false)
	} else if st.restorer != nil {
		emit = st.restorer.Next(emit)
	}
	return emit, nil
}

// Field implements gateway.FieldGuard: Text and Flush for value, with
// personal data found as in the value of a member named key (bare digits
// under "phone" are a phone number).
func (o *output) Field(choice int, key, value string) (string, error) {
	o.key = key
	defer func() { o.key = "" }()
	s, err := o.Text(choice, value)
	if err != nil {
		return "", err
	}
	rest, err := o.Flush(choice)
	return s + rest, err
}

// Flush implements gateway.OutputGuard. The choice starts afresh after it.
func (o *output) Flush(choice int) (string, error) {
	st, ok := o.choices[choice]
	if !ok {
		return "", nil
	}
	delete(o.choices, choice)
	emit := st.carry
	if gateway.IsToolArgs(choice) {
		tail := st.canon("", true)
		if err := o.checkLeak(st, unescapeView(tail)); err != nil {
			return "", err
		}
		emit += tail
		if o.scan && emit != "" {
			emit = o.scanArgs(st, emit, true)
		}
	} else if o.scan && emit != "" {
		emit = o.scanOutput(emit)
	}
	if gateway.IsToolArgs(choice) && o.vault != nil {
		emit = st.restoreArgs(o.vault, emit, true)
	} else if st.restorer != nil {
		emit = st.restorer.Next(emit) + st.restorer.Close()
	}
	return emit, nil
}

// checkLeak looks for the canary and for a verbatim run of the pinned
// prompt, across the boundary with the text before.
func (o *output) checkLeak(st *choiceState, piece string) error {
	p := o.p
	if c := p.canary; c != "" {
		s := st.prev + piece
		if strings.Contains(s, c) {
			o.req.AddFinding(gateway.Finding{Guard: "canary", Rule: "canary", Action: "block", Count: 1})
			return errLeak
		}
		if len(s) >= len(c) {
			s = s[len(s)-len(c)+1:]
		}
		st.prev = s
	}
	if p.leak != nil {
		hit, tail := p.leak.scan(st.tail, piece)
		st.tail = tail
		if hit {
			o.req.AddFinding(gateway.Finding{Guard: "canary", Rule: "verbatim_prompt", Action: "block", Count: 1})
			return errLeak
		}
	}
	return nil
}

// maxHoldBack bounds the text the scan stage holds back.
const maxHoldBack = 256

// holdBack returns where to cut s so that the trailing token, which the
// next piece may continue, waits: after the last space, line break or
// double quote (tool-call arguments are JSON, often without spaces), or
// before a trailing run of phone-like characters (digits, spaces, + - ( ) .).
func holdBack(s string) int {
	i := strings.LastIndexAny(s, " \n\t\"")
	cut := i + 1
	// Extend back over a phone-number-like run that spans spaces.
	j := len(s)
	for j > 0 && strings.IndexByte("0123456789 +-().", s[j-1]) >= 0 {
		j--
	}
	if j < len(s) && strings.ContainsAny(s[j:], "0123456789") && j < cut {
		cut = j
	}
	if len(s)-cut > maxHoldBack {
		cut = len(s) - maxHoldBack
		for cut < len(s) && !utf8.RuneStart(s[cut]) {
			cut++
		}
	}
	return cut
}

// canon returns piece, the next piece of tool-call arguments, canonical
// (see canonJSON), holding back an escape it ends in unless final.
func (st *choiceState) canon(piece string, final bool) string {
	s := st.esc + piece
	if strings.IndexByte(s, '\\') < 0 {
		st.esc = ""
		return s
	}
	b, n := canonJSON(make([]byte, 0, len(s)), s, final)
	st.esc = s[n:]
	return string(b)
}

// maxPlaceholder bounds a pseudonym placeholder such as <EMAIL_1>.
const maxPlaceholder = 48

// restoreArgs puts back the pseudonyms in s, the next chunk of tool-call
// arguments as JSON text: each value is written as a JSON string's
// contents, so one holding a quote or a line break keeps the arguments
// valid. A trailing '<' that could still grow into a placeholder waits
// for the next chunk, unless final.
func (st *choiceState) restoreArgs(v *pii.Vault, s string, final bool) string {
	s, st.ph = st.ph+s, ""
	var b []byte
	at := 0
	for i := 0; ; {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			break
		}
		j += i
		k := j + 1
		for k < len(s) && k-j < maxPlaceholder && (s[k] >= 'A' && s[k] <= 'Z' || s[k] >= '0' && s[k] <= '9' || s[k] == '_') {
			k++
		}
		if k == len(s) && !final && k-j < maxPlaceholder {
			st.ph = s[j:]
			s = s[:j]
			break
		}
		i = j + 1
		if k < len(s) && s[k] == '>' {
			if val, ok := v.Lookup(s[j : k+1]); ok {
				b = append(b, s[at:j]...)
				b = appendJSONString(b, val)
				at, i = k+1, k+1
			}
		}
	}
	if b == nil {
		return s
	}
	return string(append(b, s[at:]...))
}

// maxArgsContext bounds the end of the arguments scanned so far that
// scanArgs reads again, as context, before the next chunk: enough for a
// member's key before its value, and for the cue words of prose.
const maxArgsContext = 64

// scanArgs is scanOutput for s, the next chunk of tool-call arguments as
// canonical JSON text: the detectors read it through jsonView, after the
// end of the chunk before (a member's key is there when its value starts
// the chunk: the scan stage cuts after a quote), and redaction keeps it
// valid JSON. A number in exponent form is checked by its integer digits
// (see intDigits). final says no text follows.
func (o *output) scanArgs(st *choiceState, s string, final bool) string {
	start := st.lex
	var toks [16]jsonToken
	tk, lex := jsonTokens(s, start, final, toks[:0])
	st.lex = lex
	if s == "" {
		return s
	}
	p := o.p
	view := jsonView(s)
	if p.outSecrets != ActionOff {
		if ms := p.scanner.ScanString(view); len(ms) > 0 {
			jm := make([]jsonMatch, len(ms))
			for i, m := range ms {
				o.req.AddFinding(gateway.Finding{Guard: "output_secrets", Rule: m.RuleID, Action: string(p.outSecrets), Count: 1})
				jm[i] = jsonMatch{m.Start, m.End, "[REDACTED " + m.RuleID + " " + secretscan.Mask([]byte(view[m.Start:m.End])) + "]"}
			}
			if p.outSecrets == ActionRedact {
				s = redactJSON(s, start, final, jm)
				view = jsonView(s)
				tk, _ = jsonTokens(s, start, final, toks[:0])
			}
		}
	}
	ctx := st.ctx
	if p.outPII != ActionOff {
		var jm []jsonMatch
		for _, e := range p.outFind.Find(ctx + view) {
			if e.End <= len(ctx) {
				continue // scanned with the chunk before
			}
			// A value the chunk before began (its start was let through
			// unseen) is redacted from where this chunk starts.
			jm = append(jm, jsonMatch{max(e.Start-len(ctx), 0), e.End - len(ctx), "[" + string(e.Type) + "]"})
		}
		for _, t := range tk {
			if !t.num || !t.whole || !isExpNumber(s[t.start:t.end]) {
				continue
			}
			if slices.ContainsFunc(jm, func(m jsonMatch) bool { return m.start < t.end && m.end > t.start }) {
				continue
			}
			if ds, ok := intDigits(s[t.start:t.end]); ok {
				if es := p.outFind.FindField(jsonMemberKey(ctx+view, len(ctx)+t.start), ds); len(es) > 0 {
					jm = append(jm, jsonMatch{t.start, t.end, "[" + string(es[0].Type) + "]"})
				}
			}
		}
		slices.SortStableFunc(jm, func(a, b jsonMatch) int { return a.start - b.start })
		for _, m := range jm {
			o.req.AddFinding(gateway.Finding{Guard: "output_pii", Rule: strings.Trim(m.marker, "[]"), Action: string(p.outPII), Count: 1})
		}
		if len(jm) > 0 && p.outPII == ActionRedact {
			s = redactJSON(s, start, final, jm)
			view = jsonView(s)
		}
		st.ctx = argsContext(ctx, view)
	}
	return s
}

// argsContext returns the last maxArgsContext bytes of ctx+view, cut at
// the start of a character.
func argsContext(ctx, view string) string {
	if len(view) >= maxArgsContext {
		ctx, view = "", view[len(view)-maxArgsContext:]
	} else if n := len(ctx) + len(view) - maxArgsContext; n > 0 {
		ctx = ctx[n:]
	}
	c := ctx + view
	for c != "" && !utf8.RuneStart(c[0]) {
		c = c[1:]
	}
	return c
}

// scanOutput flags or redacts personal data and secrets in s.
func (o *output) scanOutput(s string) string {
	if s == "" {
		return s
	}
	p := o.p
	if p.outSecrets != ActionOff {
		if ms := p.scanner.ScanString(s); len(ms) > 0 {
			var b strings.Builder
			at := 0
			for _, m := range ms {
				o.req.AddFinding(gateway.Finding{Guard: "output_secrets", Rule: m.RuleID, Action: string(p.outSecrets), Count: 1})
				b.WriteString(s[at:m.Start])
				b.WriteString("[REDACTED " + m.RuleID + " " + secretscan.Mask([]byte(s[m.Start:m.End])) + "]")
				at = m.End
			}
			if p.outSecrets == ActionRedact {
				b.WriteString(s[at:])
				s = b.String()
			}
		}
	}
	if p.outPII != ActionOff {
		es := p.outFind.FindField(o.key, s)
		if len(es) == 0 && isExpNumber(s) {
			// A number of a tool call's argument object, written in
			// exponent form: checked by its integer digits, replaced whole.
			if ds, ok := intDigits(s); ok {
				if es = p.outFind.FindField(o.key, ds); len(es) > 0 {
					es = []pii.Entity{{Type: es[0].Type, Start: 0, End: len(s)}}
				}
			}
		}
		if len(es) > 0 {
			var b strings.Builder
			at := 0
			for _, e := range es {
				o.req.AddFinding(gateway.Finding{Guard: "output_pii", Rule: string(e.Type), Action: string(p.outPII), Count: 1})
				b.WriteString(s[at:e.Start])
				b.WriteString("[" + string(e.Type) + "]")
				at = e.End
			}
			if p.outPII == ActionRedact {
				b.WriteString(s[at:])
				s = b.String()
			}
		}
	}
	return s
}

var (
	_ gateway.OutputGuard = (*output)(nil)
	_ gateway.FieldGuard  = (*output)(nil)
)
