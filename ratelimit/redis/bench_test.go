package redis_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/ratelimit"
	"github.com/aigate-dev/aigate/ratelimit/redis"
)

// BenchmarkRedisAllow measures decisions against the server named by
// AIGATE_TEST_REDIS_URL: one round trip each. "serial" is the latency one
// request sees; "parallel" is the throughput of one process's pool.
func BenchmarkRedisAllow(b *testing.B) {
	client, prefix := mustRealRedis(b)
	lim := mustNew(b, client, redis.Options{Prefix: prefix})
	ctx := context.Background()
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = fmt.Sprint("rpm:user-", i)
	}
	l := ratelimit.PerMinute(100)
	op := func(i int) {
		if _, err := lim.AllowN(ctx, keys[i%len(keys)], l, 1); err != nil {
			b.Fatal(err)
		}
	}
	op(0) // load the script

	b.Run("serial", func(b *testing.B) {
		d := make([]time.Duration, 0, 1<<16)
		i := 0
		for b.Loop() {
			start := time.Now()
			op(i)
			if len(d) < cap(d) {
				d = append(d, time.Since(start))
			}
			i++
		}
		report(b, d)
	})
	b.Run("parallel", func(b *testing.B) {
		var (
			mu  sync.Mutex
			all []time.Duration
		)
		b.RunParallel(func(pb *testing.PB) {
			d := make([]time.Duration, 0, 1<<14)
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
		report(b, all)
	})
}

func report(b *testing.B, d []time.Duration) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
	if len(d) > 0 {
		slices.Sort(d)
		b.ReportMetric(float64(d[len(d)/2].Microseconds()), "p50-µs")
		b.ReportMetric(float64(d[len(d)*99/100].Microseconds()), "p99-µs")
	}
}

// BenchmarkRedisWindowAllow is BenchmarkRedisAllow's serial case for the
// sliding window, at 100 per minute per key (so most keys hold a full log).
func BenchmarkRedisWindowAllow(b *testing.B) {
	client, prefix := mustRealRedis(b)
	w := mustNewWindow(b, client, redis.Options{Prefix: prefix})
	ctx := context.Background()
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = fmt.Sprint("rpm:user-", i)
	}
	l := ratelimit.PerMinute(100)
	d := make([]time.Duration, 0, 1<<16)
	i := 0
	for b.Loop() {
		start := time.Now()
		if _, err := w.AllowN(ctx, keys[i%len(keys)], l, 1); err != nil {
			b.Fatal(err)
		}
		if len(d) < cap(d) {
			d = append(d, time.Since(start))
		}
		i++
	}
	report(b, d)
}
