package redis

import (
	"context"
	"crypto/rand"
	_ "embed"
	"errors"
	"fmt"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/aigate-dev/aigate/ratelimit"
)

//go:embed concurrency.lua
var concurrencyLua string

// ConcurrencyOptions configures [NewConcurrency]. The zero value uses the
// defaults.
type ConcurrencyOptions struct {
	// Prefix is as [Options.Prefix].
	Prefix string
	// Lease is how long a slot stays taken without its holder renewing it;
	// zero means 30s. A holder renews its slots every Lease/3 while they
	// are taken, so only the slots of a process that stopped (crashed, or
	// lost Redis) expire, within Lease.
	Lease time.Duration
}

// Concurrency is a [ratelimit.ConcurrencyLimiter] shared by every process
// that talks to one Redis: the slots of a key are a sorted set of leases
// scored by their end in Redis TIME, so all instances share one clock. An
// acquisition is one round trip (a Lua script that drops the leases that
// ran out, counts and adds); a release is one more. Keys are Prefix + "{" +
// key + "}", a Redis Cluster hash tag.
type Concurrency struct {
	client goredis.Scripter
	script *goredis.Script
	prefix string
	lease  time.Duration
}

// NewConcurrency returns a Concurrency deciding on client, under the same
// rules as [New].
func NewConcurrency(client goredis.Scripter, opts ConcurrencyOptions) (*Concurrency, error) {
	if client == nil {
		return nil, errors.New("redis concurrency: nil client")
	}
	prefix, err := keyPrefix(opts.Prefix)
	if err != nil {
		return nil, fmt.Errorf("redis concurrency: %w", err)
	}
	lease := opts.Lease
	if lease <= 0 {
		lease = 30 * time.Second
	}
	if lease < 3*time.Millisecond {
		return nil, fmt.Errorf("redis concurrency: lease %v is too short", lease)
	}
	return &Concurrency{client: client, script: goredis.NewScript(concurrencyLua), prefix: prefix, lease: lease}, nil
}

// Key returns the Redis key that holds the slots of key.
func (c *Concurrency) Key(key string) string { return c.prefix + "{" + key + "}" }

// Acquire implements [ratelimit.ConcurrencyLimiter]. Any failure to reach
// Redis returns an error starting "redis concurrency:". The release func
// does not take a context: it runs the release with a timeout of its own,
// so a request cancelled by its client still gives its slot back; if Redis
// cannot be reached then, the slot's lease runs out.
func (c *Concurrency) Acquire(ctx context.Context, key string, max int) (release func(), ok bool, err error) {
	if max < 1 {
		return nil, false, fmt.Errorf("%w: concurrency %d, must be at least 1", ratelimit.ErrInvalidLimit, max)
	}
	k := c.Key(key)
	id := rand.Text()
	n, err := c.script.Run(ctx, c.client, []string{k}, "acquire", id, c.lease.Milliseconds(), max).Int64()
	if err != nil {
		return nil, false, fmt.Errorf("redis concurrency: acquire: %w", err)
	}
	if n != 1 {
		return nil, false, nil
	}
	s := &slot{c: c, key: k, id: id}
	s.mu.Lock()
	s.timer = time.AfterFunc(c.lease/3, s.renew)
	s.mu.Unlock()
	return s.release, true, nil
}

// slot is one acquired slot, renewed until released.
type slot struct {
	c       *Concurrency
	key, id string

	mu       sync.Mutex
	timer    *time.Timer
	released bool
}

func (s *slot) renew() {
	ctx, cancel := context.WithTimeout(context.Background(), s.c.lease/3)
	defer cancel()
	n, err := s.c.script.Run(ctx, s.c.client, []string{s.key}, "renew", s.id, s.c.lease.Milliseconds(), 0).Int64()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.released || (err == nil && n == 0) {
		return // released meanwhile, or the lease is gone: nothing to keep
	}
	s.timer.Reset(s.c.lease / 3)
}

func (s *slot) release() {
	s.mu.Lock()
	if s.released {
		s.mu.Unlock()
		return
	}
	s.released = true
	s.timer.Stop()
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = s.c.script.Run(ctx, s.c.client, []string{s.key}, "release", s.id, 0, 0).Err()
}

var _ ratelimit.ConcurrencyLimiter = (*Concurrency)(nil)
