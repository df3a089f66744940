package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aigate-dev/aigate/internal/config"
	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/secrets"
)

// secretWiring keeps every secret reference of the running configuration
// (provider keys, the admin credential, token signing keys, the alert
// webhook) current: each build resolves them through a secrets.Manager,
// which a background loop refreshes every secrets.refresh_interval. When a
// refresh changes a value, the runtime is rebuilt from the manager's values
// (nothing is read again) and swapped in like a reload, so the next request
// uses the new key and requests in flight finish with the old one. A failed
// refresh keeps the last good value; /readyz names it, and fails only once
// it has been stale longer than secrets.max_stale.
type secretWiring struct {
	// reloadMu serialises Reload and refreshes, so a refresh never swaps
	// in a runtime built from a configuration a reload replaced.
	reloadMu sync.Mutex

	// mgr and gen are protected by app.mu: the manager the running runtime
	// was built from, and its Generation then.
	mgr *secrets.Manager
	gen uint64

	failures *prometheus.CounterVec // aigate_secret_refresh_failures_total{scheme}
	lastOK   *prometheus.GaugeVec   // aigate_secret_last_refresh_success_timestamp_seconds{ref}

	stop context.CancelFunc // ends the refresh loop; nil when it is not running
	done chan struct{}      // closed when the loop has returned
}

// initSecretMetrics registers the secret refresh metrics.
func (a *app) initSecretMetrics() {
	a.sec.failures = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "aigate_secret_refresh_failures_total",
		Help: "Secret reads that failed during a refresh (the last good value stays in use), by reference scheme.",
	}, []string{"scheme"})
	a.sec.lastOK = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "aigate_secret_last_refresh_success_timestamp_seconds",
		Help: "When each secret reference was last read successfully (Unix time); the reference names the secret, never holds it.",
	}, []string{"ref"})
	a.metrics.Registry.MustRegister(a.sec.failures, a.sec.lastOK)
}

// buildRuntime validates f and resolves its secrets through a new manager,
// which then keeps them current.
func (a *app) buildRuntime(f config.File, env config.Env) (*config.Runtime, *secrets.Manager, error) {
	m := &secrets.Manager{
		Sources: secrets.StandardSources(env),
		Logger:  a.log,
		OnRefresh: func(ref secrets.Ref, err error) {
			if err != nil {
				a.sec.failures.WithLabelValues(string(ref.Scheme)).Inc()
				return
			}
			a.sec.lastOK.WithLabelValues(ref.String()).SetToCurrentTime()
		},
	}
	rt, err := f.Build(config.Resolver{Env: env, Secrets: m, Track: true})
	if err != nil {
		return nil, nil, err
	}
	for _, st := range m.Status() {
		a.sec.lastOK.WithLabelValues(st.Ref.String()).Set(float64(st.Updated.UnixNano()) / 1e9)
	}
	return rt, m, nil
}

// adoptRuntime makes rt, built from m, the running runtime. The caller
// swaps the serving state.
func (a *app) adoptRuntime(rt *config.Runtime, m *secrets.Manager) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.rt, a.sec.mgr, a.sec.gen = rt, m, m.Generation()
}

// alertWebhook returns the budget alert webhook URL in force.
func (a *app) alertWebhook() gateway.Secret {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.rt.AlertWebhook
}

// refreshSecrets reads every secret of the running configuration again
// and, when one changed, swaps in a runtime built with the new values.
func (a *app) refreshSecrets(ctx context.Context) error {
	a.sec.reloadMu.Lock()
	defer a.sec.reloadMu.Unlock()
	return a.refreshSecretsLocked(ctx)
}

// refreshSecretsLocked is refreshSecrets with reloadMu held.
func (a *app) refreshSecretsLocked(ctx context.Context) error {
	a.mu.Lock()
	m, gen, file := a.sec.mgr, a.sec.gen, a.rt.File
	a.mu.Unlock()
	err := m.Refresh(ctx) // failures are logged and counted by the manager's hooks
	next := m.Generation()
	if next == gen {
		return err
	}
	// Every reference is already in m: this reads nothing.
	rt, berr := file.Build(config.Resolver{Secrets: m, Track: true})
	if berr != nil {
		a.log.Error("a refreshed secret was refused; keeping the running configuration", "error", berr)
		return berr
	}
	a.mu.Lock()
	a.rt, a.sec.gen = rt, next
	a.mu.Unlock()
	a.proxy.Swap(a.state(rt))
	a.log.Info("secrets refreshed; new requests use the new values")
	return err
}

// secretInterval returns the running refresh interval; 0 is off.
func (a *app) secretInterval() time.Duration {
	a.mu.Lock()
	defer a.mu.Unlock()
	return time.Duration(a.rt.File.Secrets.RefreshInterval)
}

// startSecretRefresh starts the refresh loop. It follows the running
// configuration, so a reload may change the interval or turn it on or off.
func (a *app) startSecretRefresh() {
	ctx, cancel := context.WithCancel(context.Background())
	a.sec.stop, a.sec.done = cancel, make(chan struct{})
	go func() {
		defer close(a.sec.done)
		for {
			wait := a.secretInterval()
			if wait <= 0 {
				wait = time.Minute // off: look again later, in case a reload turns it on
			}
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
			if a.secretInterval() > 0 {
				_ = a.refreshSecrets(ctx)
			}
		}
	}()
}

// stopSecretRefresh ends the refresh loop and waits for it.
func (a *app) stopSecretRefresh() {
	if a.sec.stop != nil {
		a.sec.stop()
		<-a.sec.done
		a.sec.stop = nil
	}
}

// secretReadiness describes the secrets whose last refresh failed, one
// line each (references only), and reports whether one has been stale
// longer than secrets.max_stale. A stale secret alone does not make the
// gateway unready: it still serves with the last good value, and failing
// readiness on every instance at once during a secret manager outage
// would take the whole fleet out of rotation while its keys still work.
func (a *app) secretReadiness(now time.Time) (lines []string, unready bool) {
	a.mu.Lock()
	m, maxStale := a.sec.mgr, time.Duration(a.rt.File.Secrets.MaxStale)
	a.mu.Unlock()
	for _, st := range m.Status() {
		if st.Err == nil {
			continue
		}
		age := now.Sub(st.Updated).Round(time.Second)
		if age > maxStale {
			unready = true
			lines = append(lines, fmt.Sprintf("secret %s: stale for %s, longer than secrets.max_stale (%s): its refresh keeps failing (see the log)", st.Ref, age, maxStale))
			continue
		}
		lines = append(lines, fmt.Sprintf("secret %s: stale for %s (%d failed refreshes); serving its last good value, /readyz fails after secrets.max_stale (%s)", st.Ref, age, st.Failures, maxStale))
	}
	return lines, unready
}

// readinessBody joins readiness lines.
func readinessBody(first string, lines []string) string {
	return first + "\n" + strings.Join(append(lines, ""), "\n")
}
