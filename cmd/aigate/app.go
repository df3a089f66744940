package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aigate-dev/aigate/internal/admin"
	"github.com/aigate-dev/aigate/internal/config"
	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/guard"
	"github.com/aigate-dev/aigate/internal/keys"
	"github.com/aigate-dev/aigate/internal/logging"
	"github.com/aigate-dev/aigate/internal/metrics"
	"github.com/aigate-dev/aigate/internal/provider"
	"github.com/aigate-dev/aigate/internal/provider/anthropic"
	"github.com/aigate-dev/aigate/internal/provider/gemini"
	"github.com/aigate-dev/aigate/internal/provider/openai"
	"github.com/aigate-dev/aigate/internal/proxy"
	"github.com/aigate-dev/aigate/internal/rotation"
	"github.com/aigate-dev/aigate/internal/secrets"
	"github.com/aigate-dev/aigate/internal/store/postgres"
	"github.com/aigate-dev/aigate/internal/store/sqlite"
)

// configSource says where the configuration comes from; every command that
// touches the store reads it the same way, so they all act on one database.
type configSource struct {
	path    string     // --config; empty: environment only
	envFile string     // --env-file; empty: none
	env     config.Env // the process environment
}

// load reads the configuration file (or the environment alone) and returns
// it with the environment secret references resolve against.
func (cs configSource) load() (config.File, config.Env, error) {
	env := cs.env
	if cs.envFile != "" {
		f, err := os.Open(cs.envFile)
		if err != nil {
			return config.File{}, nil, fmt.Errorf("--env-file: %w", err)
		}
		vars, err := config.ParseEnvFile(f)
		f.Close()
		if err != nil {
			return config.File{}, nil, fmt.Errorf("--env-file %s: %w", cs.envFile, err)
		}
		env = config.Overlay(vars, env)
	}
	if cs.path == "" {
		return config.FromEnv(env), env, nil
	}
	f, err := config.Load(cs.path, env)
	return f, env, err
}

// store is what the gateway needs of a database.
type store interface {
	keys.Store
	// Ping checks that the database answers, for readiness.
	Ping(ctx context.Context) error
	Close() error
}

// openStore opens the key store named by a database setting: sqlite:PATH,
// or a postgres:// or postgresql:// URL.
func openStore(ctx context.Context, database string) (store, error) {
	var (
		db  store
		err error
	)
	switch {
	case strings.HasPrefix(database, "postgres://"), strings.HasPrefix(database, "postgresql://"):
		db, err = postgres.Open(ctx, database)
	default:
		path, ok := strings.CutPrefix(database, "sqlite:")
		if !ok {
			return nil, fmt.Errorf("database %q: must be sqlite:PATH or a postgres:// URL", redactURL(database))
		}
		db, err = sqlite.Open(ctx, path)
	}
	if err != nil {
		return nil, fmt.Errorf("opening database: %w", err)
	}
	return db, nil
}

// redactURL drops any password from a database URL before it is printed.
func redactURL(s string) string {
	if i := strings.Index(s, "@"); i >= 0 {
		if j := strings.Index(s, "://"); j >= 0 && j < i {
			return s[:j+3] + "[redacted]" + s[i:]
		}
	}
	return s
}

// appOptions configure one gateway process.
type appOptions struct {
	source configSource
	// listen overrides the configured address (tests use 127.0.0.1:0).
	listen string
	// logOut receives the JSON log.
	logOut io.Writer
	// transport sends upstream requests; nil uses a tuned default.
	transport http.RoundTripper
	// redisPrefix starts every Redis key; empty means "aigate:" (tests
	// isolate their runs with their own).
	redisPrefix string
}

// app is a running gateway: the wiring of every part, and its lifecycle.
type app struct {
	opts    appOptions
	log     *slog.Logger
	level   *slog.LevelVar
	metrics *metrics.Metrics
	db      store
	keys    *keys.Service
	proxy   *proxy.Server
	admin   *admin.Handler
	acct    *accounting // rate-limit state and the budget writer
	// keyCache serves the key lookup of each request for up to a second,
	// and is told of changes made on other instances (through Redis).
	keyCache *keys.Cache
	tok      tokenWiring        // end-user tokens; see tokens.go
	idp      identityWiring     // identity-provider JWTs; see identity.go
	cors     *corsUnion         // the preflight policy; see cors.go
	rotation *rotation.Reminder // provider key age reminders; nil when the store keeps no key ages
	sec      secretWiring       // secret references kept current; see secretrefresh.go
	dbLock   *os.File           // held while serving a SQLite database; see lockSQLite
	srv      *http.Server
	ln       net.Listener

	mu sync.Mutex // protects the fields below
	rt *config.Runtime
}

// resolver resolves secret references against env, and aws-sm: and vault:
// references through AWS Secrets Manager (the SDK's standard credential
// chain) and Vault (VAULT_ADDR, VAULT_TOKEN or AppRole, looked up in env).
// A new one per build, so a reload re-reads every secret and --env-file.
func resolver(env config.Env) config.Resolver {
	return config.Resolver{Env: env, Secrets: &secrets.Manager{Sources: secrets.StandardSources(env)}}
}

// newApp loads the configuration, resolves its secrets, opens the store and
// builds the gateway. Nothing listens until Start.
func newApp(ctx context.Context, opts appOptions) (*app, error) {
	f, env, err := opts.source.load()
	if err != nil {
		return nil, err
	}
	a := &app{opts: opts, level: new(slog.LevelVar), metrics: metrics.New()}
	a.level.Set(logging.ParseLevel(f.Log.Level))
	a.log = logging.New(opts.logOut, a.level)
	a.initSecretMetrics()
	rt, sm, err := a.buildRuntime(f, env)
	if err != nil {
		return nil, err
	}
	if len(rt.Upstreams) == 0 {
		return nil, errors.New("no provider is configured: set OPENAI_API_KEY, ANTHROPIC_API_KEY or GEMINI_API_KEY, or list providers in a --config file")
	}
	a.adoptRuntime(rt, sm)
	a.db, err = openStore(ctx, f.Database)
	if err != nil {
		return nil, err
	}
	if dsn, ok := strings.CutPrefix(f.Database, "sqlite:"); ok {
		if a.dbLock, err = lockSQLite(dsn); err != nil {
			a.db.Close()
			return nil, err
		}
	}
	a.keyCache = &keys.Cache{Store: a.db}
	a.keys = &keys.Service{Store: a.keyCache}
	if a.acct, err = newAccounting(ctx, a.db, rt, a.log, accountingOptions{Registry: a.metrics.Registry, RedisPrefix: opts.redisPrefix, KeyCache: a.keyCache}); err != nil {
		a.closeDB()
		return nil, err
	}
	a.acct.alerter.CurrentWebhook = a.alertWebhook
	a.cors = &corsUnion{db: a.db, log: func(err error) { a.log.Warn("could not read the keys' CORS origins; keeping the last", "error", err) }}
	a.initTokens()
	a.initIdentity()
	a.proxy = proxy.NewServer(a.state(rt), a.log, a.metrics)
	a.admin = &admin.Handler{Keys: a.keys, Credential: a.adminKey, Logger: a.log}
	if a.acct.ledger != nil {
		a.admin.Usage = a.acct.ledger
	}
	if ks, ok := a.db.(rotation.Store); ok {
		a.rotation = &rotation.Reminder{Store: ks, Keys: a.providerKeys, Age: a.metrics.ProviderKeyAge, Logger: a.log}
	}
	return a, nil
}

// providerKeys returns the running configuration's provider keys, for the
// rotation reminder.
func (a *app) providerKeys() []rotation.Key {
	a.mu.Lock()
	defer a.mu.Unlock()
	var ks []rotation.Key
	for _, p := range a.rt.File.Providers {
		if key, ok := a.rt.Keys[p.Name]; ok {
			ks = append(ks, rotation.Key{Provider: p.Name, Key: key, RotateAfter: p.KeyRotateAfter()})
		}
	}
	return ks
}

// transport returns the upstream transport: no proxy from the environment
// (keys must not detour through a proxy nobody configured), bounded waits.
func (a *app) transport(rt *config.Runtime) http.RoundTripper {
	if a.opts.transport != nil {
		return a.opts.transport
	}
	return &http.Transport{
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   128,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: time.Duration(rt.File.Server.UpstreamTimeout),
	}
}

// state builds the request-serving state for rt.
func (a *app) state(rt *config.Runtime) *proxy.State {
	adapters := []provider.Adapter{openai.Adapter{}, anthropic.Adapter{}, gemini.Adapter{}}
	byDialect := map[gateway.Dialect]provider.Adapter{}
	for _, ad := range adapters {
		byDialect[ad.Dialect()] = ad
	}
	v := rt.File.Validation
	fw := &proxy.Forwarder{
		Adapters:  byDialect,
		Router:    proxy.NewRouter(rt.Upstreams),
		Keys:      rt.Keys,
		Transport: a.transport(rt),
		Logger:    a.log,
		Observe: func(name string, d time.Duration) {
			a.metrics.UpstreamLatency.WithLabelValues(name).Observe(d.Seconds())
		},
	}
	auth := &keys.Authenticator{Store: a.keyCache, Logger: a.log}
	validate := &guard.Validator{MaxUserMessageChars: v.MaxUserMessageChars, MaxMessages: v.MaxMessages, MaxTokens: v.MaxTokens}
	for _, m := range v.Models {
		validate.Models = append(validate.Models, guard.ModelLimits{Pattern: m.Model, MaxUserMessageChars: m.MaxUserMessageChars, MaxTokens: m.MaxTokens})
	}
	policy := &guard.PolicyGuard{Policies: rt.Policies, Adapters: byDialect, Logger: a.log}
	return &proxy.State{
		Adapters:     adapters,
		Handler:      gateway.Chain(fw, a.acct.mustChain(rt, withCORSCheck(a.identityAuth(rt, a.tokenAuth(rt, auth.Middleware))), gateway.Guards(validate), policy.Middleware)...),
		MaxBodyBytes: int64(v.MaxBodyBytes),
		Preflight:    a.cors.policy,
	}
}

func (a *app) adminKey() gateway.Secret {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.rt.AdminKey
}

// handler routes operator endpoints and hands everything else to the proxy.
func (a *app) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", a.ready)
	mux.Handle("GET /metrics", a.metrics.Handler())
	mux.Handle("/admin/", a.admin)
	mux.HandleFunc("POST /v1/aigate/tokens", a.serveMint)
	mux.Handle("/", a.proxy)
	return mux
}

// ready reports whether the gateway can serve: the store answers, and no
// secret has been failing to refresh for longer than secrets.max_stale
// (stale ones within it are named in the body; see secretReadiness).
func (a *app) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain")
	if err := a.db.Ping(ctx); err != nil {
		a.log.Error("readiness check failed", "check", "database", "error", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, "database: unavailable\n")
		return
	}
	lines, unready := a.secretReadiness(time.Now())
	if unready {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, readinessBody("secrets: stale", lines))
		return
	}
	_, _ = io.WriteString(w, readinessBody("ok", lines))
}

// Start listens and serves in the background.
func (a *app) Start() error {
	addr := a.opts.listen
	if addr == "" {
		addr = a.rt.File.Listen
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	a.ln = ln
	a.srv = &http.Server{
		Handler:           a.handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := a.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.log.Error("server stopped", "error", err)
		}
	}()
	a.log.Info("aigate listening", "addr", ln.Addr().String(), "providers", len(a.rt.Upstreams))
	if a.rotation != nil {
		a.rotation.Start() // checks now, then daily
	}
	a.startSecretRefresh()
	return nil
}

// Addr returns the address the gateway listens on.
func (a *app) Addr() string { return a.ln.Addr().String() }

// URL returns the gateway's base URL.
func (a *app) URL() string { return "http://" + a.Addr() }

// Reload re-reads the configuration and its secrets and swaps them in.
// Requests in flight finish with the state they started with. On error the
// running configuration stays, and its secrets are refreshed instead, so a
// secret that cannot be read is counted and reported by /readyz.
func (a *app) Reload() error {
	a.sec.reloadMu.Lock()
	defer a.sec.reloadMu.Unlock()
	f, env, err := a.opts.source.load()
	if err == nil {
		var (
			rt *config.Runtime
			sm *secrets.Manager
		)
		rt, sm, err = a.buildRuntime(f, env)
		if err == nil {
			a.mu.Lock()
			listenChanged, dbChanged := rt.File.Listen != a.rt.File.Listen, rt.File.Database != a.rt.File.Database
			a.mu.Unlock()
			a.adoptRuntime(rt, sm)
			a.level.Set(logging.ParseLevel(f.Log.Level))
			a.proxy.Swap(a.state(rt))
			a.metrics.ConfigReloads.WithLabelValues("ok").Inc()
			a.log.Info("configuration reloaded", "providers", len(rt.Upstreams))
			if listenChanged || dbChanged {
				a.log.Warn("listen and database changes take effect at the next restart")
			}
			return nil
		}
	}
	a.metrics.ConfigReloads.WithLabelValues("error").Inc()
	a.log.Error("configuration reload failed; keeping the running configuration", "error", err)
	_ = a.refreshSecretsLocked(context.Background()) // logged, counted and shown by /readyz
	return err
}

// Shutdown stops accepting requests and waits, until ctx ends, for those in
// flight (streams included) to finish; then it closes the store.
func (a *app) Shutdown(ctx context.Context) error {
	var err error
	a.stopSecretRefresh()
	if a.rotation != nil {
		a.rotation.Stop()
	}
	if a.srv != nil {
		err = a.srv.Shutdown(ctx)
		if err != nil {
			_ = a.srv.Close()
		}
	}
	return errors.Join(err, a.acct.close(ctx), a.closeDB())
}

// closeDB closes the store, then gives up its lock.
func (a *app) closeDB() error {
	err := a.db.Close()
	if a.dbLock != nil {
		err = errors.Join(err, a.dbLock.Close())
	}
	return err
}
