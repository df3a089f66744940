package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/aigate-dev/aigate/internal/budget"
	"github.com/aigate-dev/aigate/internal/keys"
	"github.com/aigate-dev/aigate/internal/store/sqlite"
	"github.com/aigate-dev/aigate/internal/store/storetest"
)

// mustOpen opens dsn and closes it when the test ends.
func mustOpen(t testing.TB, dsn string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(t.Context(), dsn)
	if err != nil {
		t.Fatalf("Open(%q) = %v", dsn, err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close = %v", err)
		}
	})
	return db
}

func TestKeys(t *testing.T) {
	t.Run("memory", func(t *testing.T) {
		storetest.RunKeys(t, func(t *testing.T) keys.Store { return mustOpen(t, ":memory:") })
	})
	t.Run("file", func(t *testing.T) {
		storetest.RunKeys(t, func(t *testing.T) keys.Store {
			return mustOpen(t, filepath.Join(t.TempDir(), "aigate.db"))
		})
	})
	// The gateway's ledger over SQLite: holds in memory, spend written to
	// the file.
	t.Run("local", func(t *testing.T) {
		storetest.RunLedger(t, func(t *testing.T) storetest.LedgerStore {
			return budget.NewLocal(mustOpen(t, filepath.Join(t.TempDir(), "aigate.db")))
		})
	})
}

func TestKeyLimits(t *testing.T) {
	storetest.RunKeyLimits(t, func(t *testing.T) keys.Store { return mustOpen(t, ":memory:") })
}

func TestLedger(t *testing.T) {
	t.Run("memory", func(t *testing.T) {
		storetest.RunLedger(t, func(t *testing.T) storetest.LedgerStore { return mustOpen(t, ":memory:") })
	})
	t.Run("file", func(t *testing.T) {
		storetest.RunLedger(t, func(t *testing.T) storetest.LedgerStore {
			return mustOpen(t, filepath.Join(t.TempDir(), "aigate.db"))
		})
	})
	// The gateway's ledger over SQLite: holds in memory, spend written to
	// the file.
	t.Run("local", func(t *testing.T) {
		storetest.RunLedger(t, func(t *testing.T) storetest.LedgerStore {
			return budget.NewLocal(mustOpen(t, filepath.Join(t.TempDir(), "aigate.db")))
		})
	})
}
