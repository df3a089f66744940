package sqlite

import (
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/internal/keys"
)

func mustOpenInternal(t *testing.T, dsn string) *DB {
	t.Helper()
	db, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatalf("Open(%q) = %v", dsn, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func pragma(t *testing.T, db *DB, name string) string {
	t.Helper()
	var v string
	if err := db.db.QueryRowContext(t.Context(), "PRAGMA "+name).Scan(&v); err != nil {
		t.Fatalf("PRAGMA %s = %v", name, err)
	}
	return v
}

func TestOpenSettings(t *testing.T) {
	for _, tt := range []struct {
		name, dsn, journal string
	}{
		{"file", filepath.Join(t.TempDir(), "a.db"), "wal"},
		{"file-uri-with-query", "file:" + filepath.Join(t.TempDir(), "b.db") + "?cache=private", "wal"},
		{"memory", ":memory:", "memory"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := mustOpenInternal(t, tt.dsn)
			if err := db.Ping(t.Context()); err != nil {
				t.Errorf("Ping = %v", err)
			}
			if got := pragma(t, db, "journal_mode"); got != tt.journal {
				t.Errorf("journal_mode = %s, want %s", got, tt.journal)
			}
			if got := pragma(t, db, "foreign_keys"); got != "1" {
				t.Errorf("foreign_keys = %s, want 1", got)
			}
			if got := pragma(t, db, "synchronous"); got != "2" {
				t.Errorf("synchronous = %s, want 2 (FULL)", got)
			}
			if got := pragma(t, db, "busy_timeout"); got != "5000" {
				t.Errorf("busy_timeout = %s, want 5000", got)
			}
		})
	}
}

func TestOpenEmptyDSN(t *testing.T) {
	if _, err := Open(t.Context(), ""); err == nil {
		t.Error(`Open("") = nil error, want an error`)
	}
}

func TestReopenKeepsDataAndSkipsMigrations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "aigate.db")
	db, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	vk := &keys.VirtualKey{ID: "vk_reopen000000", Name: "reopen", Hash: [32]byte{7}, Created: time.Unix(1, 0)}
	if err := db.Create(t.Context(), vk); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = mustOpenInternal(t, path)
	if _, err := db.ByID(t.Context(), vk.ID); err != nil {
		t.Errorf("ByID after reopen = %v", err)
	}
	var applied, files int
	if err := db.db.QueryRowContext(t.Context(), "SELECT count(*) FROM schema_migrations").Scan(&applied); err != nil {
		t.Fatal(err)
	}
	names, _ := migrations.ReadDir("migrations")
	files = len(names)
	if applied != files {
		t.Errorf("schema_migrations has %d rows, want %d (one per migration)", applied, files)
	}
}

// Several processes may open one file at once, each trying to migrate it.
func TestConcurrentOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "aigate.db")
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			db, err := Open(t.Context(), path)
			if err != nil {
				t.Errorf("Open = %v", err)
				return
			}
			db.Close()
		})
	}
	wg.Wait()
}

func TestHashStoredAsBlob(t *testing.T) {
	db := mustOpenInternal(t, ":memory:")
	vk := &keys.VirtualKey{ID: "vk_blob00000000", Name: "blob", Hash: [32]byte{1, 2, 3}, Created: time.Unix(1, 0)}
	if err := db.Create(t.Context(), vk); err != nil {
		t.Fatal(err)
	}
	var typ string
	var n int
	if err := db.db.QueryRowContext(t.Context(), "SELECT typeof(hash), length(hash) FROM virtual_keys").Scan(&typ, &n); err != nil {
		t.Fatal(err)
	}
	if typ != "blob" || n != 32 {
		t.Errorf("hash stored as %s of %d bytes, want blob of 32", typ, n)
	}
}
