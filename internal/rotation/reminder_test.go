package rotation_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/rotation"
)

// memStore is a rotation.Store in memory.
type memStore struct {
	mu    sync.Mutex
	first map[[2]string]time.Time
}

func (s *memStore) FirstSeen(_ context.Context, provider, fp string, now time.Time) (time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.first == nil {
		s.first = map[[2]string]time.Time{}
	}
	k := [2]string{provider, fp}
	if t, ok := s.first[k]; ok {
		return t, nil
	}
	s.first[k] = now
	return now, nil
}

func gauge(t *testing.T, g *prometheus.GaugeVec, provider string) float64 {
	t.Helper()
	var m dto.Metric
	if err := g.WithLabelValues(provider).Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetGauge().GetValue()
}

func TestReminder(t *testing.T) {
	const day = 24 * time.Hour
	// Keys are built at run time so no fixture looks like a real key.
	openaiKey := gateway.NewSecret("sk-" + strings.Repeat("a", 40))
	rotated := gateway.NewSecret("sk-" + strings.Repeat("b", 40))
	anthropicKey := gateway.NewSecret("sk-ant-" + strings.Repeat("c", 40))

	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	keys := []rotation.Key{
		{Provider: "openai", Key: openaiKey, RotateAfter: 90 * day},
		{Provider: "anthropic", Key: anthropicKey}, // zero: never reminds
	}
	var logs bytes.Buffer
	age := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "aigate_provider_key_age_seconds"}, []string{"provider"})
	r := &rotation.Reminder{
		Store: &memStore{}, Keys: func() []rotation.Key { return keys }, Age: age,
		Logger: slog.New(slog.NewJSONHandler(&logs, nil)), Now: func() time.Time { return now },
	}
	ctx := context.Background()
	warnings := func() []string {
		var msgs []string
		for line := range strings.Lines(logs.String()) {
			var m map[string]any
			if err := json.Unmarshal([]byte(line), &m); err != nil {
				t.Fatalf("log line %q: %v", line, err)
			}
			if m["level"] == "WARN" {
				msgs = append(msgs, m["msg"].(string))
			}
		}
		logs.Reset()
		return msgs
	}

	steps := []struct {
		name    string
		advance time.Duration
		rotate  bool
		want    []string
		wantAge time.Duration // openai
	}{
		{"first-seen", 0, false, nil, 0},
		{"at-90-days", 90 * day, false, nil, 90 * day},
		{"97-days", 7 * day, false, []string{"provider key for openai is 97 days old; rotate it (rotate_after 90d)"}, 97 * day},
		{"rotated", day, true, nil, 0},
		{"rotated-key-ages-anew", 91 * day, false, []string{"provider key for openai is 91 days old; rotate it (rotate_after 90d)"}, 91 * day},
	}
	for _, st := range steps {
		now = now.Add(st.advance)
		if st.rotate {
			keys[0].Key = rotated
		}
		if err := r.Check(ctx); err != nil {
			t.Fatalf("%s: Check = %v", st.name, err)
		}
		if got := warnings(); strings.Join(got, "|") != strings.Join(st.want, "|") {
			t.Errorf("%s: warnings = %q, want %q", st.name, got, st.want)
		}
		if got := gauge(t, age, "openai"); got != st.wantAge.Seconds() {
			t.Errorf("%s: openai key age = %vs, want %v", st.name, got, st.wantAge.Seconds())
		}
	}
	if got := gauge(t, age, "anthropic"); got != (189 * day).Seconds() {
		t.Errorf("anthropic key age = %vs, want 189 days", got)
	}
}

func TestReminderNeverLogsTheKey(t *testing.T) {
	key := gateway.NewSecret("sk-" + strings.Repeat("z", 40))
	var logs bytes.Buffer
	first := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := first
	r := &rotation.Reminder{
		Store:  &memStore{},
		Keys:   func() []rotation.Key { return []rotation.Key{{Provider: "openai", Key: key, RotateAfter: time.Hour}} },
		Logger: slog.New(slog.NewJSONHandler(&logs, nil)), Now: func() time.Time { return now },
	}
	_ = r.Check(context.Background())
	now = now.Add(48 * time.Hour)
	_ = r.Check(context.Background())
	if !strings.Contains(logs.String(), "rotate it") || strings.Contains(logs.String(), key.Reveal()) {
		t.Errorf("log = %s", logs.String())
	}
	if fp := rotation.Fingerprint(key); len(fp) != 16 || strings.Contains(key.Reveal(), fp) {
		t.Errorf("Fingerprint = %q", fp)
	}
}

// countingStore counts checks, to see the goroutine run at start and per
// interval, and stop.
type countingStore struct {
	memStore
	calls chan struct{}
}

func (s *countingStore) FirstSeen(ctx context.Context, p, fp string, now time.Time) (time.Time, error) {
	s.calls <- struct{}{}
	return s.memStore.FirstSeen(ctx, p, fp, now)
}

func TestReminderStartStop(t *testing.T) {
	s := &countingStore{calls: make(chan struct{}, 100)}
	r := &rotation.Reminder{
		Store:    s,
		Keys:     func() []rotation.Key { return []rotation.Key{{Provider: "openai", Key: gateway.NewSecret("k")}} },
		Interval: time.Millisecond,
	}
	r.Start()
	for i := range 3 { // at start, then per interval
		select {
		case <-s.calls:
		case <-time.After(5 * time.Second):
			t.Fatalf("check %d did not run", i)
		}
	}
	r.Stop()       // waits for the goroutine: nothing can call the store after it
	close(s.calls) // a late check would panic on the closed channel
}
