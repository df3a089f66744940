package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aigate-dev/aigate/internal/keys"
)

// keyColumns lists the columns scanKey reads, in order.
const keyColumns = `id, hash, name, owner, team, policy, models, providers, metadata,
	created, expires, revoked, revoke_reason, exposed, exposed_reason, rotated_to, limits, cors_origins`

// Create implements [keys.Store].
func (db *DB) Create(ctx context.Context, vk *keys.VirtualKey) error {
	err := db.withConn(ctx, func(c *pgx.Conn) error { return insertKey(ctx, c, vk) })
	if err != nil {
		return fmt.Errorf("postgres: create key %s: %w", vk.ID, err)
	}
	return nil
}

func insertKey(ctx context.Context, q querier, vk *keys.VirtualKey) error {
	limits, err := marshalLimits(vk.Limits)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO virtual_keys (`+keyColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
		vk.ID, vk.Hash[:], vk.Name, vk.Owner, vk.Team, vk.Policy, list(vk.Models), list(vk.Providers), metadataOf(vk),
		micro(vk.Created), nullTime(vk.Expires), nullTime(vk.Revoked), vk.RevokeReason,
		nullTime(vk.Exposed), vk.ExposedReason, nullString(vk.RotatedTo), limits, list(vk.CORSOrigins))
	if isUnique(err) {
		return fmt.Errorf("%w: duplicate id or hash", keys.ErrConflict)
	}
	return err
}

// ByHash implements [keys.Store].
func (db *DB) ByHash(ctx context.Context, hash [32]byte) (*keys.VirtualKey, error) {
	vk, err := db.keyWhere(ctx, `hash = $1`, hash[:])
	if err != nil {
		// The hash is not secret, but it is not useful in a log either.
		return nil, fmt.Errorf("postgres: key by hash: %w", err)
	}
	return vk, nil
}

// ByID implements [keys.Store].
func (db *DB) ByID(ctx context.Context, id string) (*keys.VirtualKey, error) {
	vk, err := db.keyWhere(ctx, `id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("postgres: key %s: %w", id, err)
	}
	return vk, nil
}

// keyWhere returns the key matching cond, which has one parameter, arg.
func (db *DB) keyWhere(ctx context.Context, cond string, arg any) (*keys.VirtualKey, error) {
	var vk *keys.VirtualKey
	err := db.withConn(ctx, func(c *pgx.Conn) error {
		var err error
		vk, err = scanKey(c.QueryRow(ctx, `SELECT `+keyColumns+` FROM virtual_keys WHERE `+cond, arg))
		return err
	})
	return vk, err
}

// List implements [keys.Store].
func (db *DB) List(ctx context.Context) ([]*keys.VirtualKey, error) {
	list := []*keys.VirtualKey{}
	err := db.withConn(ctx, func(c *pgx.Conn) error {
		// COLLATE "C" orders IDs byte by byte, as SQLite does.
		rows, err := c.Query(ctx, `SELECT `+keyColumns+` FROM virtual_keys ORDER BY created, id COLLATE "C"`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			vk, err := scanKey(rows)
			if err != nil {
				return err
			}
			list = append(list, vk)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: list keys: %w", err)
	}
	return list, nil
}

// Revoke implements [keys.Store].
func (db *DB) Revoke(ctx context.Context, id, reason string, at time.Time) error {
	// SET expressions read the row as it was, so the first revocation wins;
	// the row lock the UPDATE takes orders concurrent revocations.
	err := db.update(ctx, `UPDATE virtual_keys SET
			revoked = coalesce(revoked, $1),
			revoke_reason = CASE WHEN revoked IS NULL THEN $2 ELSE revoke_reason END
		WHERE id = $3`, micro(at), reason, id)
	if err != nil {
		return fmt.Errorf("postgres: revoke key %s: %w", id, err)
	}
	return nil
}

// MarkExposed implements [keys.Store].
func (db *DB) MarkExposed(ctx context.Context, id, reason string, at time.Time) error {
	err := db.update(ctx, `UPDATE virtual_keys SET
			exposed = coalesce(exposed, $1),
			exposed_reason = CASE WHEN exposed IS NULL THEN $2 ELSE exposed_reason END
		WHERE id = $3`, micro(at), reason, id)
	if err != nil {
		return fmt.Errorf("postgres: mark key %s exposed: %w", id, err)
	}
	return nil
}

// SetExpiry implements [keys.Store].
func (db *DB) SetExpiry(ctx context.Context, id string, expires time.Time) error {
	err := db.update(ctx, `UPDATE virtual_keys SET expires = $1 WHERE id = $2`, nullTime(expires), id)
	if err != nil {
		return fmt.Errorf("postgres: set expiry of key %s: %w", id, err)
	}
	return nil
}

// update runs a statement that changes one key, by ID, and returns
// keys.ErrNotFound if it matched none.
func (db *DB) update(ctx context.Context, query string, args ...any) error {
	return db.withConn(ctx, func(c *pgx.Conn) error {
		tag, err := c.Exec(ctx, query, args...)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return keys.ErrNotFound
		}
		return nil
	})
}

// Rotate implements [keys.Store]. The old key's row stays locked (FOR
// UPDATE) from the check to the commit, so a concurrent rotation waits, then
// finds the key rotated and returns keys.ErrConflict.
func (db *DB) Rotate(ctx context.Context, oldID string, next *keys.VirtualKey, oldExpires time.Time) error {
	err := db.tx(ctx, func(tx pgx.Tx) error {
		var revoked bool
		var rotatedTo *string
		err := tx.QueryRow(ctx, `SELECT revoked IS NOT NULL, rotated_to FROM virtual_keys WHERE id = $1 FOR UPDATE`, oldID).
			Scan(&revoked, &rotatedTo)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return keys.ErrNotFound
		case err != nil:
			return err
		case revoked:
			return fmt.Errorf("%w: key is revoked", keys.ErrConflict)
		case rotatedTo != nil:
			return fmt.Errorf("%w: key was already rotated to %s", keys.ErrConflict, *rotatedTo)
		}
		// next goes in first: the old key's rotated_to references it.
		if err := insertKey(ctx, tx, next); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE virtual_keys SET expires = $1, rotated_to = $2 WHERE id = $3`,
			nullTime(oldExpires), next.ID, oldID)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: rotate key %s to %s: %w", oldID, next.ID, err)
	}
	return nil
}

func scanKey(row pgx.Row) (*keys.VirtualKey, error) {
	var (
		vk                        keys.VirtualKey
		hash                      []byte
		metadata                  map[string]string
		created                   time.Time
		expires, revoked, exposed *time.Time
		rotatedTo                 *string
		limits                    []byte
	)
	err := row.Scan(&vk.ID, &hash, &vk.Name, &vk.Owner, &vk.Team, &vk.Policy, &vk.Models, &vk.Providers, &metadata,
		&created, &expires, &revoked, &vk.RevokeReason, &exposed, &vk.ExposedReason, &rotatedTo, &limits, &vk.CORSOrigins)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, keys.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if len(hash) != len(vk.Hash) {
		return nil, fmt.Errorf("key %s: stored hash has %d bytes", vk.ID, len(hash))
	}
	copy(vk.Hash[:], hash)
	if len(vk.Models) == 0 {
		vk.Models = nil
	}
	if len(vk.Providers) == 0 {
		vk.Providers = nil
	}
	if len(vk.CORSOrigins) == 0 {
		vk.CORSOrigins = nil
	}
	if len(metadata) > 0 {
		vk.Metadata = metadata
	}
	vk.Created = created.UTC()
	vk.Expires = scanTime(expires)
	vk.Revoked = scanTime(revoked)
	vk.Exposed = scanTime(exposed)
	if rotatedTo != nil {
		vk.RotatedTo = *rotatedTo
	}
	if vk.Limits, err = unmarshalLimits(limits); err != nil {
		return nil, fmt.Errorf("key %s: limits: %w", vk.ID, err)
	}
	return &vk, nil
}

// metadataOf stores nil metadata as an empty object: the column is NOT NULL.
func metadataOf(vk *keys.VirtualKey) map[string]string {
	if vk.Metadata == nil {
		return map[string]string{}
	}
	return vk.Metadata
}

// list stores a nil list as an empty array: the columns are NOT NULL.
func list(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// micro drops what timestamptz cannot hold (and would round): the SQLite
// store truncates to the microsecond too.
func micro(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// nullTime stores the zero time as NULL.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return micro(t)
}

func scanTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

var _ keys.Store = (*DB)(nil)
