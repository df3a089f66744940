package ratelimit

import "time"

// gcra makes one GCRA decision. All times are in the same unit (the
// in-memory limiter uses nanoseconds since it was created); tat is the key's
// stored theoretical arrival time, or anything ≤ now when it has none.
// interval and tol are l.Interval() and l.Interval()*l.Burst, and
// 0 ≤ n ≤ Burst has been checked.
//
// It returns the TAT to store when the decision is allowed and n > 0; a
// refusal or a peek changes nothing. The script in ratelimit/redis is a line
// by line port of this function: keep them in step.
func gcra(tat, now, interval, tol, n int64) (newTAT int64, r Result) {
	if tat < now {
		tat = now // an idle key: the past carries no credit beyond Burst
	}
	newTAT = tat + n*interval
	allowAt := newTAT - tol
	if now < allowAt {
		return tat, Result{
			Remaining:  remaining(now, tat, interval, tol),
			RetryAfter: time.Duration(allowAt - now),
			ResetAfter: time.Duration(tat - now),
		}
	}
	return newTAT, Result{
		Allowed:    true,
		Remaining:  remaining(now, newTAT, interval, tol),
		ResetAfter: time.Duration(newTAT - now),
	}
}

// remaining is how many units of cost one could still be granted at now
// given the TAT: the k with tat + k*interval - tol ≤ now.
func remaining(now, tat, interval, tol int64) int {
	d := now + tol - tat
	if d <= 0 {
		// Only when the key was last used with a longer Burst.
		return 0
	}
	return int(d / interval)
}
