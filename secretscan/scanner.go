package secretscan

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"unsafe"
)

// A Match is one secret found by [Scanner.Scan]. It holds no copy of the
// secret: data[Start:End] is the secret in the scanned input.
type Match struct {
	RuleID     string
	Start, End int
}

// A Scanner runs a fixed set of rules. It is immutable after [New] and safe
// for concurrent use.
type Scanner struct {
	rules []Rule
	// pair maps the two lowercased bytes a keyword starts with to an index
	// into groups, plus one; zero means no keyword starts with that pair.
	pair   []uint16
	bits   [1 << 10]uint64 // bit tri(kw[0], kw[1], kw[2]) is set for each keyword
	groups [][]keyword
}

type keyword struct {
	text []byte // lowercase
	rule int
}

var lower = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if 'A' <= i && i <= 'Z' {
			t[i] = byte(i) + 'a' - 'A'
		}
	}
	return t
}()

// New returns a Scanner for rules. It reports every rule that cannot work:
// no ID, a duplicate ID, no pattern, or a keyword that is not lowercase or
// shorter than three bytes.
func New(rules []Rule) (*Scanner, error) {
	s := &Scanner{rules: slices.Clone(rules), pair: make([]uint16, 1<<16)}
	var errs []error
	seen := map[string]bool{}
	for i := range s.rules {
		r := &s.rules[i]
		switch {
		case r.ID == "":
			errs = append(errs, fmt.Errorf("rule %d: no id", i))
		case seen[r.ID]:
			errs = append(errs, fmt.Errorf("rule %s: duplicate id", r.ID))
		}
		seen[r.ID] = true
		if r.Pattern == nil {
			errs = append(errs, fmt.Errorf("rule %s: no pattern", r.ID))
		}
		if len(r.Keywords) == 0 {
			errs = append(errs, fmt.Errorf("rule %s: no keywords", r.ID))
		}
		for _, kw := range r.Keywords {
			if len(kw) < 3 {
				errs = append(errs, fmt.Errorf("rule %s: keyword %q shorter than 3 bytes", r.ID, kw))
				continue
			}
			lk := make([]byte, len(kw))
			for j := range len(kw) {
				lk[j] = lower[kw[j]]
			}
			if string(lk) != kw {
				errs = append(errs, fmt.Errorf("rule %s: keyword %q is not lowercase", r.ID, kw))
				continue
			}
			p := uint16(kw[0])<<8 | uint16(kw[1])
			if s.pair[p] == 0 {
				s.groups = append(s.groups, nil)
				s.pair[p] = uint16(len(s.groups))
			}
			g := s.pair[p] - 1
			s.groups[g] = append(s.groups[g], keyword{text: lk, rule: i})
			h := tri(lk[0], lk[1], lk[2])
			s.bits[h>>6] |= 1 << (h & 63)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return s, nil
}

// Default returns the Scanner for [DefaultRules], built once.
func Default() *Scanner { return defaultScanner() }

var defaultScanner = sync.OnceValue(func() *Scanner {
	s, err := New(DefaultRules())
	if err != nil {
		panic("secretscan: default rules: " + err.Error())
	}
	return s
})

// Rules returns a copy of the scanner's rules.
func (s *Scanner) Rules() []Rule { return slices.Clone(s.rules) }

// Rule returns the rule with the given id.
func (s *Scanner) Rule(id string) (Rule, bool) {
	for _, r := range s.rules {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}

type hit struct {
	rule       int
	start, end int // of the keyword
}

// Scan returns the secrets in data, ordered by position, without overlaps
// (where two rules match overlapping text the earlier, longer match wins).
// Scan does not modify or retain data. It returns nil when nothing is found.
func (s *Scanner) Scan(data []byte) []Match {
	hits := s.keywords(data, nil)
	if len(hits) == 0 {
		return nil
	}
	// Group hits by rule, keeping each rule's hits in order.
	slices.SortStableFunc(hits, func(a, b hit) int { return a.rule - b.rule })
	var ms []Match
	for i := 0; i < len(hits); {
		j := i
		for j < len(hits) && hits[j].rule == hits[i].rule {
			j++
		}
		ms = s.runRule(data, hits[i].rule, hits[i:j], ms)
		i = j
	}
	return resolve(ms)
}

// ScanString is Scan for a string, without copying it.
func (s *Scanner) ScanString(text string) []Match {
	return s.Scan(unsafe.Slice(unsafe.StringData(text), len(text)))
}

// keywords makes the single pass over data, appending every keyword
// occurrence to hits. A bitset over a hash of each keyword's first three
// lowercased bytes (8 KB, in L1 cache) rejects almost every position with
// one load; two bytes let common pairs such as "co", "de" and "se" through.
func (s *Scanner) keywords(data []byte, hits []hit) []hit {
	if len(data) < 3 {
		return hits
	}
	bits := &s.bits
	n := len(data)
	b0, b1 := lower[data[0]], lower[data[1]]
	for i := 2; i < n; i++ {
		b2 := lower[data[i]]
		h := tri(b0, b1, b2)
		p := uint16(b0)<<8 | uint16(b1)
		b0, b1 = b1, b2
		if bits[h>>6]&(1<<(h&63)) == 0 {
			continue
		}
		at := i - 2
		g := s.pair[p]
		if g == 0 {
			continue
		}
		for _, kw := range s.groups[g-1] {
			if at+len(kw.text) > n || !hasLowerPrefix(data[at:], kw.text) {
				continue
			}
			r := &s.rules[kw.rule]
			if r.Gate != nil && !r.Gate(data[at+len(kw.text):min(n, at+len(kw.text)+r.after())]) {
				continue
			}
			hits = append(hits, hit{rule: kw.rule, start: at, end: at + len(kw.text)})
		}
	}
	return hits
}

// tri hashes three bytes to 16 bits for the keyword bitset.
func tri(a, b, c byte) uint16 {
	return uint16(uint32(a)<<11 ^ uint32(b)<<6 ^ uint32(c))
}

func hasLowerPrefix(b, lw []byte) bool {
	for j := 3; j < len(lw); j++ {
		if lower[b[j]] != lw[j] {
			return false
		}
	}
	return true
}

// runRule runs rule ri's pattern over the merged windows around its hits.
func (s *Scanner) runRule(data []byte, ri int, hits []hit, ms []Match) []Match {
	r := &s.rules[ri]
	after := r.after()
	lo, hi := -1, -1
	flush := func() {
		if lo < 0 {
			return
		}
		// A failed candidate moves the search one byte past the start of
		// its secret, not past its end: "\nKEY" first offers "nKEY…",
		// which fails its edges, and KEY itself must still be tried.
		for pos := lo; pos < hi; {
			loc := r.Pattern.FindSubmatchIndex(data[pos:hi])
			if loc == nil {
				break
			}
			a, b := loc[0], loc[1]
			if len(loc) >= 4 && loc[2] >= 0 {
				a, b = loc[2], loc[3]
			}
			a, b = a+pos, b+pos
			if a < b && edges(data, a, b, r.Boundary) &&
				(r.Validate == nil || r.Validate(data[a:b])) &&
				(r.KeepPlaceholders || !IsPlaceholder(body(r, data[a:b]))) {
				ms = append(ms, Match{RuleID: r.ID, Start: a, End: b})
				pos = max(b, pos+loc[1]) // past the whole match
				continue
			}
			pos = a + 1
		}
	}
	for _, h := range hits {
		a, b := max(0, h.start-r.Before), min(len(data), h.end+after)
		if lo >= 0 && a <= hi {
			hi = max(hi, b)
			continue
		}
		flush()
		lo, hi = a, b
	}
	flush()
	return ms
}

// body returns secret without the literal prefix of r's pattern, so that
// the placeholder filter judges only the random part of a key.
func body(r *Rule, secret []byte) []byte {
	if p, _ := r.Pattern.LiteralPrefix(); len(p) < len(secret) && string(secret[:len(p)]) == p {
		return secret[len(p):]
	}
	return secret
}

// resolve sorts ms by position and drops every match that overlaps one
// kept before it. At the same start the longer match wins, and at equal
// length the rule listed first (runRule is called in rule order).
func resolve(ms []Match) []Match {
	if len(ms) < 2 {
		return ms
	}
	slices.SortStableFunc(ms, func(a, b Match) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return (b.End - b.Start) - (a.End - a.Start)
	})
	out := ms[:1]
	for _, m := range ms[1:] {
		if m.Start >= out[len(out)-1].End {
			out = append(out, m)
		}
	}
	return out
}

// edges reports whether data[a:b] stands alone: the bytes either side do
// not continue it. An escape sequence just before the match (\n, \t,
// \u003d, %3D) counts as a separator, since the text is often JSON- or
// URL-encoded.
func edges(data []byte, a, b int, bd Boundary) bool {
	if bd == BoundaryNone {
		return true
	}
	if b < len(data) && continues(data[b], bd) {
		return false
	}
	if a == 0 || !continues(data[a-1], bd) {
		return true
	}
	switch {
	case a >= 2 && data[a-2] == '\\' && isEscapeLetter(data[a-1]):
		return true
	case a >= 6 && data[a-6] == '\\' && data[a-5] == 'u' && isHex(data[a-4]) && isHex(data[a-3]) && isHex(data[a-2]) && isHex(data[a-1]):
		return true
	case a >= 3 && data[a-3] == '%' && isHex(data[a-2]) && isHex(data[a-1]):
		return true
	}
	return false
}

func continues(c byte, bd Boundary) bool {
	if isAlnum(c) || c == '_' || c == '-' {
		return true
	}
	return bd == BoundaryBase64 && (c == '+' || c == '/')
}

func isEscapeLetter(c byte) bool {
	return c == 'n' || c == 't' || c == 'r' || c == 'b' || c == 'f'
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
