package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/aigate-dev/aigate/internal/budget"
)

// Reserve implements [budget.Ledger]. The check and the hold are one
// transaction, which takes the database's write lock when it begins
// (_txlock=immediate), so concurrent reservations are serialised and
// spent + held can never pass a cap.
func (db *DB) Reserve(ctx context.Context, budgets []budget.Budget, amount budget.Micros, now time.Time) (budget.Hold, error) {
	if len(budgets) == 0 {
		return budget.Hold{}, nil
	}
	if amount < 0 {
		return budget.Hold{}, fmt.Errorf("sqlite: reserve: negative amount %d", amount)
	}
	h := budget.Hold{ID: newHoldID(), Amount: amount, Budgets: budgets, At: now.UTC()}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		for _, b := range budgets {
			start, end := b.Amount.Period.Window(now)
			spent, held, err := spentHeld(ctx, tx, b, start)
			if err != nil {
				return err
			}
			if spent+held+amount > b.Amount.Cap {
				return &budget.ExceededError{Budget: b, Spent: spent, Held: held, Until: end}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO budget_holds
				(hold_id, scope_kind, scope_id, period_start, amount, created) VALUES (?, ?, ?, ?, ?, ?)`,
				h.ID, string(b.Kind), b.ID, start.UnixMicro(), int64(amount), now.UnixMicro()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return budget.Hold{}, fmt.Errorf("sqlite: reserve: %w", err)
	}
	return h, nil
}

// querier is a *sql.DB or *sql.Tx.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func spentHeld(ctx context.Context, q querier, b budget.Budget, start time.Time) (spent, held budget.Micros, err error) {
	err = q.QueryRowContext(ctx, `SELECT
			coalesce((SELECT spent FROM budget_spend WHERE scope_kind = ?1 AND scope_id = ?2 AND period_start = ?3), 0),
			coalesce((SELECT sum(amount) FROM budget_holds WHERE scope_kind = ?1 AND scope_id = ?2 AND period_start = ?3), 0)`,
		string(b.Kind), b.ID, start.UnixMicro()).Scan(&spent, &held)
	return spent, held, err
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
	err := db.tx(ctx, func(tx *sql.Tx) error { return settleHold(ctx, tx, h.ID, actual, false) })
	if err != nil {
		return fmt.Errorf("sqlite: commit %s: %w", h.ID, err)
	}
	return nil
}

// Release implements [budget.Ledger].
func (db *DB) Release(ctx context.Context, h budget.Hold) error {
	if h.ID == "" {
		return nil
	}
	err := db.tx(ctx, func(tx *sql.Tx) error { return settleHold(ctx, tx, h.ID, 0, true) })
	if err != nil {
		return fmt.Errorf("sqlite: release %s: %w", h.ID, err)
	}
	return nil
}

// settleHold drops hold id and, unless release, adds actual to the spend of
// each of its budgets in the window it was taken in.
func settleHold(ctx context.Context, tx *sql.Tx, id string, actual budget.Micros, release bool) error {
	rows, err := tx.QueryContext(ctx, `DELETE FROM budget_holds WHERE hold_id = ? RETURNING scope_kind, scope_id, period_start`, id)
	if err != nil {
		return err
	}
	type scope struct {
		kind, id string
		start    int64
	}
	var scopes []scope
	for rows.Next() {
		var s scope
		if err := rows.Scan(&s.kind, &s.id, &s.start); err != nil {
			rows.Close()
			return err
		}
		scopes = append(scopes, s)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	if len(scopes) == 0 {
		return budget.ErrUnknownHold
	}
	if release || actual == 0 {
		return nil
	}
	for _, s := range scopes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO budget_spend (scope_kind, scope_id, period_start, spent)
			VALUES (?, ?, ?, ?) ON CONFLICT (scope_kind, scope_id, period_start) DO UPDATE SET spent = spent + excluded.spent`,
			s.kind, s.id, s.start, int64(actual)); err != nil {
			return err
		}
	}
	return nil
}

// Spent implements [budget.Ledger].
func (db *DB) Spent(ctx context.Context, b budget.Budget, now time.Time) (spent, held budget.Micros, err error) {
	start, _ := b.Amount.Period.Window(now)
	spent, held, err = spentHeld(ctx, db.db, b, start)
	if err != nil {
		return 0, 0, fmt.Errorf("sqlite: budget spent: %w", err)
	}
	return spent, held, nil
}

// MarkAlert implements [budget.Ledger].
func (db *DB) MarkAlert(ctx context.Context, b budget.Budget, threshold float64, now time.Time) (bool, error) {
	start, _ := b.Amount.Period.Window(now)
	res, err := db.db.ExecContext(ctx, `INSERT INTO budget_alerts (scope_kind, scope_id, period_start, threshold, fired)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, string(b.Kind), b.ID, start.UnixMicro(), threshold, now.UnixMicro())
	if err != nil {
		return false, fmt.Errorf("sqlite: mark alert: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlite: mark alert: %w", err)
	}
	return n == 1, nil
}

// ReleaseHoldsBefore drops every hold taken before t. A hold outlives its
// request only when a process died with it; call this at start-up, when
// this process is the only one using the database, with the start time.
func (db *DB) ReleaseHoldsBefore(ctx context.Context, t time.Time) (int64, error) {
	res, err := db.db.ExecContext(ctx, `DELETE FROM budget_holds WHERE created < ?`, t.UnixMicro())
	if err != nil {
		return 0, fmt.Errorf("sqlite: release stale holds: %w", err)
	}
	return res.RowsAffected()
}

var _ budget.Ledger = (*DB)(nil)
