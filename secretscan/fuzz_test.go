package secretscan_test

import (
	"math/rand/v2"
	"testing"

	"github.com/aigate-dev/aigate/secretscan"
)

// FuzzScan checks that Scan never panics and returns ordered,
// non-overlapping matches inside the input.
func FuzzScan(f *testing.F) {
	rnd := rand.New(rand.NewPCG(9, 9))
	for _, r := range secretscan.DefaultRules() {
		f.Add(r.EnvVar + "=" + r.Example(rnd) + "\n")
		for _, n := range r.NonExamples {
			f.Add(n)
		}
	}
	s := secretscan.Default()
	f.Fuzz(func(t *testing.T, text string) {
		end := 0
		for _, m := range s.ScanString(text) {
			if m.Start < end || m.End <= m.Start || m.End > len(text) {
				t.Fatalf("Scan: bad match %+v after offset %d in %d bytes", m, end, len(text))
			}
			end = m.End
		}
	})
}
