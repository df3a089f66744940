package storetest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aigate-dev/aigate/internal/budget"
	"github.com/aigate-dev/aigate/internal/keys"
)

// LedgerStore is what RunLedger checks: a store that keeps budgets and the
// usage ledger.
type LedgerStore interface {
	budget.Ledger
	budget.UsageLog
}

// RunKeyLimits checks that a store keeps every key limit and implements
// [keys.Updater]. open must return an empty store.
func RunKeyLimits(t *testing.T, open func(t *testing.T) keys.Store) {
	t.Helper()
	t.Run("limits-round-trip", func(t *testing.T) {
		s := open(t)
		ctx := context.Background()
		vk := newKey(t, "limited")
		vk.Limits = keys.Limits{
			RequestsPerMinute: 10, RequestsPerDay: 500, TokensPerMinute: 20000, Concurrent: 4,
			Budget:              budget.Amount{Cap: 5 * budget.Dollar, Period: budget.PeriodMonth},
			MaxUserMessageChars: 4000, ActsForUsers: true,
		}
		if err := s.Create(ctx, vk); err != nil {
			t.Fatal(err)
		}
		got, err := s.ByID(ctx, vk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(vk.Limits, got.Limits); diff != "" {
			t.Errorf("limits after ByID (-want +got):\n%s", diff)
		}
	})
	t.Run("update", func(t *testing.T) {
		s := open(t)
		up, ok := s.(keys.Updater)
		if !ok {
			t.Fatal("store does not implement keys.Updater")
		}
		ctx := context.Background()
		vk := newKey(t, "to-update")
		if err := s.Create(ctx, vk); err != nil {
			t.Fatal(err)
		}
		next := vk.Clone()
		next.Team = "platform"
		next.Models = []string{"gpt-5-mini"}
		next.CORSOrigins = []string{"https://shop.example"}
		next.Limits = keys.Limits{RequestsPerMinute: 3, Budget: budget.Amount{Cap: budget.Dollar, Period: budget.PeriodDay}}
		next.Hash = [32]byte{1} // must not change
		if err := up.Update(ctx, next); err != nil {
			t.Fatal(err)
		}
		got, err := s.ByID(ctx, vk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Team != "platform" || got.Limits != next.Limits || !cmp.Equal(got.Models, next.Models) || got.Hash != vk.Hash ||
			!cmp.Equal(got.CORSOrigins, next.CORSOrigins) {
			t.Errorf("after Update: %+v limits %+v", got, got.Limits)
		}
		unknown := newKey(t, "unknown")
		if err := up.Update(ctx, unknown); !errors.Is(err, keys.ErrNotFound) {
			t.Errorf("Update(unknown) = %v, want ErrNotFound", err)
		}
	})
}

var (
	monthly = budget.Budget{Kind: budget.ScopeKey, ID: "vk_test", Name: "web-app", Amount: budget.Amount{Cap: budget.Dollar, Period: budget.PeriodMonth}}
	daily   = budget.Budget{Kind: budget.ScopeTeam, ID: "support", Amount: budget.Amount{Cap: 3 * budget.Dollar / 10, Period: budget.PeriodDay}}
	noon    = time.Date(2026, 11, 14, 12, 0, 0, 0, time.UTC)
)

// RunLedger checks that the stores open returns honour the [budget.Ledger]
// and [budget.UsageLog] contracts. open must return an empty store.
func RunLedger(t *testing.T, open func(t *testing.T) LedgerStore) {
	t.Helper()
	tests := []struct {
		name string
		f    func(t *testing.T, s LedgerStore)
	}{
		{"reserve-commit-release", testReserveCommitRelease},
		{"exceeded", testExceeded},
		{"all-or-nothing", testAllOrNothing},
		{"periods", testPeriods},
		{"settle-twice", testSettleTwice},
		{"concurrent-reservations-never-overspend", testConcurrentReservations},
		{"alerts-once-per-period", testAlertsOnce},
		{"usage", testUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.f(t, open(t)) })
	}
}

func mustSpent(t *testing.T, s LedgerStore, b budget.Budget, now time.Time) (spent, held budget.Micros) {
	t.Helper()
	spent, held, err := s.Spent(context.Background(), b, now)
	if err != nil {
		t.Fatal(err)
	}
	return spent, held
}

func testReserveCommitRelease(t *testing.T, s LedgerStore) {
	ctx := context.Background()
	h, err := s.Reserve(ctx, []budget.Budget{monthly}, 400_000, noon)
	if err != nil {
		t.Fatal(err)
	}
	if spent, held := mustSpent(t, s, monthly, noon); spent != 0 || held != 400_000 {
		t.Errorf("after Reserve: spent %v held %v, want 0 and $0.40", spent, held)
	}
	if err := s.Commit(ctx, h, 150_000); err != nil {
		t.Fatal(err)
	}
	if spent, held := mustSpent(t, s, monthly, noon); spent != 150_000 || held != 0 {
		t.Errorf("after Commit: spent %v held %v, want $0.15 and 0", spent, held)
	}
	h2, err := s.Reserve(ctx, []budget.Budget{monthly}, 500_000, noon)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Release(ctx, h2); err != nil {
		t.Fatal(err)
	}
	if spent, held := mustSpent(t, s, monthly, noon); spent != 150_000 || held != 0 {
		t.Errorf("after Release: spent %v held %v", spent, held)
	}
	if err := s.Commit(ctx, h, 1); !errors.Is(err, budget.ErrUnknownHold) {
		t.Errorf("second Commit = %v, want ErrUnknownHold", err)
	}
	if err := s.Release(ctx, h2); !errors.Is(err, budget.ErrUnknownHold) {
		t.Errorf("second Release = %v, want ErrUnknownHold", err)
	}
	if h, err := s.Reserve(ctx, nil, 5, noon); err != nil || h.ID != "" {
		t.Errorf("Reserve with no budgets = %+v, %v; want the zero Hold", h, err)
	}
}

func testExceeded(t *testing.T, s LedgerStore) {
	ctx := context.Background()
	if _, err := s.Reserve(ctx, []budget.Budget{monthly}, 900_000, noon); err != nil {
		t.Fatal(err)
	}
	_, err := s.Reserve(ctx, []budget.Budget{monthly}, 200_000, noon)
	var ee *budget.ExceededError
	if !errors.As(err, &ee) || !errors.Is(err, budget.ErrExceeded) {
		t.Fatalf("Reserve over the cap = %v, want *ExceededError", err)
	}
	want := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	if ee.Held != 900_000 || ee.Spent != 0 || !ee.Until.Equal(want) || ee.Budget.ID != monthly.ID {
		t.Errorf("ExceededError = %+v, want held $0.90, until %v", ee, want)
	}
	if _, err := s.Reserve(ctx, []budget.Budget{monthly}, 100_000, noon); err != nil {
		t.Errorf("Reserve of exactly what is left = %v", err)
	}
}

func testAllOrNothing(t *testing.T, s LedgerStore) {
	ctx := context.Background()
	_, err := s.Reserve(ctx, []budget.Budget{monthly, daily}, 400_000, noon)
	if !errors.Is(err, budget.ErrExceeded) {
		t.Fatalf("Reserve beyond the daily team cap = %v", err)
	}
	if _, held := mustSpent(t, s, monthly, noon); held != 0 {
		t.Errorf("a refused reservation left %v held on another budget", held)
	}
}

func testPeriods(t *testing.T, s LedgerStore) {
	ctx := context.Background()
	h, err := s.Reserve(ctx, []budget.Budget{daily}, 300_000, noon)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(ctx, h, 300_000); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Reserve(ctx, []budget.Budget{daily}, 1, noon.Add(11*time.Hour)); !errors.Is(err, budget.ErrExceeded) {
		t.Errorf("same day: %v, want exceeded", err)
	}
	if _, err := s.Reserve(ctx, []budget.Budget{daily}, 300_000, noon.Add(12*time.Hour)); err != nil {
		t.Errorf("next day: %v, want a fresh budget", err)
	}
}

func testSettleTwice(t *testing.T, s LedgerStore) {
	ctx := context.Background()
	h, err := s.Reserve(ctx, []budget.Budget{monthly}, 500_000, noon)
	if err != nil {
		t.Fatal(err)
	}
	st := budget.Settlement{Hold: h, Record: budget.Record{Time: noon, KeyID: "vk_test", Model: "gpt-4o-mini", Cost: 200_000, Status: 200}}
	if err := s.Settle(ctx, []budget.Settlement{st}); err != nil {
		t.Fatal(err)
	}
	if err := s.Settle(ctx, []budget.Settlement{st}); err != nil {
		t.Fatalf("Settle of a settled hold = %v, want nil", err)
	}
	if spent, held := mustSpent(t, s, monthly, noon); spent != 200_000 || held != 0 {
		t.Errorf("after two Settles: spent %v held %v, want $0.20 once", spent, held)
	}
}

func testConcurrentReservations(t *testing.T, s LedgerStore) {
	ctx := context.Background()
	var ok atomic.Int64
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			h, err := s.Reserve(ctx, []budget.Budget{monthly}, 70_000, noon)
			if err == nil {
				ok.Add(1)
				if err := s.Commit(ctx, h, 70_000); err != nil {
					t.Error(err)
				}
			} else if !errors.Is(err, budget.ErrExceeded) {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	spent, _ := mustSpent(t, s, monthly, noon)
	if ok.Load() != 14 || spent != 980_000 {
		t.Errorf("%d reservations of $0.07 against $1.00 succeeded, spent %v; want 14 and $0.98", ok.Load(), spent)
	}
}

func testAlertsOnce(t *testing.T, s LedgerStore) {
	ctx := context.Background()
	for i, want := range []bool{true, false} {
		first, err := s.MarkAlert(ctx, monthly, 0.8, noon)
		if err != nil || first != want {
			t.Errorf("MarkAlert #%d = %v, %v; want %v", i+1, first, err, want)
		}
	}
	if first, _ := s.MarkAlert(ctx, monthly, 0.5, noon); !first {
		t.Error("another threshold did not fire")
	}
	if first, _ := s.MarkAlert(ctx, monthly, 0.8, noon.AddDate(0, 1, 0)); !first {
		t.Error("the next period did not fire")
	}
}

func testUsage(t *testing.T, s LedgerStore) {
	ctx := context.Background()
	rec := func(at time.Time, key, user, model string, in, out int64, cost budget.Micros) budget.Settlement {
		return budget.Settlement{Record: budget.Record{Time: at, KeyID: key, User: user, Team: "t", Provider: "openai",
			Model: model, InputTokens: in, OutputTokens: out, Cost: cost, Status: 200}}
	}
	day2 := noon.AddDate(0, 0, 1)
	if err := s.Settle(ctx, []budget.Settlement{
		rec(noon, "vk_a", "alice", "gpt-4o-mini", 10, 20, 30),
		rec(noon, "vk_a", "bob", "gpt-4o", 1, 2, 300),
		rec(day2, "vk_b", "alice", "gpt-4o-mini", 100, 200, 3),
	}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Usage(ctx, budget.UsageQuery{By: budget.ByUser})
	if err != nil {
		t.Fatal(err)
	}
	want := []budget.UsageRow{
		{Group: "bob", Requests: 1, InputTokens: 1, OutputTokens: 2, Cost: 300},
		{Group: "alice", Requests: 2, InputTokens: 110, OutputTokens: 220, Cost: 33},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("usage by user (-want +got):\n%s", diff)
	}
	got, err = s.Usage(ctx, budget.UsageQuery{By: budget.ByDay, Since: day2.Truncate(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Group != "2026-11-15" || got[0].Requests != 1 {
		t.Errorf("usage by day since the 15th = %+v", got)
	}
	got, _ = s.Usage(ctx, budget.UsageQuery{By: budget.ByModel, Until: day2})
	if len(got) != 2 || got[0].Group != "gpt-4o" {
		t.Errorf("usage by model until the 15th = %+v", got)
	}
}
