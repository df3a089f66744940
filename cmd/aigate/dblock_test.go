//go:build unix

package main

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"
)

// A second `aigate serve` on the same SQLite file would keep budgets and
// limits of its own: it is refused until the first one has stopped.
func TestSQLiteServesOneProcess(t *testing.T) {
	g := mustRunGateway(t, "")
	second := func() (*app, error) {
		return newApp(context.Background(), appOptions{
			source: configSource{path: g.cfgPath, env: func(k string) (string, bool) { v, ok := g.env[k]; return v, ok }},
			listen: "127.0.0.1:0",
			logOut: io.Discard,
		})
	}
	if a, err := second(); !errors.Is(err, errDatabaseInUse) {
		if a != nil {
			a.Shutdown(context.Background())
		}
		t.Fatalf("second gateway on the same SQLite file: err = %v, want errDatabaseInUse", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := g.app.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	a, err := second()
	if err != nil {
		t.Fatalf("gateway after the first one stopped: %v", err)
	}
	if err := a.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}
