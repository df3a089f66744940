// Package testenv gives tests the addresses of the external services they
// need. Without the variable a test skips with a visible reason, so a new
// user's laptop runs everything else; under CI (CI set), a missing variable
// fails the test instead, so CI can never skip them silently.
package testenv

import (
	"os"
	"testing"
)

// Redis returns AIGATE_TEST_REDIS_URL, or skips (fails under CI) when unset.
func Redis(t testing.TB) string { return need(t, "AIGATE_TEST_REDIS_URL", "Redis") }

// Postgres returns AIGATE_TEST_POSTGRES_URL, or skips (fails under CI) when unset.
func Postgres(t testing.TB) string { return need(t, "AIGATE_TEST_POSTGRES_URL", "PostgreSQL") }

func need(t testing.TB, name, what string) string {
	t.Helper()
	v := os.Getenv(name)
	if v != "" {
		return v
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not set: CI must run the %s tests (see .ci/run)", name, what)
	}
	t.Skipf("skipping: set %s to run the %s tests (e.g. %s)", name, what, example[name])
	return ""
}

var example = map[string]string{
	"AIGATE_TEST_REDIS_URL":    "redis://127.0.0.1:6379/0",
	"AIGATE_TEST_POSTGRES_URL": "postgres://postgres@127.0.0.1:5432/test?sslmode=disable",
}
