package ratelimit

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestMemoryNeverExceedsBound drives random traffic through the limiter and
// checks the guarantee the package documents: over any interval [a, b],
// the units granted total at most Burst + ⌊(b−a)/Interval⌋. It also checks
// that a refusal's RetryAfter is exact: the same request is allowed then.
func TestMemoryNeverExceedsBound(t *testing.T) {
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 1))
		l := Limit{
			Rate:   1 + rng.IntN(10),
			Burst:  1 + rng.IntN(10),
			Period: time.Duration(1+rng.IntN(1000)) * time.Millisecond,
		}
		T := int64(l.Interval())
		m := mustMemory(t, MemoryOptions{})
		type grant struct{ at, n int64 }
		var grants []grant
		now := int64(0)
		for step := range 300 {
			now += rng.Int64N(2 * T)
			n := rng.IntN(l.Burst + 1)
			r := m.allowN(t0.Add(time.Duration(now)), "k", l, n)
			if r.Allowed && n > 0 {
				grants = append(grants, grant{now, int64(n)})
			}
			if !r.Allowed {
				if r.RetryAfter <= 0 {
					t.Fatalf("seed %d step %d: refused with RetryAfter %s", seed, step, r.RetryAfter)
				}
				early := m.allowN(t0.Add(time.Duration(now)+r.RetryAfter-1), "k", l, n)
				if early.Allowed {
					t.Fatalf("seed %d step %d: allowed 1ns before RetryAfter %s", seed, step, r.RetryAfter)
				}
				now += int64(r.RetryAfter)
				if r := m.allowN(t0.Add(time.Duration(now)), "k", l, n); !r.Allowed {
					t.Fatalf("seed %d step %d: refused at RetryAfter: %+v", seed, step, r)
				}
				grants = append(grants, grant{now, int64(n)})
			}
		}
		for i := range grants {
			sum := int64(0)
			for j := i; j < len(grants); j++ {
				sum += grants[j].n
				if bound := int64(l.Burst) + (grants[j].at-grants[i].at)/T; sum > bound {
					t.Fatalf("seed %d, %v: %d units granted in %s, bound %d", seed, l,
						sum, time.Duration(grants[j].at-grants[i].at), bound)
				}
			}
		}
	}
}
