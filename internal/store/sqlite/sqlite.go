// Package sqlite stores aigate's data in an embedded SQLite database, using
// the pure-Go modernc.org/sqlite driver. [DB] implements [keys.Store].
//
// The schema is created and upgraded by the migrations embedded from
// migrations/*.sql, which [Open] applies in name order, each in its own
// transaction, recording them in the schema_migrations table.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrations embed.FS

// busyTimeout is how long a writer waits for another to finish before the
// statement fails with SQLITE_BUSY.
const busyTimeout = 5 * time.Second

// DB is an open SQLite database. It is safe for concurrent use.
type DB struct {
	db *sql.DB
	// byHash is prepared once: it runs for every request the gateway
	// authenticates.
	byHash *sql.Stmt
}

// Open opens the SQLite database dsn, creating it if needed, and brings its
// schema up to date. dsn is a file name, a "file:" URI or ":memory:".
//
// Every connection runs with foreign keys on, a busy timeout, and
// transactions that take the write lock when they begin (so concurrent
// writers wait for each other instead of failing); file databases use WAL
// journaling so readers never block the writer. An in-memory database lives
// on a single connection, since each new connection to ":memory:" would be
// a different, empty database.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if dsn == "" {
		return nil, errors.New("sqlite: open: empty data source name")
	}
	memory := isMemory(dsn)
	params := []string{
		fmt.Sprintf("_pragma=busy_timeout(%d)", busyTimeout.Milliseconds()),
		"_pragma=foreign_keys(1)",
		"_txlock=immediate",
	}
	if !memory {
		// synchronous stays FULL: writes are rare (keys created, revoked,
		// exposed), and a revocation must survive a power cut.
		params = append(params, "_pragma=journal_mode(WAL)", "_pragma=synchronous(FULL)")
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	sdb, err := sql.Open("sqlite", dsn+sep+strings.Join(params, "&"))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	if memory {
		sdb.SetMaxOpenConns(1)
		sdb.SetMaxIdleConns(1)
		sdb.SetConnMaxLifetime(0)
		sdb.SetConnMaxIdleTime(0)
	}
	db := &DB{db: sdb}
	if err := sdb.PingContext(ctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	if err := db.migrate(ctx); err != nil {
		sdb.Close()
		return nil, err
	}
	if db.byHash, err = sdb.PrepareContext(ctx, selectByHash); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("sqlite: open: prepare: %w", err)
	}
	return db, nil
}

// isMemory reports whether dsn names an in-memory database.
func isMemory(dsn string) bool {
	name, query, _ := strings.Cut(dsn, "?")
	return name == ":memory:" || strings.HasPrefix(name, "file::memory:") ||
		strings.Contains("&"+query+"&", "&mode=memory&")
}

// Close closes the database.
func (db *DB) Close() error {
	if err := errors.Join(db.byHash.Close(), db.db.Close()); err != nil {
		return fmt.Errorf("sqlite: close: %w", err)
	}
	return nil
}

// migrate applies the embedded migrations that the database lacks.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name    TEXT PRIMARY KEY,
		applied INTEGER NOT NULL
	) STRICT`); err != nil {
		return fmt.Errorf("sqlite: migrate: create schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := db.migrateOne(ctx, name); err != nil {
			return fmt.Errorf("sqlite: migrate %s: %w", path.Base(name), err)
		}
	}
	return nil
}

// migrateOne applies one migration unless it was applied. The check runs
// inside the transaction, which holds the write lock, so two processes
// opening one file cannot both apply it.
func (db *DB) migrateOne(ctx context.Context, name string) error {
	body, err := migrations.ReadFile(name)
	if err != nil {
		return err
	}
	base := path.Base(name)
	return db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = ?`, base).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied) VALUES (?, ?)`,
			base, time.Now().UnixNano())
		return err
	})
}

// tx runs f in a transaction, committing if it returns nil and rolling back
// otherwise.
func (db *DB) tx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// isUnique reports whether err is a violated UNIQUE or PRIMARY KEY
// constraint.
func isUnique(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return true
	}
	return false
}
