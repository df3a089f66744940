package guard

import (
	"slices"
	"strings"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/pii"
)

// JSON numbers are checked for the personal data their digits spell: a
// card number written as 4111111111111111, a phone number as 14155550100
// under a "phone" key. A number written in exponent form
// (4.111111111111111e15, 4111111111111111E0) hides those digits from the
// detectors, so when its value is an integer the checks read that
// integer's digits instead, and a number found to be personal data is
// replaced, whole, by a string. Other numbers (a fraction, an exponent
// beyond maxIntDigits) are left as they are.

// maxIntDigits bounds the digits of an integer intDigits writes out: more
// than any card, phone or ID number has.
const maxIntDigits = 24

// maxNumLen bounds the literal intDigits reads.
const maxNumLen = 64

// intDigits returns the decimal digits, with a '-' before them when
// negative, of lit, a JSON number literal in exponent form whose value is
// an integer of at most maxIntDigits digits: "4.111111111111111e15" gives
// "4111111111111111", "-12E+2" gives "-1200". ok is false for a literal
// that is not a JSON number, is longer than maxNumLen, or whose value is
// not such an integer. It never allocates more than the result.
func intDigits(lit string) (ds string, ok bool) {
	if len(lit) > maxNumLen {
		return "", false
	}
	var buf [maxNumLen + maxIntDigits + 1]byte
	b := buf[:0]
	i := 0
	if i < len(lit) && lit[i] == '-' {
		b = append(b, '-')
		i++
	}
	sign := len(b)
	start := i
	for i < len(lit) && isDigit(lit[i]) {
		b = append(b, lit[i])
		i++
	}
	if i == start || i-start > 1 && lit[start] == '0' {
		return "", false // no digits, or a leading zero JSON does not allow
	}
	frac := 0
	if i < len(lit) && lit[i] == '.' {
		i++
		fs := i
		for i < len(lit) && isDigit(lit[i]) {
			b = append(b, lit[i])
			i++
		}
		if frac = i - fs; frac == 0 {
			return "", false
		}
	}
	exp := 0
	if i < len(lit) && (lit[i] == 'e' || lit[i] == 'E') {
		i++
		neg := false
		if i < len(lit) && (lit[i] == '+' || lit[i] == '-') {
			neg = lit[i] == '-'
			i++
		}
		es := i
		for ; i < len(lit) && isDigit(lit[i]); i++ {
			if exp > maxNumLen+maxIntDigits {
				return "", false // far beyond any integer we write out
			}
			exp = exp*10 + int(lit[i]-'0')
		}
		if i == es {
			return "", false
		}
		if neg {
			exp = -exp
		}
	}
	if i != len(lit) {
		return "", false
	}
	// Leading zeros carry nothing.
	z := sign
	for z < len(b)-1 && b[z] == '0' {
		z++
	}
	b = append(b[:sign], b[z:]...)
	digits := b[sign:]
	if allZeros(digits) {
		return string(append(b[:sign], '0')), true
	}
	switch shift := exp - frac; {
	case shift < 0:
		cut := len(digits) + shift
		if cut <= 0 || !allZeros(digits[cut:]) {
			return "", false // a fraction
		}
		b = b[:sign+cut]
	case len(digits)+shift > maxIntDigits:
		return "", false
	default:
		for range shift {
			b = append(b, '0')
		}
	}
	if len(b)-sign > maxIntDigits {
		return "", false
	}
	return string(b), true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func allZeros(b []byte) bool {
	for _, c := range b {
		if c != '0' {
			return false
		}
	}
	return true
}

// isExpNumber reports whether lit, a JSON number literal, has an exponent.
func isExpNumber(lit string) bool { return strings.ContainsAny(lit, "eE") }

// applyPIINumber applies pol to t, a number of a tool call's argument
// object: its literal, or the digits of its integer value when it is
// written in exponent form, read as the value of its member
// ([pii.Redactor.ApplyField]). A number in exponent form is replaced only
// when personal data is found in it, and then by the replacement of those
// digits.
func applyPIINumber(r *pii.Redactor, t *gateway.Text, pol pii.Policy) (string, pii.Report) {
	if !isExpNumber(t.Value) {
		return r.ApplyField(t.Key, t.Value, pol)
	}
	ds, ok := intDigits(t.Value)
	if !ok {
		return t.Value, pii.Report{}
	}
	out, rep := r.ApplyField(t.Key, ds, pol)
	if out == ds {
		return t.Value, rep
	}
	return out, rep
}

// mayHaveExpNumber reports whether s may hold a JSON number in exponent
// form: a digit, then 'e' or 'E', then a digit or a sign. It is the cheap
// test before expNumbers tokenises s.
func mayHaveExpNumber(s string) bool {
	for i := 1; i+1 < len(s); i++ {
		if c := s[i]; (c == 'e' || c == 'E') && isDigit(s[i-1]) && (isDigit(s[i+1]) || s[i+1] == '-' || s[i+1] == '+') {
			return true
		}
	}
	return false
}

// expNumbers adds to ms, in order of start, a match for each number in
// exponent form of s, a JSON document, in whose integer digits r finds
// personal data under the number's member key, with that data's
// replacement as the marker, and adds what it finds to rep. A number that
// a match of ms touches already is left to it.
func expNumbers(r *pii.Redactor, s string, pol pii.Policy, ms []jsonMatch, rep pii.Report) ([]jsonMatch, pii.Report) {
	var buf [64]jsonToken
	toks, _ := jsonTokens(s, jsonOut, true, buf[:0])
	var add []jsonMatch
	for _, t := range toks {
		if !t.num || !isExpNumber(s[t.start:t.end]) {
			continue
		}
		if slices.ContainsFunc(ms, func(m jsonMatch) bool { return m.start < t.end && m.end > t.start }) {
			continue
		}
		ds, ok := intDigits(s[t.start:t.end])
		if !ok {
			continue
		}
		out, found := r.ApplyField(jsonMemberKey(s, t.start), ds, pol)
		rep = mergeReport(rep, found)
		if out != ds {
			add = append(add, jsonMatch{start: t.start, end: t.end, marker: out})
		}
	}
	if len(add) == 0 {
		return ms, rep
	}
	ms = append(ms, add...)
	slices.SortStableFunc(ms, func(a, b jsonMatch) int { return a.start - b.start })
	return ms, rep
}

// jsonMemberKey returns the key, as written, of the member whose value
// starts at i in s, JSON text: empty when the value at i is not a
// member's (an array element, say).
func jsonMemberKey(s string, i int) string {
	k := i - 1
	for k >= 0 && isSpace(s[k]) {
		k--
	}
	if k < 0 || s[k] != ':' {
		return ""
	}
	for k--; k >= 0 && isSpace(s[k]); k-- {
	}
	if k < 1 || s[k] != '"' {
		return ""
	}
	end := k
	for k--; k >= 0 && end-k <= 2*maxNumLen; k-- {
		if s[k] == '"' && !escaped(s, k) {
			return s[k+1 : end]
		}
	}
	return ""
}

// escaped reports whether s[k] follows an odd run of backslashes.
func escaped(s string, k int) bool {
	n := 0
	for k--; k >= 0 && s[k] == '\\'; k-- {
		n++
	}
	return n%2 == 1
}

// mergeReport adds the counts and blocked types of b to a.
func mergeReport(a, b pii.Report) pii.Report {
	for t, n := range b.Counts {
		if a.Counts == nil {
			a.Counts = map[pii.Type]int{}
		}
		a.Counts[t] += n
	}
	for _, t := range b.Blocked {
		if !slices.Contains(a.Blocked, t) {
			a.Blocked = append(a.Blocked, t)
		}
	}
	slices.Sort(a.Blocked)
	return a
}
