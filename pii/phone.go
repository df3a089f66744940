package pii

import (
	"encoding/binary"
	"errors"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// Phone number validation.
//
// phonenumbers.Parse followed by phonenumbers.IsValidNumber costs 20-45 µs
// per candidate, almost all of it in Go's regexp: the extension and
// viability patterns run on every input, and each number-type pattern of
// the metadata (the US fixed-line one lists every area code) runs through
// the backtracker, which clears a bitmap the size of the program each time.
// phoneValid gives the same answer for the inputs the scanner builds (an
// optional '+', ASCII digits and the separators space - . ( )) in about a
// microsecond: it follows the library's parse and validation steps on the
// digits, using the library's own metadata, with each national-number and
// leading-digits pattern compiled once into a DFA over the ten digits. The
// short national-prefix and international-prefix patterns still run
// through regexp. TestPhoneValidMatchesLibrary compares the two on tens of
// thousands of numbers.
//
// A region whose patterns cannot be compiled this way (none, with the
// current metadata) falls back to the library.

// phoneValid reports whether phonenumbers.Parse(cand, region) succeeds and
// phonenumbers.IsValidNumber accepts the result. cand is a scanner
// candidate: an optional leading '+', then digits and the separators
// ' ', '-', '.', '(' and ')'.
func phoneValid(cand, region string) bool {
	var buf [32]byte
	ds := buf[:0]
	for i := 0; i < len(cand); i++ {
		if isDigit(cand[i]) {
			ds = append(ds, cand[i])
		}
	}
	plus := cand != "" && cand[0] == '+'
	ok, sure := phoneTab().valid(string(ds), plus, region)
	if !sure {
		return libraryPhoneValid(cand, region)
	}
	return ok
}

// libraryPhoneValid is the reference phoneValid follows.
func libraryPhoneValid(cand, region string) bool {
	num, err := phonenumbers.Parse(cand, region)
	return err == nil && phonenumbers.IsValidNumber(num)
}

// phoneTables holds the compiled metadata, region by region.
type phoneTables struct {
	byRegion map[string]*phoneMeta
	nonGeo   map[int]*phoneMeta
}

// phoneMeta is one region's (or one non-geographic calling code's)
// metadata. Its patterns are compiled on first use.
type phoneMeta struct {
	md   *phonenumbers.PhoneMetadata
	cc   int
	once sync.Once
	bad  bool // a pattern did not compile: use the library

	general   numDesc
	types     [8]numDesc // premium, toll free, shared cost, VoIP, personal, pager, UAN, voicemail
	fixed     numDesc
	mobile    numDesc
	same      bool      // same mobile and fixed-line pattern
	leading   *digitDFA // nil when the metadata has no leading digits
	natPrefix *regexp.Regexp
	transform string
	idd       *regexp.Regexp
	generalPL []int32 // general possible lengths
}

// numDesc is a compiled phonenumbers.PhoneNumberDesc.
type numDesc struct {
	lengths []int32
	dfa     *digitDFA
}

// matches is the library's isNumberMatchingDesc: a possible length (when
// the description lists any) and a full match of the pattern.
func (d *numDesc) matches(nsn string) bool {
	if d.dfa == nil {
		return false
	}
	if len(d.lengths) > 0 && !slices.Contains(d.lengths, int32(len(nsn))) {
		return false
	}
	return d.dfa.full(nsn)
}

var phoneTab = sync.OnceValue(func() *phoneTables {
	t := &phoneTables{byRegion: map[string]*phoneMeta{}, nonGeo: map[int]*phoneMeta{}}
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return t // every lookup misses: the library decides
	}
	for _, md := range coll.GetMetadata() {
		m := &phoneMeta{md: md, cc: int(md.GetCountryCode())}
		if md.GetId() == "001" {
			t.nonGeo[m.cc] = m
		} else {
			t.byRegion[md.GetId()] = m
		}
	}
	return t
})

// region returns the metadata of a supported region, compiled, or nil (the
// library's getMetadataForRegion).
func (t *phoneTables) region(r string) *phoneMeta {
	if r == "" || !phonenumbers.GetSupportedRegions()[r] {
		return nil
	}
	return t.byRegion[r].get()
}

// regionOrCC is the library's getMetadataForRegionOrCallingCode.
func (t *phoneTables) regionOrCC(cc int, r string) *phoneMeta {
	if r == "001" {
		if _, ok := t.nonGeo[cc]; !ok || !phonenumbers.GetSupportedCallingCodes()[cc] {
			return nil
		}
		return t.nonGeo[cc].get()
	}
	return t.region(r)
}

func (m *phoneMeta) get() *phoneMeta {
	if m == nil {
		return nil
	}
	m.once.Do(m.compile)
	return m
}

func (m *phoneMeta) compile() {
	md := m.md
	var err error
	desc := func(d *phonenumbers.PhoneNumberDesc) numDesc {
		if d == nil {
			return numDesc{}
		}
		dfa, e := compileDigitDFA(d.GetNationalNumberPattern())
		err = errors.Join(err, e)
		return numDesc{lengths: d.PossibleLength, dfa: dfa}
	}
	m.general = desc(md.GetGeneralDesc())
	for i, d := range []*phonenumbers.PhoneNumberDesc{md.GetPremiumRate(), md.GetTollFree(), md.GetSharedCost(),
		md.GetVoip(), md.GetPersonalNumber(), md.GetPager(), md.GetUan(), md.GetVoicemail()} {
		m.types[i] = desc(d)
	}
	m.fixed, m.mobile = desc(md.GetFixedLine()), desc(md.GetMobile())
	m.same = md.GetSameMobileAndFixedLinePattern()
	if ld := md.GetLeadingDigits(); ld != "" {
		var e error
		m.leading, e = compileDigitDFA(ld)
		err = errors.Join(err, e)
	}
	if p := md.GetNationalPrefixForParsing(); p != "" {
		var e error
		m.natPrefix, e = regexp.Compile("^(?:" + p + ")")
		err = errors.Join(err, e)
		m.transform = md.GetNationalPrefixTransformRule()
	}
	if p := md.GetInternationalPrefix(); p != "" || md.GetId() != "001" {
		var e error
		m.idd, e = regexp.Compile("^(?:" + p + ")")
		err = errors.Join(err, e)
	}
	if md.GetGeneralDesc() != nil {
		m.generalPL = md.GetGeneralDesc().PossibleLength
	}
	if err != nil || len(m.generalPL) == 0 {
		m.bad = true
	}
}

// lengthResult is the library's ValidationResult, for testNumberLength.
type lengthResult int

const (
	lenPossible lengthResult = iota
	lenLocalOnly
	lenTooShort
	lenInvalid
	lenTooLong
)

// testLength is the library's testNumberLength(number, md, UNKNOWN).
func (m *phoneMeta) testLength(number string) lengthResult {
	pl := m.generalPL
	if pl[0] == -1 {
		return lenInvalid
	}
	n := int32(len(number))
	if slices.Contains(m.md.GetGeneralDesc().PossibleLengthLocalOnly, n) {
		return lenLocalOnly
	}
	switch {
	case pl[0] == n:
		return lenPossible
	case pl[0] > n:
		return lenTooShort
	case pl[len(pl)-1] < n:
		return lenTooLong
	case slices.Contains(pl[1:], n):
		return lenPossible
	}
	return lenInvalid
}

// stripNationalPrefix is the library's maybeStripNationalPrefixAndCarrierCode
// (without the carrier code): it returns number without its national prefix,
// transformed as the metadata says, or number unchanged.
func (m *phoneMeta) stripNationalPrefix(number string) string {
	if number == "" || m.natPrefix == nil {
		return number
	}
	loc := m.natPrefix.FindStringSubmatchIndex(number)
	if loc == nil {
		return number
	}
	viable := m.general.dfa.full(number)
	groups := len(loc)/2 - 1
	if m.transform == "" || loc[groups*2] < 0 {
		if viable && !m.general.dfa.full(number[loc[1]:]) {
			return number
		}
		return number[loc[1]:]
	}
	out := m.natPrefix.ReplaceAllString(number, m.transform)
	if viable && !m.general.dfa.full(out) {
		return number
	}
	return out
}

// validType is the library's getNumberTypeHelper(nsn, md) != UNKNOWN.
func (m *phoneMeta) validType(nsn string) bool {
	if !m.general.matches(nsn) {
		return false
	}
	for i := range m.types {
		if m.types[i].matches(nsn) {
			return true
		}
	}
	if m.fixed.matches(nsn) {
		return true
	}
	return !m.same && m.mobile.matches(nsn)
}

var errBadCC = errors.New("invalid country calling code")

// extractCC is the library's maybeExtractCountryCode for a digit string:
// it returns the country calling code (0 when none is written) and the
// national number after it. sure is false when a region needs the library.
func (t *phoneTables) extractCC(ds string, plus bool, rm *phoneMeta) (cc int, national string, err error) {
	if ds == "" {
		return 0, "", nil
	}
	intl := plus
	full := ds
	if !plus && rm != nil && rm.idd != nil {
		if loc := rm.idd.FindStringIndex(full); loc != nil {
			if rest := full[loc[1]:]; rest == "" || rest[0] != '0' {
				full, intl = rest, true
			}
		}
	}
	if intl {
		if len(full) <= 2 {
			return 0, "", errors.New("too short after IDD")
		}
		if full[0] == '0' {
			return 0, "", errBadCC
		}
		codes := phonenumbers.GetSupportedCallingCodes()
		for i := 1; i <= 3 && i <= len(full); i++ {
			c, _ := strconv.Atoi(full[:i])
			if codes[c] {
				return c, full[i:], nil
			}
		}
		return 0, "", errBadCC
	}
	if rm == nil {
		return 0, "", nil
	}
	ccs := strconv.Itoa(rm.cc)
	if strings.HasPrefix(full, ccs) {
		pot := rm.stripNationalPrefix(full[len(ccs):])
		if (!rm.general.dfa.full(full) && rm.general.dfa.full(pot)) || rm.testLength(full) == lenTooLong {
			return rm.cc, pot, nil
		}
	}
	return 0, "", nil
}

// valid follows phonenumbers.Parse and IsValidNumber for the digits ds of
// a candidate (plus: it started with '+'). sure is false when the answer
// must come from the library.
func (t *phoneTables) valid(ds string, plus bool, region string) (ok, sure bool) {
	rm := t.region(region)
	if rm != nil && rm.bad {
		return false, false
	}
	// checkRegionForParsing: no usable region and no '+'.
	if rm == nil && !plus {
		return false, true
	}
	cc, national, err := t.extractCC(ds, plus, rm)
	if err == errBadCC && plus {
		// The library retries without the '+'.
		cc, national, err = t.extractCC(ds, false, rm)
		if err == nil && cc == 0 {
			return false, true
		}
	}
	if err != nil {
		return false, true
	}
	meta := rm
	nnn := national
	if cc != 0 {
		if r := phonenumbers.GetRegionCodeForCountryCode(cc); r != region {
			meta = t.regionOrCC(cc, r)
		}
	} else {
		nnn = ds
		if region != "" && rm != nil {
			cc = rm.cc
		}
	}
	if meta != nil && meta.bad {
		return false, false
	}
	if len(nnn) < 2 {
		return false, true
	}
	if meta != nil {
		pot := meta.stripNationalPrefix(nnn)
		switch meta.testLength(pot) {
		case lenTooShort, lenLocalOnly, lenInvalid:
		default:
			nnn = pot
		}
	}
	if len(nnn) < 2 || len(nnn) > 17 {
		return false, true
	}
	return t.validNumber(cc, nnn)
}

// validNumber is the library's IsValidNumber for a country calling code and
// national significant number.
func (t *phoneTables) validNumber(cc int, nsn string) (ok, sure bool) {
	regions := phonenumbers.GetRegionCodesForCountryCode(cc)
	rc := ""
	switch len(regions) {
	case 0:
	case 1:
		rc = regions[0]
	default:
		for _, r := range regions {
			m := t.region(r)
			if m == nil {
				continue
			}
			if m.bad {
				return false, false
			}
			if m.leading != nil {
				if m.leading.prefix(nsn) {
					rc = r
					break
				}
			} else if m.validType(nsn) {
				rc = r
				break
			}
		}
	}
	m := t.regionOrCC(cc, rc)
	if m == nil {
		return false, true
	}
	if m.bad {
		return false, false
	}
	if rc != "001" && cc != m.cc {
		return false, true
	}
	return m.validType(nsn), true
}

// digitDFA is a deterministic automaton over the ASCII digits, compiled
// from a regular expression.
type digitDFA struct {
	next   [][10]int32 // -1: no match possible
	accept []bool
}

// maxDFAStates bounds a compiled pattern; the largest in the metadata needs
// a few hundred.
const maxDFAStates = 1 << 14

// compileDigitDFA compiles pattern (Go regexp syntax, as the library runs
// it) by subset construction over the digits.
func compileDigitDFA(pattern string) (*digitDFA, error) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, err
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return nil, err
	}
	var bad error
	var closure func(set []uint32, seen map[uint32]bool, pc uint32) []uint32
	closure = func(set []uint32, seen map[uint32]bool, pc uint32) []uint32 {
		if seen[pc] {
			return set
		}
		seen[pc] = true
		in := &prog.Inst[pc]
		switch in.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			set = closure(set, seen, in.Out)
			return closure(set, seen, in.Arg)
		case syntax.InstCapture, syntax.InstNop:
			return closure(set, seen, in.Out)
		case syntax.InstFail:
			return set
		case syntax.InstEmptyWidth:
			bad = errors.New("pii: phone pattern has an empty-width assertion")
			return set
		}
		return append(set, pc) // Match or a rune instruction
	}
	key := func(set []uint32) string {
		slices.Sort(set)
		b := make([]byte, 0, 4*len(set))
		for _, pc := range set {
			b = binary.LittleEndian.AppendUint32(b, pc)
		}
		return string(b)
	}
	d := &digitDFA{}
	ids := map[string]int32{}
	var sets [][]uint32
	add := func(set []uint32) int32 {
		k := key(set)
		if id, ok := ids[k]; ok {
			return id
		}
		id := int32(len(sets))
		ids[k] = id
		sets = append(sets, set)
		acc := false
		for _, pc := range set {
			acc = acc || prog.Inst[pc].Op == syntax.InstMatch
		}
		d.accept = append(d.accept, acc)
		d.next = append(d.next, [10]int32{})
		return id
	}
	add(closure(nil, map[uint32]bool{}, uint32(prog.Start)))
	for s := 0; s < len(sets); s++ {
		if len(sets) > maxDFAStates {
			return nil, errors.New("pii: phone pattern too large for a DFA")
		}
		for c := range 10 {
			var nset []uint32
			seen := map[uint32]bool{}
			for _, pc := range sets[s] {
				in := &prog.Inst[pc]
				if in.Op != syntax.InstMatch && in.MatchRune(rune('0'+c)) {
					nset = closure(nset, seen, in.Out)
				}
			}
			if len(nset) == 0 {
				d.next[s][c] = -1
				continue
			}
			d.next[s][c] = add(nset)
		}
	}
	if bad != nil {
		return nil, bad
	}
	return d, nil
}

// full reports whether the whole of s (digits) matches.
func (d *digitDFA) full(s string) bool {
	if d == nil {
		return false
	}
	st := int32(0)
	for i := 0; i < len(s); i++ {
		c := s[i] - '0'
		if c > 9 {
			return false
		}
		if st = d.next[st][c]; st < 0 {
			return false
		}
	}
	return d.accept[st]
}

// prefix reports whether some prefix of s (digits) matches, as an
// unanchored-at-the-end regexp match from the start does.
func (d *digitDFA) prefix(s string) bool {
	st := int32(0)
	if d.accept[st] {
		return true
	}
	for i := 0; i < len(s); i++ {
		c := s[i] - '0'
		if c > 9 {
			return false
		}
		if st = d.next[st][c]; st < 0 {
			return false
		}
		if d.accept[st] {
			return true
		}
	}
	return false
}
