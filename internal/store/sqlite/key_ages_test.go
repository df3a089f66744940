package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/aigate-dev/aigate/internal/rotation"
	"github.com/aigate-dev/aigate/internal/store/storetest"
)

func TestKeyAges(t *testing.T) {
	t.Run("memory", func(t *testing.T) {
		storetest.RunKeyAges(t, func(t *testing.T) rotation.Store { return mustOpen(t, ":memory:") })
	})
	t.Run("file", func(t *testing.T) {
		storetest.RunKeyAges(t, func(t *testing.T) rotation.Store {
			return mustOpen(t, filepath.Join(t.TempDir(), "aigate.db"))
		})
	})
}
