package postgres_test

import (
	"testing"

	"github.com/aigate-dev/aigate/internal/keys"
	"github.com/aigate-dev/aigate/internal/store/postgres"
	"github.com/aigate-dev/aigate/internal/store/postgres/pgtest"
	"github.com/aigate-dev/aigate/internal/store/storetest"
)

// mustOpen opens a store in a fresh schema, closed and dropped when the
// test ends.
func mustOpen(t *testing.T) *postgres.DB {
	t.Helper()
	u, _ := pgtest.URL(t)
	db, err := postgres.Open(t.Context(), u)
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close = %v", err)
		}
	})
	return db
}

func TestKeys(t *testing.T) {
	t.Parallel()
	storetest.RunKeys(t, func(t *testing.T) keys.Store { return mustOpen(t) })
}

func TestKeyLimits(t *testing.T) {
	t.Parallel()
	storetest.RunKeyLimits(t, func(t *testing.T) keys.Store { return mustOpen(t) })
}

func TestLedger(t *testing.T) {
	t.Parallel()
	storetest.RunLedger(t, func(t *testing.T) storetest.LedgerStore { return mustOpen(t) })
}
