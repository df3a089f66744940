package pii

import (
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"
)

// prose is ordinary English with the numbers prose has (years, prices,
// versions, times), and no personal data.
const prose = `The quarterly review covered 14 projects across 3 regions. Revenue grew 12.5% to $4.2 million, ` +
	`while costs fell in the second half of 2023. The team shipped version 2.14.1 on time, and the ` +
	`migration finished at 09:30 on the first Monday. Customers asked for better search, faster exports ` +
	`and clearer invoices; we answered 1,284 tickets with a median response of 41 minutes. Next year ` +
	`we plan to hire 6 engineers, open an office in the north, and retire the legacy reporting stack. `

// corpus returns n bytes of prose with one personal item every ~2.5 KB.
func corpus(n int) string { return corpusEvery(n, 5) }

// corpusEvery puts an item after every k-th paragraph.
func corpusEvery(n, k int) string {
	r := rand.New(rand.NewPCG(9, 9))
	items := []func() string{
		func() string { return "write to anna.berg@example.com" },
		func() string { return "card " + group(genCard(r, "4", 16), " ", 4, 4, 4, 4) },
		func() string { return "call +44 7400 123456" },
		func() string { return "IBAN " + genIBAN(r, "DE") },
		func() string { return "SSN " + genSSN(r) },
		func() string { return "from 192.168.1.20" },
		func() string { return "born 1987-05-12" },
	}
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		b.WriteString(prose)
		if i%k == k-1 {
			b.WriteString(items[i%len(items)]() + ". ")
		}
	}
	return b.String()[:n]
}

func benchFind(b *testing.B, d *Detector, text string) {
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	c0 := threadCPU()
	for b.Loop() {
		d.Find(text)
	}
	reportCPU(b, c0, len(text))
}

// reportCPU adds cpu-MB/s: bytes per second of this thread's CPU time.
func reportCPU(b *testing.B, c0 time.Duration, size int) {
	if cpu := threadCPU() - c0; cpu > 0 {
		b.ReportMetric(float64(size)*float64(b.N)/cpu.Seconds()/1e6, "cpu-MB/s")
	}
}

// BenchmarkFind measures the structured types (StructuredTypes: no PERSON,
// STREET_ADDRESS or LOCATION heuristics) and, separately, all types.
func BenchmarkFind(b *testing.B) {
	structured := mustNew(b, Options{Types: StructuredTypes()})
	all := mustNew(b, Options{})
	small, large := corpusEvery(2<<10, 2), corpus(1<<20) // 2 KB: a prompt with two items
	b.Run("structured/2KB", func(b *testing.B) { benchFind(b, structured, small) })
	b.Run("structured/1MB", func(b *testing.B) { benchFind(b, structured, large) })
	b.Run("all/2KB", func(b *testing.B) { benchFind(b, all, small) })
	b.Run("all/1MB", func(b *testing.B) { benchFind(b, all, large) })
}

func BenchmarkRedact(b *testing.B) {
	d := mustNew(b, Options{Types: StructuredTypes()})
	text := corpusEvery(2<<10, 2)
	p := Policy{Default: Redact, Types: map[Type]Action{Email: Pseudonymize, Phone: Pseudonymize}}
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	c0 := threadCPU()
	for b.Loop() {
		NewRedactor(d).Apply(text, p)
	}
	reportCPU(b, c0, len(text))
}
