package ratelimit_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/ratelimit"
)

// BenchmarkWindowAllow measures the sliding-log limiter the gateway uses for
// requests per minute and per day, with the same latency sampling as
// BenchmarkMemoryAllow:
//
//	go test ./ratelimit -run '^$' -bench WindowAllow -cpu 1,2
func BenchmarkWindowAllow(b *testing.B) {
	ctx := context.Background()
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
		// 65536 users at 10 rpm: mostly refused after the first pass.
		{"many-keys", many, ratelimit.PerMinute(10), nil},
		{"many-keys/fixed-clock", many, ratelimit.PerMinute(10), func() time.Time { return fixed }},
		// One key at 100 per day with a moving clock: allowed then refused.
		{"single-key", []string{"rpd:alice"}, ratelimit.PerDay(100), nil},
	} {
		b.Run(bc.name, func(b *testing.B) {
			lim := ratelimit.NewWindow(ratelimit.WindowOptions{Now: bc.now})
			var lat latencies
			b.ReportAllocs()
			b.ResetTimer()
			lat.startCPU()
			b.RunParallel(func(pb *testing.PB) {
				s := lat.sampler()
				i := 0
				for pb.Next() {
					key := bc.keys[i%len(bc.keys)]
					i++
					start := s.start(i)
					if _, err := lim.AllowN(ctx, key, bc.l, 1); err != nil {
						b.Error(err)
						return
					}
					s.stop(start)
				}
				lat.add(s)
			})
			lat.report(b)
		})
	}
}
