package guard

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"github.com/aigate-dev/aigate/pii"
)

// benchJSONDoc is about 1 KB of a tool's result as JSON, with an e-mail
// address, a card number written as a number and, for the redactor, the
// everyday strings and numbers of a record (IDs, a timestamp, amounts).
func benchJSONDoc(b *testing.B) string {
	b.Helper()
	var items []any
	for i := range 6 {
		items = append(items, map[string]any{"sku": "SKU-" + strings.Repeat("7", 3+i), "name": "Merino wool socks, size 42",
			"qty": i + 1, "price": 12.5, "note": "ships from the north warehouse within 2 days"})
	}
	doc, err := json.Marshal(map[string]any{
		"order_id": 88123, "created_at": 1700000000, "status": "paid",
		"customer": map[string]any{"name": "a returning customer", "email": "jane.roe@example.org", "tier": "gold"},
		"payment":  map[string]any{"card": json.Number(testCard), "currency": "EUR"},
		"items":    items,
	})
	if err != nil {
		b.Fatal(err)
	}
	return string(doc)
}

// BenchmarkApplyPIIJSON redacts a 1 KB JSON document (applyPIIJSON), with
// the structured types and with every type: the detectors read it once,
// through its view. cpu-µs/op is this thread's CPU time, which a shared
// machine's neighbours do not inflate.
//
//	go test ./internal/guard -run '^$' -bench ApplyPIIJSON -benchtime 5000x
func BenchmarkApplyPIIJSON(b *testing.B) {
	doc := benchJSONDoc(b)
	pol := pii.Policy{Default: pii.Redact, Types: map[pii.Type]pii.Action{pii.Email: pii.Pseudonymize}}
	for _, tt := range []struct {
		name  string
		types []pii.Type
	}{{"structured", pii.StructuredTypes()}, {"all", nil}} {
		b.Run(tt.name, func(b *testing.B) {
			d, err := pii.New(pii.Options{Types: tt.types})
			if err != nil {
				b.Fatal(err)
			}
			if out, rep := applyPIIJSON(pii.NewRedactor(d), d, doc, pol); rep.Total() != 2 || !json.Valid([]byte(out)) {
				b.Fatalf("found %d, want the e-mail address and the card number", rep.Total())
			}
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			cpu0 := threadCPU()
			for b.Loop() {
				applyPIIJSON(pii.NewRedactor(d), d, doc, pol)
			}
			if cpu := threadCPU() - cpu0; cpu > 0 {
				b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/op")
			}
		})
	}
}
