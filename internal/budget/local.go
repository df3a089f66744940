package budget

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"
)

// Store is a database that keeps budgets and the usage ledger: what
// [Local] wraps.
type Store interface {
	Ledger
	UsageLog
}

// Local is a [Ledger] and [UsageLog] that keeps reservations in this
// process's memory, over a Store that keeps spend and the usage ledger.
// It is for a database that one gateway process uses alone (the embedded
// SQLite store): a reservation then costs a map update under a mutex
// instead of a write transaction, and stays exact, because every
// reservation of every budget is checked and taken here, under one lock.
//
// How it keeps the books:
//
//   - The spend of a budget scope in a period is read from Store once, the
//     first time a request needs it, and kept; holds are never written to
//     Store. A process that stops takes its holds with it, which is what
//     releasing the holds left by a previous run at start-up did anyway.
//   - A request's end settles its hold here at once (through
//     [Budgets.Middleware]), so the next reservation sees the actual cost,
//     and the settlement writer persists the spend with the usage record
//     behind it, in batches ([Settlement.Direct]). A scope stays in memory
//     while any of its spend is unwritten, so it is never reloaded stale.
//   - A graceful stop drains the writer ([Budgets.Close]), so everything
//     settled is in Store; a crash loses at most the settlements queued and
//     the requests in flight.
//
// Two processes sharing one database through Local would each allow the
// whole cap: run one gateway per SQLite file, and PostgreSQL (whose ledger
// locks rows across instances) for many.
//
// The zero Local is not usable; use [NewLocal].
type Local struct {
	store Store

	mu     sync.Mutex
	scopes map[scopeKey]*scopeState
	holds  map[string]Hold
	alerts map[alertKey]bool // alerts known to have fired
	ops    int               // reservations since the last sweep
}

// scopeKey is one budget's counter: its scope and period window.
type scopeKey struct {
	kind  ScopeKind
	id    string
	start int64 // window start, Unix µs
}

type scopeState struct {
	spent   Micros // committed, in memory (written or not)
	held    Micros
	holds   int       // holds open against it
	pending int       // settlements applied here and not yet written to the store
	used    time.Time // last reservation
}

type alertKey struct {
	scope scopeKey
	th    float64
}

// idleScope is how long a scope with nothing held or pending stays in
// memory after its last reservation.
const idleScope = 10 * time.Minute

// NewLocal returns a Local over store.
func NewLocal(store Store) *Local {
	return &Local{store: store, scopes: map[scopeKey]*scopeState{}, holds: map[string]Hold{}, alerts: map[alertKey]bool{}}
}

func keyOf(b Budget, at time.Time) scopeKey {
	start, _ := b.Amount.Period.Window(at)
	return scopeKey{b.Kind, b.ID, start.UnixMicro()}
}

// Reserve implements [Ledger]. It reads Store only for a scope it has not
// seen in the current period; errors of that read are returned wrapped.
func (l *Local) Reserve(ctx context.Context, budgets []Budget, amount Micros, now time.Time) (Hold, error) {
	if len(budgets) == 0 {
		return Hold{}, nil
	}
	if amount < 0 {
		return Hold{}, fmt.Errorf("local ledger: reserve: negative amount %d", amount)
	}
	h := Hold{ID: newHoldID(), Amount: amount, Budgets: budgets, At: now.UTC()}
	states := make([]*scopeState, len(budgets))
	for attempt := 0; ; attempt++ {
		if err := l.load(ctx, budgets, now); err != nil {
			return Hold{}, err
		}
		l.mu.Lock()
		missing := false
		for i, b := range budgets {
			states[i] = l.scopes[keyOf(b, now)]
			missing = missing || states[i] == nil
		}
		if !missing {
			break
		}
		// An idle scope was swept between load and here: load it again.
		l.mu.Unlock()
		if attempt == 3 {
			return Hold{}, fmt.Errorf("local ledger: reserve: budget scopes keep being unloaded")
		}
	}
	defer l.mu.Unlock()
	for i, b := range budgets {
		st := states[i]
		if st.spent+st.held+amount > b.Amount.Cap {
			_, end := b.Amount.Period.Window(now)
			return Hold{}, &ExceededError{Budget: b, Spent: st.spent, Held: st.held, Until: end}
		}
	}
	for _, st := range states {
		st.held += amount
		st.holds++
		st.used = now
	}
	l.holds[h.ID] = h
	if l.ops++; l.ops >= 1024 {
		l.ops = 0
		l.sweepLocked(now)
	}
	return h, nil
}

// load makes sure every scope of budgets in now's period is in memory,
// reading the spend of those that are not from the store.
func (l *Local) load(ctx context.Context, budgets []Budget, now time.Time) error {
	for _, b := range budgets {
		k := keyOf(b, now)
		l.mu.Lock()
		_, ok := l.scopes[k]
		l.mu.Unlock()
		if ok {
			continue
		}
		// Nothing of this scope is in memory, so nothing of it is
		// unwritten: the store's spend is the whole of it. Holds in the
		// store are a previous process's (or another's, which Local
		// does not support) and are not counted.
		spent, _, err := l.store.Spent(ctx, b, now)
		if err != nil {
			return fmt.Errorf("local ledger: load %s: %w", b.Label(), err)
		}
		l.mu.Lock()
		if _, ok := l.scopes[k]; !ok {
			l.scopes[k] = &scopeState{spent: spent, used: now}
		}
		l.mu.Unlock()
	}
	return nil
}

// sweepLocked drops scopes with nothing held or unwritten that have not
// reserved for idleScope: their spend is all in the store, and a later
// reservation reads it back. l.mu must be held.
func (l *Local) sweepLocked(now time.Time) {
	for k, st := range l.scopes {
		if st.holds == 0 && st.pending == 0 && now.Sub(st.used) > idleScope {
			delete(l.scopes, k)
		}
	}
}

// applyLocked settles h in memory: its holds are dropped and, unless
// release, actual is added to the spend of its scopes, which then count a
// pending write. It reports false if h is not held here. l.mu must be held.
func (l *Local) applyLocked(h Hold, actual Micros, release bool) bool {
	if _, ok := l.holds[h.ID]; !ok {
		return false
	}
	delete(l.holds, h.ID)
	for _, b := range h.Budgets {
		st := l.scopes[keyOf(b, h.At)] // pinned by the hold
		st.held -= h.Amount
		st.holds--
		if !release {
			st.spent += actual
			st.pending++
		}
	}
	return true
}

// undoLocked reverses applyLocked after the store refused the write.
func (l *Local) undoLocked(h Hold, actual Micros, release bool) {
	l.holds[h.ID] = h
	for _, b := range h.Budgets {
		st := l.scopes[keyOf(b, h.At)]
		st.held += h.Amount
		st.holds++
		if !release {
			st.spent -= actual
			st.pending--
		}
	}
}

// writtenLocked records that the spend of a direct settlement of h is in
// the store.
func (l *Local) writtenLocked(h Hold) {
	for _, b := range h.Budgets {
		if st := l.scopes[keyOf(b, h.At)]; st != nil && st.pending > 0 {
			st.pending--
		}
	}
}

// settleNow settles s's hold in memory at once, when its request ends, and
// returns s as the writer must persist it: Direct when the hold was held
// here (its spend still to write), without a hold when it was not.
func (l *Local) settleNow(s Settlement) Settlement {
	if s.Hold.ID == "" || s.Direct {
		return s
	}
	l.mu.Lock()
	ok := l.applyLocked(s.Hold, s.Record.Cost, s.Release)
	l.mu.Unlock()
	if ok && !s.Release {
		s.Direct = true
	} else {
		s.Hold = Hold{} // released, or settled already: the record alone
	}
	return s
}

// Commit implements [Ledger]: the spend is applied in memory and written to
// the store before Commit returns. On a store error nothing is settled.
func (l *Local) Commit(ctx context.Context, h Hold, actual Micros) error {
	return l.settleOne(ctx, h, actual, false)
}

// Release implements [Ledger]. It does not touch the store.
func (l *Local) Release(ctx context.Context, h Hold) error {
	return l.settleOne(ctx, h, 0, true)
}

func (l *Local) settleOne(ctx context.Context, h Hold, actual Micros, release bool) error {
	if h.ID == "" {
		return nil
	}
	l.mu.Lock()
	ok := l.applyLocked(h, actual, release)
	l.mu.Unlock()
	if !ok {
		return fmt.Errorf("local ledger: settle %s: %w", h.ID, ErrUnknownHold)
	}
	if release {
		return nil
	}
	err := l.store.Settle(ctx, []Settlement{{Hold: h, Direct: true, Record: Record{Cost: actual}, NoRecord: true}})
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		l.undoLocked(h, actual, release)
		return fmt.Errorf("local ledger: commit %s: %w", h.ID, err)
	}
	l.writtenLocked(h)
	return nil
}

// Settle implements [UsageLog]. Settlements [Budgets] queued were settled
// in memory already and are only written; any other hold held here is
// settled in memory and written in the same call (undone if the store
// fails), and a hold not held here writes its record alone.
func (l *Local) Settle(ctx context.Context, ss []Settlement) error {
	out := make([]Settlement, len(ss))
	var applied []int // indexes settled in memory by this call
	l.mu.Lock()
	for i, s := range ss {
		if s.Hold.ID != "" && !s.Direct {
			if l.applyLocked(s.Hold, s.Record.Cost, s.Release) {
				applied = append(applied, i)
				s.Direct = !s.Release
			}
			if !s.Direct {
				s.Hold = Hold{}
			}
		}
		out[i] = s
	}
	l.mu.Unlock()
	err := l.store.Settle(ctx, out)
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		for _, i := range applied {
			l.undoLocked(ss[i].Hold, ss[i].Record.Cost, ss[i].Release)
		}
		return err
	}
	for _, s := range out {
		if s.Direct {
			l.writtenLocked(s.Hold)
		}
	}
	return nil
}

// Spent implements [Ledger]: from memory when the scope is loaded.
func (l *Local) Spent(ctx context.Context, b Budget, now time.Time) (spent, held Micros, err error) {
	l.mu.Lock()
	st := l.scopes[keyOf(b, now)]
	if st != nil {
		spent, held = st.spent, st.held
	}
	l.mu.Unlock()
	if st != nil {
		return spent, held, nil
	}
	spent, _, err = l.store.Spent(ctx, b, now)
	return spent, 0, err
}

// MarkAlert implements [Ledger]. An alert known to have fired is answered
// from memory; the first time, the store decides.
func (l *Local) MarkAlert(ctx context.Context, b Budget, threshold float64, now time.Time) (bool, error) {
	k := alertKey{keyOf(b, now), threshold}
	l.mu.Lock()
	fired := l.alerts[k]
	l.mu.Unlock()
	if fired {
		return false, nil
	}
	first, err := l.store.MarkAlert(ctx, b, threshold, now)
	if err != nil {
		return false, err
	}
	l.mu.Lock()
	if len(l.alerts) > 100_000 {
		clear(l.alerts) // bounded; the store still answers once per period
	}
	l.alerts[k] = true
	l.mu.Unlock()
	return first, nil
}

// Usage implements [UsageLog] from the store. Settlements still queued are
// not in it; [Budgets.Flush] first for an exact answer.
func (l *Local) Usage(ctx context.Context, q UsageQuery) ([]UsageRow, error) {
	return l.store.Usage(ctx, q)
}

func newHoldID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "hold_" + hex.EncodeToString(b[:])
}

var (
	_ Ledger   = (*Local)(nil)
	_ UsageLog = (*Local)(nil)
)
