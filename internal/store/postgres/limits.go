package postgres

import (
	"context"
	"fmt"

	"github.com/aigate-dev/aigate/internal/keys"
)

// marshalLimits and unmarshalLimits convert keys.Limits to and from the
// stored form keys defines, kept as text.
func marshalLimits(l keys.Limits) (string, error) {
	b, err := keys.MarshalLimits(l)
	return string(b), err
}

func unmarshalLimits(b []byte) (keys.Limits, error) { return keys.UnmarshalLimits(b) }

// Update implements [keys.Updater].
func (db *DB) Update(ctx context.Context, vk *keys.VirtualKey) error {
	limits, err := marshalLimits(vk.Limits)
	if err != nil {
		return fmt.Errorf("postgres: update key %s: %w", vk.ID, err)
	}
	err = db.update(ctx, `UPDATE virtual_keys SET name = $1, owner = $2, team = $3, policy = $4,
			models = $5, providers = $6, metadata = $7, limits = $8, cors_origins = $9 WHERE id = $10`,
		vk.Name, vk.Owner, vk.Team, vk.Policy, list(vk.Models), list(vk.Providers), metadataOf(vk), limits, list(vk.CORSOrigins), vk.ID)
	if err != nil {
		return fmt.Errorf("postgres: update key %s: %w", vk.ID, err)
	}
	return nil
}

var _ keys.Updater = (*DB)(nil)
