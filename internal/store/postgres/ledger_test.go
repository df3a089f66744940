package postgres_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/internal/budget"
	"github.com/aigate-dev/aigate/internal/store/postgres"
	"github.com/aigate-dev/aigate/internal/store/postgres/pgtest"
)

// mustOpenInstances opens n stores on one fresh schema, as n gateway
// instances sharing a database would.
func mustOpenInstances(t *testing.T, n int) []*postgres.DB {
	t.Helper()
	u, _ := pgtest.URL(t)
	dbs := make([]*postgres.DB, n)
	for i := range dbs {
		db, err := postgres.Open(t.Context(), u)
		if err != nil {
			t.Fatalf("Open = %v", err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	return dbs
}

var (
	noon    = time.Date(2026, 11, 14, 12, 0, 0, 0, time.UTC)
	keyCap  = budget.Budget{Kind: budget.ScopeKey, ID: "vk_shared", Amount: budget.Amount{Cap: budget.Dollar, Period: budget.PeriodMonth}}
	teamCap = budget.Budget{Kind: budget.ScopeTeam, ID: "support", Amount: budget.Amount{Cap: budget.Dollar, Period: budget.PeriodDay}}
)

// Reservations from several instances, naming the same two budgets in
// either order, neither deadlock nor overspend.
func TestReservationsAcrossInstances(t *testing.T) {
	t.Parallel()
	dbs := mustOpenInstances(t, 3)
	ctx := t.Context()
	var ok atomic.Int64
	var wg sync.WaitGroup
	for i := range 60 {
		wg.Go(func() {
			db := dbs[i%len(dbs)]
			budgets := []budget.Budget{keyCap, teamCap}
			if i%2 == 1 {
				budgets = []budget.Budget{teamCap, keyCap}
			}
			h, err := db.Reserve(ctx, budgets, 70_000, noon)
			switch {
			case errors.Is(err, budget.ErrExceeded):
				return
			case err != nil:
				t.Errorf("Reserve = %v", err)
				return
			}
			ok.Add(1)
			// Settle on another instance than the one that reserved.
			if err := dbs[(i+1)%len(dbs)].Commit(ctx, h, 70_000); err != nil {
				t.Errorf("Commit = %v", err)
			}
		})
	}
	wg.Wait()
	for _, b := range []budget.Budget{keyCap, teamCap} {
		spent, held, err := dbs[0].Spent(ctx, b, noon)
		if err != nil {
			t.Fatal(err)
		}
		if ok.Load() != 14 || spent != 980_000 || held != 0 {
			t.Errorf("%s: %d reservations of $0.07 against $1.00 succeeded, spent %v, held %v; want 14, $0.98, 0",
				b.Label(), ok.Load(), spent, held)
		}
	}
}

// One hold committed by two instances at once is counted once.
func TestConcurrentCommitOfOneHold(t *testing.T) {
	t.Parallel()
	dbs := mustOpenInstances(t, 2)
	ctx := t.Context()
	h, err := dbs[0].Reserve(ctx, []budget.Budget{keyCap}, 500_000, noon)
	if err != nil {
		t.Fatal(err)
	}
	errs := make([]error, 8)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() { errs[i] = dbs[i%2].Commit(ctx, h, 300_000) })
	}
	wg.Wait()
	committed := 0
	for _, err := range errs {
		switch {
		case err == nil:
			committed++
		case !errors.Is(err, budget.ErrUnknownHold):
			t.Errorf("Commit = %v, want nil or ErrUnknownHold", err)
		}
	}
	spent, _, err := dbs[1].Spent(ctx, keyCap, noon)
	if err != nil {
		t.Fatal(err)
	}
	if committed != 1 || spent != 300_000 {
		t.Errorf("%d commits succeeded, spent %v; want 1 and $0.30", committed, spent)
	}
}

func TestReleaseStaleHolds(t *testing.T) {
	t.Parallel()
	db := mustOpenInstances(t, 1)[0]
	ctx := t.Context()
	now := time.Now().UTC()
	if _, err := db.Reserve(ctx, []budget.Budget{keyCap}, 100_000, now.Add(-2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	live, err := db.Reserve(ctx, []budget.Budget{keyCap}, 200_000, now)
	if err != nil {
		t.Fatal(err)
	}
	n, err := db.ReleaseStaleHolds(ctx, time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("ReleaseStaleHolds(1h) = %d, %v; want 1 stale hold dropped", n, err)
	}
	if _, held, _ := db.Spent(ctx, keyCap, now); held != 200_000 {
		t.Errorf("held after dropping the stale hold = %v, want $0.20", held)
	}
	if err := db.Commit(ctx, live, 1); err != nil {
		t.Errorf("Commit of the live hold = %v", err)
	}
	if _, err := db.ReleaseStaleHolds(ctx, 0); err == nil {
		t.Error("ReleaseStaleHolds(0) succeeded; it would drop live holds")
	}
}

// The gateway releases holds left by a dead process through an optional
// ReleaseHoldsBefore(ctx, now), which suits only a database with one
// process. The shared store must not offer it.
func TestNoReleaseHoldsBefore(t *testing.T) {
	var db any = (*postgres.DB)(nil)
	if _, ok := db.(interface {
		ReleaseHoldsBefore(context.Context, time.Time) (int64, error)
	}); ok {
		t.Error("postgres.DB has ReleaseHoldsBefore: a starting instance would drop the live holds of the others")
	}
}

func TestUsageWithoutRecords(t *testing.T) {
	t.Parallel()
	db := mustOpenInstances(t, 1)[0]
	got, err := db.Usage(context.Background(), budget.UsageQuery{By: budget.ByDay})
	if err != nil || got == nil || len(got) != 0 {
		t.Errorf("Usage of an empty ledger = %#v, %v; want an empty list", got, err)
	}
	if _, err := db.Usage(context.Background(), budget.UsageQuery{By: "colour"}); err == nil {
		t.Error("Usage by an unknown grouping succeeded")
	}
}
