// Package ratelimit decides whether a request may proceed under a rate
// limit: a [Limit] of Rate units per Period with a Burst, checked by a
// [Limiter] per key (a user, a key, a team, a client IP). A unit is
// whatever the caller counts: a request, or an estimated number of tokens.
//
// Two Limiters implement the same contract and pass the same suite
// (ratelimit/ratelimittest): [Memory], in-process, for one instance; and
// ratelimit/redis, one Lua round trip per decision, shared by any number of
// instances. The package imports nothing of aigate's, so any Go service can
// use it.
//
// # Algorithm: GCRA
//
// Both Limiters use the generic cell rate algorithm (GCRA), the
// virtual-scheduling form of a token bucket. A key's whole state is one
// timestamp, its theoretical arrival time (TAT): when the key would be back
// to empty if nothing else arrived. With emission interval
// T = Period/Rate ([Limit.Interval]) and tolerance τ = Burst×T, a request
// of cost n at time now is allowed when
//
//	max(TAT, now) + n×T − τ ≤ now
//
// and then TAT becomes max(TAT, now) + n×T. A refusal changes nothing.
//
// Why GCRA rather than fixed or sliding windows:
//
//   - Exact: at most Burst units at any one instant, then exactly Rate per
//     Period; over any interval of length d, at most Burst + ⌊d/T⌋. Times
//     are integers (ns in memory, µs in Redis) and T is rounded up, so
//     rounding only ever errs on the strict side.
//   - No boundary burst: there are no windows. A fixed window of N per
//     minute grants N at 12:00:59.9 and N more at 12:01:00.1, 2N within
//     a fraction of a second; GCRA grants the second request only one
//     interval after the burst is spent.
//   - O(1) state: one 8-byte timestamp per key and O(1) work per decision,
//     against a sliding log's N timestamps. In Redis it is one key with a
//     TTL, read and written by one script.
//   - Idle keys cost nothing: once TAT is in the past the key is the same
//     as absent, so it can be dropped (Memory) or expire (Redis).
//
// One consequence to know when choosing a Burst: with Burst = Rate (the
// [PerMinute] family), a client that waited a full Period can take Rate at
// once and then one per interval, so a sliding window of one Period can see
// up to 2×Rate−1. If a hard "never more than N in any Period-long window"
// is required, set Burst: 1 (requests are then spaced by T) or use a
// smaller Burst; no O(1)-state algorithm gives both a full burst and that
// guarantee.
//
// # Using it
//
// Call [Limiter.AllowN] with cost 1 per request, or the estimated tokens for
// a token limit; with cost 0 to read Remaining and ResetAfter for response
// headers without spending anything. Treat every error as a refusal: a
// Limiter that cannot decide must not let requests through. A cost above
// Burst can never succeed and is reported as [ErrExceedsBurst].
//
// Rates bound how often; a [ConcurrencyLimiter] ([MemoryConcurrency])
// bounds how many at once, such as streams still open per user.
package ratelimit
