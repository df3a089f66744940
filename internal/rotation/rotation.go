// Package rotation reminds operators to rotate provider keys. A provider
// cannot be asked how old a key is, so the gateway records when it first
// saw each key, by fingerprint (never the key), and a [Reminder] warns,
// at start-up and daily, about keys older than their rotation age.
package rotation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aigate-dev/aigate/internal/gateway"
)

// Store records when each provider key was first seen. It is implemented
// by the database stores and checked by storetest.RunKeyAges.
type Store interface {
	// FirstSeen records fingerprint as provider's key, first seen at now,
	// unless that pair is recorded already, and returns the recorded time.
	// A new fingerprint for the same provider (a rotated key) starts a new
	// age; a fingerprint seen before keeps its first time. Safe for
	// concurrent use, by several gateway instances too: they agree on the
	// first time.
	FirstSeen(ctx context.Context, provider, fingerprint string, now time.Time) (time.Time, error)
}

// Fingerprint identifies key without revealing it: the first 16 hex
// digits (64 bits) of its SHA-256.
func Fingerprint(key gateway.Secret) string {
	sum := sha256.Sum256([]byte(key.Reveal()))
	return hex.EncodeToString(sum[:8])
}

// Key is one provider's key and how old it may get.
type Key struct {
	Provider string
	Key      gateway.Secret
	// RotateAfter is the age past which a reminder is logged; zero: never.
	RotateAfter time.Duration
}

// Reminder checks the provider keys' ages at Start and every Interval.
type Reminder struct {
	Store Store
	// Keys returns the keys in use now; it is called on every check, so a
	// configuration reload's rotated key is seen.
	Keys func() []Key
	// Age, if not nil, is set to each key's age in seconds, by provider.
	Age *prometheus.GaugeVec
	// Logger receives the reminders; nil discards them.
	Logger *slog.Logger
	// Now returns the current time; nil uses time.Now.
	Now func() time.Time
	// Interval is the time between checks; zero means 24 hours.
	Interval time.Duration

	stop context.CancelFunc
	wg   sync.WaitGroup
}

// Check records the keys' fingerprints, sets their ages and logs a warning
// for each key older than its RotateAfter. It returns the store's errors
// joined; a key whose age cannot be read is skipped.
func (r *Reminder) Check(ctx context.Context) error {
	now := time.Now()
	if r.Now != nil {
		now = r.Now()
	}
	if r.Age != nil {
		r.Age.Reset() // drop providers a reload removed
	}
	var errs []error
	for _, k := range r.Keys() {
		if k.Key.IsZero() {
			continue
		}
		first, err := r.Store.FirstSeen(ctx, k.Provider, Fingerprint(k.Key), now)
		if err != nil {
			errs = append(errs, fmt.Errorf("provider key age of %s: %w", k.Provider, err))
			continue
		}
		age := max(now.Sub(first), 0)
		if r.Age != nil {
			r.Age.WithLabelValues(k.Provider).Set(age.Seconds())
		}
		if k.RotateAfter > 0 && age > k.RotateAfter {
			r.log().LogAttrs(ctx, slog.LevelWarn,
				fmt.Sprintf("provider key for %s is %d days old; rotate it (rotate_after %s)", k.Provider, int(age/(24*time.Hour)), days(k.RotateAfter)),
				slog.String("provider", k.Provider), slog.String("fingerprint", Fingerprint(k.Key)),
				slog.Time("first_seen", first), slog.Duration("rotate_after", k.RotateAfter))
		}
	}
	return errors.Join(errs...)
}

// Start runs Check now and then every Interval, in a goroutine that Stop
// ends. Check's errors are logged.
func (r *Reminder) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	r.stop = cancel
	every := r.Interval
	if every <= 0 {
		every = 24 * time.Hour
	}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if err := r.Check(ctx); err != nil && ctx.Err() == nil {
				r.log().Error("provider key rotation check failed", "error", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// Stop ends the goroutine Start began and waits for it.
func (r *Reminder) Stop() {
	if r.stop != nil {
		r.stop()
	}
	r.wg.Wait()
}

// days writes d as "90d" when it is a whole number of days.
func days(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}

func (r *Reminder) log() *slog.Logger {
	if r.Logger != nil {
		return r.Logger
	}
	return slog.New(slog.DiscardHandler)
}
