package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// errDatabaseInUse: another aigate serve holds the SQLite database.
var errDatabaseInUse = errors.New("another aigate serve is using this SQLite database; one SQLite file serves one gateway process, so run several instances on a shared postgres:// database instead")

// lockSQLite keeps a second `aigate serve` off the SQLite database dsn,
// whose budgets and limits would otherwise be counted twice, each process
// seeing only its own reservations. It takes an exclusive lock on PATH.lock
// beside the database, which the operating system drops when the process
// exits, crash included; Close gives it up. It returns nil for an in-memory
// database. Commands such as `aigate keys create` take no lock: they write
// through the database, which the server reads.
func lockSQLite(dsn string) (*os.File, error) {
	path := dsn
	if rest, ok := strings.CutPrefix(dsn, "file:"); ok {
		var query string
		path, query, _ = strings.Cut(rest, "?")
		if strings.Contains("&"+query+"&", "&mode=memory&") {
			return nil, nil
		}
	}
	if path == "" || strings.HasPrefix(path, ":memory:") {
		return nil, nil
	}
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("database lock: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	return f, nil
}
