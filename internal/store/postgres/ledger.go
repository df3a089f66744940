package postgres

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aigate-dev/aigate/internal/budget"
)

// scope is one budget's row key: its kind, ID and period window.
type scope struct {
	kind, id string
	start    time.Time
}

func scopeOf(b budget.Budget, now time.Time) scope {
	start, _ := b.Amount.Period.Window(now)
	return scope{string(b.Kind), b.ID, start}
}

// compareScopes orders scopes for locking. Every transaction that locks
// budget_spend rows (Reserve, Commit, Settle) locks them in this order, so
// two of them cannot wait for each other.
func compareScopes(a, b scope) int {
	return cmp.Or(cmp.Compare(a.kind, b.kind), cmp.Compare(a.id, b.id), a.start.Compare(b.start))
}

// Reserve implements [budget.Ledger]. Within one transaction it locks the
// budget_spend row of each budget (creating it if needed), then checks and
// holds; a concurrent reservation of the same budget, from any instance,
// waits for the lock and then sees this hold, so spent + held never passes a
// cap.
func (db *DB) Reserve(ctx context.Context, budgets []budget.Budget, amount budget.Micros, now time.Time) (budget.Hold, error) {
	if len(budgets) == 0 {
		return budget.Hold{}, nil
	}
	if amount < 0 {
		return budget.Hold{}, fmt.Errorf("postgres: reserve: negative amount %d", amount)
	}
	h := budget.Hold{ID: newHoldID(), Amount: amount, Budgets: budgets, At: now.UTC()}
	err := db.tx(ctx, func(tx pgx.Tx) error {
		scopes := make([]scope, len(budgets))
		for i, b := range budgets {
			scopes[i] = scopeOf(b, now)
		}
		spent := make(map[scope]budget.Micros, len(scopes))
		for _, s := range sortedScopes(scopes) {
			// The no-op update locks the row, and RETURNING reads it as
			// the last transaction to hold the lock left it.
			var v int64
			if err := tx.QueryRow(ctx, `INSERT INTO budget_spend (scope_kind, scope_id, period_start) VALUES ($1, $2, $3)
				ON CONFLICT (scope_kind, scope_id, period_start) DO UPDATE SET spent = budget_spend.spent
				RETURNING spent`, s.kind, s.id, s.start).Scan(&v); err != nil {
				return err
			}
			spent[s] = budget.Micros(v)
		}
		for i, b := range budgets {
			s := scopes[i]
			// A statement of its own: under READ COMMITTED it sees every
			// hold committed before the lock was granted.
			held, err := heldIn(ctx, tx, s)
			if err != nil {
				return err
			}
			if spent[s]+held+amount > b.Amount.Cap {
				_, end := b.Amount.Period.Window(now)
				return &budget.ExceededError{Budget: b, Spent: spent[s], Held: held, Until: end}
			}
			if _, err := tx.Exec(ctx, `INSERT INTO budget_holds
				(hold_id, scope_kind, scope_id, period_start, amount, created) VALUES ($1, $2, $3, $4, $5, $6)`,
				h.ID, s.kind, s.id, s.start, int64(amount), micro(now)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return budget.Hold{}, fmt.Errorf("postgres: reserve: %w", err)
	}
	return h, nil
}

// sortedScopes returns scopes in locking order, without duplicates.
func sortedScopes(scopes []scope) []scope {
	s := slices.Clone(scopes)
	slices.SortFunc(s, compareScopes)
	return slices.CompactFunc(s, func(a, b scope) bool { return compareScopes(a, b) == 0 })
}

func heldIn(ctx context.Context, q querier, s scope) (budget.Micros, error) {
	var held int64
	err := q.QueryRow(ctx, `SELECT coalesce(sum(amount), 0)::bigint FROM budget_holds
		WHERE scope_kind = $1 AND scope_id = $2 AND period_start = $3`, s.kind, s.id, s.start).Scan(&held)
	return budget.Micros(held), err
}

func newHoldID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "hold_" + hex.EncodeToString(b[:])
}

// Commit implements [budget.Ledger].
func (db *DB) Commit(ctx context.Context, h budget.Hold, actual budget.Micros) error {
	if h.ID == "" {
		return nil
	}
	err := db.tx(ctx, func(tx pgx.Tx) error {
		scopes, err := dropHold(ctx, tx, h.ID)
		if err != nil {
			return err
		}
		if len(scopes) == 0 {
			return budget.ErrUnknownHold
		}
		return addSpend(ctx, tx, spendOf(scopes, actual))
	})
	if err != nil {
		return fmt.Errorf("postgres: commit %s: %w", h.ID, err)
	}
	return nil
}

// Release implements [budget.Ledger].
func (db *DB) Release(ctx context.Context, h budget.Hold) error {
	if h.ID == "" {
		return nil
	}
	err := db.tx(ctx, func(tx pgx.Tx) error {
		scopes, err := dropHold(ctx, tx, h.ID)
		if err == nil && len(scopes) == 0 {
			err = budget.ErrUnknownHold
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: release %s: %w", h.ID, err)
	}
	return nil
}

// dropHold deletes hold id and returns the scopes it held; none if it was
// settled already (a concurrent settlement of the same hold waits for the
// first and then finds nothing, so a hold is never counted twice).
func dropHold(ctx context.Context, tx pgx.Tx, id string) ([]scope, error) {
	rows, err := tx.Query(ctx, `DELETE FROM budget_holds WHERE hold_id = $1 RETURNING scope_kind, scope_id, period_start`, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (scope, error) {
		var s scope
		err := r.Scan(&s.kind, &s.id, &s.start)
		return s, err
	})
}

// spendOf returns actual spent in each of scopes.
func spendOf(scopes []scope, actual budget.Micros) map[scope]budget.Micros {
	m := make(map[scope]budget.Micros, len(scopes))
	if actual == 0 {
		return m
	}
	for _, s := range scopes {
		m[s] += actual
	}
	return m
}

// addSpend adds to the spend of each scope, locking the rows in order.
func addSpend(ctx context.Context, tx pgx.Tx, add map[scope]budget.Micros) error {
	scopes := make([]scope, 0, len(add))
	for s := range add {
		scopes = append(scopes, s)
	}
	for _, s := range sortedScopes(scopes) {
		if _, err := tx.Exec(ctx, `INSERT INTO budget_spend (scope_kind, scope_id, period_start, spent) VALUES ($1, $2, $3, $4)
			ON CONFLICT (scope_kind, scope_id, period_start) DO UPDATE SET spent = budget_spend.spent + excluded.spent`,
			s.kind, s.id, s.start, int64(add[s])); err != nil {
			return err
		}
	}
	return nil
}

// Spent implements [budget.Ledger].
func (db *DB) Spent(ctx context.Context, b budget.Budget, now time.Time) (spent, held budget.Micros, err error) {
	s := scopeOf(b, now)
	err = db.withConn(ctx, func(c *pgx.Conn) error {
		var sp, he int64
		err := c.QueryRow(ctx, `SELECT
				coalesce((SELECT spent FROM budget_spend WHERE scope_kind = $1 AND scope_id = $2 AND period_start = $3), 0),
				coalesce((SELECT sum(amount) FROM budget_holds WHERE scope_kind = $1 AND scope_id = $2 AND period_start = $3), 0)::bigint`,
			s.kind, s.id, s.start).Scan(&sp, &he)
		spent, held = budget.Micros(sp), budget.Micros(he)
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("postgres: budget spent: %w", err)
	}
	return spent, held, nil
}

// MarkAlert implements [budget.Ledger].
func (db *DB) MarkAlert(ctx context.Context, b budget.Budget, threshold float64, now time.Time) (bool, error) {
	s := scopeOf(b, now)
	var first bool
	err := db.withConn(ctx, func(c *pgx.Conn) error {
		tag, err := c.Exec(ctx, `INSERT INTO budget_alerts (scope_kind, scope_id, period_start, threshold, fired)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, s.kind, s.id, s.start, threshold, micro(now))
		first = tag.RowsAffected() == 1
		return err
	})
	if err != nil {
		return false, fmt.Errorf("postgres: mark alert: %w", err)
	}
	return first, nil
}

// ReleaseStaleHolds drops every hold older than maxAge, by the database's
// clock, and returns how many it dropped. A hold outlives its request only
// when a process died with it; maxAge must be longer than any request can
// last (stream included), because other gateway instances sharing the
// database have live holds too.
//
// It is deliberately not the SQLite store's ReleaseHoldsBefore(now), which
// assumes one process owns the database: run against a shared database,
// that would drop the holds of requests in flight on other instances.
func (db *DB) ReleaseStaleHolds(ctx context.Context, maxAge time.Duration) (int64, error) {
	if maxAge <= 0 {
		return 0, fmt.Errorf("postgres: release stale holds: max age %v must be positive", maxAge)
	}
	var n int64
	err := db.withConn(ctx, func(c *pgx.Conn) error {
		tag, err := c.Exec(ctx, `DELETE FROM budget_holds WHERE created < now() - $1::interval`, maxAge)
		n = tag.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: release stale holds: %w", err)
	}
	return n, nil
}

var _ budget.Ledger = (*DB)(nil)
