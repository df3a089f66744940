package pii

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Action says what a Redactor does with one entity type.
type Action string

const (
	Redact       Action = "redact"       // replace with [TYPE]
	Mask         Action = "mask"         // star the value; number types keep their last four digits
	Pseudonymize Action = "pseudonymize" // replace with <TYPE_n>, restorable through the Vault
	Block        Action = "block"        // redact, and report the request as blocked
	Allow        Action = "allow"        // leave as is (still counted)
)

// ParseAction parses an action name. "pseudonymise" is accepted too.
func ParseAction(s string) (Action, error) {
	switch a := Action(strings.ToLower(strings.TrimSpace(s))); a {
	case Redact, Mask, Pseudonymize, Block, Allow:
		return a, nil
	case "pseudonymise":
		return Pseudonymize, nil
	}
	return "", fmt.Errorf("pii: unknown action %q", s)
}

// Policy maps entity types to actions. The zero Policy redacts everything.
type Policy struct {
	Default Action          // for types not in Types; empty means Redact
	Types   map[Type]Action // per-type overrides
}

// ParsePolicy builds a Policy from configuration such as
// {"default": "redact", "EMAIL": "pseudonymize", "CREDIT_CARD": "block"}.
// It reports every unknown type or action.
func ParsePolicy(m map[string]string) (Policy, error) {
	p := Policy{Types: map[Type]Action{}}
	var errs []string
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		a, err := ParseAction(m[k])
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: unknown action %q", k, m[k]))
			continue
		}
		if strings.EqualFold(k, "default") {
			p.Default = a
			continue
		}
		t := Type(strings.ToUpper(k))
		if t.index() < 0 {
			errs = append(errs, fmt.Sprintf("%s: unknown type", k))
			continue
		}
		p.Types[t] = a
	}
	if len(errs) > 0 {
		return Policy{}, fmt.Errorf("pii: policy: %s", strings.Join(errs, "; "))
	}
	return p, nil
}

// For returns the action for t.
func (p Policy) For(t Type) Action {
	if a, ok := p.Types[t]; ok && a != "" {
		return a
	}
	if p.Default == "" {
		return Redact
	}
	return p.Default
}

// Report summarises one Apply call. It never holds the matched values.
type Report struct {
	Counts  map[Type]int // entities found per type, whatever the action
	Blocked []Type       // types found whose action is Block, sorted; empty if none
}

// IsBlocked reports whether the policy asks for the text to be refused.
func (r Report) IsBlocked() bool { return len(r.Blocked) > 0 }

// Total is the number of entities found.
func (r Report) Total() int {
	n := 0
	for _, c := range r.Counts {
		n += c
	}
	return n
}

// Redactor applies policies to the texts of one request. Placeholders are
// stable across all Apply calls of one Redactor: the same value of the same
// type gets the same <TYPE_n>. Create one per request; a Redactor is safe for
// concurrent use, but sharing one across requests would share pseudonyms.
type Redactor struct {
	d     *Detector
	vault *Vault
}

// NewRedactor returns a Redactor using d (nil means the zero Detector) and a
// fresh Vault.
func NewRedactor(d *Detector) *Redactor {
	return &Redactor{d: d, vault: &Vault{}}
}

// Vault returns the request's placeholder mapping.
func (r *Redactor) Vault() *Vault { return r.vault }

// maxRounds bounds the re-scans that make Apply's output free of matches.
const maxRounds = 4

// Apply returns text with every entity replaced as p says, and a report.
// Entities of blocked types are redacted as well, so output is safe to
// forward even if the caller misses Report.Blocked.
//
// The output is re-scanned: if replacing entities made new matches appear
// (rare: pieces on either side joining up), they are replaced too, so no
// detector match of a non-allowed type survives, and applying the same
// policy again changes nothing.
func (r *Redactor) Apply(text string, p Policy) (string, Report) {
	out, _, rep := r.apply(text, p, false)
	return out, rep
}

// Edit is one replacement made by [Redactor.ApplyEdits]: text[Start:End],
// an entity of Type, became New.
type Edit struct {
	Type       Type
	Start, End int    // byte offsets of the entity in the text
	New        string // its replacement: "[TYPE]", a pseudonym "<TYPE_n>", or the value masked
}

// ApplyEdits is [Redactor.Apply] that also says where the replacements
// went, for a caller that must write them into another form of the text
// (JSON text whose escapes the text masked, say) without finding the
// entities a second time. The edits are in order, do not overlap, and
// turn text into out: out is text with each edit's span replaced by its
// New. Entities p allows are counted in rep but make no edit.
//
// When the re-scan of the output found new matches and replaced them too
// (see Apply), out is no longer text with entity-wise replacements:
// ApplyEdits then returns edits nil with an out that differs from text, and
// the caller has to fall back on out, or on finding the entities itself.
func (r *Redactor) ApplyEdits(text string, p Policy) (out string, edits []Edit, rep Report) {
	return r.apply(text, p, true)
}

// apply is Apply, recording the first round's replacements when edits.
func (r *Redactor) apply(text string, p Policy, edits bool) (string, []Edit, Report) {
	rep := Report{Counts: map[Type]int{}}
	s := getScanner()
	defer putScanner(s)
	out := text
	var (
		ed    []Edit
		newAt []int // where each edit's New starts and ends in the first round's output
	)
	for round := 0; round < maxRounds; round++ {
		ents := r.d.find(s, out)
		changed := false
		var b strings.Builder
		last := 0
		for _, e := range ents {
			a := p.For(e.Type)
			if round == 0 {
				rep.Counts[e.Type]++
				if a == Block && !slices.Contains(rep.Blocked, e.Type) {
					rep.Blocked = append(rep.Blocked, e.Type)
				}
			}
			if a == Allow {
				continue
			}
			if !changed {
				b.Grow(len(out))
				changed = true
			}
			b.WriteString(out[last:e.Start])
			at := b.Len()
			r.replace(&b, e.Type, out[e.Start:e.End], a)
			if edits && round == 0 {
				ed = append(ed, Edit{Type: e.Type, Start: e.Start, End: e.End})
				newAt = append(newAt, at, b.Len()) // New is cut from out once built
			}
			last = e.End
		}
		if !changed {
			break
		}
		b.WriteString(out[last:])
		out = b.String()
		if round == 0 {
			for k := range ed {
				ed[k].New = out[newAt[2*k]:newAt[2*k+1]]
			}
		} else {
			ed = nil // see ApplyEdits
		}
		if round == maxRounds-1 {
			// Still changing after maxRounds: give up on structure and
			// redact the whole text rather than risk a leak.
			if ents := r.d.find(s, out); slices.ContainsFunc(ents, func(e Entity) bool { return p.For(e.Type) != Allow }) {
				out = "[REDACTED]"
			}
		}
	}
	slices.Sort(rep.Blocked)
	return out, ed, rep
}

// replace writes to b what action a puts in place of v, an entity of
// type t.
func (r *Redactor) replace(b *strings.Builder, t Type, v string, a Action) {
	switch a {
	case Mask:
		appendMask(b, v, t.keepsTail())
	case Pseudonymize:
		b.WriteString(r.vault.pseudonym(t, v))
	default: // Redact, Block, and anything unknown: fail closed
		b.WriteByte('[')
		b.WriteString(string(t))
		b.WriteByte(']')
	}
}

// keepsTail reports types whose last four characters are customarily shown
// (card, account, phone and ID numbers). For names, places, addresses,
// e-mail addresses, IP addresses and dates the tail identifies too much
// ("**** Berg"), so Mask stars them entirely.
func (t Type) keepsTail() bool {
	switch t {
	case CreditCard, IBAN, Phone, USSSN, UKNINO, SGNRIC, THID, VNCCCD, INAadhaar, BRCPF:
		return true
	}
	return false
}

// mask stars every letter, digit and non-ASCII character of v, except the
// last four letters or digits when tail is set; ASCII punctuation and
// spaces stay, so the format remains readable. Values with fewer than
// eight letters or digits are starred entirely.
func mask(v string, tail bool) string {
	var b strings.Builder
	b.Grow(len(v))
	appendMask(&b, v, tail)
	return b.String()
}

// appendMask writes mask(v, tail) to b.
func appendMask(b *strings.Builder, v string, tail bool) {
	n := 0
	for i := 0; i < len(v); i++ {
		if isAlnum(v[i]) {
			n++
		}
	}
	keep := 4
	if n < 8 || !tail {
		keep = 0
	}
	seen := 0
	for _, c := range v {
		switch {
		case c < utf8.RuneSelf && isAlnum(byte(c)):
			seen++
			if seen > n-keep {
				b.WriteRune(c)
			} else {
				b.WriteByte('*')
			}
		case c < utf8.RuneSelf:
			b.WriteRune(c)
		default:
			b.WriteByte('*')
		}
	}
}
