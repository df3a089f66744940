//go:build !unix

package main

import "os"

// lockFile does nothing where flock is not available; the one-process rule
// for a SQLite database is then the operator's to keep.
func lockFile(*os.File) error { return nil }
