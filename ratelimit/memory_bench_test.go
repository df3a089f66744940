package ratelimit_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/ratelimit"
)

// Run with -cpu 1,2 to see decisions/s on one core and on all of them;
// decisions/cpu-s is throughput per core-second whatever else runs.
func BenchmarkMemoryAllow(b *testing.B) {
	many := make([]string, 1<<16)
	for i := range many {
		many[i] = fmt.Sprint("rpm:user-", i)
	}
	fixed := time.Now()
	for _, bc := range []struct {
		name string
		keys []string
		l    ratelimit.Limit
		now  func() time.Time
	}{
		// Every decision allowed and written: the most work per call.
		{"single-key", []string{"rpm:alice"}, ratelimit.Limit{Rate: 1 << 30, Burst: 1 << 30, Period: time.Second}, nil},
		// 65536 users at 100 rpm: a mix of allowed and refused.
		{"many-keys", many, ratelimit.PerMinute(100), nil},
		// The same without reading the system clock, whose cost (tens of
		// ns, more on a VM's kvm-clock) can dominate the decision itself.
		{"single-key/fixed-clock", []string{"rpm:alice"}, ratelimit.Limit{Rate: 1 << 30, Burst: 1 << 30, Period: time.Second}, func() time.Time { return fixed }},
		{"many-keys/fixed-clock", many, ratelimit.PerMinute(100), func() time.Time { return fixed }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			benchAllow(b, ratelimit.NewMemory(ratelimit.MemoryOptions{Now: bc.now}), bc.keys, bc.l)
		})
	}
}

// benchAllow runs lim.AllowN over keys in turn from parallel goroutines,
// sampling latencies, and reports as [latencies.report] does.
func benchAllow(b *testing.B, lim ratelimit.Limiter, keys []string, l ratelimit.Limit) {
	ctx := context.Background()
	var lat latencies
	b.ReportAllocs()
	b.ResetTimer()
	lat.startCPU()
	b.RunParallel(func(pb *testing.PB) {
		s := lat.sampler()
		i := 0
		for pb.Next() {
			key := keys[i%len(keys)]
			i++
			start := s.start(i)
			if _, err := lim.AllowN(ctx, key, l, 1); err != nil {
				b.Error(err)
				return
			}
			s.stop(start)
		}
		lat.add(s)
	})
	lat.report(b)
}

// latencies collects a bounded sample of per-operation durations from
// parallel benchmark goroutines and reports their 99th percentile, along
// with decisions per second of wall time and per second of CPU time (which
// is per core, and which other load on the machine distorts far less).
type latencies struct {
	cpu0 time.Duration

	mu  sync.Mutex // protects all
	all []time.Duration
}

func (l *latencies) startCPU() { l.cpu0, _ = cpuTime() }

// sampleEvery keeps the timer's own cost (two clock reads) off most
// operations, so ns/op stays honest.
const (
	sampleEvery = 16
	maxSamples  = 1 << 16
)

type sampler struct{ d []time.Duration }

func (l *latencies) sampler() *sampler {
	return &sampler{d: make([]time.Duration, 0, maxSamples)}
}

// start returns the zero Time for operations that are not sampled.
func (s *sampler) start(i int) time.Time {
	if i%sampleEvery != 0 || len(s.d) == cap(s.d) {
		return time.Time{}
	}
	return time.Now()
}

func (s *sampler) stop(start time.Time) {
	if !start.IsZero() {
		s.d = append(s.d, time.Since(start))
	}
}

func (l *latencies) add(s *sampler) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all = append(l.all, s.d...)
}

func (l *latencies) report(b *testing.B) {
	b.Helper()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
	if cpu, ok := cpuTime(); ok && cpu > l.cpu0 {
		b.ReportMetric(float64(b.N)/(cpu-l.cpu0).Seconds(), "decisions/cpu-s")
	}
	if len(l.all) == 0 {
		return
	}
	slices.Sort(l.all)
	b.ReportMetric(float64(l.all[len(l.all)*99/100].Nanoseconds()), "p99-ns")
}
