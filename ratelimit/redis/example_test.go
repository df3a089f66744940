package redis_test

import (
	"context"
	"fmt"
	"time"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"

	"github.com/aigate-dev/aigate/ratelimit"
	"github.com/aigate-dev/aigate/ratelimit/redis"
)

func Example() {
	// An in-process stand-in for a Redis server, with its clock frozen so
	// the output is stable.
	srv, err := miniredis.Run()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	srv.SetTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))

	client := goredis.NewClient(&goredis.Options{Addr: srv.Addr()})
	defer client.Close()
	lim, err := redis.New(client, redis.Options{Prefix: "myapp:rl:"})
	if err != nil {
		panic(err)
	}

	for range 3 {
		r, err := lim.AllowN(context.Background(), "rpm:alice", ratelimit.PerMinute(2), 1)
		if err != nil {
			fmt.Println("refused:", err) // Redis down: fail closed
			continue
		}
		fmt.Printf("allowed=%t remaining=%d retry-after=%s\n", r.Allowed, r.Remaining, r.RetryAfter)
	}
	fmt.Println(srv.Keys())
	// Output:
	// allowed=true remaining=1 retry-after=0s
	// allowed=true remaining=0 retry-after=0s
	// allowed=false remaining=0 retry-after=30s
	// [myapp:rl:{rpm:alice}]
}
