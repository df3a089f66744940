package injection

import (
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// ordinaryText is benign English prose of the kind users send.
const ordinaryText = `Hi team, thanks for the quick turnaround on the quarterly report. I went through the
numbers this morning and they look mostly right, but the revenue table on page four still uses
the old exchange rate for the euro figures. Could you update it before Friday's review? Also,
the chart of monthly active users starts in March instead of January, which makes the growth
look steeper than it was. When you regenerate it, please keep the same colours so it matches
the rest of the deck. On the customer feedback section: the summary is good, but I would like
one or two direct quotes from the survey, anonymised of course. Finally, let's move the
roadmap slide to the end; the board usually asks about it last. Let me know if anything is
unclear or if you need the raw export from the analytics tool. `

func textOfSize(n int) string {
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(ordinaryText)
	}
	return b.String()[:n]
}

// cpuTime returns the CPU time this process has used. The benchmarks report
// CPU time per operation next to wall time because on a shared machine wall
// time mostly measures waiting for a core.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, start time.Duration, bytes int) {
	cpu := (cpuTime() - start) / time.Duration(b.N)
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds()), "cpu-ns/op")
		b.ReportMetric(float64(bytes)/cpu.Seconds()/1e6, "cpu-MB/s")
	}
}

func BenchmarkDetect2KB(b *testing.B) {
	d := Default()
	d.Detect("warm up")
	text := textOfSize(2048)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	defer reportCPU(b, cpuTime(), len(text))
	lat := make([]time.Duration, 0, 1<<16)
	for b.Loop() {
		start := time.Now()
		d.Detect(text)
		if len(lat) < cap(lat) {
			lat = append(lat, time.Since(start))
		}
	}
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
	}
}

func BenchmarkDetectThroughput(b *testing.B) {
	d := Default()
	d.Detect("warm up")
	text := textOfSize(256 << 10)
	b.SetBytes(int64(len(text)))
	defer reportCPU(b, cpuTime(), len(text))
	for b.Loop() {
		d.Detect(text)
	}
}

func BenchmarkDetect2KBMultilingual(b *testing.B) {
	d := Default()
	var sb strings.Builder
	for sb.Len() < 2048 {
		sb.WriteString("Xin chào, tôi muốn hỏi về đơn hàng của tôi. 我想了解一下订单的配送时间。 주문 상태를 확인하고 싶습니다. ¿Cuándo llegará mi pedido? ")
	}
	text := sb.String()
	d.Detect("warm up")
	b.SetBytes(int64(len(text)))
	defer reportCPU(b, cpuTime(), len(text))
	for b.Loop() {
		d.Detect(text)
	}
}
