// Package benchlat runs benchmark operations while recording their
// latencies, and reports the rate and the p50 and p99 next to ns/op, which
// only gives the mean. It is for benchmarks of things that wait, such as a
// round trip to Redis.
package benchlat

import (
	"slices"
	"sync"
	"testing"
	"time"
)

// maxSamples bounds the latencies kept per goroutine, so a long run does
// not grow memory without end; the percentiles come from the first ones.
const maxSamples = 1 << 16

// Serial runs op(i) with i = 0, 1, … for b.Loop and reports rate (named
// unit, e.g. "decisions/s"), p50-µs and p99-µs.
func Serial(b *testing.B, unit string, op func(i int)) {
	d := make([]time.Duration, 0, maxSamples)
	i := 0
	for b.Loop() {
		start := time.Now()
		op(i)
		if len(d) < cap(d) {
			d = append(d, time.Since(start))
		}
		i++
	}
	report(b, unit, d)
}

// Parallel is [Serial] over b.RunParallel with parallelism goroutines per
// GOMAXPROCS (none set when 0); each goroutine counts its own i from 0.
func Parallel(b *testing.B, unit string, parallelism int, op func(i int)) {
	var (
		mu  sync.Mutex
		all []time.Duration
	)
	if parallelism > 0 {
		b.SetParallelism(parallelism)
	}
	b.RunParallel(func(pb *testing.PB) {
		d := make([]time.Duration, 0, maxSamples/4)
		i := 0
		for pb.Next() {
			start := time.Now()
			op(i)
			if len(d) < cap(d) {
				d = append(d, time.Since(start))
			}
			i++
		}
		mu.Lock()
		all = append(all, d...)
		mu.Unlock()
	})
	report(b, unit, all)
}

func report(b *testing.B, unit string, d []time.Duration) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), unit)
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	b.ReportMetric(float64(d[len(d)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(d[len(d)*99/100].Microseconds()), "p99-µs")
}
