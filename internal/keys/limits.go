package keys

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aigate-dev/aigate/internal/budget"
	"github.com/aigate-dev/aigate/internal/gateway"
)

// Limits are a key's rate limits, budget and overrides. A zero field means
// "the configured default"; none may be negative.
type Limits struct {
	RequestsPerMinute int // per end user of the key
	RequestsPerDay    int // per end user of the key
	TokensPerMinute   int // per end user of the key, estimated then settled
	Concurrent        int // requests in flight per end user of the key
	// Budget caps what the key spends per period; zero: no key budget.
	Budget budget.Amount
	// MaxUserMessageChars overrides validation.max_user_message_chars.
	MaxUserMessageChars int
	// ActsForUsers lets the app name its end users (OpenAI user, Anthropic
	// metadata.user_id, X-Aigate-User), each then limited on its own. Off,
	// the end user is always the key's owner, whatever the request says, so
	// a browser cannot change its identity to escape a limit.
	ActsForUsers bool
}

// MaxLimit bounds each numeric limit, so a typo cannot wrap an int.
const MaxLimit = 1 << 30

func (l Limits) validate() error {
	var errs []error
	for _, f := range []struct {
		name string
		v    int
	}{
		{"rpm", l.RequestsPerMinute}, {"rpd", l.RequestsPerDay}, {"tpm", l.TokensPerMinute},
		{"concurrent", l.Concurrent}, {"max_user_message_chars", l.MaxUserMessageChars},
	} {
		if f.v < 0 || f.v > MaxLimit {
			errs = append(errs, fmt.Errorf("%w: %s must be between 0 (the default) and %d", ErrInvalid, f.name, MaxLimit))
		}
	}
	if !l.Budget.IsZero() && (l.Budget.Cap <= 0 || !l.Budget.Period.Valid()) {
		errs = append(errs, fmt.Errorf("%w: budget must be a positive amount per day, week, month or none", ErrInvalid))
	}
	return errors.Join(errs...)
}

// gateway returns l as the principal's view.
func (l Limits) gateway() gateway.Limits {
	return gateway.Limits{
		RequestsPerMinute: l.RequestsPerMinute, RequestsPerDay: l.RequestsPerDay,
		TokensPerMinute: l.TokensPerMinute, Concurrent: l.Concurrent,
		BudgetMicros: int64(l.Budget.Cap), BudgetPeriod: string(l.Budget.Period),
		MaxUserMessageChars: l.MaxUserMessageChars, ActsForUsers: l.ActsForUsers,
	}
}

// EndUser returns who the limits of a request made with vk apply to: the
// user id the app sent (user) when the key acts for users and one was sent,
// qualified by the key ID so one app cannot spend another's users' limits;
// otherwise the key's owner; for a key without an owner, the key itself.
func (vk *VirtualKey) EndUser(user string) string {
	switch {
	case vk.Limits.ActsForUsers && user != "":
		return vk.ID + "/" + user
	case vk.Owner != "":
		return vk.Owner
	default:
		return vk.ID
	}
}

// An Updater stores changed settings of a key. Stores implement it next to
// [Store] (storetest.RunKeyLimits checks it); it is a separate interface so
// that a store can be brought up to date on its own schedule.
type Updater interface {
	// Update stores vk's settings (Name, Owner, Team, Policy, Models,
	// Providers, Metadata, Limits) for the key with vk.ID. The ID, hash,
	// times, states and rotation are not changed. It returns ErrNotFound if
	// there is no such key.
	Update(ctx context.Context, vk *VirtualKey) error
}

// UpdateOptions change a key's settings; nil fields are left as they are.
type UpdateOptions struct {
	Team      *string
	Policy    *string
	Models    *[]string
	Providers *[]string
	// CORSOrigins replace the key's CORS allow-list; an empty list turns
	// CORS off for the key.
	CORSOrigins *[]string

	RequestsPerMinute   *int
	RequestsPerDay      *int
	TokensPerMinute     *int
	Concurrent          *int
	Budget              *budget.Amount
	MaxUserMessageChars *int
	ActsForUsers        *bool
}

// Update changes the settings of key id and returns the key as stored. It
// returns an error wrapping [ErrNotFound] for an unknown key, [ErrInvalid]
// for invalid settings, and [ErrConflict] for a revoked key or a store that
// cannot update keys.
func (s *Service) Update(ctx context.Context, id string, o UpdateOptions) (*VirtualKey, error) {
	up, ok := s.Store.(Updater)
	if !ok {
		return nil, fmt.Errorf("update key %s: %w: this store cannot update keys", id, ErrConflict)
	}
	vk, err := s.Store.ByID(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("update key %s: %w", id, err)
	}
	if vk.Status(s.now()) == StatusRevoked {
		return nil, fmt.Errorf("update key %s: %w: key is revoked", id, ErrConflict)
	}
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	setInt := func(dst *int, v *int) {
		if v != nil {
			*dst = *v
		}
	}
	set(&vk.Team, o.Team)
	set(&vk.Policy, o.Policy)
	if o.Models != nil {
		vk.Models = *o.Models
	}
	if o.Providers != nil {
		vk.Providers = *o.Providers
	}
	if o.CORSOrigins != nil {
		if vk.CORSOrigins, err = CORSOrigins(*o.CORSOrigins); err != nil {
			return nil, fmt.Errorf("update key %s: %w", id, err)
		}
	}
	l := &vk.Limits
	setInt(&l.RequestsPerMinute, o.RequestsPerMinute)
	setInt(&l.RequestsPerDay, o.RequestsPerDay)
	setInt(&l.TokensPerMinute, o.TokensPerMinute)
	setInt(&l.Concurrent, o.Concurrent)
	setInt(&l.MaxUserMessageChars, o.MaxUserMessageChars)
	if o.Budget != nil {
		l.Budget = *o.Budget
	}
	if o.ActsForUsers != nil {
		l.ActsForUsers = *o.ActsForUsers
	}
	check := CreateOptions{Name: vk.Name, Owner: vk.Owner, Team: vk.Team, Policy: vk.Policy,
		Models: vk.Models, Providers: vk.Providers, Metadata: vk.Metadata, Limits: vk.Limits}
	if err := check.validate(time.Time{}); err != nil {
		return nil, fmt.Errorf("update key %s: %w", id, err)
	}
	if err := up.Update(ctx, vk); err != nil {
		return nil, fmt.Errorf("update key %s: %w", id, err)
	}
	return vk, nil
}
