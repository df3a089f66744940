package guard

import (
	_ "embed"
	"encoding/json"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider/openai"
)

// benchMessage is 2 KB of ordinary support-chat text, none of it repeated,
// with an e-mail address, a phone number, a (test) card number, a date and
// the everyday numbers prose has (order number, sizes, years, a version).
//
//go:embed testdata/message_2k.txt
var benchMessage string

func benchPolicy(b *testing.B) *Policy {
	b.Helper()
	p, err := NewPolicy("bench", PolicySpec{
		SystemPrompt: "You are the support assistant of Example Shop. Only answer questions about Example Shop orders, returns and products.",
		PII:          map[string]string{"default": "redact", "EMAIL": "pseudonymize", "PHONE": "pseudonymize", "CREDIT_CARD": "mask"},
	})
	if err != nil {
		b.Fatal(err)
	}
	return p
}

func benchRequest(b *testing.B) (body []byte, req *gateway.Request) {
	b.Helper()
	body, _ = json.Marshal(map[string]any{"model": "gpt-4o-mini", "messages": []any{map[string]any{"role": "user", "content": benchMessage}}})
	req, err := openai.Adapter{}.Decode(gateway.OpChatCompletions, "", body)
	if err != nil {
		b.Fatal(err)
	}
	return body, req
}

// threadCPU returns the CPU time of the calling OS thread (Linux
// RUSAGE_THREAD; zero elsewhere).
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if runtime.GOOS != "linux" || syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// latencies collects per-operation times and reports p50 and p99 (wall
// clock) and cpu-µs (this thread's CPU time per operation, which a shared
// machine's neighbours do not inflate).
type latencies struct {
	b    *testing.B
	lat  []time.Duration
	cpu0 time.Duration
}

func newLatencies(b *testing.B) *latencies {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchMessage)))
	runtime.LockOSThread()
	return &latencies{b: b, lat: make([]time.Duration, 0, 1<<14), cpu0: threadCPU()}
}

func (l *latencies) report() {
	cpu := threadCPU() - l.cpu0
	runtime.UnlockOSThread()
	if len(l.lat) == 0 {
		return
	}
	slices.Sort(l.lat)
	us := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }
	l.b.ReportMetric(us(l.lat[len(l.lat)/2]), "p50-µs")
	l.b.ReportMetric(us(l.lat[len(l.lat)*99/100]), "p99-µs")
	if cpu > 0 {
		l.b.ReportMetric(us(cpu)/float64(len(l.lat)), "cpu-µs/op")
	}
}

// BenchmarkInputGuards runs the input guards of a policy on one 2 KB user
// message (testdata/message_2k.txt) and reports p50, p99 and CPU time per
// operation: each guard alone (pii: redaction with pseudonyms; secrets;
// injection), and all of them together (pinned prompt, secrets, injection,
// PII, role markers) with the request's decode and re-encode included.
// The target is p99 ≤ 50 µs for "all":
//
//	go test ./internal/guard -run '^$' -bench InputGuards -benchtime 5000x
func BenchmarkInputGuards(b *testing.B) {
	// each runs one guard on req, whose texts are reset before every run.
	each := func(b *testing.B, check func(p *Policy, req *gateway.Request) error) {
		p := benchPolicy(b)
		_, req := benchRequest(b)
		texts := checkedTexts(req, true)
		orig := make([]string, len(texts))
		for i, t := range texts {
			orig[i] = t.Value
		}
		l := newLatencies(b)
		for b.Loop() {
			for i, t := range texts {
				t.Set(orig[i])
			}
			req.Findings = req.Findings[:0]
			t0 := time.Now()
			if err := check(p, req); err != nil {
				b.Fatal(err)
			}
			l.lat = append(l.lat, time.Since(t0))
		}
		l.report()
	}
	b.Run("pii", func(b *testing.B) {
		each(b, func(p *Policy, req *gateway.Request) error {
			v, err := p.checkPII(req)
			if err == nil && v.Len() != 2 {
				b.Fatalf("pii: %d pseudonyms, want 2 (e-mail and phone)", v.Len())
			}
			return err
		})
	})
	b.Run("secrets", func(b *testing.B) {
		each(b, func(p *Policy, req *gateway.Request) error { return p.checkSecrets(req) })
	})
	b.Run("injection", func(b *testing.B) {
		each(b, func(p *Policy, req *gateway.Request) error { return p.checkInjection(req) })
	})
	b.Run("all", func(b *testing.B) {
		p := benchPolicy(b)
		body, _ := benchRequest(b)
		ad := openai.Adapter{}
		l := newLatencies(b)
		for b.Loop() {
			t0 := time.Now()
			req, err := ad.Decode(gateway.OpChatCompletions, "", body)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := p.checkInput(req, ad); err != nil {
				b.Fatal(err)
			}
			out, err := ad.Encode(req)
			if err != nil {
				b.Fatal(err)
			}
			l.lat = append(l.lat, time.Since(t0))
			if len(out) == 0 {
				b.Fatal("empty body")
			}
		}
		l.report()
	})
}

// BenchmarkOutputGuard feeds a 2 KB answer through the output guard in
// 16-byte deltas (canary, verbatim-prompt check and pseudonym restore).
func BenchmarkOutputGuard(b *testing.B) {
	p := benchPolicy(b)
	_, req := benchRequest(b)
	vault, err := p.checkInput(req, openai.Adapter{})
	if err != nil || vault == nil {
		b.Fatalf("checkInput: vault %v, err %v", vault, err)
	}
	answer := strings.ReplaceAll(benchMessage, "jane.roe@example.org", "<EMAIL_1>")
	b.SetBytes(int64(len(answer)))
	b.ReportAllocs()
	for b.Loop() {
		o := p.newOutput(req, vault)
		for i := 0; i < len(answer); i += 16 {
			if _, err := o.Text(0, answer[i:min(i+16, len(answer))]); err != nil {
				b.Fatal(err)
			}
		}
		_, _ = o.Flush(0)
	}
}
