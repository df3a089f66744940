package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	goredis "github.com/redis/go-redis/v9"

	"github.com/aigate-dev/aigate/internal/budget"
	"github.com/aigate-dev/aigate/internal/config"
	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/keys"
	"github.com/aigate-dev/aigate/internal/limits"
	"github.com/aigate-dev/aigate/ratelimit"
	redislimit "github.com/aigate-dev/aigate/ratelimit/redis"
)

// ledgerStore is what a database needs for budgets and the usage ledger.
type ledgerStore interface {
	budget.Ledger
	budget.UsageLog
}

// settleLinger is how long the settlement writer gathers a batch: the
// database lags the gateway by about this much (records and, with SQLite,
// spend), and a graceful stop writes everything first.
const settleLinger = 20 * time.Millisecond

// accounting holds the rate-limit state and the budget writer. They live
// as long as the process, across configuration reloads, so a reload never
// forgets what was spent.
type accounting struct {
	log         *slog.Logger
	requests    ratelimit.Limiter // requests per minute and per day, exact sliding windows
	tokens      ratelimit.Limiter // tokens per minute, GCRA
	concurrency ratelimit.ConcurrencyLimiter
	authFails   ratelimit.Limiter
	ledger      ledgerStore     // nil when the database keeps no ledger
	writer      *budget.Budgets // the background settlement writer
	alerter     *budget.Alerter
	redis       *goredis.Client  // nil without redis:
	failover    *limits.Failover // nil without redis:
	redisPrefix string           // the prefix of every Redis key
	keyChanges  *keyChanges      // nil without redis:
}

// accountingOptions are what accounting needs of the process beyond the
// configuration.
type accountingOptions struct {
	// Registry receives the Redis health metrics; nil: none.
	Registry prometheus.Registerer
	// RedisPrefix starts every Redis key; empty means "aigate:". Tests
	// use one per run.
	RedisPrefix string
	// KeyCache is told of key changes made on other instances, and its
	// changes are published to them, through Redis; nil: none.
	KeyCache *keys.Cache
}

// newAccounting builds the limiters and starts the ledger writer. A
// database without a ledger is allowed, but then any request a budget
// applies to is refused (fail closed) and usage is not recorded.
func newAccounting(ctx context.Context, db store, rt *config.Runtime, log *slog.Logger, opts accountingOptions) (*accounting, error) {
	ac := &accounting{
		log:         log,
		requests:    ratelimit.NewWindow(ratelimit.WindowOptions{}),
		tokens:      ratelimit.NewMemory(ratelimit.MemoryOptions{}),
		concurrency: new(ratelimit.MemoryConcurrency),
		authFails:   ratelimit.NewWindow(ratelimit.WindowOptions{}),
		alerter: &budget.Alerter{
			Thresholds: rt.File.Budgets.AlertThresholds, Webhook: rt.AlertWebhook, Logger: log,
		},
	}
	if rt.File.Redis != "" {
		if err := ac.shareLimits(ctx, rt, opts); err != nil {
			return nil, err
		}
		if opts.KeyCache != nil {
			ac.keyChanges = shareKeyChanges(ac.redis, cmp.Or(opts.RedisPrefix, "aigate:")+"keys:changed", opts.KeyCache, ac.log)
		}
	}
	ls, ok := db.(ledgerStore)
	if !ok {
		log.Warn("this database keeps no usage ledger: usage is not recorded and requests under a budget are refused")
		return ac, nil
	}
	ac.ledger = ls
	if sq, ok := db.(interface {
		ReleaseHoldsBefore(context.Context, time.Time) (int64, error)
	}); ok {
		// SQLite serves one process: holds left by a previous one (or by a
		// version that wrote them) are stale.
		n, err := sq.ReleaseHoldsBefore(ctx, time.Now())
		if err != nil {
			return nil, err
		}
		if n > 0 {
			log.Warn("released budget holds left by a previous run", "holds", n)
		}
		// And its reservations are kept in memory: a write transaction per
		// request would serialise the gateway on the database's write lock.
		// Spend and records are written behind by the settlement writer.
		ac.ledger = budget.NewLocal(ls)
	}
	if ac.redis != nil {
		// Reservations and the current periods' spend live in Redis,
		// shared by every instance; the database gets the spend of record
		// and the usage records behind the requests, and seeds counters
		// Redis does not hold.
		rl, err := budget.NewRedis(ac.redis, ls, budget.RedisOptions{
			Prefix: ac.redisPrefix, Health: ac.failover, FailOpen: ac.failover.FailOpen, Logger: log,
		})
		if err != nil {
			return nil, err
		}
		ac.ledger = rl
		log.Info("budgets are kept in redis", "on_redis_error", rt.File.Limits.OnRedisError)
	}
	prices, err := budget.DefaultPrices(rt.File.Prices)
	if err != nil {
		return nil, err
	}
	ac.writer = &budget.Budgets{Ledger: ac.ledger, Log: ac.ledger, Prices: prices, Alerter: ac.alerter, Logger: log,
		Linger: settleLinger}
	ac.writer.Start()
	return ac, nil
}

// shareLimits connects to rt's Redis and puts the request, token and
// failed-authentication limits and the concurrency limit there, behind a
// Failover that follows limits.on_redis_error (newAccounting puts the
// budgets behind it too). Redis must answer at start-up.
func (ac *accounting) shareLimits(ctx context.Context, rt *config.Runtime, opts accountingOptions) error {
	ro, err := goredis.ParseURL(rt.File.Redis)
	if err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	// Fail over in well under a second rather than go-redis's defaults
	// (5s to dial, 3 retries), and keep enough connections for a burst.
	if ro.DialTimeout == 0 {
		ro.DialTimeout = 500 * time.Millisecond
	}
	if ro.ReadTimeout == 0 {
		ro.ReadTimeout = 500 * time.Millisecond
	}
	if ro.WriteTimeout == 0 {
		ro.WriteTimeout = 500 * time.Millisecond
	}
	if ro.MaxRetries == 0 {
		ro.MaxRetries = 1
	}
	if ro.DialerRetries == 0 {
		ro.DialerRetries = 1
	}
	if ro.PoolSize == 0 {
		ro.PoolSize = 64
	}
	// go-redis prints pool errors (one per failed dial) to stderr with the
	// log package, which would break the JSON log while Redis is down. Its
	// only setting is process-wide; the Failover logs each outage once.
	goredis.SetLogger(redisLogger{ac.log})
	client := goredis.NewClient(ro)
	pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := client.Ping(pctx).Err(); err != nil {
		client.Close()
		return fmt.Errorf("redis: %s does not answer: %w", redactURL(rt.File.Redis), err)
	}
	prefix := cmp.Or(opts.RedisPrefix, "aigate:")
	window, err := redislimit.NewWindow(client, redislimit.Options{Prefix: prefix})
	if err != nil {
		client.Close()
		return err
	}
	gcra, err := redislimit.New(client, redislimit.Options{Prefix: prefix})
	if err != nil {
		client.Close()
		return err
	}
	conc, err := redislimit.NewConcurrency(client, redislimit.ConcurrencyOptions{Prefix: prefix})
	if err != nil {
		client.Close()
		return err
	}
	up := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "aigate_redis_up", Help: "1 while Redis answers the shared rate limits, 0 while limits.on_redis_error applies.",
	})
	downs := prometheus.NewCounter(prometheus.CounterOpts{
		Name: "aigate_redis_unavailable_total", Help: "Times Redis stopped answering the shared rate limits.",
	})
	up.Set(1)
	if opts.Registry != nil {
		opts.Registry.MustRegister(up, downs)
	}
	ac.redis = client
	ac.redisPrefix = prefix
	ac.failover = &limits.Failover{
		FailOpen: rt.File.Limits.OnRedisError == config.FailOpenLocal,
		Probe:    func(ctx context.Context) error { return client.Ping(ctx).Err() },
		Logger:   ac.log,
		OnChange: func(ok bool) {
			if ok {
				up.Set(1)
			} else {
				up.Set(0)
				downs.Inc()
			}
		},
	}
	ac.requests = ac.failover.Wrap("requests", window, ac.requests)
	ac.tokens = ac.failover.Wrap("tokens", gcra, ac.tokens)
	ac.authFails = ac.failover.Wrap("failed-authentication", window, ac.authFails)
	ac.concurrency = ac.failover.WrapConcurrency("concurrency", conc, ac.concurrency)
	ac.log.Info("rate limits are shared through redis", "on_redis_error", rt.File.Limits.OnRedisError)
	return nil
}

// failedAuth returns the failed-authentication limit of rt, shared by the
// request chain and the token-minting endpoint.
func (ac *accounting) failedAuth(rt *config.Runtime) *limits.FailedAuth {
	return &limits.FailedAuth{Limiter: ac.authFails, PerMinute: rt.File.Limits.FailedAuthPerMinute}
}

// chain returns the middleware of rt in order: failed-authentication limit
// around auth, rate limits, the guards, and the budget last, so that only
// requests every check passed reserve money.
func (ac *accounting) chain(rt *config.Runtime, auth gateway.Middleware, guards ...gateway.Middleware) ([]gateway.Middleware, error) {
	f := rt.File
	fa := ac.failedAuth(rt)
	lim := &limits.Limiter{
		Requests: ac.requests, Tokens: ac.tokens, Concurrency: ac.concurrency,
		Defaults: limits.Rates{
			RequestsPerMinute: f.Limits.RequestsPerMinute, RequestsPerDay: f.Limits.RequestsPerDay,
			TokensPerMinute: f.Limits.TokensPerMinute, Concurrent: f.Limits.Concurrent,
		},
		Teams:           map[string]limits.Rates{},
		MaxOutputTokens: f.Validation.MaxTokens,
		FinishStreams:   f.Limits.OnExhaustedStream == config.StreamFinish,
	}
	for name, r := range f.Limits.Teams {
		lim.Teams[name] = limits.Rates(r)
	}
	mw := append([]gateway.Middleware{fa.Wrap(auth), lim.Middleware}, guards...)

	budgetsFor, err := budgetsFor(f.Budgets)
	if err != nil {
		return nil, err
	}
	if ac.writer == nil {
		return append(mw, refuseBudgets(budgetsFor)), nil
	}
	prices, err := budget.DefaultPrices(f.Prices)
	if err != nil {
		return nil, err
	}
	b := *ac.writer // shares the writer's queue; only the settings differ
	b.Prices, b.For, b.MaxOutputTokens = prices, budgetsFor, f.Validation.MaxTokens
	b.FinishStreams = f.Budgets.OnExhaustedStream == config.StreamFinish
	return append(mw, b.Middleware), nil
}

// budgetsFor returns the function that lists the budgets of a request: its
// key's, its end user's (named or per_user) and its team's.
func budgetsFor(c config.Budgets) (func(*gateway.Request) []budget.Budget, error) {
	parse := func(s string) budget.Amount { a, _ := budget.ParseAmount(s); return a } // validated at load
	perUser := parse(c.PerUser)
	users, teams := map[string]budget.Amount{}, map[string]budget.Amount{}
	for _, k := range slices.Sorted(maps.Keys(c.Users)) {
		users[k] = parse(c.Users[k])
	}
	for _, k := range slices.Sorted(maps.Keys(c.Teams)) {
		teams[k] = parse(c.Teams[k])
	}
	return func(req *gateway.Request) []budget.Budget {
		p := req.Principal
		var bs []budget.Budget
		if p.Limits.BudgetMicros > 0 {
			bs = append(bs, budget.Budget{Kind: budget.ScopeKey, ID: p.KeyID, Name: p.KeyName,
				Amount: budget.Amount{Cap: budget.Micros(p.Limits.BudgetMicros), Period: budget.Period(p.Limits.BudgetPeriod)}})
		}
		if a, ok := users[p.User]; ok {
			bs = append(bs, budget.Budget{Kind: budget.ScopeUser, ID: p.User, Amount: a})
		} else if !perUser.IsZero() {
			bs = append(bs, budget.Budget{Kind: budget.ScopeUser, ID: p.User, Amount: perUser})
		}
		if a, ok := teams[p.Team]; ok && p.Team != "" {
			bs = append(bs, budget.Budget{Kind: budget.ScopeTeam, ID: p.Team, Amount: a})
		}
		return bs
	}, nil
}

// refuseBudgets is the budget step of a database without a ledger: a
// request under any budget is refused, never let through unaccounted.
func refuseBudgets(for_ func(*gateway.Request) []budget.Budget) gateway.Middleware {
	return func(next gateway.Handler) gateway.Handler {
		return gateway.HandlerFunc(func(ctx context.Context, req *gateway.Request) (*gateway.Response, error) {
			if len(for_(req)) > 0 {
				return nil, &gateway.Error{Code: gateway.CodeUnavailable, Err: errors.New("database keeps no ledger"),
					Message: "budgets are not available with this gateway's database; the request was not sent to the provider"}
			}
			return next.Serve(ctx, req)
		})
	}
}

// flush waits for queued settlements; tests and the usage command use it.
func (ac *accounting) flush(ctx context.Context) error {
	if ac.writer == nil {
		return nil
	}
	return ac.writer.Flush(ctx)
}

// close writes what is queued and stops the writer and the alerter. Call it
// after the HTTP server has drained.
func (ac *accounting) close(ctx context.Context) error {
	var err error
	if ac.writer != nil {
		err = ac.writer.Close(ctx)
	}
	ac.alerter.Close(ctx)
	if ac.failover != nil {
		ac.failover.Close()
	}
	if ac.keyChanges != nil {
		ac.keyChanges.close()
	}
	if ac.redis != nil {
		err = errors.Join(err, ac.redis.Close())
	}
	return err
}

// mustChain is chain for state(), whose configuration was validated when it
// was built, so chain cannot fail: its errors are price and budget syntax,
// which Validate checks.
func (ac *accounting) mustChain(rt *config.Runtime, auth gateway.Middleware, guards ...gateway.Middleware) []gateway.Middleware {
	mw, err := ac.chain(rt, auth, guards...)
	if err != nil {
		panic("aigate: validated configuration failed to build: " + err.Error())
	}
	return mw
}

// redisLogger sends go-redis's own messages to the log at debug level.
type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.Debug("redis client", "message", fmt.Sprintf(format, v...))
}
