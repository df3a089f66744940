package budget

import (
	"context"
	"time"
)

// Enqueue is what the middleware does when a request ends.
func Enqueue(b *Budgets, s Settlement) { b.enqueue(s) }

// SetAlertSleep replaces the wait between webhook attempts.
func SetAlertSleep(a *Alerter, f func(ctx context.Context, d time.Duration) bool) { a.sleep = f }
