package pii

// Checksum and structure validators. Each takes only the significant characters
// (digits, or upper-case letters and digits), never separators.

// luhn reports whether the decimal string ds passes the Luhn (mod 10) check.
func luhn(ds []byte) bool {
	sum := 0
	double := false
	for i := len(ds) - 1; i >= 0; i-- {
		d := int(ds[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// cardBrandOK reports whether ds starts with a known issuer identification
// number (IIN) range that issues cards of exactly len(ds) digits.
func cardBrandOK(ds []byte) bool {
	n := len(ds)
	p := func(k int) int { // first k digits as an int
		v := 0
		for i := 0; i < k && i < n; i++ {
			v = v*10 + int(ds[i]-'0')
		}
		return v
	}
	in := func(v, lo, hi int) bool { return v >= lo && v <= hi }
	switch {
	case ds[0] == '4': // Visa
		return n == 13 || n == 16 || n == 19
	case in(p(2), 51, 55), in(p(4), 2221, 2720): // Mastercard
		return n == 16
	case p(2) == 34 || p(2) == 37: // American Express
		return n == 15
	case in(p(3), 300, 305), p(2) == 36, p(2) == 38, p(2) == 39: // Diners Club
		return n >= 14 && n <= 19
	case p(4) == 6011, in(p(3), 644, 649), p(2) == 65, in(p(6), 622126, 622925): // Discover
		return n >= 16 && n <= 19
	case p(2) == 35: // JCB 3528-3589; the rest of 35 is unassigned and
		// test-card generators use it, so a Luhn-valid 35 number counts
		return n >= 16 && n <= 19
	case p(4) == 1800, p(4) == 2131: // JCB (legacy 15-digit)
		return n == 15
	case in(p(4), 2200, 2204): // Mir
		return n >= 16 && n <= 19
	case p(2) == 62: // UnionPay
		return n >= 16 && n <= 19
	case p(2) == 50, in(p(2), 56, 69): // Maestro (and RuPay 60/65 16-digit)
		return n >= 12 && n <= 19
	case p(4) == 9792: // Troy
		return n == 16
	}
	return false
}

// ibanLengths is the registered IBAN length per country (SWIFT IBAN registry).
var ibanLengths = map[string]int{
	"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
	"BH": 22, "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24,
	"DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
	"FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27,
	"GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27,
	"JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
	"LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27,
	"MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28,
	"PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31,
	"SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
	"TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}

// ibanMod97 reports whether the IBAN s (upper-case letters and digits, no
// spaces) has a valid ISO 7064 mod-97-10 check.
func ibanMod97(s []byte) bool {
	if len(s) < 5 {
		return false
	}
	r := 0
	add := func(c byte) bool {
		switch {
		case c >= '0' && c <= '9':
			r = (r*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			v := int(c-'A') + 10
			r = (r*100 + v) % 97
		default:
			return false
		}
		return true
	}
	for _, c := range s[4:] {
		if !add(c) {
			return false
		}
	}
	for _, c := range s[:4] {
		if !add(c) {
			return false
		}
	}
	return r == 1
}

// ssnOK applies the SSA rules that still hold after 2011 randomisation: area
// not 000, 666 or 900-999; group not 00; serial not 0000. ds has 9 digits.
func ssnOK(ds []byte) bool {
	area := int(ds[0]-'0')*100 + int(ds[1]-'0')*10 + int(ds[2]-'0')
	if area == 0 || area == 666 || area >= 900 {
		return false
	}
	if ds[3] == '0' && ds[4] == '0' {
		return false
	}
	return !(ds[5] == '0' && ds[6] == '0' && ds[7] == '0' && ds[8] == '0')
}

// Verhoeff tables (dihedral group D5), used by India's Aadhaar.
var (
	verhoeffD = [10][10]byte{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5},
		{2, 3, 4, 0, 1, 7, 8, 9, 5, 6}, {3, 4, 0, 1, 2, 8, 9, 5, 6, 7},
		{4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
		{6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3},
		{8, 7, 6, 5, 9, 3, 2, 1, 0, 4}, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
	}
	verhoeffP = [8][10]byte{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4},
		{5, 8, 0, 3, 7, 9, 6, 1, 4, 2}, {8, 9, 1, 6, 0, 4, 3, 5, 2, 7},
		{9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
		{2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8},
	}
)

// verhoeff reports whether ds (check digit last) passes the Verhoeff check.
func verhoeff(ds []byte) bool {
	c := byte(0)
	for i := 0; i < len(ds); i++ {
		c = verhoeffD[c][verhoeffP[i%8][ds[len(ds)-1-i]-'0']]
	}
	return c == 0
}

// aadhaarOK: 12 digits, first digit 2-9, Verhoeff check digit.
func aadhaarOK(ds []byte) bool {
	return len(ds) == 12 && ds[0] >= '2' && verhoeff(ds)
}

// thaiIDOK: 13 digits, first digit 1-8, mod-11 check digit.
func thaiIDOK(ds []byte) bool {
	if len(ds) != 13 || ds[0] == '0' || ds[0] == '9' {
		return false
	}
	sum := 0
	for i := 0; i < 12; i++ {
		sum += int(ds[i]-'0') * (13 - i)
	}
	return (11-sum%11)%10 == int(ds[12]-'0')
}

// cpfOK: Brazil CPF, 11 digits with two mod-11 check digits; repeated-digit
// numbers (000.000.000-00 …) are invalid by rule.
func cpfOK(ds []byte) bool {
	if len(ds) != 11 {
		return false
	}
	same := true
	for _, c := range ds[1:] {
		if c != ds[0] {
			same = false
			break
		}
	}
	if same {
		return false
	}
	check := func(n int) int {
		sum := 0
		for i := 0; i < n; i++ {
			sum += int(ds[i]-'0') * (n + 1 - i)
		}
		r := sum * 10 % 11
		if r == 10 {
			r = 0
		}
		return r
	}
	return check(9) == int(ds[9]-'0') && check(10) == int(ds[10]-'0')
}

// vnProvinces are the province/city codes that open a Vietnamese CCCD number.
var vnProvinces = map[string]bool{
	"001": true, "002": true, "004": true, "006": true, "008": true, "010": true, "011": true, "012": true,
	"014": true, "015": true, "017": true, "019": true, "020": true, "022": true, "024": true, "025": true,
	"026": true, "027": true, "030": true, "031": true, "033": true, "034": true, "035": true, "036": true,
	"037": true, "038": true, "040": true, "042": true, "044": true, "045": true, "046": true, "048": true,
	"049": true, "051": true, "052": true, "054": true, "056": true, "058": true, "060": true, "062": true,
	"064": true, "066": true, "067": true, "068": true, "070": true, "072": true, "074": true, "075": true,
	"077": true, "079": true, "080": true, "082": true, "083": true, "084": true, "086": true, "087": true,
	"089": true, "091": true, "092": true, "093": true, "094": true, "095": true, "096": true,
}

// cccdOK: Vietnam citizen identity card, 12 digits: province code, a
// century/sex digit, two birth-year digits, six serial digits. There is no
// check digit, so callers require a context cue.
func cccdOK(ds []byte) bool {
	return len(ds) == 12 && vnProvinces[string(ds[:3])]
}

// nricOK: Singapore NRIC/FIN, e.g. S1234567D: prefix S/T (citizens), F/G/M
// (foreigners), seven digits, a check letter.
func nricOK(s string) bool {
	if len(s) != 9 {
		return false
	}
	w := [7]int{2, 7, 6, 5, 4, 3, 2}
	sum := 0
	for i := 0; i < 7; i++ {
		c := s[i+1]
		if c < '0' || c > '9' {
			return false
		}
		sum += int(c-'0') * w[i]
	}
	var table string
	switch s[0] {
	case 'S':
		table = "JZIHGFEDCBA"
	case 'T':
		sum += 4
		table = "JZIHGFEDCBA"
	case 'F':
		table = "XWUTRQPNMLK"
	case 'G':
		sum += 4
		table = "XWUTRQPNMLK"
	case 'M':
		sum += 3
		table = "XWUTRQPNJLK"
	default:
		return false
	}
	return table[sum%11] == s[8]
}

// ninoPrefixOK: UK National Insurance number prefix rules (HMRC). NINOs have
// no check digit; the prefix rules and the A-D suffix are the whole test.
func ninoPrefixOK(a, b byte) bool {
	switch a {
	case 'D', 'F', 'I', 'Q', 'U', 'V':
		return false
	}
	switch b {
	case 'D', 'F', 'I', 'O', 'Q', 'U', 'V':
		return false
	}
	switch string([]byte{a, b}) {
	case "BG", "GB", "KN", "NK", "NT", "TN", "ZZ":
		return false
	}
	return true
}
