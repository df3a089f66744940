package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/aigate-dev/aigate/internal/rotation"
)

// FirstSeen implements [rotation.Store].
func (db *DB) FirstSeen(ctx context.Context, provider, fingerprint string, now time.Time) (time.Time, error) {
	var us int64
	// The no-op update makes RETURNING yield the existing row's time.
	err := db.db.QueryRowContext(ctx, `INSERT INTO provider_keys (provider, fingerprint, first_seen) VALUES (?, ?, ?)
		ON CONFLICT (provider, fingerprint) DO UPDATE SET first_seen = first_seen
		RETURNING first_seen`, provider, fingerprint, now.UnixMicro()).Scan(&us)
	if err != nil {
		return time.Time{}, fmt.Errorf("sqlite: provider key first seen: %w", err)
	}
	return time.UnixMicro(us).UTC(), nil
}

var _ rotation.Store = (*DB)(nil)
