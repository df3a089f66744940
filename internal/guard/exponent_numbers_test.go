package guard

import (
	"encoding/json"
	"math/big"
	"strings"
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
)

func TestIntDigits(t *testing.T) {
	for _, tt := range []struct {
		lit, want string // want "" for not ok
	}{
		{"4.111111111111111e15", "4111111111111111"},
		{"4111111111111111E0", "4111111111111111"},
		{"1.4155550100e10", "14155550100"},
		{"-12E+2", "-1200"},
		{"41111111111111110e-1", "4111111111111111"},
		{"0.0e5", "0"},
		{"-0e0", "-0"},
		{"000123e1", ""},
		{"0.000123e6", "123"},
		{"1e23", "100000000000000000000000"},
		{"1e24", ""}, // 25 digits
		{"1.5e0", ""},
		{"15e-1", ""},
		{"1e-1", ""},
		{"1e400", ""},
		{"1e99999999999999999999", ""},
		{"1e-99999999999999999999", ""},
		{"1.e5", ""},
		{".5e1", ""},
		{"1e", ""},
		{"1e+", ""},
		{"--1e1", ""},
		{"1e1x", ""},
		{"", ""},
		{strings.Repeat("1", 70) + "e0", ""},
	} {
		got, ok := intDigits(tt.lit)
		if ok != (tt.want != "") || got != tt.want {
			t.Errorf("intDigits(%q) = %q, %v; want %q", tt.lit, got, ok, tt.want)
		}
	}
}

// FuzzIntDigits: intDigits never panics, and what it returns is the value
// of the literal, as math/big reads it, written as an integer.
func FuzzIntDigits(f *testing.F) {
	for _, s := range []string{"4.111111111111111e15", "-12E+2", "1e400", "0.0e5", "41111111111111110e-1", "1.5e0", "9e23"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, lit string) {
		ds, ok := intDigits(lit)
		if !ok {
			return
		}
		if len(strings.TrimPrefix(ds, "-")) > maxIntDigits || !json.Valid([]byte(lit)) {
			t.Fatalf("intDigits(%q) = %q", lit, ds)
		}
		r, rok := new(big.Rat).SetString(lit)
		n, nok := new(big.Int).SetString(ds, 10)
		if !rok || !nok || !r.IsInt() || r.Num().Cmp(n) != 0 {
			t.Fatalf("intDigits(%q) = %q, not its value", lit, ds)
		}
	})
}

// A number in exponent form in a tool call's argument object is checked by
// its integer digits, and replaced as a string when they are personal
// data; other numbers are left as written.
func TestInputExponentNumberArgs(t *testing.T) {
	const args = `{"card": 4.111111111111111e15, "c2": 4111111111111111E0, "phone": 1.4155550100e10, ` +
		`"created_at": 1.7e9, "x": 1e400, "y": 1.5e3, "z": -4111111111111111e0}`
	req := argsRequest(args)
	if _, err := piiPolicy(t, map[string]string{"default": "redact"}).checkInput(req, nil); err != nil {
		t.Fatal(err)
	}
	body := string(req.Body())
	want := `{"input":{"card": "[CREDIT_CARD]", "c2": "[CREDIT_CARD]", "phone": "[PHONE]", ` +
		`"created_at": 1.7e9, "x": 1e400, "y": 1.5e3, "z": "-[CREDIT_CARD]"}}`
	if body != want {
		t.Errorf("body = %s, want %s", body, want)
	}
	req = argsRequest(`{"card": 4.111111111111111e15, "t": 1.7e9}`)
	vault, err := piiPolicy(t, map[string]string{"default": "pseudonymize"}).checkInput(req, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := mustArgs(t, req); got["card"] != "<CREDIT_CARD_1>" || vault.Restore("<CREDIT_CARD_1>") != testCard {
		t.Errorf("card = %v, want a pseudonym that restores to the card number", got["card"])
	}
	req = argsRequest(`{"card": 4.111111111111111e15}`)
	if _, err := piiPolicy(t, map[string]string{"CREDIT_CARD": "block"}).checkInput(req, nil); err == nil {
		t.Error("a card number in exponent form was not refused")
	}
}

// In a JSON document too, and in tool-call arguments the model writes.
func TestExponentNumberDocument(t *testing.T) {
	const doc = `{"card":4.111111111111111e15,"phone":1.4155550100e10,"t":1.7e9,"list":[4111111111111111e0, 2e1]}`
	for _, tt := range []struct{ action, want string }{
		{"redact", `{"card":"[CREDIT_CARD]","phone":"[PHONE]","t":1.7e9,"list":["[CREDIT_CARD]", 2e1]}`},
		{"mask", `{"card":"************1111","phone":"*******0100","t":1.7e9,"list":["************1111", 2e1]}`},
		{"pseudonymize", `{"card":"<CREDIT_CARD_1>","phone":"<PHONE_1>","t":1.7e9,"list":["<CREDIT_CARD_1>", 2e1]}`},
	} {
		req, text := toolResult(doc)
		if _, err := piiPolicy(t, map[string]string{"default": tt.action}).checkInput(req, nil); err != nil {
			t.Fatal(err)
		}
		if text.Value != tt.want {
			t.Errorf("%s: tool result = %s, want %s", tt.action, text.Value, tt.want)
		}
	}

	p, err := NewPolicy("t", PolicySpec{OutputPII: ActionRedact})
	if err != nil {
		t.Fatal(err)
	}
	everySplit(doc, func(pieces []string) {
		got, err := runArgs(p.newOutput(&gateway.Request{}, nil), pieces...)
		if err != nil {
			t.Fatal(err)
		}
		if want := `{"card":"[CREDIT_CARD]","phone":"[PHONE]","t":1.7e9,"list":["[CREDIT_CARD]", 2e1]}`; got != want {
			t.Fatalf("pieces %q: arguments = %s, want %s", pieces, got, want)
		}
	})
	// A number of an argument object handed over on its own.
	o := p.newOutput(&gateway.Request{}, nil)
	got, _ := o.Text(5, "4.111111111111111e15")
	rest, _ := o.Flush(5)
	if got+rest != "[CREDIT_CARD]" {
		t.Errorf("a card number in exponent form became %q", got+rest)
	}
}
