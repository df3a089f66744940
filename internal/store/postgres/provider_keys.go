package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aigate-dev/aigate/internal/rotation"
)

// FirstSeen implements [rotation.Store].
func (db *DB) FirstSeen(ctx context.Context, provider, fingerprint string, now time.Time) (time.Time, error) {
	var first time.Time
	err := db.withConn(ctx, func(c *pgx.Conn) error {
		// The no-op update makes RETURNING yield the existing row's time,
		// also when another instance inserted it concurrently.
		return c.QueryRow(ctx, `INSERT INTO provider_keys (provider, fingerprint, first_seen) VALUES ($1, $2, $3)
			ON CONFLICT (provider, fingerprint) DO UPDATE SET first_seen = provider_keys.first_seen
			RETURNING first_seen`, provider, fingerprint, micro(now)).Scan(&first)
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("postgres: provider key first seen: %w", err)
	}
	return first.UTC(), nil
}

var _ rotation.Store = (*DB)(nil)
