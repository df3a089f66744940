package pii

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Values of named fields.
//
// A phone number stored as a JSON number ({"phone": 14155550100}) or as a
// string of bare digits has neither the '+' nor the formatting that lets
// the detector tell it from a timestamp or an ID. The name of the member
// it is the value of can: under a key that names a phone number (see
// [PhoneKey]) a run of 7 to 15 bare digits that is the whole value is a
// phone number when phonenumbers validates it as an international number
// (as if written with a '+') or, failing that, as a national number of the
// detector's region. Under any other key it is not, and the cue words of
// prose ("phone", "tel" a few words before) count only within the key
// ("contact", "sms_to"), for a number valid as the region's: in
// {"phone_verified": true, "created_at": 1700000000} they belong to
// another member.
//
// The detector applies the rule by itself to JSON text it scans (the key
// is read back from the text before the value); [Detector.FindField] and
// [Redactor.ApplyField] apply it to a value whose key the caller knows.

// maxKeyLen bounds the key PhoneKey reads, in bytes.
const maxKeyLen = 48

// PhoneKey reports whether key, the name of a JSON object member or a form
// field, names a phone number: "phone", "phone_number", "phoneNumber",
// "Mobile", "tel", "whatsapp", "fax", "msisdn", "contact_number",
// "home_phone", "telefono", "téléphone", "Handynummer", "điện thoại",
// "电话", "電話番号", "전화번호" and the like. It ignores case, and
// separators ('_', '-', '.', spaces) and camel case split words the same
// way. A key ending in a word that names a phone number, optionally
// followed by "number", "no", "num" or "nr", counts ("billing_phone",
// "customerTelNo"); a longer key merely containing one does not
// ("phone_verified", "telemetry").
func PhoneKey(key string) bool {
	if key == "" || len(key) > maxKeyLen {
		return false
	}
	// The key folded to lower case without separators, and where its last
	// two words start in it.
	var buf [2 * maxKeyLen]byte
	n := buf[:0]
	last, prev := 0, 0
	boundary, lower := true, false
	for _, r := range key {
		switch r {
		case '_', '-', '.', ' ', '\t':
			boundary, lower = true, false
			continue
		}
		up := unicode.IsUpper(r)
		if boundary || up && lower {
			prev, last = last, len(n)
		}
		boundary, lower = false, unicode.IsLower(r)
		if up {
			r = unicode.ToLower(r)
		}
		n = utf8.AppendRune(n, r)
	}
	if len(n) == 0 {
		return false
	}
	if phoneName(string(n)) || phoneWord(string(n[last:])) {
		return true
	}
	switch string(n[last:]) {
	case "number", "numbers", "no", "num", "nr", "nummer":
		if last > 0 {
			return phoneName(string(n[:last])) || phoneWord(string(n[prev:last]))
		}
	}
	return false
}

// phoneName reports a whole folded key that names a phone number.
func phoneName(k string) bool {
	switch k {
	case "phone", "phones", "phonenumber", "phonenumbers", "phoneno", "telephone", "telephonenumber",
		"tel", "tels", "telephones", "telno", "mobile", "mobiles", "mobilenumber", "mobileno", "mobilephone", "mobil",
		"cell", "cellphone", "cellnumber", "cellphonenumber", "whatsapp", "whatsappnumber",
		"fax", "faxnumber", "contactnumber", "contactphone", "msisdn",
		"telefono", "teléfono", "numerotelefono", "numerodetelefono", "telefone", "numerotelefone",
		"téléphone", "numérodetéléphone", "numerodetelephone", "telefon", "telefonnummer", "handy", "handynummer",
		"điệnthoại", "sốđiệnthoại", "dienthoai", "sodienthoai",
		"电话", "电话号码", "手机", "手机号", "手机号码", "聯絡電話", "電話", "電話番号", "携帯電話", "携帯番号",
		"전화번호", "휴대폰", "휴대전화":
		return true
	}
	return false
}

// phoneWord reports the last word of a longer key that makes it name a
// phone number ("home_phone", "customerMobile", "billing_tel").
func phoneWord(w string) bool {
	switch w {
	case "phone", "phones", "telephone", "tel", "mobile", "cellphone", "fax", "msisdn", "whatsapp",
		"telefono", "teléfono", "telefone", "téléphone", "telefon":
		return true
	}
	return false
}

// memberKey returns where the key of the JSON object member whose value
// starts at i in t (a number, or a string whose opening quote is at i-1
// when str is set) starts and ends, read back from the text: '"key"',
// optional spaces, ':', optional spaces. The value may also be one of the
// first maxElems elements of an array of numbers and strings that is the
// member's value ({"phones": [14155550100, "447911123456"]}). ok is false
// when i is not where such a value starts. A key longer than maxKeyLen,
// or an element longer than maxKeyLen, is not read past.
func memberKey(t string, i int, str bool) (start, end int, ok bool) {
	k := i - 1
	if str {
		k--
	}
	k = spaceBack(t, k)
	for n := 0; k >= 0 && t[k] == ','; n++ {
		if n == maxElems-1 {
			return 0, 0, false
		}
		if k = scalarBack(t, spaceBack(t, k-1)); k < -1 {
			return 0, 0, false
		}
		if k = spaceBack(t, k); k >= 0 && t[k] != ',' && t[k] != '[' {
			return 0, 0, false
		}
	}
	if k >= 0 && t[k] == '[' {
		k = spaceBack(t, k-1)
	}
	if k < 0 || t[k] != ':' {
		return 0, 0, false
	}
	k = spaceBack(t, k-1)
	if k < 1 || t[k] != '"' {
		return 0, 0, false
	}
	end = k
	for k--; k >= 0 && end-k <= maxKeyLen+1; k-- {
		if t[k] == '"' && (k == 0 || t[k-1] != '\\') {
			return k + 1, end, true
		}
	}
	return 0, 0, false
}

// maxElems bounds the elements of an array memberKey reads back over.
const maxElems = 16

// spaceBack returns the index of the last byte at or before k that is not
// JSON white space (-1 for none).
func spaceBack(t string, k int) int {
	for k >= 0 && isJSONSpace(t[k]) {
		k--
	}
	return k
}

// scalarBack returns the index just before the JSON number or string that
// ends at k in t, or -2 when none of at most maxKeyLen bytes does.
func scalarBack(t string, k int) int {
	if k < 0 {
		return -2
	}
	if t[k] == '"' {
		for j := k - 1; j >= 0 && k-j <= maxKeyLen+1; j-- {
			if t[j] == '"' && (j == 0 || t[j-1] != '\\') {
				return j - 1
			}
		}
		return -2
	}
	j := k
	for j >= 0 && k-j <= maxKeyLen && (isDigit(t[j]) || t[j] == '.' || t[j] == '-' || t[j] == '+' || t[j] == 'e' || t[j] == 'E') {
		j--
	}
	if j == k || j >= 0 && k-j > maxKeyLen {
		return -2
	}
	return j
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// fieldPhone reports whether v, the whole value of a field under a key
// that names a phone number, is one: 7 to 15 bare digits valid as an
// international number or a national number of region; conf is the
// confidence to report.
func fieldPhone(v, region string) (conf float64, ok bool) {
	if len(v) < 7 || len(v) > 15 {
		return 0, false
	}
	for i := 0; i < len(v); i++ {
		if !isDigit(v[i]) {
			return 0, false
		}
	}
	switch {
	case phoneDigitsValid(v, true, ""):
		return 0.9, true
	case phoneDigitsValid(v, false, region):
		return 0.85, true
	}
	return 0, false
}

// phoneDigitsValid is phoneValid for a candidate of digits only, with a
// '+' before them when plus is set.
func phoneDigitsValid(ds string, plus bool, region string) bool {
	ok, sure := phoneTab().valid(ds, plus, region)
	if sure {
		return ok
	}
	if plus {
		return libraryPhoneValid("+"+ds, region)
	}
	return libraryPhoneValid(ds, region)
}

// FindField is [Detector.Find] for value, the whole value of a field (a
// JSON object member, a form field) named key: when key names a phone
// number ([PhoneKey]) and value is a phone number written as bare digits,
// value is one PHONE entity; otherwise FindField returns Find(value).
func (d *Detector) FindField(key, value string) []Entity {
	if e, ok := d.phoneField(key, value); ok {
		return []Entity{e}
	}
	return d.Find(value)
}

// phoneField returns value as one PHONE entity when key names a phone
// number and value is one written as bare digits, and the detector
// reports phone numbers at that confidence.
func (d *Detector) phoneField(key, value string) (Entity, bool) {
	if key == "" || !d.on(Phone) || strings.IndexFunc(value, func(r rune) bool { return r < '0' || r > '9' }) >= 0 || !PhoneKey(key) {
		return Entity{}, false
	}
	conf, ok := fieldPhone(value, d.phoneRegion())
	if !ok || d != nil && conf < d.minConf {
		return Entity{}, false
	}
	return Entity{Type: Phone, Start: 0, End: len(value), Confidence: conf}, true
}

// ApplyField is [Redactor.Apply] for value, the whole value of a field (a
// JSON object member, a form field) named key: it finds what
// [Detector.FindField] finds. A phone number written as bare digits under
// a key that names one is replaced whole, as p says for PHONE.
func (r *Redactor) ApplyField(key, value string, p Policy) (string, Report) {
	e, ok := r.d.phoneField(key, value)
	if !ok {
		return r.Apply(value, p)
	}
	rep := Report{Counts: map[Type]int{Phone: 1}}
	a := p.For(Phone)
	switch a {
	case Allow:
		return value, rep
	case Block:
		rep.Blocked = []Type{Phone}
	}
	var b strings.Builder
	r.replace(&b, e.Type, value, a)
	return b.String(), rep
}
