package postgres_test

import (
	"testing"

	"github.com/aigate-dev/aigate/internal/rotation"
	"github.com/aigate-dev/aigate/internal/store/storetest"
)

func TestKeyAges(t *testing.T) {
	t.Parallel()
	storetest.RunKeyAges(t, func(t *testing.T) rotation.Store { return mustOpen(t) })
}
