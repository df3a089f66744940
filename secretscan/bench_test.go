package secretscan_test

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/aigate-dev/aigate/secretscan"
)

// mixedText returns about n bytes of real source text (the Go standard
// library's net/http, encoding/json and a few docs) with a fake key every
// 64 KB, the shape of a typical repository.
func mixedText(b *testing.B, n int) []byte {
	b.Helper()
	var buf bytes.Buffer
	rnd := rand.New(rand.NewPCG(3, 3))
	rules := secretscan.DefaultRules()
	root := filepath.Join(runtime.GOROOT(), "src")
	for buf.Len() < n {
		before := buf.Len()
		for _, dir := range []string{"net/http", "encoding/json", "go/parser", "regexp/syntax", "crypto/tls"} {
			files, _ := filepath.Glob(filepath.Join(root, dir, "*.go"))
			for _, f := range files {
				data, err := os.ReadFile(f)
				if err != nil {
					continue
				}
				buf.Write(data)
				r := rules[rnd.IntN(len(rules))]
				buf.WriteString("\n" + r.EnvVar + " = \"" + r.Example(rnd) + "\"\n")
				if buf.Len() >= n {
					return buf.Bytes()
				}
			}
		}
		if buf.Len() == before {
			b.Skip("no Go source found under GOROOT")
		}
	}
	return buf.Bytes()
}

// BenchmarkScanSource reports cpu-MB/s beside MB/s: bytes per second of
// this thread's CPU time (the target is per core).
func BenchmarkScanSource(b *testing.B) {
	data := mixedText(b, 8<<20)
	s := secretscan.Default()
	b.SetBytes(int64(len(data)))
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ResetTimer()
	c0 := threadCPU()
	for b.Loop() {
		s.Scan(data)
	}
	if cpu := threadCPU() - c0; cpu > 0 {
		b.ReportMetric(float64(len(data))*float64(b.N)/cpu.Seconds()/1e6, "cpu-MB/s")
	}
}

func BenchmarkScanPrompt2KB(b *testing.B) {
	p := strings.Repeat("Please summarise the attached meeting notes for the team, keeping action items and owners. ", 23)[:2048]
	s := secretscan.Default()
	b.SetBytes(int64(len(p)))
	b.ReportAllocs()
	for b.Loop() {
		s.ScanString(p)
	}
}

func BenchmarkScanPrompt2KBWithKey(b *testing.B) {
	rnd := rand.New(rand.NewPCG(5, 5))
	r, _ := secretscan.Default().Rule("anthropic-api-key")
	p := strings.Repeat("Here is my config, why does it fail? ", 53)[:1900] + " ANTHROPIC_API_KEY=" + r.Example(rnd)
	s := secretscan.Default()
	b.SetBytes(int64(len(p)))
	b.ReportAllocs()
	for b.Loop() {
		s.ScanString(p)
	}
}
