package budget

import (
	"context"
	"time"
)

// Enqueue is what the middleware does when a request ends.
func Enqueue(b *Budgets, s Settlement) { b.enqueue(s) }

// SetAlertSleep replaces the wait between webhook attempts.
func SetAlertSleep(a *Alerter, f func(ctx context.Context, d time.Duration) bool) { a.sleep = f }

// SettleInRedis commits h in Redis alone, as a request's end does before
// the writer records it.
func SettleInRedis(r *Redis, h Hold, actual Micros) error {
	_, err := r.settleRedis(context.Background(), h, actual, false, true)
	return err
}
