package secrets

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aigate-dev/aigate/internal/gateway"
)

// A Source fetches secrets of one scheme. Read returns the current value of
// ref, with surrounding white space already trimmed; an empty value is an
// error. Errors name ref and never hold a value. A Source is safe for
// concurrent use.
type Source interface {
	Read(ctx context.Context, ref Ref) (gateway.Secret, error)
}

// SourceFunc adapts a function to a [Source].
type SourceFunc func(ctx context.Context, ref Ref) (gateway.Secret, error)

// Read calls f.
func (f SourceFunc) Read(ctx context.Context, ref Ref) (gateway.Secret, error) { return f(ctx, ref) }

// Manager resolves references and keeps their values current. Its zero value
// has no sources; set Sources before the first [Manager.Add]. The fields
// must not change after that. A Manager is safe for concurrent use.
type Manager struct {
	// Sources maps each scheme to the source that reads it. A reference
	// whose scheme has no source is refused by Add.
	Sources map[Scheme]Source

	// Interval is how often [Manager.Run] refreshes; zero or less means 5
	// minutes.
	Interval time.Duration

	// Timeout bounds one read; zero means 10 seconds.
	Timeout time.Duration

	// Now returns the current time; nil means time.Now.
	Now func() time.Time

	// Logger receives refresh failures and rotations, with references only;
	// nil discards them.
	Logger *slog.Logger

	// OnRefresh, if set, is called after every read of a reference made
	// by a refresh, with its error (nil on success), for a metric such as
	// aigate_secret_refresh_total{scheme,result}. It must not block.
	OnRefresh func(ref Ref, err error)

	mu     sync.Mutex        // protects values
	values map[string]*Value // by reference string

	refreshMu sync.Mutex // serialises refreshes (ticker and SIGHUP)

	gen atomic.Uint64 // counts value changes; see Generation
}

// Value is one resolved reference. [Value.Load] is lock-free and is what the
// request path calls.
type Value struct {
	ref Ref
	cur atomic.Pointer[gateway.Secret]

	mu sync.Mutex // protects the fields below
	st Status
}

// Status is the refresh state of one reference. It holds no value.
type Status struct {
	Ref         Ref
	Updated     time.Time // when the value was last read successfully
	Changed     time.Time // when the value last changed (or was first read)
	LastAttempt time.Time
	Failures    int   // consecutive failed refreshes; 0 when healthy
	Err         error // the last failure; nil when the last refresh succeeded
}

// Ref returns the reference v resolves.
func (v *Value) Ref() Ref { return v.ref }

// Load returns the current value: the last one read successfully.
func (v *Value) Load() gateway.Secret { return *v.cur.Load() }

// Status returns the refresh state of v.
func (v *Value) Status() Status {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.st
}

func (m *Manager) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

func (m *Manager) log() *slog.Logger {
	if m.Logger != nil {
		return m.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (m *Manager) interval() time.Duration {
	if m.Interval > 0 {
		return m.Interval
	}
	return 5 * time.Minute
}

// Add parses ref, reads it once and starts keeping it current. Adding a
// reference again returns the same *Value without reading it. The error
// names ref; it is a startup error, since there is no last good value to
// fall back on.
func (m *Manager) Add(ctx context.Context, ref string) (*Value, error) {
	r, err := Parse(ref)
	if err != nil {
		return nil, err
	}
	key := r.String()
	m.mu.Lock()
	v, ok := m.values[key]
	m.mu.Unlock()
	if ok {
		return v, nil
	}
	s, err := m.read(ctx, r)
	if err != nil {
		return nil, err
	}
	now := m.now()
	v = &Value{ref: r, st: Status{Ref: r, Updated: now, Changed: now, LastAttempt: now}}
	v.cur.Store(&s)
	m.mu.Lock()
	defer m.mu.Unlock()
	if prev, ok := m.values[key]; ok { // a concurrent Add won
		return prev, nil
	}
	if m.values == nil {
		m.values = map[string]*Value{}
	}
	m.values[key] = v
	return v, nil
}

// Resolve reads ref once, without keeping it current.
func (m *Manager) Resolve(ctx context.Context, ref string) (gateway.Secret, error) {
	r, err := Parse(ref)
	if err != nil {
		return gateway.Secret{}, err
	}
	return m.read(ctx, r)
}

func (m *Manager) read(ctx context.Context, r Ref) (gateway.Secret, error) {
	src := m.Sources[r.Scheme]
	if src == nil {
		return gateway.Secret{}, fmt.Errorf("%s: no %s source is configured", r, r.Scheme)
	}
	timeout := m.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	s, err := src.Read(ctx, r)
	if err == nil && s.IsZero() {
		err = errors.New("the secret is empty")
	}
	if err != nil {
		return gateway.Secret{}, fmt.Errorf("%s: %w", r, err)
	}
	return s, nil
}

// list returns the values sorted by reference, for a stable refresh order.
func (m *Manager) list() []*Value {
	m.mu.Lock()
	vs := make([]*Value, 0, len(m.values))
	for _, v := range m.values {
		vs = append(vs, v)
	}
	m.mu.Unlock()
	sort.Slice(vs, func(i, j int) bool { return vs[i].ref.String() < vs[j].ref.String() })
	return vs
}

// Refresh reads every value again. A value that cannot be read keeps its
// last good value; the failures are returned joined, each naming its
// reference, and stay visible in [Manager.Err] until a later refresh of that
// reference succeeds. Concurrent calls run one after the other.
func (m *Manager) Refresh(ctx context.Context) error {
	m.refreshMu.Lock()
	defer m.refreshMu.Unlock()
	var errs []error
	for _, v := range m.list() {
		if err := m.refresh(ctx, v); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (m *Manager) refresh(ctx context.Context, v *Value) error {
	s, err := m.read(ctx, v.ref)
	now := m.now()
	if m.OnRefresh != nil {
		m.OnRefresh(v.ref, err)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.st.LastAttempt = now
	if err != nil {
		v.st.Failures++
		v.st.Err = err
		m.log().LogAttrs(ctx, slog.LevelError, "secret refresh failed; keeping the last good value",
			slog.String("ref", v.ref.String()), slog.Int("failures", v.st.Failures),
			slog.Time("updated", v.st.Updated), slog.String("error", err.Error()))
		return err
	}
	if !s.Equal(v.Load()) {
		v.cur.Store(&s)
		v.st.Changed = now
		m.gen.Add(1)
		m.log().LogAttrs(ctx, slog.LevelInfo, "secret changed", slog.String("ref", v.ref.String()))
	}
	if v.st.Failures > 0 {
		m.log().LogAttrs(ctx, slog.LevelInfo, "secret refresh recovered",
			slog.String("ref", v.ref.String()), slog.Int("failures", v.st.Failures))
	}
	v.st.Updated = now
	v.st.Failures = 0
	v.st.Err = nil
	return nil
}

// Run refreshes every Interval until ctx ends, then returns ctx.Err().
// Failures are logged and reported as [Manager.Refresh] describes; they do
// not stop the loop.
func (m *Manager) Run(ctx context.Context) error {
	t := time.NewTicker(m.interval())
	defer t.Stop()
	return m.run(ctx, t.C)
}

func (m *Manager) run(ctx context.Context, tick <-chan time.Time) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick:
			_ = m.Refresh(ctx) // reported through Status, OnRefresh and the log
		}
	}
}

// Generation counts the value changes refreshes have made: a caller that
// built something from the values rebuilds it when Generation differs
// from what it was then. Adding a reference does not count.
func (m *Manager) Generation() uint64 { return m.gen.Load() }

// Status returns the state of every reference, sorted by reference.
func (m *Manager) Status() []Status {
	vs := m.list()
	out := make([]Status, len(vs))
	for i, v := range vs {
		out[i] = v.Status()
	}
	return out
}

// Err returns nil when the last refresh of every reference succeeded, and
// otherwise the failures joined, each naming its reference: what /readyz
// reports. The gateway is still serving with the last good values.
func (m *Manager) Err() error {
	var errs []error
	for _, st := range m.Status() {
		if st.Err != nil {
			errs = append(errs, st.Err)
		}
	}
	return errors.Join(errs...)
}

// StandardSources returns a source for every scheme: env: and VAULT_* read
// through lookup (os.LookupEnv, or the environment overlaid with
// --env-file), file: from disk, aws-sm: through the AWS SDK's standard
// chain, which reads the process environment itself.
func StandardSources(lookup func(string) (string, bool)) map[Scheme]Source {
	return map[Scheme]Source{
		SchemeEnv:   Env{Lookup: lookup},
		SchemeFile:  File{},
		SchemeAWS:   &AWS{},
		SchemeVault: VaultFromEnv(lookup),
	}
}
