package ratelimit_test

import (
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
			benchAllow(b, ratelimit.NewWindow(ratelimit.WindowOptions{Now: bc.now}), bc.keys, bc.l)
		})
	}
}
