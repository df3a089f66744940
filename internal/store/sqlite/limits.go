package sqlite

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

func unmarshalLimits(s string) (keys.Limits, error) { return keys.UnmarshalLimits([]byte(s)) }

// Update implements [keys.Updater].
func (db *DB) Update(ctx context.Context, vk *keys.VirtualKey) error {
	c, err := encodeKeyColumns(vk)
	if err != nil {
		return err
	}
	err = db.update(ctx, `UPDATE virtual_keys SET name = ?, owner = ?, team = ?, policy = ?,
			models = ?, providers = ?, metadata = ?, limits = ?, cors_origins = ? WHERE id = ?`,
		vk.Name, vk.Owner, vk.Team, vk.Policy, c.models, c.providers, c.metadata, c.limits, c.origins, vk.ID)
	if err != nil {
		return fmt.Errorf("sqlite: update key %s: %w", vk.ID, err)
	}
	return nil
}

var _ keys.Updater = (*DB)(nil)
