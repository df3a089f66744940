package pii

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

type detCase struct {
	name  string
	text  string
	value string // the expected entity's text; "" for a negative case
	want  Type
}

func pos(name string, want Type, format, value string) detCase {
	return detCase{name: name, text: fmt.Sprintf(format, value), value: value, want: want}
}

func neg(name, text string) detCase { return detCase{name: name, text: text} }

func structuredCases() []detCase {
	r := rand.New(rand.NewPCG(4, 2))
	var cs []detCase
	for i := 0; i < 5; i++ {
		n := fmt.Sprint(i)
		visa, mc, amex := genCard(r, "4", 16), genCard(r, "5"+fmt.Sprint(1+r.IntN(5)), 16), genCard(r, "37", 15)
		disc, jcb, diners := genCard(r, "6011", 16), genCard(r, "3530", 16), genCard(r, "36", 14)
		cs = append(cs,
			pos("card-visa-"+n, CreditCard, "my card is %s, thanks", visa),
			pos("card-visa-spaced-"+n, CreditCard, "card: %s.", group(visa, " ", 4, 4, 4, 4)),
			pos("card-mc-dashed-"+n, CreditCard, "pay with %s please", group(mc, "-", 4, 4, 4, 4)),
			pos("card-amex-"+n, CreditCard, "amex %s", group(amex, " ", 4, 6, 5)),
			pos("card-discover-"+n, CreditCard, "(%s)", disc),
			pos("card-jcb-"+n, CreditCard, "JCB %s exp 12/27", group(jcb, " ", 4, 4, 4, 4)),
			pos("card-diners-"+n, CreditCard, "diners %s", diners),
			neg("card-bad-luhn-"+n, "my card is "+breakCheck(visa, luhn)),
			neg("card-unknown-iin-"+n, "ref "+genCard(r, "99", 16)),
			neg("card-wrong-length-"+n, "my card is "+genCard(r, "4", 17)),
			neg("card-mixed-separators-"+n, "card "+visa[:4]+" "+visa[4:8]+"-"+visa[8:12]+" "+visa[12:]),
		)
		for _, cc := range []string{"GB", "DE", "FR", "NL", "ES", "IT"} {
			ib := genIBAN(r, cc)
			cs = append(cs,
				pos("iban-"+cc+"-"+n, IBAN, "IBAN %s for the transfer", ib),
				pos("iban-spaced-"+cc+"-"+n, IBAN, "to %s.", spaced4(ib)),
				neg("iban-bad-check-"+cc+"-"+n, "IBAN "+breakCheck(ib, ibanMod97)),
				neg("iban-wrong-length-"+cc+"-"+n, "IBAN "+ib+"7"),
			)
		}
		ssn := genSSN(r)
		cs = append(cs,
			pos("ssn-"+n, USSSN, "SSN: %s", ssn),
			pos("ssn-prose-"+n, USSSN, "my social security number is %s ok", ssn),
			pos("ssn-bare-with-cue-"+n, USSSN, "ssn %s", strings.ReplaceAll(ssn, "-", "")),
			neg("ssn-bare-no-cue-"+n, "order "+strings.ReplaceAll(ssn, "-", "")+" shipped"),
		)
		nric := genNRIC(r, "STFGM"[i])
		cs = append(cs,
			pos("nric-"+n, SGNRIC, "NRIC %s", nric),
			neg("nric-bad-letter-"+n, "NRIC "+nric[:8]+string('A'+(nric[8]-'A'+1)%26)),
		)
		th := genThai(r)
		cs = append(cs,
			pos("thai-formatted-"+n, THID, "บัตร %s", group(th, "-", 1, 4, 5, 2, 1)),
			pos("thai-bare-cue-"+n, THID, "Thai ID %s", th),
			neg("thai-bad-check-"+n, "id "+group(breakCheck(th, thaiIDOK), "-", 1, 4, 5, 2, 1)),
		)
		aa := genAadhaar(r)
		cs = append(cs,
			pos("aadhaar-spaced-"+n, INAadhaar, "Aadhaar: %s", group(aa, " ", 4, 4, 4)),
			pos("aadhaar-bare-cue-"+n, INAadhaar, "my aadhaar is %s", aa),
			neg("aadhaar-bad-check-"+n, "no. "+group(breakCheck(aa, aadhaarOK), " ", 4, 4, 4)),
		)
		cpf := genCPF(r)
		cs = append(cs,
			pos("cpf-formatted-"+n, BRCPF, "CPF %s", cpf[:3]+"."+cpf[3:6]+"."+cpf[6:9]+"-"+cpf[9:]),
			pos("cpf-bare-cue-"+n, BRCPF, "meu cpf é %s", cpf),
			neg("cpf-bad-check-"+n, "CPF "+breakCheck(cpf[:3]+"."+cpf[3:6]+"."+cpf[6:9]+"-"+cpf[9:], cpfOK)),
		)
		ip4 := fmt.Sprintf("%d.%d.%d.%d", 1+r.IntN(223), r.IntN(256), r.IntN(256), 1+r.IntN(254))
		cs = append(cs,
			pos("ipv4-"+n, IPAddress, "client %s connected", ip4),
			pos("ipv4-port-"+n, IPAddress, "dial %s:8080", ip4),
			pos("ipv6-"+n, IPAddress, "from %s today", fmt.Sprintf("2001:db8:%x:%x::%x", r.IntN(65536), r.IntN(65536), 1+r.IntN(65535))),
		)
	}
	cs = append(cs,
		pos("email", Email, "write to %s.", "jane.doe+ai@mail.example.co.uk"),
		pos("email-angle", Email, "From: Jane <%s>", "j_d@sub.example.org"),
		neg("email-no-tld", "user@localhost is fine"),
		neg("email-handle", "ping @someone on chat"),
		neg("url-userinfo", "GET https://user:secret@api.example.com/v1"),
		pos("mailto", Email, "<a href=\"mailto:%s\">", "ops@example.com"),
		neg("ipv6-network", "route 2001:db8:: and fc00::/7"),
		pos("nino", UKNINO, "NI number %s", "AB123456C"),
		pos("nino-spaced", UKNINO, "NINO: %s.", "JG 10 37 45 D"),
		neg("nino-bad-prefix", "ref GB123456A"),
		neg("nino-bad-suffix", "ref AB123456E"),
		pos("cccd-cue", VNCCCD, "Số CCCD: %s", "001099012345"),
		neg("cccd-no-cue", "order 001099012345"),
		pos("ipv6-full", IPAddress, "addr %s", "2001:0db8:85a3:0000:0000:8a2e:0370:7334"),
		pos("ipv6-link-local", IPAddress, "%s is up", "fe80::1ff:fe23:4567:890a"),
		pos("date-iso", DateTime, "on %s we met", "2024-03-15"),
		pos("date-iso-time", DateTime, "at %s,", "2024-03-15T10:30:00Z"),
		pos("date-us", DateTime, "since %s", "4/14/1962"),
		pos("date-month-name", DateTime, "on %s", "15 March 2024"),
		pos("date-month-first", DateTime, "on %s", "March 15, 2024"),
		pos("dob", DateOfBirth, "I was born on %s", "12/05/1987"),
		pos("dob-label", DateOfBirth, "DOB: %s", "1987-05-12"),
		neg("version-3", "upgrade to version 10.2.3 now"),
		neg("version-5", "build 1.2.3.4.5 failed"),
		neg("version-4", "upgrade to version 1.2.3.4 today"),
		neg("cue-inside-word", "hotel room 555 1234 booked"),
		neg("go-version", "go1.26.8 is out"),
		neg("unix-timestamp", "ts=1700000000 ms=1700000000123"),
		neg("uuid", "id 123e4567-e89b-12d3-a456-426614174000"),
		neg("sha256", "sum 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
		neg("git-sha", "commit 4b825dc642cb6eb9a060e54bf8d69288fbee4904"),
		neg("hex-upper", "key 9F86D081884C7D659A2FEAA0C55AD015"),
		neg("time", "at 12:30:45 today"),
		neg("mac", "mac 00:1a:2b:3c:4d:5e"),
		neg("cpp-scope", "use std::vector and a::b"),
		neg("price", "costs $1,234,567.89"),
		neg("order-number", "order 123456789012 shipped"),
		neg("bad-date", "on 2024-13-45 nothing"),
		neg("ssn-area-000", "SSN 000-12-3456"),
		neg("ssn-area-666", "SSN 666-12-3456"),
		neg("ssn-area-9xx", "SSN 912-12-3456"),
		neg("ssn-group-00", "SSN 123-00-3456"),
		neg("ssn-serial-0000", "SSN 123-45-0000"),
		neg("ipv4-octet", "addr 256.1.1.1"),
		neg("ipv4-leading-zero", "addr 01.2.3.4"),
		neg("short-number", "room 1234 floor 5"),
	)
	for _, reg := range []string{"US", "GB", "DE", "FR", "VN", "SG", "IN", "BR", "TH", "JP", "AU"} {
		num := phonenumbers.GetExampleNumberForType(reg, phonenumbers.MOBILE)
		if num == nil {
			continue
		}
		cs = append(cs,
			pos("phone-intl-"+reg, Phone, "call %s now", phonenumbers.Format(num, phonenumbers.INTERNATIONAL)),
			pos("phone-e164-"+reg, Phone, "wa: %s", phonenumbers.Format(num, phonenumbers.E164)),
		)
	}
	us := phonenumbers.GetExampleNumberForType("US", phonenumbers.FIXED_LINE)
	cs = append(cs,
		pos("phone-us-national", Phone, "office %s ext", phonenumbers.Format(us, phonenumbers.NATIONAL)),
		pos("phone-us-dashes", Phone, "text me at %s!", "201-555-0123"),
		pos("phone-cue-local", Phone, "Phone: %s", "0487 98 11 92"),
		pos("phone-suffix-fax", Phone, "%s-Fax", "085 175 7641"),
		neg("phone-no-cue-bare", "invoice 2015550123 paid"),
		neg("oid", "OBJECT IDENTIFIER ::= { 1 3 101 112 }"),
		neg("dotted-oid", "oid 1.1.2147483647 and 2.268435375"),
		neg("ipv4-loopback", "listen on 127.0.0.1:8080 or 0.0.0.0"),
		pos("phone-dotted", Phone, "tel %s", "201.555.0123"),
	)
	return cs
}

func spaced4(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[i:min(i+4, len(s))])
	}
	return b.String()
}

func mustNew(t testing.TB, o Options) *Detector {
	t.Helper()
	d, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// describe renders entities as type@start-end, never their text.
func describe(es []Entity) string {
	var b strings.Builder
	for _, e := range es {
		fmt.Fprintf(&b, "%s@%d-%d ", e.Type, e.Start, e.End)
	}
	return strings.TrimSpace(b.String())
}

func TestFindStructured(t *testing.T) {
	d := mustNew(t, Options{Types: StructuredTypes()})
	for _, c := range structuredCases() {
		t.Run(c.name, func(t *testing.T) {
			got := d.Find(c.text)
			if c.want == "" {
				if len(got) > 0 {
					t.Errorf("Find = [%s], want none", describe(got))
				}
				return
			}
			start := strings.Index(c.text, c.value)
			if len(got) != 1 || got[0].Type != c.want || got[0].Start != start || got[0].End != start+len(c.value) {
				t.Errorf("Find = [%s], want %s@%d-%d", describe(got), c.want, start, start+len(c.value))
			}
		})
	}
}

func TestDetectorOptions(t *testing.T) {
	if _, err := New(Options{Types: []Type{"NOPE"}}); err == nil {
		t.Error("New(unknown type) succeeded")
	}
	if _, err := New(Options{Region: "XX"}); err == nil {
		t.Error("New(unknown region) succeeded")
	}
	// A disabled type still wins overlaps: a card number is not a phone.
	r := rand.New(rand.NewPCG(1, 1))
	d := mustNew(t, Options{Types: []Type{Phone}})
	if got := d.Find("call " + group(genCard(r, "4", 16), " ", 4, 4, 4, 4)); len(got) != 0 {
		t.Errorf("Find with only PHONE = [%s], want none", describe(got))
	}
	if _, err := New(Options{MinConfidence: 2}); err == nil {
		t.Error("New(MinConfidence 2) succeeded")
	}
	strict := mustNew(t, Options{MinConfidence: 0.7})
	if got := strict.Find("Phone: 0487 98 11 92, mail a@example.com"); len(got) != 1 || got[0].Type != Email {
		t.Errorf("MinConfidence 0.7 Find = [%s], want only the e-mail (cue-only phones score 0.6)", describe(got))
	}
	// The zero Detector and a nil one both work.
	var zero Detector
	var nilD *Detector
	const s = "mail a@example.com"
	if got := zero.Find(s); len(got) != 1 {
		t.Errorf("zero Detector Find = [%s]", describe(got))
	}
	if got := nilD.Find(s); len(got) != 1 {
		t.Errorf("nil Detector Find = [%s]", describe(got))
	}
	// Region changes national-format validation.
	gb := phonenumbers.Format(phonenumbers.GetExampleNumberForType("GB", phonenumbers.MOBILE), phonenumbers.NATIONAL)
	if got := mustNew(t, Options{Region: "GB", Types: []Type{Phone}}).Find("ring " + gb + " today"); len(got) != 1 {
		t.Errorf("GB national with Region GB = [%s], want one PHONE", describe(got))
	}
}

// TestDigitMask checks the word test against isDigit: the set bytes are
// exactly the digits.
func TestDigitMask(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	for n := 0; n < 200000; n++ {
		var b [8]byte
		for k := range b {
			switch r.IntN(4) {
			case 0:
				b[k] = byte(r.IntN(256))
			case 1: // digits, their neighbours, and the same with the high bit set
				const near = "09/:+(\x00\xb0\xb9\xaf\xba"
				b[k] = near[r.IntN(len(near))]
			default:
				b[k] = byte('a' + r.IntN(26))
			}
		}
		var want uint64
		for k, c := range b {
			if isDigit(c) {
				want |= 0x80 << (8 * k)
			}
		}
		if got := digitMask(load64(string(b[:]), 0)); got != want {
			t.Fatalf("digitMask(%q) = %#x, want %#x", b, got, want)
		}
	}
}

// TestPhoneRegions checks library example numbers of many regions in
// national format (with Options.Region set) and international format (with
// the default region), without any cue.
func TestPhoneRegions(t *testing.T) {
	regions := []string{"US", "CA", "GB", "IE", "DE", "FR", "ES", "IT", "NL", "BE", "CH", "AT", "SE", "NO", "DK", "FI",
		"PL", "CZ", "HU", "PT", "GR", "TR", "RU", "UA", "IL", "AE", "SA", "EG", "ZA", "NG", "KE", "IN", "PK", "BD",
		"CN", "HK", "TW", "JP", "KR", "SG", "MY", "TH", "VN", "PH", "ID", "AU", "NZ", "BR", "AR", "MX", "CL", "CO"}
	intl := mustNew(t, Options{Types: StructuredTypes()})
	for _, reg := range regions {
		for _, typ := range []phonenumbers.PhoneNumberType{phonenumbers.MOBILE, phonenumbers.FIXED_LINE} {
			num := phonenumbers.GetExampleNumberForType(reg, typ)
			if num == nil {
				continue
			}
			national := mustNew(t, Options{Types: StructuredTypes(), Region: reg})
			for _, c := range []struct {
				d      *Detector
				format phonenumbers.PhoneNumberFormat
			}{{national, phonenumbers.NATIONAL}, {intl, phonenumbers.INTERNATIONAL}} {
				v := phonenumbers.Format(num, c.format)
				if back, err := phonenumbers.Parse(v, reg); err != nil || !phonenumbers.IsValidNumber(back) {
					continue // the library cannot read its own format back (AR mobile national)
				}
				text := "see " + v + " now"
				got := c.d.Find(text)
				if len(got) != 1 || got[0].Type != Phone || got[0].Start != 4 || got[0].End != 4+len(v) {
					t.Errorf("%s %v format %v: Find = [%s], want PHONE@4-%d", reg, typ, c.format, describe(got), 4+len(v))
				}
			}
		}
	}
}
