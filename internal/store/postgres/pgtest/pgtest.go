// Package pgtest gives tests an isolated PostgreSQL schema on the server
// named by AIGATE_TEST_POSTGRES_URL (see testenv), so that tests share a
// database without seeing each other's data or touching anything else.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aigate-dev/aigate/internal/testenv"
)

// SchemaPrefix starts the name of every schema this package makes.
const SchemaPrefix = "aigate_test_"

// URL returns the test server's URL with a schema parameter naming a new,
// empty schema, and that schema's name. The schema is dropped when the test
// ends; nothing else is. Without a test server the test skips (fails under
// CI), as testenv.Postgres does.
func URL(t testing.TB) (dbURL, schema string) {
	t.Helper()
	base := testenv.Postgres(t)
	schema = NewSchemaName(t)
	mustExec(t, base, `CREATE SCHEMA `+pgx.Identifier{schema}.Sanitize())
	t.Cleanup(func() { Drop(t, base, schema) })
	return WithSchema(t, base, schema), schema
}

// NewSchemaName returns a fresh schema name starting with SchemaPrefix. It
// neither creates nor drops the schema.
func NewSchemaName(t testing.TB) string {
	t.Helper()
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return SchemaPrefix + hex.EncodeToString(b)
}

// WithSchema returns base with its schema parameter set to schema. base is a
// postgres:// URL or a key=value connection string.
func WithSchema(t testing.TB, base, schema string) string {
	t.Helper()
	if !strings.Contains(base, "://") {
		return base + " schema=" + schema
	}
	u, err := url.Parse(base)
	if err != nil {
		// The error would quote the URL, and with it any password.
		t.Fatal("AIGATE_TEST_POSTGRES_URL is not a valid URL")
	}
	q := u.Query()
	q.Set("schema", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Drop drops schema and everything in it. It refuses names that this
// package did not make, so a test cannot drop anything else.
func Drop(t testing.TB, base, schema string) {
	t.Helper()
	if !strings.HasPrefix(schema, SchemaPrefix) {
		t.Errorf("pgtest: refusing to drop schema %q", schema)
		return
	}
	mustExec(t, base, `DROP SCHEMA IF EXISTS `+pgx.Identifier{schema}.Sanitize()+` CASCADE`)
}

// mustExec runs sql on a connection of its own. It does not use the test's
// context, which has ended by the time cleanups run.
func mustExec(t testing.TB, base, sql string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("pgtest: %s: %v", sql, err)
	}
}
