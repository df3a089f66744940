package pii

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPhoneKey(t *testing.T) {
	for _, k := range []string{
		"phone", "Phone", "PHONE", "phone_number", "phoneNumber", "PhoneNumber", "phone-number", "phone number",
		"tel", "telephone", "mobile", "mobile_number", "mobileNumber", "cell", "cell_phone", "whatsapp", "fax",
		"contact_number", "contactNumber", "msisdn", "home_phone", "workPhone", "billing_phone_number",
		"customerTelNo", "emergency.contact.phone", "telefono", "teléfono", "telefone", "téléphone", "Téléphone",
		"telefon", "Telefonnummer", "handy", "Handynummer", "điện thoại", "dien_thoai", "số điện thoại",
		"电话", "手机", "手机号码", "電話番号", "전화번호", "phones",
	} {
		if !PhoneKey(k) {
			t.Errorf("PhoneKey(%q) = false, want true", k)
		}
	}
	for _, k := range []string{
		"", "id", "created_at", "timestamp", "phone_verified", "phoneVerified", "telemetry", "hotel", "cellar",
		"excel_cell", "number", "no", "contact", "user_id", "microphone_id", "phone_count", "tel_prefix",
		strings.Repeat("x", 60) + "_phone",
	} {
		if PhoneKey(k) {
			t.Errorf("PhoneKey(%q) = true, want false", k)
		}
	}
}

// In JSON text, a phone number written as bare digits (a number or a
// string) is found under a key that names one, and nothing under another
// key is taken for a phone number because of cue words nearby.
func TestFindPhoneUnderKey(t *testing.T) {
	d := mustNew(t, Options{})
	for _, tt := range []struct {
		text, want string // want: the phone number found, "" for none
	}{
		{`{"phone": 14155550100}`, "14155550100"},
		{`{"mobile_number": 447911123456}`, "447911123456"},
		{`{"phoneNumber":"447911123456"}`, "447911123456"},
		{`{"telefono": 393471234567}`, "393471234567"},
		{`{"tel" : 4155550100 }`, "4155550100"},        // national, the default region's
		{`[{"Handy":4915123456789}]`, "4915123456789"}, // German mobile, international
		{`{"created_at": 1700000000, "phone": null}`, ""},
		{`{"phone_verified":true,"created_at":1700000000}`, ""},
		{`{"phone":"x","created_at":1700000000}`, ""},
		{`{"id": 447911123456}`, ""},
		{`{"contact": "4155550100"}`, "4155550100"}, // a cue word in the key, and valid
		{`{"registered_at": 1700000000}`, ""},       // a cue word in the key, but no valid number

		{`{"order_id": 14155550100}`, ""},
		{`{"note": "ref 447911123456"}`, ""}, // not a whole value: prose rules, no cue
		{`{"phones": [14155550100, "447911123456"]}`, "14155550100 447911123456"},
		{`{"tel":["x", 1.5, 447911123456]}`, "447911123456"},
		{`{"ids": [14155550100], "phone": 1}`, ""},
		{`{"phone": [{"n": 447911123456}]}`, ""}, // in an object in the array: its own key
		{`[447911123456]`, ""},
		{`{"phone": 12}`, ""},
		{`{"phone": 1700000000000000}`, ""}, // 16 digits
	} {
		got := []string{}
		for _, e := range d.Find(tt.text) {
			if e.Type == Phone {
				got = append(got, tt.text[e.Start:e.End])
			}
		}
		want := strings.Fields(tt.want)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("Find(%s) phones = %q, want %q", tt.text, got, want)
		}
	}
}

func TestFindField(t *testing.T) {
	d := mustNew(t, Options{})
	for _, tt := range []struct {
		key, value string
		want       Type // "" for nothing
	}{
		{"phone", "14155550100", Phone},
		{"mobile_number", "447911123456", Phone},
		{"電話番号", "81312345678", Phone},
		{"phone", "4155550100", Phone},
		{"created_at", "1700000000", ""},
		{"id", "447911123456", ""},
		{"phone", "1700000000000", ""},
		{"phone", "", ""},
		{"card", "4111111111111111", CreditCard},
		{"phone", "mail jane@example.org", Email},
	} {
		es := d.FindField(tt.key, tt.value)
		got := Type("")
		if len(es) > 0 {
			got = es[0].Type
		}
		if got != tt.want || tt.want == Phone && (es[0].Start != 0 || es[0].End != len(tt.value)) {
			t.Errorf("FindField(%q, %q) = %v, want %q", tt.key, tt.value, es, tt.want)
		}
	}
	// PHONE off, or a confidence floor above the rule's, finds nothing.
	for _, o := range []Options{{Types: []Type{Email}}, {MinConfidence: 0.95}} {
		if es := mustNew(t, o).FindField("phone", "14155550100"); len(es) > 0 {
			t.Errorf("options %+v: FindField found %v", o, es)
		}
	}
}

func TestApplyField(t *testing.T) {
	d := mustNew(t, Options{})
	for _, tt := range []struct {
		action Action
		want   string
	}{
		{Redact, "[PHONE]"},
		{Mask, "*******0100"},
		{Pseudonymize, "<PHONE_1>"},
		{Block, "[PHONE]"},
		{Allow, "14155550100"},
	} {
		r := NewRedactor(d)
		out, rep := r.ApplyField("phone", "14155550100", Policy{Default: tt.action})
		if out != tt.want || rep.Counts[Phone] != 1 || rep.IsBlocked() != (tt.action == Block) {
			t.Errorf("%s: ApplyField = %q, %+v; want %q", tt.action, out, rep, tt.want)
		}
		if tt.action == Pseudonymize && r.Vault().Restore(out) != "14155550100" {
			t.Errorf("pseudonym %s does not restore", out)
		}
	}
	r := NewRedactor(d)
	if out, rep := r.ApplyField("created_at", "1700000000", Policy{}); out != "1700000000" || rep.Total() != 0 {
		t.Errorf("a timestamp became %q (%+v)", out, rep)
	}
	if out, _ := r.ApplyField("note", "card 4111111111111111", Policy{}); out != "card [CREDIT_CARD]" {
		t.Errorf("ApplyField fell back to %q, want Apply's output", out)
	}
}

// ApplyEdits returns Apply's output and report, and edits that turn the
// text into it.
func TestApplyEdits(t *testing.T) {
	d := mustNew(t, Options{})
	text := sample()
	for _, p := range []Policy{{}, {Default: Mask}, {Default: Pseudonymize}, {Default: Allow, Types: map[Type]Action{Email: Redact}}} {
		want, wrep := NewRedactor(d).Apply(text, p)
		out, edits, rep := NewRedactor(d).ApplyEdits(text, p)
		if out != want || fmt.Sprint(rep) != fmt.Sprint(wrep) {
			t.Errorf("%s: ApplyEdits differs from Apply", p.Default)
		}
		if len(edits) == 0 || replay(text, edits) != out {
			t.Errorf("%s: %d edits do not turn the text into the output", p.Default, len(edits))
		}
	}
	if out, edits, _ := NewRedactor(d).ApplyEdits("nothing here", Policy{}); out != "nothing here" || edits != nil {
		t.Errorf("ApplyEdits = %q, %v; want the text and no edits", out, edits)
	}
}

// replay applies edits to text.
func replay(text string, edits []Edit) string {
	var b strings.Builder
	at := 0
	for _, e := range edits {
		if e.Start < at || e.End < e.Start || e.End > len(text) {
			return "<edits out of order>"
		}
		b.WriteString(text[at:e.Start])
		b.WriteString(e.New)
		at = e.End
	}
	b.WriteString(text[at:])
	return b.String()
}

// FuzzFindField: FindField and ApplyField never panic, find the whole
// value or what Find finds, and ApplyField's output has nothing left that
// FindField finds under the same key.
func FuzzFindField(f *testing.F) {
	for _, kv := range [][2]string{
		{"phone", "14155550100"}, {"mobile_number", "447911123456"}, {"created_at", "1700000000"},
		{"电话", "8613800138000"}, {"Phone_No", "0"}, {"téléphone", "33612345678"}, {"x", "a@b.example"},
		{"phone\xff", "123456789012345"}, {"_-.", "4111111111111111"},
	} {
		f.Add(kv[0], kv[1])
	}
	d := mustNew(f, Options{})
	f.Fuzz(func(t *testing.T, key, value string) {
		es := d.FindField(key, value)
		for _, e := range es {
			if e.Start < 0 || e.End > len(value) || e.End <= e.Start {
				t.Fatalf("bad entity %s@%d-%d", e.Type, e.Start, e.End)
			}
		}
		for _, p := range []Policy{{}, {Default: Mask}, {Default: Pseudonymize}} {
			out, rep := NewRedactor(d).ApplyField(key, value, p)
			if rep.Total() < len(es) {
				t.Fatalf("%s: report counts %d, FindField found %d", p.Default, rep.Total(), len(es))
			}
			if left := d.FindField(key, out); len(left) > 0 {
				t.Fatalf("%s: %s survived", p.Default, left[0].Type)
			}
			if len(es) > 0 && out == value {
				t.Fatalf("%s: nothing replaced", p.Default)
			}
			if utf8.ValidString(value) && !utf8.ValidString(out) {
				t.Fatalf("%s: output is not UTF-8", p.Default)
			}
		}
	})
}
