package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/internal/rotation"
)

// RunKeyAges checks that the stores open returns honour the
// [rotation.Store] contract. open must return an empty store.
func RunKeyAges(t *testing.T, open func(t *testing.T) rotation.Store) {
	t.Helper()
	t.Run("first-seen", func(t *testing.T) {
		s := open(t)
		ctx := context.Background()
		day := 24 * time.Hour
		t0 := time.Date(2026, 1, 2, 3, 4, 5, 678901000, time.UTC)
		steps := []struct {
			name, provider, fp string
			now, want          time.Time
		}{
			{"new-key", "openai", "aaaa", t0, t0},
			{"same-key-later", "openai", "aaaa", t0.Add(40 * day), t0},
			{"rotated-key-starts-anew", "openai", "bbbb", t0.Add(50 * day), t0.Add(50 * day)},
			{"old-key-keeps-its-time", "openai", "aaaa", t0.Add(60 * day), t0},
			{"same-fingerprint-other-provider", "anthropic", "aaaa", t0.Add(70 * day), t0.Add(70 * day)},
		}
		for _, st := range steps {
			got, err := s.FirstSeen(ctx, st.provider, st.fp, st.now)
			if err != nil || !got.Equal(st.want) {
				t.Errorf("%s: FirstSeen(%q, %q, %v) = %v, %v; want %v", st.name, st.provider, st.fp, st.now, got, err, st.want)
			}
		}
	})
	t.Run("concurrent-instances-agree", func(t *testing.T) {
		s := open(t)
		t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		var wg sync.WaitGroup
		got := make([]time.Time, 8)
		for i := range got {
			wg.Go(func() {
				var err error
				got[i], err = s.FirstSeen(context.Background(), "gemini", "cccc", t0.Add(time.Duration(i)*time.Second))
				if err != nil {
					t.Errorf("FirstSeen: %v", err)
				}
			})
		}
		wg.Wait()
		for i, g := range got {
			if !g.Equal(got[0]) {
				t.Errorf("FirstSeen #%d = %v, #0 = %v; want one time", i, g, got[0])
			}
		}
	})
}
