package budget

import (
	"cmp"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

//go:embed redis_reserve.lua
var reserveLua string

//go:embed redis_settle.lua
var settleLua string

// Health is the state of the shared store (Redis) as the rate limits see
// it, so that budgets and limits go down and come back together: one log
// line and one metric per transition. limits.Failover implements it.
type Health interface {
	// Up reports whether Redis is believed to answer.
	Up() bool
	// Failed reports that a call to Redis failed: the first failure of an
	// outage logs it and starts probing for the recovery.
	Failed(what string, err error)
}

// RedisClient is what [Redis] needs of a go-redis client; *goredis.Client
// implements it.
type RedisClient interface {
	goredis.Scripter
	HMGet(ctx context.Context, key string, fields ...string) *goredis.SliceCmd
}

// RedisOptions configures [NewRedis].
type RedisOptions struct {
	// Prefix starts every key; empty means "aigate:". It must not contain
	// a brace.
	Prefix string
	// HoldTTL is how long a reservation holds budget when nothing settles
	// it: the lease of a request on an instance that died. It must be
	// longer than any request (stream included) lasts; a request that
	// outlives it still has its actual cost counted when it ends. Zero
	// means 15 minutes.
	HoldTTL time.Duration
	// Health is told of Redis failures and says when Redis is back; nil
	// means every call tries Redis.
	Health Health
	// FailOpen decides while Redis is down on a [Local] ledger over the
	// store, in this instance alone (limits.on_redis_error:
	// fail_open_local); false refuses requests under a budget (fail_closed).
	FailOpen bool
	// Logger receives settlements Redis could not apply; nil discards.
	Logger *slog.Logger
}

// Redis is a [Ledger] and [UsageLog] that keeps reservations and each
// budget's spend in the current period in Redis, so that any number of
// gateway instances share one count, and keeps the usage ledger (and the
// spend of record) in a Store, written behind the requests.
//
// Each budget of a period is a hash (spent, held, and one field per hold)
// and a sorted set of its holds by lease expiry, under
//
//	Prefix + "budget:{" + kind + ":" + id + "}:" + period start (2006-01-02)
//
// (and + ":holds"): the braces are a Redis Cluster hash tag, so each
// budget's keys live on one slot. A reservation is one Lua script over all
// the budgets of the request, which holds the amount on all or on none, so
// it needs them on one server (the gateway connects to one Redis). Keys
// expire a day after their period ends; a budget with no period ("none")
// after 30 days without a reservation.
//
// When a budget's counter is not in Redis (its first request of the
// period, or Redis lost its data), it is seeded from the Store's recorded
// spend for the period: the script is run again with the seed, which only
// the first instance's SETNX writes. The Store lags Redis by the
// settlements still queued (Budgets.Linger), so a Redis that lost its data
// mid-period can let that much more through, once.
//
// A reservation is a lease: it expires after HoldTTL, and the next
// reservation against the budget sweeps it, so the holds of a crashed
// instance do not keep budget forever.
type Redis struct {
	client   RedisClient
	store    Store
	reserve  *goredis.Script
	settle   *goredis.Script
	prefix   string
	holdTTL  time.Duration
	health   Health
	failOpen bool
	log      *slog.Logger

	localOnce sync.Once
	local     *Local // the fail_open_local fallback, made on first use
}

// redisHoldPrefix starts the ID of every hold kept in Redis; other holds
// are the fallback [Local]'s.
const redisHoldPrefix = "rhold_"

// noneTTL is how long the counter of a budget with no period lives after
// its last reservation; it is seeded again from the store after.
const noneTTL = 30 * 24 * time.Hour

// NewRedis returns a Redis ledger deciding on client and recording in
// store. It does not contact the server.
func NewRedis(client RedisClient, store Store, opts RedisOptions) (*Redis, error) {
	if client == nil || store == nil {
		return nil, errors.New("redis ledger: nil client or store")
	}
	prefix := cmp.Or(opts.Prefix, "aigate:")
	if strings.ContainsAny(prefix, "{}") {
		return nil, fmt.Errorf("redis ledger: prefix %q contains a brace", prefix)
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Redis{
		client: client, store: store,
		reserve: goredis.NewScript(reserveLua), settle: goredis.NewScript(settleLua),
		prefix: prefix, holdTTL: cmp.Or(opts.HoldTTL, 15*time.Minute),
		health: opts.Health, failOpen: opts.FailOpen, log: log,
	}, nil
}

// Key returns the Redis key of b's counter in the period containing now;
// its holds are under Key + ":holds".
func (r *Redis) Key(b Budget, now time.Time) string {
	start, _ := b.Amount.Period.Window(now)
	return r.prefix + "budget:{" + string(b.Kind) + ":" + b.ID + "}:" + start.Format(time.DateOnly)
}

func (r *Redis) keys(budgets []Budget, at time.Time) []string {
	ks := make([]string, 0, 2*len(budgets))
	for _, b := range budgets {
		k := r.Key(b, at)
		ks = append(ks, k, k+":holds")
	}
	return ks
}

// ttl is how long b's keys live after a reservation at now: a day past
// the end of the period, so that requests still in flight at its end
// settle into it.
func (r *Redis) ttl(b Budget, now time.Time) time.Duration {
	_, end := b.Amount.Period.Window(now)
	if end.IsZero() {
		return noneTTL
	}
	return max(end.Sub(now)+24*time.Hour, r.holdTTL+time.Minute)
}

// redisError marks a failure to reach Redis or run a script, as opposed to
// the store failing to give a seed.
type redisError struct{ err error }

func (e *redisError) Error() string { return "redis ledger: " + e.err.Error() }
func (e *redisError) Unwrap() error { return e.err }

func (r *Redis) up() bool { return r.health == nil || r.health.Up() }

// fallback returns the Local ledger of fail_open_local.
func (r *Redis) fallback() *Local {
	r.localOnce.Do(func() { r.local = NewLocal(r.store) })
	return r.local
}

// failed handles a Redis error of a call that is not over: it reports the
// outage and returns the Local ledger to decide on instead, or nil (fail
// closed, or the call's own context ended).
func (r *Redis) failed(ctx context.Context, what string, err error) *Local {
	var re *redisError
	if !errors.As(err, &re) || ctx.Err() != nil {
		return nil
	}
	if r.health != nil {
		r.health.Failed(what, err)
	}
	if r.failOpen {
		return r.fallback()
	}
	return nil
}

// Reserve implements [Ledger]. While Redis is down it reserves on the
// fallback Local ledger (fail_open_local) or returns an error (fail_closed).
func (r *Redis) Reserve(ctx context.Context, budgets []Budget, amount Micros, now time.Time) (Hold, error) {
	if len(budgets) == 0 {
		return Hold{}, nil
	}
	if amount < 0 {
		return Hold{}, fmt.Errorf("redis ledger: reserve: negative amount %d", amount)
	}
	if !r.up() {
		if r.failOpen {
			return r.fallback().Reserve(ctx, budgets, amount, now)
		}
		return Hold{}, errors.New("redis ledger: redis is unavailable (limits.on_redis_error: fail_closed)")
	}
	h, err := r.reserveRedis(ctx, budgets, amount, now)
	if err != nil {
		if l := r.failed(ctx, "budgets", err); l != nil {
			return l.Reserve(ctx, budgets, amount, now)
		}
	}
	return h, err
}

func (r *Redis) reserveRedis(ctx context.Context, budgets []Budget, amount Micros, now time.Time) (Hold, error) {
	now = now.UTC()
	h := Hold{ID: redisHoldPrefix + newHoldID()[len("hold_"):], Amount: amount, Budgets: budgets, At: now}
	keys := r.keys(budgets, now)
	args := make([]any, 0, 5+3*len(budgets))
	args = append(args, now.UnixMicro(), int64(amount), h.ID, now.Add(r.holdTTL).UnixMicro(), len(budgets))
	for _, b := range budgets {
		args = append(args, int64(b.Amount.Cap), r.ttl(b, now).Milliseconds(), "-")
	}
	for attempt := 0; ; attempt++ {
		reply, err := r.reserve.Run(ctx, r.client, keys, args...).Int64Slice()
		if err != nil {
			return Hold{}, &redisError{fmt.Errorf("reserve: %w", err)}
		}
		if len(reply) == 0 {
			return Hold{}, &redisError{errors.New("reserve: empty script reply")}
		}
		switch reply[0] {
		case 1:
			return h, nil
		case 0:
			if len(reply) != 4 || reply[1] < 1 || int(reply[1]) > len(budgets) {
				return Hold{}, &redisError{fmt.Errorf("reserve: unexpected script reply %v", reply)}
			}
			b := budgets[reply[1]-1]
			_, end := b.Amount.Period.Window(now)
			return Hold{}, &ExceededError{Budget: b, Spent: Micros(reply[2]), Held: Micros(reply[3]), Until: end}
		}
		if attempt > 0 {
			return Hold{}, &redisError{fmt.Errorf("reserve: counters missing after seeding (reply %v)", reply)}
		}
		// Counters not in Redis: seed them from the store's spend.
		for _, i := range reply[1:] {
			if i < 1 || int(i) > len(budgets) {
				return Hold{}, &redisError{fmt.Errorf("reserve: unexpected script reply %v", reply)}
			}
			spent, _, err := r.store.Spent(ctx, budgets[i-1], now)
			if err != nil {
				return Hold{}, fmt.Errorf("redis ledger: seed %s from the database: %w", budgets[i-1].Label(), err)
			}
			args[5+3*(i-1)+2] = int64(spent)
		}
	}
}

// settleRedis settles h in Redis. force adds actual even where the hold's
// lease ran out. It reports whether the hold was found.
func (r *Redis) settleRedis(ctx context.Context, h Hold, actual Micros, release, force bool) (bool, error) {
	mode, f := "commit", "0"
	if release {
		mode = "release"
	}
	if force {
		f = "1"
	}
	n, err := r.settle.Run(ctx, r.client, r.keys(h.Budgets, h.At), h.ID, int64(actual), mode, f).Int64()
	if err != nil {
		return false, &redisError{fmt.Errorf("settle: %w", err)}
	}
	return n == 1, nil
}

func isLocalHold(h Hold) bool { return !strings.HasPrefix(h.ID, redisHoldPrefix) }

// Commit implements [Ledger]: the hold is settled in Redis and actual is
// written to the store's spend before Commit returns.
func (r *Redis) Commit(ctx context.Context, h Hold, actual Micros) error {
	if h.ID == "" {
		return nil
	}
	if isLocalHold(h) {
		return r.fallback().Commit(ctx, h, actual)
	}
	found, err := r.settleRedis(ctx, h, actual, false, false)
	if err != nil {
		r.failed(ctx, "budgets", err)
		return err
	}
	if !found {
		return fmt.Errorf("redis ledger: settle %s: %w", h.ID, ErrUnknownHold)
	}
	if err := r.store.Settle(ctx, []Settlement{{Hold: h, Direct: true, Record: Record{Cost: actual}, NoRecord: true}}); err != nil {
		return fmt.Errorf("redis ledger: commit %s: %w", h.ID, err)
	}
	return nil
}

// Release implements [Ledger].
func (r *Redis) Release(ctx context.Context, h Hold) error {
	if h.ID == "" {
		return nil
	}
	if isLocalHold(h) {
		return r.fallback().Release(ctx, h)
	}
	found, err := r.settleRedis(ctx, h, 0, true, false)
	if err != nil {
		r.failed(ctx, "budgets", err)
		return err
	}
	if !found {
		return fmt.Errorf("redis ledger: settle %s: %w", h.ID, ErrUnknownHold)
	}
	return nil
}

// settleNow settles s's hold at once, when its request ends, and returns s
// as the writer must persist it: Direct, so the store adds the cost to its
// spend of record, or without a hold when it was released. Redis failing
// here loses nothing of record: the store still gets the cost, and the
// hold's lease runs out.
func (r *Redis) settleNow(s Settlement) Settlement {
	if s.Hold.ID == "" || s.Direct {
		return s
	}
	if isLocalHold(s.Hold) {
		return r.fallback().settleNow(s)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if _, err := r.settleRedis(ctx, s.Hold, s.Record.Cost, s.Release, true); err != nil {
		r.failed(ctx, "budgets", err)
		r.log.Warn("budget settlement not applied in redis; its hold expires with its lease", "hold", s.Hold.ID, "error", err)
	}
	if s.Release {
		s.Hold = Hold{}
	} else {
		s.Direct = true
	}
	return s
}

// Settle implements [UsageLog]: holds not settled yet are settled as
// settleNow does, and everything is written to the store. The settlements
// are updated in place, so a batch retried after a store error is not
// settled in Redis twice.
func (r *Redis) Settle(ctx context.Context, ss []Settlement) error {
	for i := range ss {
		ss[i] = r.settleNow(ss[i])
	}
	return r.store.Settle(ctx, ss)
}

// Spent implements [Ledger]: from Redis when it holds the counter, else
// from the store (with nothing held).
func (r *Redis) Spent(ctx context.Context, b Budget, now time.Time) (spent, held Micros, err error) {
	if r.up() {
		v, err := r.client.HMGet(ctx, r.Key(b, now.UTC()), "spent", "held").Result()
		if err == nil && len(v) == 2 && v[0] != nil {
			s, err1 := strconv.ParseInt(fmt.Sprint(v[0]), 10, 64)
			var h int64
			var err2 error
			if v[1] != nil {
				h, err2 = strconv.ParseInt(fmt.Sprint(v[1]), 10, 64)
			}
			if err1 == nil && err2 == nil {
				return Micros(s), Micros(h), nil
			}
		}
		if err != nil {
			if l := r.failed(ctx, "budgets", &redisError{err}); l != nil {
				return l.Spent(ctx, b, now)
			}
		}
	} else if r.failOpen {
		return r.fallback().Spent(ctx, b, now)
	}
	spent, _, err = r.store.Spent(ctx, b, now)
	return spent, 0, err
}

// MarkAlert implements [Ledger]: the store decides, once per period across
// instances.
func (r *Redis) MarkAlert(ctx context.Context, b Budget, threshold float64, now time.Time) (bool, error) {
	return r.fallback().MarkAlert(ctx, b, threshold, now) // cached, then the store
}

// Usage implements [UsageLog] from the store.
func (r *Redis) Usage(ctx context.Context, q UsageQuery) ([]UsageRow, error) {
	return r.store.Usage(ctx, q)
}

var (
	_ Ledger   = (*Redis)(nil)
	_ UsageLog = (*Redis)(nil)
)
