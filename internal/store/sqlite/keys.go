package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/aigate-dev/aigate/internal/keys"
)

// keyColumns lists the columns scanKey reads, in order.
const keyColumns = `id, hash, name, owner, team, policy, models, providers, metadata,
	created, expires, revoked, revoke_reason, exposed, exposed_reason, rotated_to, limits, cors_origins`

const selectByHash = `SELECT ` + keyColumns + ` FROM virtual_keys WHERE hash = ?`

// Create implements [keys.Store].
func (db *DB) Create(ctx context.Context, vk *keys.VirtualKey) error {
	if err := insertKey(ctx, db.db, vk); err != nil {
		return fmt.Errorf("sqlite: create key %s: %w", vk.ID, err)
	}
	return nil
}

// execer is what insertKey needs of a *sql.DB or *sql.Tx.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func insertKey(ctx context.Context, e execer, vk *keys.VirtualKey) error {
	c, err := encodeKeyColumns(vk)
	if err != nil {
		return err
	}
	_, err = e.ExecContext(ctx, `INSERT INTO virtual_keys (`+keyColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		vk.ID, vk.Hash[:], vk.Name, vk.Owner, vk.Team, vk.Policy, c.models, c.providers, c.metadata,
		vk.Created.UnixMicro(), nullTime(vk.Expires), nullTime(vk.Revoked), vk.RevokeReason,
		nullTime(vk.Exposed), vk.ExposedReason, nullString(vk.RotatedTo), c.limits, c.origins)
	if isUnique(err) {
		return fmt.Errorf("%w: duplicate id or hash", keys.ErrConflict)
	}
	return err
}

// ByHash implements [keys.Store].
func (db *DB) ByHash(ctx context.Context, hash [32]byte) (*keys.VirtualKey, error) {
	row := db.byHash.QueryRowContext(ctx, hash[:])
	vk, err := scanKey(row)
	if err != nil {
		// The hash is not secret, but it is not useful in a log either.
		return nil, fmt.Errorf("sqlite: key by hash: %w", err)
	}
	return vk, nil
}

// ByID implements [keys.Store].
func (db *DB) ByID(ctx context.Context, id string) (*keys.VirtualKey, error) {
	row := db.db.QueryRowContext(ctx, `SELECT `+keyColumns+` FROM virtual_keys WHERE id = ?`, id)
	vk, err := scanKey(row)
	if err != nil {
		return nil, fmt.Errorf("sqlite: key %s: %w", id, err)
	}
	return vk, nil
}

// List implements [keys.Store].
func (db *DB) List(ctx context.Context) ([]*keys.VirtualKey, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT `+keyColumns+` FROM virtual_keys ORDER BY created, id`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list keys: %w", err)
	}
	defer rows.Close()
	list := []*keys.VirtualKey{}
	for rows.Next() {
		vk, err := scanKey(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list keys: %w", err)
		}
		list = append(list, vk)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list keys: %w", err)
	}
	return list, nil
}

// Revoke implements [keys.Store].
func (db *DB) Revoke(ctx context.Context, id, reason string, at time.Time) error {
	// SET expressions read the row as it was, so the first revocation wins.
	err := db.update(ctx, `UPDATE virtual_keys SET
			revoked = coalesce(revoked, ?),
			revoke_reason = CASE WHEN revoked IS NULL THEN ? ELSE revoke_reason END
		WHERE id = ?`, at.UnixMicro(), reason, id)
	if err != nil {
		return fmt.Errorf("sqlite: revoke key %s: %w", id, err)
	}
	return nil
}

// MarkExposed implements [keys.Store].
func (db *DB) MarkExposed(ctx context.Context, id, reason string, at time.Time) error {
	err := db.update(ctx, `UPDATE virtual_keys SET
			exposed = coalesce(exposed, ?),
			exposed_reason = CASE WHEN exposed IS NULL THEN ? ELSE exposed_reason END
		WHERE id = ?`, at.UnixMicro(), reason, id)
	if err != nil {
		return fmt.Errorf("sqlite: mark key %s exposed: %w", id, err)
	}
	return nil
}

// SetExpiry implements [keys.Store].
func (db *DB) SetExpiry(ctx context.Context, id string, expires time.Time) error {
	err := db.update(ctx, `UPDATE virtual_keys SET expires = ? WHERE id = ?`, nullTime(expires), id)
	if err != nil {
		return fmt.Errorf("sqlite: set expiry of key %s: %w", id, err)
	}
	return nil
}

// update runs a statement that changes one key, by ID, and returns
// keys.ErrNotFound if it matched none.
func (db *DB) update(ctx context.Context, query string, args ...any) error {
	res, err := db.db.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return keys.ErrNotFound
	}
	return nil
}

// Rotate implements [keys.Store].
func (db *DB) Rotate(ctx context.Context, oldID string, next *keys.VirtualKey, oldExpires time.Time) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		// next goes in first: the old key's rotated_to references it.
		if err := insertKey(ctx, tx, next); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE virtual_keys SET expires = ?, rotated_to = ?
			WHERE id = ? AND revoked IS NULL AND rotated_to IS NULL`,
			nullTime(oldExpires), next.ID, oldID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		var revoked sql.NullInt64
		var rotatedTo sql.NullString
		err = tx.QueryRowContext(ctx, `SELECT revoked, rotated_to FROM virtual_keys WHERE id = ?`, oldID).
			Scan(&revoked, &rotatedTo)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return keys.ErrNotFound
		case err != nil:
			return err
		case revoked.Valid:
			return fmt.Errorf("%w: key is revoked", keys.ErrConflict)
		default:
			return fmt.Errorf("%w: key was already rotated to %s", keys.ErrConflict, rotatedTo.String)
		}
	})
	if err != nil {
		return fmt.Errorf("sqlite: rotate key %s to %s: %w", oldID, next.ID, err)
	}
	return nil
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

func scanKey(s scanner) (*keys.VirtualKey, error) {
	var (
		vk                        keys.VirtualKey
		hash                      []byte
		models, providers, meta   string
		limits, origins           string
		created                   int64
		expires, revoked, exposed sql.NullInt64
		rotatedTo                 sql.NullString
	)
	err := s.Scan(&vk.ID, &hash, &vk.Name, &vk.Owner, &vk.Team, &vk.Policy, &models, &providers, &meta,
		&created, &expires, &revoked, &vk.RevokeReason, &exposed, &vk.ExposedReason, &rotatedTo, &limits, &origins)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, keys.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if len(hash) != len(vk.Hash) {
		return nil, fmt.Errorf("key %s: stored hash has %d bytes", vk.ID, len(hash))
	}
	copy(vk.Hash[:], hash)
	if vk.Models, err = unmarshalList(models); err != nil {
		return nil, fmt.Errorf("key %s: models: %w", vk.ID, err)
	}
	if vk.Providers, err = unmarshalList(providers); err != nil {
		return nil, fmt.Errorf("key %s: providers: %w", vk.ID, err)
	}
	if err := json.Unmarshal([]byte(meta), &vk.Metadata); err != nil {
		return nil, fmt.Errorf("key %s: metadata: %w", vk.ID, err)
	}
	if len(vk.Metadata) == 0 {
		vk.Metadata = nil
	}
	vk.Created = time.UnixMicro(created).UTC()
	vk.Expires = scanTime(expires)
	vk.Revoked = scanTime(revoked)
	vk.Exposed = scanTime(exposed)
	vk.RotatedTo = rotatedTo.String
	if vk.Limits, err = unmarshalLimits(limits); err != nil {
		return nil, fmt.Errorf("key %s: limits: %w", vk.ID, err)
	}
	if vk.CORSOrigins, err = unmarshalList(origins); err != nil {
		return nil, fmt.Errorf("key %s: cors_origins: %w", vk.ID, err)
	}
	return &vk, nil
}

// jsonColumns holds the fields of a key that are stored as JSON text.
type jsonColumns struct {
	models, providers, metadata, limits, origins string
}

// encodeKeyColumns encodes vk's list, metadata and limits fields for the
// virtual_keys table, as insertKey and Update store them.
func encodeKeyColumns(vk *keys.VirtualKey) (c jsonColumns, err error) {
	if c.models, err = marshalList(vk.Models); err != nil {
		return c, err
	}
	if c.providers, err = marshalList(vk.Providers); err != nil {
		return c, err
	}
	c.metadata = "{}"
	if len(vk.Metadata) > 0 {
		b, err := json.Marshal(vk.Metadata)
		if err != nil {
			return c, err
		}
		c.metadata = string(b)
	}
	if c.limits, err = marshalLimits(vk.Limits); err != nil {
		return c, err
	}
	c.origins, err = marshalList(vk.CORSOrigins)
	return c, err
}

func marshalList(l []string) (string, error) {
	if len(l) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(l)
	return string(b), err
}

func unmarshalList(s string) ([]string, error) {
	var l []string
	if err := json.Unmarshal([]byte(s), &l); err != nil {
		return nil, err
	}
	if len(l) == 0 {
		return nil, nil
	}
	return l, nil
}

// nullTime stores t as Unix microseconds, and the zero time as NULL.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

func scanTime(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.UnixMicro(n.Int64).UTC()
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

var _ keys.Store = (*DB)(nil)
