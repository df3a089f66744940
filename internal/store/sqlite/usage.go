package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/aigate-dev/aigate/internal/budget"
)

// Settle implements [budget.UsageLog]: the holds and the records of the
// batch are one transaction.
func (db *DB) Settle(ctx context.Context, ss []budget.Settlement) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		ins, err := tx.PrepareContext(ctx, `INSERT INTO usage_ledger (time, request_id, key_id, user, team, provider, model,
			input_tokens, output_tokens, cached_tokens, cost, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		direct := map[spendKey]budget.Micros{} // summed: one upsert per scope
		for _, s := range ss {
			switch {
			case s.Direct:
				if !s.Release && s.Record.Cost != 0 {
					for _, b := range s.Hold.Budgets {
						start, _ := b.Amount.Period.Window(s.Hold.At)
						direct[spendKey{string(b.Kind), b.ID, start.UnixMicro()}] += s.Record.Cost
					}
				}
			case s.Hold.ID != "":
				err := settleHold(ctx, tx, s.Hold.ID, s.Record.Cost, s.Release)
				if err != nil && !errors.Is(err, budget.ErrUnknownHold) {
					return err
				}
			}
			if s.NoRecord {
				continue
			}
			r := s.Record
			if _, err := ins.ExecContext(ctx, r.Time.UnixMicro(), r.RequestID, r.KeyID, r.User, r.Team, r.Provider, r.Model,
				r.InputTokens, r.OutputTokens, r.CachedTokens, int64(r.Cost), r.Status); err != nil {
				return err
			}
		}
		return addDirectSpend(ctx, tx, direct)
	})
	if err != nil {
		return fmt.Errorf("sqlite: settle %d requests: %w", len(ss), err)
	}
	return nil
}

// spendKey is a budget_spend row.
type spendKey struct {
	kind, id string
	start    int64
}

// addDirectSpend adds the cost of settlements whose holds were kept in
// memory to the spend of their budgets.
func addDirectSpend(ctx context.Context, tx *sql.Tx, add map[spendKey]budget.Micros) error {
	for k, v := range add {
		if _, err := tx.ExecContext(ctx, `INSERT INTO budget_spend (scope_kind, scope_id, period_start, spent)
			VALUES (?, ?, ?, ?) ON CONFLICT (scope_kind, scope_id, period_start) DO UPDATE SET spent = spent + excluded.spent`,
			k.kind, k.id, k.start, int64(v)); err != nil {
			return err
		}
	}
	return nil
}

// Usage implements [budget.UsageLog].
func (db *DB) Usage(ctx context.Context, q budget.UsageQuery) ([]budget.UsageRow, error) {
	group := map[budget.GroupBy]string{
		budget.ByKey: "key_id", budget.ByUser: "user", budget.ByTeam: "team", budget.ByModel: "model",
		// Days in UTC, from Unix microseconds.
		budget.ByDay: "strftime('%Y-%m-%d', time / 1000000, 'unixepoch')",
	}[q.By]
	if group == "" {
		return nil, fmt.Errorf("sqlite: usage: unknown grouping %q", q.By)
	}
	since, until := int64(-1<<63), int64(1<<63-1)
	if !q.Since.IsZero() {
		since = q.Since.UnixMicro()
	}
	if !q.Until.IsZero() {
		until = q.Until.UnixMicro()
	}
	rows, err := db.db.QueryContext(ctx, `SELECT `+group+` AS g, count(*), sum(input_tokens), sum(output_tokens),
			sum(cached_tokens), sum(cost)
		FROM usage_ledger WHERE time >= ? AND time < ? GROUP BY g ORDER BY sum(cost) DESC, g`, since, until)
	if err != nil {
		return nil, fmt.Errorf("sqlite: usage: %w", err)
	}
	defer rows.Close()
	out := []budget.UsageRow{}
	for rows.Next() {
		var r budget.UsageRow
		if err := rows.Scan(&r.Group, &r.Requests, &r.InputTokens, &r.OutputTokens, &r.CachedTokens, &r.Cost); err != nil {
			return nil, fmt.Errorf("sqlite: usage: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: usage: %w", err)
	}
	return out, nil
}

var _ budget.UsageLog = (*DB)(nil)
