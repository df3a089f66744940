package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/aigate-dev/aigate/internal/budget"
)

// Settle implements [budget.UsageLog]: the holds and the records of the
// batch are one transaction. Spend is added after every hold is dropped,
// in locking order, so a batch cannot deadlock with a reservation.
func (db *DB) Settle(ctx context.Context, ss []budget.Settlement) error {
	if len(ss) == 0 {
		return nil
	}
	err := db.tx(ctx, func(tx pgx.Tx) error {
		add := map[scope]budget.Micros{}
		batch := &pgx.Batch{}
		for _, s := range ss {
			if s.Direct {
				if !s.Release {
					for _, b := range s.Hold.Budgets {
						if s.Record.Cost != 0 {
							add[scopeOf(b, s.Hold.At)] += s.Record.Cost
						}
					}
				}
			} else if s.Hold.ID != "" {
				scopes, err := dropHold(ctx, tx, s.Hold.ID)
				if err != nil {
					return err
				}
				// No scopes: settled already; its record is still written.
				if !s.Release {
					for sc, v := range spendOf(scopes, s.Record.Cost) {
						add[sc] += v
					}
				}
			}
			if s.NoRecord {
				continue
			}
			r := s.Record
			batch.Queue(`INSERT INTO usage_ledger (time, request_id, key_id, end_user, team, provider, model,
				input_tokens, output_tokens, cached_tokens, cost, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
				micro(r.Time), r.RequestID, r.KeyID, r.User, r.Team, r.Provider, r.Model,
				r.InputTokens, r.OutputTokens, r.CachedTokens, int64(r.Cost), r.Status)
		}
		if err := addSpend(ctx, tx, add); err != nil {
			return err
		}
		br := tx.SendBatch(ctx, batch)
		for range batch.Len() {
			if _, err := br.Exec(); err != nil {
				return errors.Join(err, br.Close())
			}
		}
		return br.Close()
	})
	if err != nil {
		return fmt.Errorf("postgres: settle %d requests: %w", len(ss), err)
	}
	return nil
}

// usageGroups are the SQL expressions usage is grouped by.
var usageGroups = map[budget.GroupBy]string{
	budget.ByKey: "key_id", budget.ByUser: "end_user", budget.ByTeam: "team", budget.ByModel: "model",
	budget.ByDay: "to_char(time AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
}

// Usage implements [budget.UsageLog].
func (db *DB) Usage(ctx context.Context, q budget.UsageQuery) ([]budget.UsageRow, error) {
	group, ok := usageGroups[q.By]
	if !ok {
		return nil, fmt.Errorf("postgres: usage: unknown grouping %q", q.By)
	}
	var out []budget.UsageRow
	err := db.withConn(ctx, func(c *pgx.Conn) error {
		// Groups tie-break byte by byte (COLLATE "C"), as in SQLite.
		rows, err := c.Query(ctx, `SELECT `+group+`, count(*), sum(input_tokens)::bigint, sum(output_tokens)::bigint,
				sum(cached_tokens)::bigint, sum(cost)::bigint
			FROM usage_ledger
			WHERE ($1::timestamptz IS NULL OR time >= $1) AND ($2::timestamptz IS NULL OR time < $2)
			GROUP BY 1 ORDER BY sum(cost) DESC, (`+group+`) COLLATE "C"`, nullTime(q.Since), nullTime(q.Until))
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (budget.UsageRow, error) {
			var u budget.UsageRow
			var cost int64
			err := r.Scan(&u.Group, &u.Requests, &u.InputTokens, &u.OutputTokens, &u.CachedTokens, &cost)
			u.Cost = budget.Micros(cost)
			return u, err
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: usage: %w", err)
	}
	if out == nil {
		out = []budget.UsageRow{}
	}
	return out, nil
}

var _ budget.UsageLog = (*DB)(nil)
