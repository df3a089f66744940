package budget_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/internal/budget"
	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/store/sqlite"
)

var (
	noon  = time.Date(2026, 11, 14, 12, 0, 0, 0, time.UTC)
	alice = budget.Budget{Kind: budget.ScopeUser, ID: "alice", Amount: budget.Amount{Cap: budget.Dollar, Period: budget.PeriodMonth}}
)

func openSQLite(t testing.TB, path string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// failing is a store whose writes fail while fail is set.
type failing struct {
	budget.Store
	mu   sync.Mutex
	fail bool
}

func (f *failing) Settle(ctx context.Context, ss []budget.Settlement) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail {
		return errors.New("disk on fire")
	}
	return f.Store.Settle(ctx, ss)
}

// A request's end is settled in memory at once, so the next reservation
// sees its actual cost; the spend reaches the store when the writer runs,
// and a graceful close leaves everything there for the next process.
func TestLocalWritesBehind(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "aigate.db")
	db := openSQLite(t, path)
	store := &failing{Store: db}
	local := budget.NewLocal(store)
	prices, err := budget.DefaultPrices(nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &budget.Budgets{Ledger: local, Log: local, Prices: prices, MaxOutputTokens: 100,
		For: func(*gateway.Request) []budget.Budget { return []budget.Budget{alice} }, Now: func() time.Time { return noon }}

	store.fail = true // the writer cannot write: memory still settles at once
	b.Start()
	h, err := local.Reserve(ctx, []budget.Budget{alice}, 600_000, noon)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := local.Reserve(ctx, []budget.Budget{alice}, 500_000, noon); !errors.Is(err, budget.ErrExceeded) {
		t.Fatalf("second reservation past the cap = %v, want ErrExceeded", err)
	}
	// What the middleware's OnDone does: enqueue a settlement of the hold.
	budget.Enqueue(b, budget.Settlement{Hold: h, Record: budget.Record{Time: noon, User: "alice", Cost: 100_000, Status: 200}})
	if spent, held, _ := local.Spent(ctx, alice, noon); spent != 100_000 || held != 0 {
		t.Fatalf("right after the request ended: spent %v held %v, want $0.10 and nothing held", spent, held)
	}
	if _, err := local.Reserve(ctx, []budget.Budget{alice}, 900_000, noon); err != nil {
		t.Fatalf("reservation of the rest: %v", err)
	}
	if spent, _, _ := db.Spent(ctx, alice, noon); spent != 0 {
		t.Fatalf("store spent %v while writes fail, want 0", spent)
	}
	store.mu.Lock()
	store.fail = false
	store.mu.Unlock()
	closeCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := b.Close(closeCtx); err != nil {
		t.Fatal(err)
	}
	if spent, held, _ := db.Spent(ctx, alice, noon); spent != 100_000 || held != 0 {
		t.Fatalf("store after close: spent %v held %v, want $0.10 and no hold rows", spent, held)
	}
	rows, err := db.Usage(ctx, budget.UsageQuery{By: budget.ByUser})
	if err != nil || len(rows) != 1 || rows[0].Requests != 1 {
		t.Fatalf("usage after close = %+v, %v; want one record", rows, err)
	}

	// The next process reads the spend back; the hold taken above is gone.
	next := budget.NewLocal(openSQLite(t, path))
	if spent, held, _ := next.Spent(ctx, alice, noon); spent != 100_000 || held != 0 {
		t.Fatalf("next process: spent %v held %v", spent, held)
	}
	if _, err := next.Reserve(ctx, []budget.Budget{alice}, 900_001, noon); !errors.Is(err, budget.ErrExceeded) {
		t.Fatalf("next process, past the cap: %v", err)
	}
}

// A Commit the store refuses is undone: the hold stays and nothing is spent.
func TestLocalCommitUndoneOnStoreError(t *testing.T) {
	ctx := t.Context()
	store := &failing{Store: openSQLite(t, ":memory:"), fail: true}
	local := budget.NewLocal(store)
	h, err := local.Reserve(ctx, []budget.Budget{alice}, 300_000, noon)
	if err != nil {
		t.Fatal(err)
	}
	if err := local.Commit(ctx, h, 200_000); err == nil {
		t.Fatal("Commit with a failing store = nil")
	}
	if spent, held, _ := local.Spent(ctx, alice, noon); spent != 0 || held != 300_000 {
		t.Fatalf("after a failed commit: spent %v held %v, want 0 and $0.30", spent, held)
	}
	store.fail = false
	if err := local.Commit(ctx, h, 200_000); err != nil {
		t.Fatal(err)
	}
	if spent, _, _ := store.Spent(ctx, alice, noon); spent != 200_000 {
		t.Fatalf("store spent %v, want $0.20", spent)
	}
}

// Reservations under contention never pass the cap.
func TestLocalConcurrentExact(t *testing.T) {
	ctx := t.Context()
	local := budget.NewLocal(openSQLite(t, ":memory:"))
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for range 200 {
		wg.Go(func() {
			h, err := local.Reserve(ctx, []budget.Budget{alice}, 30_000, noon)
			if err != nil {
				return
			}
			mu.Lock()
			ok++
			mu.Unlock()
			_ = local.Release(ctx, h)
		})
	}
	wg.Wait()
	if ok == 0 {
		t.Fatal("nothing reserved")
	}
	if spent, held, _ := local.Spent(ctx, alice, noon); spent != 0 || held != 0 {
		t.Fatalf("after releasing all: spent %v held %v", spent, held)
	}
}
