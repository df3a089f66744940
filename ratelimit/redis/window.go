package redis

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/aigate-dev/aigate/ratelimit"
)

//go:embed window.lua
var windowLua string

// Window is the Redis version of [ratelimit.Window]: at most Rate units in
// any window of one Period, exactly, shared by every process that talks to
// one Redis. Each decision is one round trip running a Lua script that
// keeps the key's grants of the last Period in a sorted set (one member
// per unit), scored by Redis TIME, so all instances share one clock. The
// set expires a Period after its newest grant.
//
// As with [ratelimit.Window], Burst only bounds one call's cost; a cost
// above Rate, which could never be granted, returns an error wrapping
// [ratelimit.ErrExceedsBurst], and a Rate above [ratelimit.MaxWindowRate]
// one wrapping [ratelimit.ErrInvalidLimit]. Keys are Prefix + "{" + key +
// "}", a Redis Cluster hash tag, like [Limiter]'s; a Window and a Limiter
// may share a prefix only if they never share a key.
type Window struct {
	client goredis.Scripter
	script *goredis.Script
	prefix string
}

// NewWindow returns a Window deciding on client, under the same rules as
// [New].
func NewWindow(client goredis.Scripter, opts Options) (*Window, error) {
	if client == nil {
		return nil, errors.New("redis window: nil client")
	}
	prefix, err := keyPrefix(opts.Prefix)
	if err != nil {
		return nil, fmt.Errorf("redis window: %w", err)
	}
	return &Window{client: client, script: goredis.NewScript(windowLua), prefix: prefix}, nil
}

// AllowN implements [ratelimit.Limiter]. Any failure to reach Redis or run
// the script returns an error starting "redis window:" and the zero
// Result, which is not Allowed.
func (w *Window) AllowN(ctx context.Context, key string, lim ratelimit.Limit, n int) (ratelimit.Result, error) {
	if err := ratelimit.CheckCost(lim, n); err != nil {
		return ratelimit.Result{}, err
	}
	if lim.Rate > ratelimit.MaxWindowRate {
		return ratelimit.Result{}, fmt.Errorf("%w: rate %d above the sliding window's %d", ratelimit.ErrInvalidLimit, lim.Rate, ratelimit.MaxWindowRate)
	}
	if n > lim.Rate {
		return ratelimit.Result{}, fmt.Errorf("%w: cost %d above the rate of %s", ratelimit.ErrExceedsBurst, n, lim)
	}
	period := (lim.Period + time.Microsecond - 1) / time.Microsecond
	reply, err := w.script.Run(ctx, w.client, []string{w.Key(key)}, int64(period), lim.Rate, n).Result()
	if err != nil {
		return ratelimit.Result{}, fmt.Errorf("redis window: eval: %w", err)
	}
	r, err := parseReply(reply)
	if err != nil {
		return ratelimit.Result{}, fmt.Errorf("redis window: %w", err)
	}
	return r, nil
}

// Key returns the Redis key that holds the grants of key.
func (w *Window) Key(key string) string {
	return w.prefix + "{" + key + "}"
}

var _ ratelimit.Limiter = (*Window)(nil)
