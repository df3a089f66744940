package pii

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// sample builds a text with one generated value of several types.
func sample() string {
	r := rand.New(rand.NewPCG(7, 7))
	return "Hi, I'm writing from jane.doe@example.com (or j.d@example.org). Card " +
		group(genCard(r, "4", 16), " ", 4, 4, 4, 4) + ", IBAN " + genIBAN(r, "DE") +
		", SSN " + genSSN(r) + ", server 10.20.30.40, call +44 7400 123456. " +
		"Again: jane.doe@example.com. DOB: 1987-05-12."
}

func TestPolicy(t *testing.T) {
	p, err := ParsePolicy(map[string]string{"default": "redact", "EMAIL": "pseudonymise", "credit_card": "block", "PHONE": "mask"})
	if err != nil {
		t.Fatal(err)
	}
	for typ, want := range map[Type]Action{Email: Pseudonymize, CreditCard: Block, Phone: Mask, IBAN: Redact} {
		if got := p.For(typ); got != want {
			t.Errorf("For(%s) = %s, want %s", typ, got, want)
		}
	}
	if _, err := ParsePolicy(map[string]string{"EMAIL": "shred", "NOPE": "redact"}); err == nil {
		t.Error("ParsePolicy(bad) succeeded")
	}
	if got := (Policy{}).For(Email); got != Redact {
		t.Errorf("zero Policy For = %s, want redact", got)
	}
}

func TestApplyActions(t *testing.T) {
	text := sample()
	d := mustNew(t, Options{Types: StructuredTypes()})
	tests := []struct {
		name   string
		policy Policy
		check  func(t *testing.T, out string, rep Report)
	}{
		{"redact", Policy{}, func(t *testing.T, out string, rep Report) {
			for _, ph := range []string{"[EMAIL]", "[CREDIT_CARD]", "[IBAN]", "[US_SSN]", "[IP_ADDRESS]", "[PHONE]", "[DATE_OF_BIRTH]"} {
				if !strings.Contains(out, ph) {
					t.Errorf("output lacks %s", ph)
				}
			}
			if rep.Counts[Email] != 3 || rep.IsBlocked() {
				t.Errorf("report = %+v, want 3 EMAIL, not blocked", rep)
			}
		}},
		{"mask", Policy{Default: Mask}, func(t *testing.T, out string, rep Report) {
			if strings.Contains(out, "[") {
				t.Errorf("mask produced a redaction tag")
			}
			if !strings.Contains(out, "**** **** **** ") {
				t.Errorf("card not masked to last four")
			}
		}},
		{"block", Policy{Default: Allow, Types: map[Type]Action{CreditCard: Block}}, func(t *testing.T, out string, rep Report) {
			if !rep.IsBlocked() || !slices.Equal(rep.Blocked, []Type{CreditCard}) {
				t.Errorf("Blocked = %v, want [CREDIT_CARD]", rep.Blocked)
			}
			if !strings.Contains(out, "[CREDIT_CARD]") || !strings.Contains(out, "jane.doe@example.com") {
				t.Errorf("block should redact the card and allow the rest")
			}
		}},
		{"allow", Policy{Default: Allow}, func(t *testing.T, out string, rep Report) {
			if out != text || rep.Total() == 0 {
				t.Errorf("allow changed the text or counted nothing")
			}
		}},
		{"pseudonymize", Policy{Default: Pseudonymize}, func(t *testing.T, out string, rep Report) {
			if strings.Count(out, "<EMAIL_1>") != 2 || !strings.Contains(out, "<EMAIL_2>") {
				t.Errorf("same value must get the same placeholder: EMAIL_1 x%d", strings.Count(out, "<EMAIL_1>"))
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRedactor(d)
			out, rep := r.Apply(text, tt.policy)
			tt.check(t, out, rep)
			assertRedacted(t, r, out, tt.policy)
		})
	}
}

// assertRedacted checks that out has no match of a non-allowed type left and
// that applying the policy again changes nothing.
func assertRedacted(t *testing.T, r *Redactor, out string, p Policy) {
	t.Helper()
	for _, e := range r.d.Find(out) {
		if p.For(e.Type) != Allow {
			t.Errorf("%s@%d-%d survived redaction", e.Type, e.Start, e.End)
		}
	}
	if again, _ := r.Apply(out, p); again != out {
		t.Errorf("Apply is not idempotent (len %d -> %d)", len(out), len(again))
	}
}

func TestPseudonymizeRoundTrip(t *testing.T) {
	text := sample()
	r := NewRedactor(nil)
	out, _ := r.Apply(text, Policy{Default: Pseudonymize})
	if out == text {
		t.Fatal("nothing pseudonymised")
	}
	if got := r.Vault().Restore(out); got != text {
		t.Errorf("Restore(Apply(x)) != x")
	}
	// A second message of the same request reuses placeholders.
	out2, _ := r.Apply("again jane.doe@example.com", Policy{Default: Pseudonymize})
	if out2 != "again <EMAIL_1>" {
		t.Errorf("second Apply = %q, want the first placeholder", out2)
	}
	if s := r.Vault().String(); strings.Contains(s, "@") {
		t.Errorf("Vault.String leaks a value")
	}
	// A placeholder the vault did not issue stays.
	if got := r.Vault().Restore("<EMAIL_99> <EMAIL_1"); got != "<EMAIL_99> <EMAIL_1" {
		t.Errorf("Restore changed unknown placeholders")
	}
}

// TestVaultMany crosses the size at which the vault starts indexing its
// entries: numbering, reuse, lookup and restore must not change there.
func TestVaultMany(t *testing.T) {
	r := NewRedactor(nil)
	var in, want []string
	for i := 1; i <= 3*vaultScanMax; i++ {
		in = append(in, fmt.Sprintf("user%d@example.com", i))
		want = append(want, fmt.Sprintf("<EMAIL_%d>", i))
	}
	text := strings.Join(in, " ")
	out, _ := r.Apply(text, Policy{Default: Pseudonymize})
	if got := strings.Join(want, " "); out != got {
		t.Fatalf("Apply = %q, want %q", out, got)
	}
	for _, n := range []int{1, vaultScanMax, vaultScanMax + 1, 3 * vaultScanMax} {
		again, _ := r.Apply("again "+in[n-1], Policy{Default: Pseudonymize})
		if again != "again "+want[n-1] {
			t.Errorf("value %d again = %q, want %q", n, again, "again "+want[n-1])
		}
		if v, ok := r.Vault().Lookup(want[n-1]); !ok || v != in[n-1] {
			t.Errorf("Lookup(%s) = %q, %v", want[n-1], v, ok)
		}
	}
	if _, ok := r.Vault().Lookup(fmt.Sprintf("<EMAIL_%d>", 3*vaultScanMax+1)); ok {
		t.Errorf("Lookup found a placeholder never issued")
	}
	if got := r.Vault().Restore(out); got != text {
		t.Errorf("Restore(Apply(x)) != x")
	}
	if n := r.Vault().Len(); n != 3*vaultScanMax {
		t.Errorf("Len = %d, want %d", n, 3*vaultScanMax)
	}
}

// TestRestorerEverySplit feeds a pseudonymised model answer through a
// Restorer split at every pair of byte positions.
func TestRestorerEverySplit(t *testing.T) {
	r := NewRedactor(nil)
	in, _ := r.Apply(sample(), Policy{Default: Pseudonymize})
	answer := "Sure <PERSON> – I wrote to " + in + " and <EMAIL_1>><EMAIL_2>, <<EMAIL_1>, <EMAIL_ <CREDIT_CARD_1"
	want := r.Vault().Restore(answer)
	for i := 0; i <= len(answer); i++ {
		for j := i; j <= len(answer); j++ {
			rs := r.Vault().NewRestorer()
			got := rs.Next(answer[:i]) + rs.Next(answer[i:j]) + rs.Next(answer[j:]) + rs.Close()
			if got != want {
				t.Fatalf("split at %d,%d: restored text differs", i, j)
			}
		}
	}
	// Byte-at-a-time streaming holds back no more than a placeholder.
	rs := r.Vault().NewRestorer()
	var b strings.Builder
	for k := 0; k < len(answer); k++ {
		b.WriteString(rs.Next(answer[k : k+1]))
		if rs.Pending() >= len("<DATE_OF_BIRTH_1>") { // the longest placeholder issued
			t.Fatalf("holding %d bytes", rs.Pending())
		}
	}
	if b.WriteString(rs.Close()); b.String() != want {
		t.Error("byte-at-a-time restore differs")
	}
}

func TestMask(t *testing.T) {
	for _, c := range []struct {
		in   string
		typ  Type
		want string
	}{
		{"4111 1111 1111 1234", CreditCard, "**** **** **** 1234"},
		{"+1 415-555-2671", Phone, "+* ***-***-2671"},
		{"555 1234", Phone, "*** ****"},
		{"AB123456C", UKNINO, "*****456C"},
		{"Anna Bergman", Person, "**** *******"},
		{"ana@example.com", Email, "***@*******.***"},
	} {
		if got := mask(c.in, c.typ.keepsTail()); got != c.want {
			t.Errorf("mask(%s value) = %q, want %q", c.typ, got, c.want)
		}
	}
}

// TestConcurrentUse shares one Detector across goroutines and one Redactor
// between a request's input and output side (run with -race).
func TestConcurrentUse(t *testing.T) {
	d := mustNew(t, Options{})
	r := NewRedactor(d)
	text := sample()
	done := make(chan string, 8)
	for range 8 {
		go func() {
			out, _ := r.Apply(text, Policy{Default: Pseudonymize})
			done <- r.Vault().Restore(out)
		}()
	}
	for range 8 {
		if got := <-done; got != text {
			t.Error("concurrent Apply/Restore lost the round trip")
		}
	}
}
