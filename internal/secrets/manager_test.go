package secrets

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/internal/gateway"
)

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// backend is one secret store, driven by the test: it can change the value
// behind ref and make reads fail.
type backend struct {
	sources map[Scheme]Source
	ref     string
	set     func(v string)
	fail    func(bool)
}

// backends start each kind of store the Manager reads from; every case of
// TestManagerRefresh runs against each.
var backends = []struct {
	name  string
	start func(t *testing.T) backend
}{
	{"env", func(t *testing.T) backend {
		var mu sync.Mutex
		vars := map[string]string{}
		var failing bool
		lookup := func(k string) (string, bool) {
			mu.Lock()
			defer mu.Unlock()
			v, ok := vars[k]
			return v, ok && !failing
		}
		return backend{
			sources: map[Scheme]Source{SchemeEnv: Env{Lookup: lookup}},
			ref:     "env:PROVIDER_KEY",
			set:     func(v string) { mu.Lock(); vars["PROVIDER_KEY"] = v; mu.Unlock() },
			fail:    func(f bool) { mu.Lock(); failing = f; mu.Unlock() },
		}
	}},
	{"file", func(t *testing.T) backend {
		path := filepath.Join(t.TempDir(), "key")
		var last string
		return backend{
			sources: map[Scheme]Source{SchemeFile: File{}},
			ref:     "file:" + path,
			set: func(v string) {
				last = v
				if err := os.WriteFile(path, []byte(v+"\n"), 0o600); err != nil {
					t.Fatal(err)
				}
			},
			fail: func(f bool) {
				if f {
					_ = os.Remove(path)
				} else if err := os.WriteFile(path, []byte(last), 0o600); err != nil {
					t.Fatal(err)
				}
			},
		}
	}},
	{"aws-sm", func(t *testing.T) backend {
		f, srv := startFakeSecretsManager(t)
		return backend{
			sources: map[Scheme]Source{SchemeAWS: &AWS{Endpoint: srv.URL}},
			ref:     "aws-sm:prod/llm#openai",
			set:     func(v string) { f.Set("prod/llm", `{"openai":"`+v+`","other":"x"}`) },
			fail:    f.SetDeny,
		}
	}},
	{"vault", func(t *testing.T) backend {
		f, srv := startFakeVault(t)
		return backend{
			sources: map[Scheme]Source{SchemeVault: &Vault{Addr: srv.URL, Token: gateway.NewSecret(f.NewToken())}},
			ref:     "vault:secret/aigate/llm#openai",
			set:     func(v string) { f.Put("secret/data/aigate/llm", map[string]string{"openai": v}) },
			fail:    f.SetSealed,
		}
	}},
}

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fakeClock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func TestManagerRefresh(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			be := b.start(t)
			first, second := "v1-"+mustRandomHex(t, 8), "v2-"+mustRandomHex(t, 8)
			be.set(first)

			var logs bytes.Buffer
			clock := newFakeClock()
			var hooks []error
			m := &Manager{
				Sources:   be.sources,
				Now:       clock.Now,
				Logger:    slog.New(slog.NewJSONHandler(&logs, nil)),
				OnRefresh: func(_ Ref, err error) { hooks = append(hooks, err) },
			}
			v, err := m.Add(ctx, be.ref)
			if err != nil {
				t.Fatalf("Add(%s): %v", be.ref, err)
			}
			if got := v.Load().Reveal(); got != first {
				t.Fatalf("Load() after Add = %q, want the first value", got)
			}

			t.Run("rotation-without-restart", func(t *testing.T) {
				if err := m.Refresh(ctx); err != nil || m.Generation() != 0 {
					t.Fatalf("Refresh with nothing rotated = %v, Generation %d; want nil and 0", err, m.Generation())
				}
				be.set(second)
				clock.Add(time.Minute)
				if err := m.Refresh(ctx); err != nil {
					t.Fatalf("Refresh: %v", err)
				}
				if g := m.Generation(); g != 1 {
					t.Errorf("Generation() after a rotation = %d, want 1", g)
				}
				if got := v.Load().Reveal(); got != second {
					t.Errorf("Load() after rotation = %q, want the second value", got)
				}
				if st := v.Status(); !st.Changed.Equal(clock.Now()) || st.Err != nil {
					t.Errorf("Status() = %+v, want Changed now and no error", st)
				}
			})

			t.Run("failed-refresh-keeps-last-good", func(t *testing.T) {
				be.fail(true)
				clock.Add(time.Minute)
				err := m.Refresh(ctx)
				if err == nil {
					t.Fatal("Refresh with a failing store = nil, want an error")
				}
				if !contains(err.Error(), be.ref) {
					t.Errorf("Refresh error %q does not name the reference %s", err, be.ref)
				}
				if got := v.Load().Reveal(); got != second {
					t.Errorf("Load() after a failed refresh = %q, want the last good value", got)
				}
				st := v.Status()
				if st.Failures != 1 || st.Err == nil || st.Updated.Equal(clock.Now()) {
					t.Errorf("Status() = %+v, want one failure and Updated before now", st)
				}
				if m.Err() == nil {
					t.Error("Err() = nil after a failed refresh, want the failure for /readyz")
				}
				if len(hooks) == 0 || hooks[len(hooks)-1] == nil {
					t.Errorf("OnRefresh errors = %v, want the failure last", hooks)
				}
			})

			t.Run("recovers", func(t *testing.T) {
				be.fail(false)
				clock.Add(time.Minute)
				if err := m.Refresh(ctx); err != nil {
					t.Fatalf("Refresh after recovery: %v", err)
				}
				if m.Err() != nil {
					t.Errorf("Err() = %v after recovery, want nil", m.Err())
				}
				if st := v.Status(); st.Failures != 0 || !st.Updated.Equal(clock.Now()) {
					t.Errorf("Status() = %+v, want no failures and Updated now", st)
				}
				if g := m.Generation(); g != 1 {
					t.Errorf("Generation() after failing and recovering with the same value = %d, want 1", g)
				}
			})

			for _, val := range []string{first, second} {
				if contains(logs.String(), val) {
					t.Errorf("the log holds a secret value:\n%s", logs.String())
				}
			}
			if !contains(logs.String(), "secret refresh failed") {
				t.Errorf("the log does not report the failed refresh:\n%s", logs.String())
			}
		})
	}
}

func TestManagerAdd(t *testing.T) {
	ctx := context.Background()
	env := map[string]string{"A": "value-a", "EMPTY": "  "}
	m := &Manager{Sources: map[Scheme]Source{SchemeEnv: Env{Lookup: func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}}}}

	t.Run("same-reference-same-value", func(t *testing.T) {
		a, err := m.Add(ctx, "env:A")
		if err != nil {
			t.Fatal(err)
		}
		b, err := m.Add(ctx, "env:A")
		if err != nil {
			t.Fatal(err)
		}
		if a != b {
			t.Error("Add twice returned two Values")
		}
	})
	for _, tt := range []struct{ name, ref, want string }{
		{"missing", "env:NOPE", "env:NOPE: NOPE is not set"},
		{"blank", "env:EMPTY", "EMPTY is not set"},
		{"no-source", "vault:secret/x#y", "no vault source"},
		{"syntax", "nope", "invalid secret reference"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := m.Add(ctx, tt.ref)
			if err == nil || !contains(err.Error(), tt.want) {
				t.Errorf("Add(%q) = %v, want an error containing %q", tt.ref, err, tt.want)
			}
		})
	}
	if len(m.Status()) != 1 {
		t.Errorf("Status() = %v, want only env:A", m.Status())
	}
}

func TestManagerRun(t *testing.T) {
	var mu sync.Mutex
	val := "one"
	reads := make(chan struct{}, 10)
	m := &Manager{Sources: map[Scheme]Source{SchemeEnv: SourceFunc(func(context.Context, Ref) (gateway.Secret, error) {
		mu.Lock()
		defer mu.Unlock()
		reads <- struct{}{}
		return gateway.NewSecret(val), nil
	})}}
	ctx, cancel := context.WithCancel(context.Background())
	v, err := m.Add(ctx, "env:X")
	if err != nil {
		t.Fatal(err)
	}
	<-reads
	tick := make(chan time.Time)
	done := make(chan error)
	go func() { done <- m.run(ctx, tick) }()

	mu.Lock()
	val = "two"
	mu.Unlock()
	tick <- time.Time{}
	<-reads
	tick <- time.Time{} // run has finished the first refresh once it takes this tick
	<-reads
	if got := v.Load().Reveal(); got != "two" {
		t.Errorf("Load() after a tick = %q, want two", got)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("run() = %v, want context.Canceled", err)
	}
}

func TestValueLoadConcurrent(t *testing.T) {
	n := 0
	m := &Manager{Sources: map[Scheme]Source{SchemeEnv: SourceFunc(func(context.Context, Ref) (gateway.Secret, error) {
		n++
		return gateway.NewSecret(strings.Repeat("k", n)), nil
	})}}
	ctx := context.Background()
	v, err := m.Add(ctx, "env:X")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 1000 {
				if v.Load().IsZero() {
					t.Error("Load() returned a zero secret")
					return
				}
			}
		})
	}
	for range 20 {
		_ = m.Refresh(ctx)
	}
	wg.Wait()
}
