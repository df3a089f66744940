package pii

import (
	"math/bits"
	"net/netip"
	"strings"
)

// scanner holds the state of one Find call. Scanners are pooled (see
// getScanner): the slices keep their capacity from one call to the next.
type scanner struct {
	text   string
	region string
	found  []Entity // candidates, overlapping
	kept   []Entity // resolve's output
	ds     []byte   // scratch: significant digits of the current candidate
	gl     []int    // scratch: group lengths
	lw     []byte   // scratch: lower-cased word
}

func (s *scanner) add(t Type, start, end int, conf float64) {
	s.found = append(s.found, Entity{Type: t, Start: start, End: end, Confidence: conf})
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isLower(c byte) bool { return c >= 'a' && c <= 'z' }
func isAlpha(c byte) bool { return isUpper(c) || isLower(c) }
func isAlnum(c byte) bool { return isDigit(c) || isAlpha(c) }
func isHex(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// wordAt reports whether text[i] exists and is an ASCII letter, digit or '_'.
func (s *scanner) wordAt(i int) bool {
	return i >= 0 && i < len(s.text) && (isAlnum(s.text[i]) || s.text[i] == '_')
}

// endOK reports whether a number ending at e really ends there: the next
// byte is not a word byte and not a separator that continues the number.
func (s *scanner) endOK(e int) bool {
	t := s.text
	if e >= len(t) {
		return true
	}
	if s.wordAt(e) {
		return false
	}
	switch t[e] {
	case '.', ',', '-', '/', ':':
		return e+1 >= len(t) || !isDigit(t[e+1])
	}
	return true
}

// groups reads digit groups starting at i. Groups are separated by exactly
// one byte from seps, the same byte throughout. It stops after maxDigits+1
// digits. It fills s.ds and s.gl and returns the end of the last group.
func (s *scanner) groups(i int, seps string, maxDigits int) int {
	t := s.text
	s.ds, s.gl = s.ds[:0], s.gl[:0]
	var sep byte
	j := i
	for {
		g := 0
		for j < len(t) && isDigit(t[j]) && len(s.ds) <= maxDigits {
			s.ds = append(s.ds, t[j])
			g++
			j++
		}
		if g == 0 {
			break
		}
		s.gl = append(s.gl, g)
		if j+1 >= len(t) || len(s.ds) > maxDigits || !isDigit(t[j+1]) || strings.IndexByte(seps, t[j]) < 0 {
			break
		}
		if sep == 0 {
			sep = t[j]
		} else if t[j] != sep {
			break
		}
		j++
	}
	return j // a separator is consumed only when a digit follows it
}

// shape reports whether the group lengths equal want.
func (s *scanner) shape(want ...int) bool {
	if len(s.gl) != len(want) {
		return false
	}
	for i, g := range want {
		if s.gl[i] != g {
			return false
		}
	}
	return true
}

// cueSet is a list of lower-case cue words, indexed by first byte.
type cueSet struct {
	first [256]bool
	words []string
}

func newCues(words ...string) *cueSet {
	cs := &cueSet{words: words}
	for _, w := range words {
		cs.first[w[0]] = true
	}
	return cs
}

// cue reports whether any of cues occurs, ASCII case-insensitively, in the
// window bytes before i, at the start of a word (so "tel" matches "Tel:"
// but not "hotel"). It reads the window once, trying only the cues whose
// first byte is there.
func (s *scanner) cue(i, window int, cues *cueSet) bool {
	t := s.text
	for k := max(i-window, 0); k < i; k++ {
		c := t[k]
		if isUpper(c) {
			c += 'a' - 'A'
		}
		if !cues.first[c] || k > 0 && isAlpha(t[k-1]) {
			continue
		}
	words:
		for _, w := range cues.words {
			if w[0] != c || k+len(w) > i {
				continue
			}
			for j := 1; j < len(w); j++ {
				b := t[k+j]
				if isUpper(b) {
					b += 'a' - 'A'
				}
				if b != w[j] {
					continue words
				}
			}
			return true
		}
	}
	return false
}

// emails finds e-mail addresses: one strings.IndexByte pass over '@'.
func (s *scanner) emails() {
	t := s.text
	for off := 0; off < len(t); {
		j := strings.IndexByte(t[off:], '@')
		if j < 0 {
			return
		}
		at := off + j
		off = at + 1
		l := at
		for l > 0 && at-l <= 64 && isLocal(t[l-1]) {
			l--
		}
		if at-l > 64 {
			continue
		}
		for l < at && t[l] == '.' {
			l++
		}
		if l == at || t[at-1] == '.' {
			continue
		}
		r := at + 1
		for r < len(t) && r-at <= 254 && (isAlnum(t[r]) || t[r] == '.' || t[r] == '-') {
			r++
		}
		for r > at+1 && (t[r-1] == '.' || t[r-1] == '-') {
			r--
		}
		if !domainOK(t[at+1:r]) || s.urlUserinfo(l) {
			continue
		}
		s.add(Email, l, r, 0.99)
		off = r
	}
}

// urlUserinfo reports whether the local part at l sits inside a URL
// ("https://user:pass@host"): that is a URL's userinfo, not an address.
func (s *scanner) urlUserinfo(l int) bool {
	t := s.text
	for k := l - 1; k >= 2 && l-k < 256; k-- {
		switch t[k] {
		case ' ', '\t', '\n', '\r', '"', '\'', '<', '(':
			return false
		case '/':
			if t[k-1] == '/' && t[k-2] == ':' {
				return true
			}
		}
	}
	return false
}

func isLocal(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

func domainOK(d string) bool {
	if len(d) < 4 || len(d) > 253 {
		return false
	}
	labels := 0
	tld := ""
	for d != "" {
		lab, rest, _ := strings.Cut(d, ".")
		if lab == "" || len(lab) > 63 || lab[0] == '-' || lab[len(lab)-1] == '-' {
			return false
		}
		labels++
		tld, d = lab, rest
	}
	if labels < 2 || len(tld) < 2 {
		return false
	}
	for i := 0; i < len(tld); i++ {
		if !isAlpha(tld[i]) {
			return false
		}
	}
	return true
}

// ipv6 finds IPv6 addresses: one strings.IndexByte pass over ':', then
// net/netip validates each candidate.
func (s *scanner) ipv6() {
	t := s.text
	for off := 0; off < len(t); {
		j := strings.IndexByte(t[off:], ':')
		if j < 0 {
			return
		}
		c := off + j
		off = c + 1
		if c == 0 || c+1 >= len(t) || !(isHex(t[c-1]) || t[c-1] == ':') || !(isHex(t[c+1]) || t[c+1] == ':') {
			continue
		}
		l := c
		for l > 0 && c-l < 40 && (isHex(t[l-1]) || t[l-1] == ':') {
			l--
		}
		if s.wordAt(l-1) || (l > 0 && t[l-1] == '.') {
			off = c + 1
			for off < len(t) && (isHex(t[off]) || t[off] == ':') {
				off++
			}
			continue
		}
		r := c + 1
		for r < len(t) && r-l < 46 && (isHex(t[r]) || t[r] == ':' || t[r] == '.') {
			r++
		}
		for r > c && (t[r-1] == '.' || (t[r-1] == ':' && !(r-2 > l && t[r-2] == ':'))) {
			r--
		}
		off = r
		if s.wordAt(r) {
			continue
		}
		cand := t[l:r]
		colons, hex := 0, 0
		for k := 0; k < len(cand); k++ {
			if cand[k] == ':' {
				colons++
			} else if isHex(cand[k]) {
				hex++
			}
		}
		// "2001::" and "fc00::" before a /prefix name networks, not hosts.
		if colons < 2 || hex < 3 || strings.HasSuffix(cand, "::") {
			continue
		}
		a, err := netip.ParseAddr(cand)
		if err != nil || !a.Is6() || a.Unmap().IsUnspecified() || a.IsLoopback() {
			continue
		}
		s.add(IPAddress, l, r, 0.9)
	}
}

var (
	birthCues = newCues("born", "birth", "dob", "d.o.b", "b-day", "bday", "ngày sinh", "geboren",
		"né le", "née le", "nacid", "nascid", "生日", "出生", "生年月日", "วันเกิด")
	ssnCues      = newCues("ssn", "social security", "social sec")
	aadhaarCues  = newCues("aadhaar", "aadhar", "uidai", "आधार")
	cpfCues      = newCues("cpf")
	thaiCues     = newCues("thai", "บัตรประชาชน", "เลขประจำตัว", "national id", "id card", "citizen id")
	cccdCues     = newCues("cccd", "căn cước", "can cuoc", "cmnd", "citizen id", "id card", "identity card", "national id")
	phoneCues    = newCues("phone", "tel", "mobile", "mob.", "cell", "call", "fax", "sms", "text me", "whatsapp", "contact", "message", "registered", "reach me", "ring me", "my number", "number is", "điện thoại", "sđt", "teléfono", "telefone", "téléphone", "telefon", "電話", "电话", "手机", "โทร")
	versionCues  = newCues("version", "ver.", "v.", "release", "build", "firmware", "kernel", "rev.", "section", "sec.", "§", "rfc", "chapter", "clause", "paragraph", "step", "figure", "table", "item", "rule", "term:")
	notPhoneCues = newCues("card", "account", "acct", "iban", "ssn", "social security", "order", "invoice", "passport", "routing", "tracking", "cpf", "aadhaar", "id:")
)

// numbers is the single pass for every digit-led type. At the start of
// each digit group (or a '+'/'(' before a digit) it tries the matchers;
// it finds the digits eight bytes at a time.
func (s *scanner) numbers() {
	t := s.text
	n := len(t)
	for i := 0; i < n; i++ {
		// Jump to the next digit, eight bytes at a time; the last few bytes
		// are tested one by one.
		for i+8 <= n {
			if m := digitMask(load64(t, i)); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		for i < n && !isDigit(t[i]) {
			i++
		}
		if i >= n {
			break
		}
		// A '+' or '(' right before the digit starts a phone number (the
		// byte before it was not skipped: a match never ends in it).
		if p := i - 1; p >= 0 && (t[p] == '+' || t[p] == '(') && !s.wordAt(p-1) {
			if e := s.phone(p); e > 0 {
				i = e - 1
				continue
			}
		}
		switch {
		case i > 0 && isAlpha(t[i-1]):
			s.letterIDs(i)
		case i > 0 && isDigit(t[i-1]):
			continue
		case i > 1 && strings.IndexByte(".,-/:", t[i-1]) >= 0 && isDigit(t[i-2]):
			// inside a number such as 1.2.3 or 12-34: not a start
		default:
			if i >= 3 && t[i-1] == ' ' && isUpper(t[i-2]) && isUpper(t[i-3]) && !s.wordAt(i-4) {
				s.nino(i - 3)
			}
			s.digitStart(i)
		}
		for i+1 < n && isDigit(t[i+1]) {
			i++
		}
	}
}

// digitStart tries the digit-led matchers at a number start i.
func (s *scanner) digitStart(i int) {
	t := s.text
	// Fast path for the numbers of ordinary prose ("14 projects", "in 2023,",
	// "1,284"): a short group that does not continue into another group can
	// only be the day of a month-name date.
	g1 := s.digitsAt(i)
	if e := i + g1; g1 < 7 && !(e+1 < len(t) && (t[e] == ' ' || t[e] == '-' || t[e] == '.' || t[e] == '/') && (isDigit(t[e+1]) || t[e+1] == '(')) {
		if g1 <= 2 {
			s.dateMonthName(i)
		}
		return
	}
	before := len(s.found)

	// Dates (with optional time), then IPv4, then card and ID numbers.
	s.dateNumeric(i)
	s.dateMonthName(i)

	if e := s.groups(i, ".", 12); s.shapeIPv4() && (s.endOK(e) || t[e] == ':') {
		if a, err := netip.ParseAddr(t[i:e]); err == nil && a.Is4() && !a.IsUnspecified() && !a.IsLoopback() && !s.cue(i, 24, versionCues) {
			s.add(IPAddress, i, e, 0.9)
		}
	}

	s.card(i)

	if e := s.groups(i, "- ", 13); s.endOK(e) {
		switch {
		case s.shape(3, 2, 4) && ssnOK(s.ds):
			conf := 0.85
			if s.cue(i, 40, ssnCues) {
				conf = 0.95
			}
			s.add(USSSN, i, e, conf)
		case s.shape(9) && ssnOK(s.ds) && s.cue(i, 40, ssnCues):
			s.add(USSSN, i, e, 0.85)
		case (s.shape(1, 4, 5, 2, 1) && thaiIDOK(s.ds)) || (s.shape(13) && thaiIDOK(s.ds) && s.cue(i, 40, thaiCues)):
			s.add(THID, i, e, 0.9)
		case (s.shape(4, 4, 4) && aadhaarOK(s.ds)) || (s.shape(12) && aadhaarOK(s.ds) && s.cue(i, 40, aadhaarCues)):
			s.add(INAadhaar, i, e, 0.9)
		case s.shape(12) && cccdOK(s.ds) && s.cue(i, 40, cccdCues):
			s.add(VNCCCD, i, e, 0.75)
		case s.shape(11) && cpfOK(s.ds) && s.cue(i, 40, cpfCues):
			s.add(BRCPF, i, e, 0.9)
		}
	}
	// CPF: ddd.ddd.ddd-dd
	if i+14 <= len(t) && t[i+3] == '.' && t[i+7] == '.' && t[i+11] == '-' && s.endOK(i+14) {
		s.ds = s.ds[:0]
		ok := true
		for k := i; k < i+14; k++ {
			switch {
			case isDigit(t[k]):
				s.ds = append(s.ds, t[k])
			case k == i+3 || k == i+7 || k == i+11:
			default:
				ok = false
			}
		}
		if ok && cpfOK(s.ds) {
			s.add(BRCPF, i, i+14, 0.95)
		}
	}
	// A phone starts at the left-most group: "4111 1111-1111 1111" has no
	// phone number starting at its second group.
	if len(s.found) == before && !(i >= 2 && t[i-1] == ' ' && isDigit(t[i-2])) {
		s.phone(i)
	}
}

func (s *scanner) shapeIPv4() bool {
	if len(s.gl) != 4 {
		return false
	}
	for _, g := range s.gl {
		if g > 3 {
			return false
		}
	}
	return true
}

// card tries a payment card number at i: 12-19 digits, optionally grouped
// by single spaces or hyphens, known IIN and length, Luhn. When the digits
// run on (a date after the card, say) it tries shorter group prefixes.
func (s *scanner) card(i int) {
	e := s.groups(i, " -", 19)
	var glBuf [24]int
	var dsBuf [24]byte
	gl := append(glBuf[:0], s.gl...) // copy: s.gl is scratch
	ds := append(dsBuf[:0], s.ds...)
	for k := len(gl); k >= 1; k-- {
		n := 0
		for _, g := range gl[:k] {
			n += g
		}
		if n > 19 || n > len(ds) {
			continue
		}
		if n < 12 {
			return
		}
		end := s.groupEnd(i, n)
		if k == len(gl) && !s.endOK(e) {
			continue
		}
		if k < len(gl) && s.wordAt(end) {
			continue
		}
		if len(gl) > 1 && k > 1 && minInt(gl[:k]) < 3 {
			continue
		}
		if cardBrandOK(ds[:n]) && luhn(ds[:n]) {
			s.add(CreditCard, i, end, 0.95)
			return
		}
	}
}

func minInt(v []int) int {
	m := v[0]
	for _, x := range v[1:] {
		m = min(m, x)
	}
	return m
}

// groupEnd returns the offset just after the n-th digit from i.
func (s *scanner) groupEnd(i, n int) int {
	for k := i; k < len(s.text); k++ {
		if isDigit(s.text[k]) {
			n--
			if n == 0 {
				return k + 1
			}
		}
	}
	return len(s.text)
}

// letterIDs tries the letter-led identifiers whose digits start at i:
// IBAN (CC99…), Singapore NRIC/FIN (S1234567D) and UK NINO (AB123456C).
func (s *scanner) letterIDs(i int) {
	t := s.text
	if !isUpper(t[i-1]) {
		return
	}
	if p := i - 1; !s.wordAt(p - 1) {
		if i+8 <= len(t) && !s.wordAt(i+8) && isUpper(t[i+7]) {
			if nricOK(t[p : i+8]) {
				s.add(SGNRIC, p, i+8, 0.95)
			}
		}
		return
	}
	if p := i - 2; p >= 0 && isUpper(t[p]) && !s.wordAt(p-1) {
		s.iban(p)
		s.nino(p)
	}
}

// iban tries an IBAN at p: country code, check digits and BBAN in upper
// case, optionally in groups of four separated by single spaces.
func (s *scanner) iban(p int) {
	t := s.text
	want, ok := ibanLengths[t[p:p+2]]
	if !ok {
		return
	}
	s.ds = s.ds[:0]
	j := p
	for j < len(t) && len(s.ds) < want {
		c := t[j]
		switch {
		case isUpper(c) || isDigit(c):
			s.ds = append(s.ds, c)
			j++
		case c == ' ' && len(s.ds)%4 == 0 && j+1 < len(t) && (isUpper(t[j+1]) || isDigit(t[j+1])):
			j++
		default:
			return
		}
	}
	if len(s.ds) != want || s.wordAt(j) || !isDigit(s.ds[2]) || !isDigit(s.ds[3]) {
		return
	}
	if ibanMod97(s.ds) {
		s.add(IBAN, p, j, 0.97)
	}
}

// nino tries a UK National Insurance number at p: AB123456C or AB 12 34 56 C.
func (s *scanner) nino(p int) {
	t := s.text
	if p+9 > len(t) || !isUpper(t[p]) || !isUpper(t[p+1]) || !ninoPrefixOK(t[p], t[p+1]) {
		return
	}
	j := p + 2
	for g := 0; g < 3; g++ {
		if j < len(t) && t[j] == ' ' {
			j++
		}
		if j+2 > len(t) || !isDigit(t[j]) || !isDigit(t[j+1]) {
			return
		}
		j += 2
	}
	if j < len(t) && t[j] == ' ' {
		j++
	}
	if j >= len(t) || t[j] < 'A' || t[j] > 'D' || s.wordAt(j+1) {
		return
	}
	s.add(UKNINO, p, j+1, 0.85)
}

// phone tries a phone number at i (a digit, '+' or '('). Candidates are
// runs of digits joined by single spaces, hyphens, dots or parentheses,
// 7 to 15 digits long; phoneValid validates them as phonenumbers would. Numbers that the
// library cannot validate for the default region still count when a cue
// such as "phone:" or "call me at" precedes them (or "-Fax" follows). The
// whole value of a JSON object member follows its key instead (see
// field.go).
func (s *scanner) phone(i int) (end int) {
	t := s.text
	j := i
	if t[j] == '+' {
		j++
	}
	digits, last, parens, seps, dots, groups, maxGroup, firstGroup, singles, g := 0, -1, 0, 0, 0, 0, 0, 0, 0, 0
scan:
	for j < len(t) && j-i < 32 {
		c := t[j]
		switch {
		case isDigit(c):
			if g == 0 {
				groups++
				// One-digit groups: a country code after '+', "(0)", and one
				// more among the first two groups (trunk prefix "8 (301)…",
				// area code "+33 1 …"). "1 3 101 112" is not a phone number.
				if (j+1 >= len(t) || !isDigit(t[j+1])) && (j == 0 || t[j-1] != '(') && !(groups == 1 && t[i] == '+') {
					if singles++; singles > 1 || groups > 2 {
						return -1
					}
				}
			}
			g++
			maxGroup = max(maxGroup, g)
			if groups == 1 {
				firstGroup = g
			}
			digits++
			j++
			last = j
		case c == '(':
			g = 0
			if parens > 0 || j+1 >= len(t) || !isDigit(t[j+1]) {
				break scan
			}
			parens++
			j++
		case c == ')':
			if parens == 0 {
				break scan
			}
			parens--
			j++
		case c == ' ' || c == '-' || c == '.':
			if j+1 >= len(t) || !(isDigit(t[j+1]) || t[j+1] == '(') || !(isDigit(t[j-1]) || t[j-1] == ')') {
				break scan
			}
			seps++
			if c == '.' {
				dots++
			}
			g = 0
			j++
		default:
			break scan
		}
	}
	if last < 0 || digits < 7 || digits > 15 || s.wordAt(last) || (last < len(t) && isDigit(t[last])) {
		return -1
	}
	if last < len(t) && t[last] == '.' && last+1 < len(t) && isDigit(t[last+1]) {
		return -1
	}
	// Dotted runs are phone numbers only in the plain 555.123.4567 style:
	// not IPv4-like quads, not mixed with other separators (CPF, versions).
	if dots > 0 && (dots != seps || (groups == 4 && maxGroup <= 3) || maxGroup > 4 || t[i] != '+' && firstGroup < 2) {
		return -1
	}
	end = last
	cand := t[i:end]
	formatted := seps > 0 || t[i] == '+' || t[i] == '('
	// The whole value of a JSON object member: its key, not the words
	// around, says whether it is a phone number (see field.go).
	// loose: the cue lets through a number the library cannot place.
	var cue, loose bool
	if ks, ke, ok := s.wholeMember(i, end); !ok {
		cue = s.phoneCue(i, end)
		loose = cue
	} else if PhoneKey(t[ks:ke]) {
		if conf, ok := fieldPhone(cand, s.region); ok && !formatted {
			s.add(Phone, i, end, conf)
			return end
		}
		cue, loose = true, true
	} else {
		// Cue words in the key itself ("contact") still count, those of
		// other members do not.
		cue = s.cue(i, i-ks, phoneCues) && !s.cue(i, i-ks, notPhoneCues)
	}
	if !formatted && !cue {
		return -1 // bare digits need a cue, whatever the library says
	}
	region := s.region
	if t[i] == '+' {
		region = ""
	}
	valid := phoneValid(cand, region)
	switch {
	case valid && t[i] == '+':
		s.add(Phone, i, end, 0.95)
	case valid && (formatted || cue):
		s.add(Phone, i, end, 0.85)
	case loose && digits <= 13 && (formatted || digits >= 9):
		s.add(Phone, i, end, 0.6)
	default:
		return -1
	}
	return end
}

// wholeMember returns where the key of the JSON object member whose
// whole value is t[i:end], a number or the contents of a string, starts
// and ends in t; ok is false when t[i:end] is no such value.
func (s *scanner) wholeMember(i, end int) (ks, ke int, ok bool) {
	t := s.text
	str := i > 0 && t[i-1] == '"'
	if str {
		if end >= len(t) || t[end] != '"' {
			return 0, 0, false
		}
	} else if end < len(t) && strings.IndexByte(",}] \t\r\n", t[end]) < 0 {
		return 0, 0, false
	}
	return memberKey(t, i, str)
}

func (s *scanner) phoneCue(i, end int) bool {
	t := s.text
	// suffix labels such as "555 0100-Fax", "555 0100 (mobile)"
	if end < len(t) {
		rest := t[end:min(end+10, len(t))]
		rest = strings.TrimLeft(rest, " -(")
		for _, w := range []string{"office", "fax", "mobile", "home", "work", "cell", "ext"} {
			if len(rest) >= len(w) && strings.EqualFold(rest[:len(w)], w) {
				return true
			}
		}
	}
	return s.cue(i, 32, phoneCues) && !s.cue(i, 24, notPhoneCues)
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
	low7  = ones * 127
)

// load64 reads the eight bytes of t at i as a little-endian word (the
// compiler turns it into one load).
func load64(t string, i int) uint64 {
	w := t[i : i+8]
	return uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
		uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
}

// digitMask returns a word with the high bit set in exactly the bytes of x
// that are ASCII digits (SWAR, "Bit Twiddling Hacks": hasbetween, which
// lets no borrow or carry cross bytes). Its lowest set bit, divided by
// eight, is the offset of the first digit.
func digitMask(x uint64) uint64 {
	lo := x & low7
	return (ones*(127+'9'+1) - lo) & ^x & (lo + ones*(127-('0'-1))) & highs
}
