package ratelimit_test

import (
	"context"
	"fmt"
	"time"

	"github.com/aigate-dev/aigate/ratelimit"
	"github.com/aigate-dev/aigate/ratelimit/ratelimittest"
)

func Example() {
	clk := new(ratelimittest.FakeClock) // in production, leave Now nil
	lim := ratelimit.NewMemory(ratelimit.MemoryOptions{Now: clk.Now})
	ctx := context.Background()
	rpm := ratelimit.PerMinute(3) // one request refilled every 20s

	for range 4 {
		r, err := lim.AllowN(ctx, "rpm:alice", rpm, 1)
		if err != nil {
			panic(err) // a real caller refuses the request
		}
		fmt.Printf("allowed=%t remaining=%d retry-after=%s reset-after=%s\n",
			r.Allowed, r.Remaining, r.RetryAfter, r.ResetAfter)
	}
	clk.Advance(20 * time.Second)
	r, _ := lim.AllowN(ctx, "rpm:alice", rpm, 1)
	fmt.Printf("20s later: allowed=%t remaining=%d\n", r.Allowed, r.Remaining)
	// Output:
	// allowed=true remaining=2 retry-after=0s reset-after=20s
	// allowed=true remaining=1 retry-after=0s reset-after=40s
	// allowed=true remaining=0 retry-after=0s reset-after=1m0s
	// allowed=false remaining=0 retry-after=20s reset-after=1m0s
	// 20s later: allowed=true remaining=0
}

func ExampleMemory_AllowN_tokens() {
	clk := new(ratelimittest.FakeClock)
	lim := ratelimit.NewMemory(ratelimit.MemoryOptions{Now: clk.Now})
	ctx := context.Background()
	tpm := ratelimit.PerMinute(20_000)

	r, _ := lim.AllowN(ctx, "tpm:alice", tpm, 15_000) // estimated tokens
	fmt.Println(r.Allowed, r.Remaining)
	r, _ = lim.AllowN(ctx, "tpm:alice", tpm, 0) // peek, for x-ratelimit-remaining-tokens
	fmt.Println(r.Allowed, r.Remaining, r.ResetAfter)
	r, _ = lim.AllowN(ctx, "tpm:alice", tpm, 8_000)
	fmt.Println(r.Allowed, r.RetryAfter)
	_, err := lim.AllowN(ctx, "tpm:alice", tpm, 30_000) // can never fit
	fmt.Println(err)
	// Output:
	// true 5000
	// true 5000 45s
	// false 9s
	// ratelimit: cost exceeds burst: cost 30000, limit 20000/1m0s
}
