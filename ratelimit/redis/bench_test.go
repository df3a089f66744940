package redis_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aigate-dev/aigate/internal/benchlat"
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

	b.Run("serial", func(b *testing.B) { benchlat.Serial(b, "decisions/s", op) })
	b.Run("parallel", func(b *testing.B) { benchlat.Parallel(b, "decisions/s", 0, op) })
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
	benchlat.Serial(b, "decisions/s", func(i int) {
		if _, err := w.AllowN(ctx, keys[i%len(keys)], l, 1); err != nil {
			b.Fatal(err)
		}
	})
}
