package ratelimit_test

import (
	"testing"

	"github.com/aigate-dev/aigate/ratelimit"
	"github.com/aigate-dev/aigate/ratelimit/ratelimittest"
)

func TestMemoryConformance(t *testing.T) {
	ratelimittest.Run(t, func(t *testing.T) (ratelimit.Limiter, ratelimittest.Clock) {
		clk := new(ratelimittest.FakeClock)
		return ratelimit.NewMemory(ratelimit.MemoryOptions{Now: clk.Now}), clk
	})
}

func TestMemoryConformanceOneShard(t *testing.T) {
	ratelimittest.Run(t, func(t *testing.T) (ratelimit.Limiter, ratelimittest.Clock) {
		clk := new(ratelimittest.FakeClock)
		return ratelimit.NewMemory(ratelimit.MemoryOptions{Now: clk.Now, Shards: 1, MaxKeys: 16}), clk
	})
}

func TestWindowConformance(t *testing.T) {
	ratelimittest.RunWindow(t, func(t *testing.T) (ratelimit.Limiter, ratelimittest.Clock) {
		clk := new(ratelimittest.FakeClock)
		return ratelimit.NewWindow(ratelimit.WindowOptions{Now: clk.Now}), clk
	})
}
