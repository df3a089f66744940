package guard

import (
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

// scanArgs is scanOutput for s, the next chunk of tool-call arguments as
// canonical JSON text: the detectors read it through jsonView, and
// redaction keeps it valid JSON. final says no text follows.
func (o *output) scanArgs(st *choiceState, s string, final bool) string {
	start := st.lex
	var toks [16]jsonToken
	_, st.lex = jsonTokens(s, start, final, toks[:0])
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
			}
		}
	}
	if p.outPII != ActionOff {
		if es := p.outFind.Find(view); len(es) > 0 {
			jm := make([]jsonMatch, len(es))
			for i, e := range es {
				o.req.AddFinding(gateway.Finding{Guard: "output_pii", Rule: string(e.Type), Action: string(p.outPII), Count: 1})
				jm[i] = jsonMatch{e.Start, e.End, "[" + string(e.Type) + "]"}
			}
			if p.outPII == ActionRedact {
				s = redactJSON(s, start, final, jm)
			}
		}
	}
	return s
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
		if es := p.outFind.Find(s); len(es) > 0 {
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

var _ gateway.OutputGuard = (*output)(nil)
