//go:build !race

package pii

import "testing"

// TestAllocs pins the allocations of the request path: Find's scanner and
// buffers come from a pool, so it allocates its result and the digits of a
// phone number it validates; Apply adds the report, the output text, the
// vault and its entries and placeholders. (Before the pool and the slice
// vault they were 9 and 25.)
func TestAllocs(t *testing.T) {
	d := mustNew(t, Options{Types: StructuredTypes()})
	text := sample()
	p := Policy{Default: Redact, Types: map[Type]Action{Email: Pseudonymize, Phone: Pseudonymize, CreditCard: Mask}}
	if n := testing.AllocsPerRun(100, func() { d.Find(text) }); n > 2 {
		t.Errorf("Find: %v allocations, want at most 2", n)
	}
	if n := testing.AllocsPerRun(100, func() { NewRedactor(d).Apply(text, p) }); n > 9 {
		t.Errorf("NewRedactor + Apply: %v allocations, want at most 9", n)
	}
}
