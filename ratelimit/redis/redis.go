// Package redis is a [ratelimit.Limiter] shared by every process that
// talks to one Redis (or Redis Cluster).
//
// Each decision is one round trip: a Lua script (EVALSHA, falling back to
// EVAL when the server's script cache is empty) runs the same GCRA as
// [ratelimit.Memory] atomically on the server. The script reads the clock
// with Redis TIME, so all gateway instances share one clock and their own
// clock skew cannot grant extra requests. A key's state is one string, the
// theoretical arrival time in µs, with a PEXPIRE at that time: idle keys
// vanish by themselves.
//
// Keys are stored as Prefix + "{" + key + "}". The script touches only that
// key, and the braces make it a Redis Cluster hash tag, so the limiter works
// unchanged on a cluster.
package redis

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/aigate-dev/aigate/ratelimit"
)

//go:embed gcra.lua
var gcraLua string

// DefaultPrefix is the key prefix used when Options.Prefix is empty.
const DefaultPrefix = "ratelimit:"

// Options configures [New]. The zero Options uses the defaults.
type Options struct {
	// Prefix is prepended to every key, to keep the limiter's keys apart
	// from other data and other limiters on the same server. It must not
	// contain '{' or '}', which would change the cluster hash tag. Empty
	// means DefaultPrefix.
	Prefix string
}

// Limiter is a [ratelimit.Limiter] backed by Redis. It is safe for
// concurrent use; decisions are atomic on the server, so any number of
// Limiters on any number of hosts sharing one Redis enforce one limit.
type Limiter struct {
	client goredis.Scripter
	script *goredis.Script
	prefix string
}

// New returns a Limiter that runs its decisions on client, which may be a
// *goredis.Client, *goredis.ClusterClient, *goredis.Ring or any
// goredis.UniversalClient. The Limiter does not own client and never
// closes it. New returns an error if client is nil or opts is invalid; it
// does not contact the server.
func New(client goredis.Scripter, opts Options) (*Limiter, error) {
	if client == nil {
		return nil, errors.New("redis limiter: nil client")
	}
	prefix, err := keyPrefix(opts.Prefix)
	if err != nil {
		return nil, fmt.Errorf("redis limiter: %w", err)
	}
	return &Limiter{client: client, script: goredis.NewScript(gcraLua), prefix: prefix}, nil
}

// AllowN implements [ratelimit.Limiter]. Besides the argument errors all
// Limiters return, any failure to reach Redis or to run the script (an
// unreachable server, a closed client, ctx done, a key holding something
// else) is returned as an error starting "redis limiter:", with the
// zero Result, which is not Allowed.
func (l *Limiter) AllowN(ctx context.Context, key string, lim ratelimit.Limit, n int) (ratelimit.Result, error) {
	if err := ratelimit.CheckCost(lim, n); err != nil {
		return ratelimit.Result{}, err
	}
	// Redis TIME has µs resolution; round up like Limit.Interval does.
	interval := (lim.Interval() + time.Microsecond - 1) / time.Microsecond
	reply, err := l.script.Run(ctx, l.client, []string{l.Key(key)}, int64(interval), lim.Burst, n).Result()
	if err != nil {
		return ratelimit.Result{}, fmt.Errorf("redis limiter: eval: %w", err)
	}
	r, err := parseReply(reply)
	if err != nil {
		return ratelimit.Result{}, fmt.Errorf("redis limiter: %w", err)
	}
	return r, nil
}

// Key returns the Redis key that holds the state of key.
func (l *Limiter) Key(key string) string {
	return l.prefix + "{" + key + "}"
}

// parseReply checks and converts the script's {allowed, remaining,
// retry_after µs, reset_after µs}.
func parseReply(reply any) (ratelimit.Result, error) {
	vals, ok := reply.([]any)
	if !ok || len(vals) != 4 {
		return ratelimit.Result{}, fmt.Errorf("unexpected script reply %T %v, want 4 integers", reply, reply)
	}
	var ints [4]int64
	for i, v := range vals {
		n, ok := v.(int64)
		if !ok || n < 0 {
			return ratelimit.Result{}, fmt.Errorf("unexpected script reply %v: element %d is %T %v, want a non-negative integer", vals, i, v, v)
		}
		ints[i] = n
	}
	if ints[0] > 1 {
		return ratelimit.Result{}, fmt.Errorf("unexpected script reply %v: allowed is %d", vals, ints[0])
	}
	return ratelimit.Result{
		Allowed:    ints[0] == 1,
		Remaining:  int(ints[1]),
		RetryAfter: time.Duration(ints[2]) * time.Microsecond,
		ResetAfter: time.Duration(ints[3]) * time.Microsecond,
	}, nil
}

var _ ratelimit.Limiter = (*Limiter)(nil)

// keyPrefix returns the key prefix opts.Prefix asks for: DefaultPrefix when
// empty, and never one holding a brace, which would break the hash tag
// each key ends with.
func keyPrefix(p string) (string, error) {
	if p == "" {
		return DefaultPrefix, nil
	}
	if strings.ContainsAny(p, "{}") {
		return "", fmt.Errorf("prefix %q contains a brace", p)
	}
	return p, nil
}
