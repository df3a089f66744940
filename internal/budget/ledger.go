package budget

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ScopeKind is what a budget belongs to.
type ScopeKind string

// The scopes budgets and usage are kept for.
const (
	ScopeKey  ScopeKind = "key"
	ScopeUser ScopeKind = "user"
	ScopeTeam ScopeKind = "team"
)

// Budget is one cap in force for a request: a scope, its cap and period,
// and a name for messages ("key 'web-app'"). Name is not stored.
type Budget struct {
	Kind   ScopeKind
	ID     string // key ID, end-user id or team name
	Name   string // shown in refusals; defaults to ID
	Amount Amount
}

// Label returns how a refusal names b: "key 'web-app'".
func (b Budget) Label() string {
	n := b.Name
	if n == "" {
		n = b.ID
	}
	return fmt.Sprintf("%s '%s'", b.Kind, n)
}

// Hold is a reservation made by [Ledger.Reserve]. It is a value the caller
// passes back to Commit or Release exactly once; the zero Hold (no budgets)
// may be committed and released freely.
type Hold struct {
	ID      string
	Amount  Micros
	Budgets []Budget
	At      time.Time // when it was taken; decides the period it counts in
}

// ErrExceeded is wrapped by the *[ExceededError] that Reserve returns when
// a budget cannot cover the reservation.
var ErrExceeded = errors.New("budget exceeded")

// ErrUnknownHold is returned by Commit and Release for a hold that the
// ledger does not hold (already settled, or never taken).
var ErrUnknownHold = errors.New("unknown budget hold")

// ExceededError says which budget refused a reservation and until when.
type ExceededError struct {
	Budget Budget
	Spent  Micros    // committed in the current period
	Held   Micros    // reserved by requests in flight
	Until  time.Time // end of the period; zero for PeriodNone
}

// Error implements error.
func (e *ExceededError) Error() string {
	return fmt.Sprintf("budget of %s for %s cannot cover the request (spent %s, held %s)",
		e.Budget.Amount.Cap, e.Budget.Label(), e.Spent, e.Held)
}

// Unwrap returns ErrExceeded.
func (e *ExceededError) Unwrap() error { return ErrExceeded }

// A Ledger keeps spend against budgets. It is implemented by the database
// stores and checked by storetest.RunLedger.
//
// A Ledger is safe for concurrent use, by several gateway instances sharing
// a database too. Spend is counted per budget scope (Kind, ID) and per
// period window (the [Period.Window] containing Hold.At), so a budget whose
// cap changes keeps what was spent. Any error other than those documented
// means the ledger could not answer and must be treated as a refusal.
type Ledger interface {
	// Reserve holds amount against every budget in budgets, atomically:
	// either each of them has spent + held + amount ≤ cap in its current
	// period and all are held, or none is. It returns an error wrapping
	// *ExceededError (and ErrExceeded) naming the first budget that cannot
	// cover amount. With no budgets it returns a zero-ID Hold and nil.
	// amount must not be negative.
	Reserve(ctx context.Context, budgets []Budget, amount Micros, now time.Time) (Hold, error)

	// Commit settles h: its reservation is released and actual is added to
	// the spend of each of its budgets, in the period the hold was taken in.
	// actual may exceed h.Amount (the estimate was short). It returns
	// ErrUnknownHold if h was already settled.
	Commit(ctx context.Context, h Hold, actual Micros) error

	// Release drops h's reservation without spending anything. It returns
	// ErrUnknownHold if h was already settled.
	Release(ctx context.Context, h Hold) error

	// Spent returns what b's scope has spent and holds in the period
	// containing now.
	Spent(ctx context.Context, b Budget, now time.Time) (spent, held Micros, err error)

	// MarkAlert records that the alert at threshold (a fraction of the cap,
	// such as 0.8) fired for b in the period containing now. It returns true
	// the first time only, so an alert fires once per period per budget
	// across all instances.
	MarkAlert(ctx context.Context, b Budget, threshold float64, now time.Time) (first bool, err error)
}

// Record is one request in the usage ledger: metadata only, never content.
type Record struct {
	Time         time.Time
	RequestID    string
	KeyID        string
	User         string
	Team         string
	Provider     string
	Model        string
	InputTokens  int64
	OutputTokens int64
	CachedTokens int64
	Cost         Micros
	Status       int // HTTP status returned to the client
}

// Settlement is a request's end: its hold committed at Cost (or released
// when Release is set) and its Record written.
type Settlement struct {
	Hold    Hold
	Release bool
	Record  Record
	// Direct says Hold was kept outside the store (by [Local]) and is
	// settled there already: the store looks for no hold row and adds
	// Record.Cost to the spend of each of Hold.Budgets, in the period of
	// Hold.At. Release is then false (a released hold spends nothing).
	Direct bool
	// NoRecord writes the spend of a Direct settlement without a usage
	// record ([Local.Commit], which has no request to record).
	NoRecord bool
}

// GroupBy is a dimension usage is summed over.
type GroupBy string

// The dimensions of [UsageQuery].
const (
	ByKey   GroupBy = "key"
	ByUser  GroupBy = "user"
	ByTeam  GroupBy = "team"
	ByModel GroupBy = "model"
	ByDay   GroupBy = "day"
)

// Valid reports whether g is a known dimension.
func (g GroupBy) Valid() bool {
	switch g {
	case ByKey, ByUser, ByTeam, ByModel, ByDay:
		return true
	}
	return false
}

// UsageQuery selects and groups usage records. Zero times are open ends.
type UsageQuery struct {
	By    GroupBy
	Since time.Time // inclusive
	Until time.Time // exclusive
}

// UsageRow is the sum of the records of one group.
type UsageRow struct {
	Group        string `json:"group"` // key id, user, team, model, or day (2006-01-02, UTC)
	Requests     int64  `json:"requests"`
	InputTokens  int64  `json:"input_tokens"`
	OutputTokens int64  `json:"output_tokens"`
	CachedTokens int64  `json:"cached_tokens"`
	Cost         Micros `json:"cost_micros"`
}

// A UsageLog stores the usage ledger. Implementations are safe for
// concurrent use.
type UsageLog interface {
	// Settle applies each settlement in one transaction: each non-zero
	// hold is committed at its Record.Cost (or released), and each Record
	// is written. A hold already settled is skipped, not an error, so a
	// retried batch does not double-count; its Record is still written
	// once. A Direct settlement adds its cost to its budgets' spend with
	// no hold to look up (see [Settlement]), and NoRecord skips the
	// record. Records are durable when Settle returns nil.
	Settle(ctx context.Context, ss []Settlement) error

	// Usage sums the records q selects, grouped by q.By, ordered by cost
	// (highest first) and then group.
	Usage(ctx context.Context, q UsageQuery) ([]UsageRow, error)
}
