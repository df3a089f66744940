package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"path"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrationNames returns the embedded migrations in the order they apply.
func migrationNames() ([]string, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	return names, nil
}

// migrate brings the schema up to date on a connection of its own, which
// holds the advisory lock for the whole run: closing it releases the lock
// even if an unlock cannot be sent.
func migrate(ctx context.Context, cfg *pgx.ConnConfig, schema string) error {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("postgres: open: %w", err)
	}
	defer discard(conn)
	if err := migrateLocked(ctx, conn, schema); err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	return nil
}

func migrateLocked(ctx context.Context, conn *pgx.Conn, schema string) error {
	target := schema
	if target == "" {
		var current *string
		if err := conn.QueryRow(ctx, `SELECT current_schema()`).Scan(&current); err != nil {
			return fmt.Errorf("current schema: %w", err)
		}
		if current == nil {
			return errors.New("no schema to create tables in: the search_path names none that exists; create one, or name it with the schema parameter")
		}
		target = *current
	}
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, lockKey(target)); err != nil {
		return fmt.Errorf("lock: %w", err)
	}
	if schema != "" {
		// Look before creating: CREATE SCHEMA IF NOT EXISTS needs the
		// CREATE privilege on the database even when the schema exists.
		var exists bool
		if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)`, schema).Scan(&exists); err != nil {
			return fmt.Errorf("schema %s: %w", schema, err)
		}
		if !exists {
			if _, err := conn.Exec(ctx, `CREATE SCHEMA `+pgx.Identifier{schema}.Sanitize()); err != nil {
				return fmt.Errorf("create schema %s: %w", schema, err)
			}
		}
	}
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name    text PRIMARY KEY,
		applied timestamptz NOT NULL DEFAULT now()
	)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	names, err := migrationNames()
	if err != nil {
		return err
	}
	for _, name := range names {
		if err := migrateOne(ctx, conn, name); err != nil {
			return fmt.Errorf("%s: %w", path.Base(name), err)
		}
	}
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, lockKey(target)); err != nil {
		return fmt.Errorf("unlock: %w", err)
	}
	return nil
}

// migrateOne applies one migration unless it was applied.
func migrateOne(ctx context.Context, conn *pgx.Conn, name string) error {
	body, err := migrations.ReadFile(name)
	if err != nil {
		return err
	}
	base := path.Base(name)
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		var done bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE name = $1)`, base).Scan(&done); err != nil {
			return err
		}
		if done {
			return nil
		}
		// Without arguments Exec uses the simple protocol, which runs every
		// statement of the file.
		if _, err := tx.Exec(ctx, string(body)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (name) VALUES ($1)`, base)
		return err
	})
}

// lockKey is the advisory lock that serialises migrations of one schema.
// Advisory locks are database-wide, so the key includes the schema name:
// gateways (or tests) in other schemas of the database do not wait.
func lockKey(schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte("aigate migrations\x00"))
	h.Write([]byte(schema))
	return int64(h.Sum64())
}

// closeTimeout bounds the goodbye sent to the server when the migration
// connection is closed.
const closeTimeout = 5 * time.Second

// discard closes c, telling the server if it can within closeTimeout.
func discard(c *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	_ = c.Close(ctx)
}
