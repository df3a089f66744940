// Package postgres stores aigate's data in PostgreSQL, using the pgx driver,
// so that several gateway instances can share one database. [DB] implements
// [keys.Store], [keys.Updater], [budget.Ledger] and [budget.UsageLog], with
// the same behaviour as the embedded SQLite store; the storetest suites
// check both.
//
// Concurrency is settled by row locks, so it holds across instances: a
// rotation locks the old key's row, and a reservation locks each of its
// budgets' spend rows (always in one order, so reservations and
// settlements cannot deadlock) while it checks the cap.
//
// # Schema
//
// Tables live in one schema: the one named by a schema=NAME parameter of
// the database URL (created by [Open] if missing), or else the first schema
// of the connection's search_path (a search_path=... URL parameter, the
// role's setting, or "public"). Several gateways, or several test runs, can
// therefore share a database, each in its own schema.
//
// # Migrations
//
// The schema is created and upgraded by the migrations embedded from
// migrations/*.sql. [Open] applies the ones the schema lacks in name order,
// each in its own transaction, recording them in the schema_migrations
// table. It holds a PostgreSQL advisory lock (one per schema) while it does
// so, so several instances starting together migrate once: the first
// applies the migrations, the others wait and find nothing left to do.
//
// # Times
//
// Times are stored as timestamptz, to the microsecond (finer parts are
// dropped, as the SQLite store does), and read back in UTC. NULL stands for
// the zero time.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// URL parameters that [Open] reads itself instead of sending to the server.
const (
	paramSchema   = "schema"
	paramMaxConns = "pool_max_conns" // the name pgxpool uses
)

// maxIdentifier is PostgreSQL's longest identifier, in bytes.
const maxIdentifier = 63

// DB is an open PostgreSQL store. It is safe for concurrent use.
type DB struct {
	pool *pgxpool.Pool
}

// Open connects to the PostgreSQL database at url and brings its schema up
// to date. url is a postgres:// or postgresql:// URL, or a key=value
// connection string, as pgx accepts; on top of pgx's parameters it takes:
//
//   - schema=NAME: keep aigate's tables in schema NAME (created if missing)
//     by setting the search_path to it alone. It cannot be combined with a
//     search_path parameter.
//   - pool_max_conns=N: open at most N connections (default: the number of
//     CPUs, at least 4).
//
// Errors never include the URL, which may hold a password.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, schema, maxConns, err := parseURL(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	if err := migrate(ctx, cfg, schema); err != nil {
		return nil, err
	}
	pcfg, err := pgxpool.ParseConfig("")
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", parseError(err))
	}
	pcfg.ConnConfig = cfg
	pcfg.MaxConns = int32(maxConns)
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", parseError(err))
	}
	return &DB{pool: pool}, nil
}

// parseURL parses a connection string and takes out the parameters that are
// Open's own.
func parseURL(s string) (cfg *pgx.ConnConfig, schema string, maxConns int, err error) {
	if s == "" {
		return nil, "", 0, errors.New("empty database URL")
	}
	cfg, err = pgx.ParseConfig(s)
	if err != nil {
		return nil, "", 0, parseError(err)
	}
	params := cfg.RuntimeParams
	schema, hasSchema := params[paramSchema]
	delete(params, paramSchema)
	if hasSchema {
		switch {
		case schema == "":
			return nil, "", 0, errors.New("schema parameter is empty")
		case len(schema) > maxIdentifier:
			return nil, "", 0, fmt.Errorf("schema name is longer than %d bytes", maxIdentifier)
		case params["search_path"] != "":
			return nil, "", 0, errors.New("set the schema or the search_path parameter, not both")
		}
		params["search_path"] = pgx.Identifier{schema}.Sanitize()
	}
	maxConns = max(4, runtime.NumCPU())
	if v, ok := params[paramMaxConns]; ok {
		delete(params, paramMaxConns)
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil || n < 1 {
			return nil, "", 0, fmt.Errorf("%s must be a positive integer, not %q", paramMaxConns, v)
		}
		maxConns = int(n)
	}
	return cfg, schema, maxConns, nil
}

// parseError reports why a connection string could not be parsed without
// quoting it: pgx redacts passwords only on a best-effort basis.
func parseError(err error) error {
	var pe *pgconn.ParseConfigError
	if !errors.As(err, &pe) {
		return errors.New("invalid database URL")
	}
	inner := errors.Unwrap(pe)
	var ue *url.Error
	if inner == nil || errors.As(inner, &ue) {
		return errors.New("invalid database URL (it is not shown because it may hold a password)")
	}
	return fmt.Errorf("invalid database URL: %w", inner)
}

// Close closes the store's connections. Queries in progress finish first,
// then their connections are closed.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// Ping checks that the database answers, for readiness probes.
func (db *DB) Ping(ctx context.Context) error {
	err := db.withConn(ctx, func(c *pgx.Conn) error { return c.Ping(ctx) })
	if err != nil {
		return fmt.Errorf("postgres: ping: %w", err)
	}
	return nil
}

// querier is what the store needs of a connection or a transaction.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// withConn runs f with a connection from the pool. f must be done with the
// connection, rows included, when it returns. A connection left broken, busy
// or inside a transaction (a query cut short by its context) is closed by
// the pool rather than handed out again.
func (db *DB) withConn(ctx context.Context, f func(*pgx.Conn) error) error {
	c, err := db.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer c.Release()
	return f(c.Conn())
}

// tx runs f in a transaction, committing if it returns nil and rolling back
// otherwise.
func (db *DB) tx(ctx context.Context, f func(pgx.Tx) error) error {
	return db.withConn(ctx, func(c *pgx.Conn) error {
		return pgx.BeginFunc(ctx, c, f)
	})
}

// uniqueViolation is the SQLSTATE of a violated UNIQUE or PRIMARY KEY
// constraint.
const uniqueViolation = "23505"

func isUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == uniqueViolation
}
