package pii

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// phoneCases returns scanner-shaped candidates: every supported region's
// example numbers in E.164, international and national format, and
// mutations of them (a digit changed, one dropped or added, a trunk or
// international prefix put in front), plus random digit runs.
func phoneCases(r *rand.Rand) []string {
	regions := make([]string, 0, 256)
	for reg := range phonenumbers.GetSupportedRegions() {
		regions = append(regions, reg)
	}
	slices.Sort(regions)
	types := []phonenumbers.PhoneNumberType{phonenumbers.FIXED_LINE, phonenumbers.MOBILE, phonenumbers.TOLL_FREE,
		phonenumbers.PREMIUM_RATE, phonenumbers.VOIP, phonenumbers.PAGER, phonenumbers.UAN, phonenumbers.SHARED_COST}
	var out []string
	mutate := func(s string) {
		out = append(out, s)
		digits := []int{}
		for i := range len(s) {
			if isDigit(s[i]) {
				digits = append(digits, i)
			}
		}
		if len(digits) == 0 {
			return
		}
		k := digits[r.IntN(len(digits))]
		out = append(out, s[:k]+strconv.Itoa(r.IntN(10))+s[k+1:], s[:k]+s[k+1:], s[:k]+strconv.Itoa(r.IntN(10))+s[k:])
	}
	for _, reg := range regions {
		for _, typ := range types {
			num := phonenumbers.GetExampleNumberForType(reg, typ)
			if num == nil {
				continue
			}
			e164 := phonenumbers.Format(num, phonenumbers.E164)
			nat := phonenumbers.Format(num, phonenumbers.NATIONAL)
			intl := phonenumbers.Format(num, phonenumbers.INTERNATIONAL)
			nsn := phonenumbers.GetNationalSignificantNumber(num)
			cc := strconv.Itoa(int(num.GetCountryCode()))
			for _, s := range []string{e164, nat, intl, nsn, "00" + e164[1:], "011" + e164[1:], cc + nsn, "0" + nsn, "1" + nsn, "8" + nsn} {
				mutate(s)
			}
		}
	}
	for range 3000 {
		n := 7 + r.IntN(9)
		var b strings.Builder
		if r.IntN(2) == 0 {
			b.WriteByte('+')
		}
		for i := range n {
			if i > 0 && r.IntN(4) == 0 {
				b.WriteByte(" -."[r.IntN(3)])
			}
			b.WriteByte(byte('0' + r.IntN(10)))
		}
		out = append(out, b.String())
	}
	return out
}

// scannerShaped keeps what the scanner could hand over: an optional '+',
// then digits and single separators, starting with a digit or '(' .
func scannerShaped(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isDigit(c) || strings.IndexByte(" -.()", c) >= 0 || c == '+' && i == 0) {
			return false
		}
	}
	return true
}

// TestPhoneValidMatchesLibrary checks that phoneValid answers exactly as
// phonenumbers.Parse plus IsValidNumber do, for the default regions the
// gateway uses and for '+' numbers (which the scanner parses with no region).
func TestPhoneValidMatchesLibrary(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	cases := phoneCases(r)
	// Each national-format case is tried with US and one other default
	// region (AR, BR and MX have national-prefix transform rules).
	others := []string{"GB", "DE", "FR", "IN", "BR", "AR", "MX", "VN", "SG", "TH", "CN", "JP", "IT", "AU", "RU", "KR", "ES"}
	checked, valid, mismatches := 0, 0, 0
	for k, c := range cases {
		if !scannerShaped(c) || testing.Short() && k%5 != 0 {
			continue
		}
		regs := []string{"US", others[r.IntN(len(others))]}
		if c[0] == '+' {
			regs = []string{""}
		}
		for _, reg := range regs {
			want := libraryPhoneValid(c, reg)
			got := phoneValid(c, reg)
			checked++
			if want {
				valid++
			}
			if got != want {
				mismatches++
				if mismatches <= 20 {
					t.Errorf("phoneValid(%q, %q) = %v, library says %v", c, reg, got, want)
				}
			}
		}
	}
	t.Logf("%d candidates checked, %d valid, %d mismatches", checked, valid, mismatches)
	if valid < checked/12 {
		t.Fatalf("only %d of %d candidates valid: the cases do not exercise validation", valid, checked)
	}
}

// TestPhoneTablesCompile checks that every region's patterns compile to
// DFAs, so no region silently falls back to the slow library path.
func TestPhoneTablesCompile(t *testing.T) {
	tab := phoneTab()
	if len(tab.byRegion) < 200 {
		t.Fatalf("only %d regions in the metadata", len(tab.byRegion))
	}
	for reg, m := range tab.byRegion {
		if m.get().bad {
			t.Errorf("region %s: patterns did not compile", reg)
		}
	}
	for cc, m := range tab.nonGeo {
		if m.get().bad {
			t.Errorf("calling code %d: patterns did not compile", cc)
		}
	}
}

func FuzzPhoneValid(f *testing.F) {
	for _, s := range []string{"+1 415 555 0134", "(415) 555-0134", "+44 7400 123456", "020 7946 0958", "+49 30 901820", "0049 30 901820", "011 44 20 7946 0958"} {
		f.Add(s, "US")
	}
	f.Fuzz(func(t *testing.T, s, reg string) {
		if !scannerShaped(s) || !strings.ContainsAny(s, "0123456789") {
			return
		}
		if reg != "" && !phonenumbers.GetSupportedRegions()[reg] {
			return
		}
		if got, want := phoneValid(s, reg), libraryPhoneValid(s, reg); got != want {
			t.Fatalf("phoneValid(%q, %q) = %v, library says %v", s, reg, got, want)
		}
	})
}

func BenchmarkPhoneValid(b *testing.B) {
	for _, c := range []string{"+1 415 555 0134", "(415) 555-0134", "+44 7400 123456", "+49 30 901820"} {
		b.Run("fast/"+c, func(b *testing.B) {
			phoneValid(c, "US")
			for b.Loop() {
				phoneValid(c, "US")
			}
		})
		b.Run("library/"+c, func(b *testing.B) {
			for b.Loop() {
				libraryPhoneValid(c, "US")
			}
		})
	}
}
