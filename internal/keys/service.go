package keys

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/aigate-dev/aigate/internal/gateway"
)

// ErrInvalid reports options that [Service] refuses. Errors wrapping it name
// the field at fault.
var ErrInvalid = errors.New("invalid key options")

// Limits on what a key may carry, so that a typo or a script gone wrong
// cannot fill the store or the logs.
const (
	MaxNameLength     = 128 // Name, Owner, Team, Policy and each model or provider
	MaxListLength     = 100 // entries in Models or Providers
	MaxMetadata       = 32  // entries in Metadata
	MaxMetadataKey    = 64
	MaxMetadataValue  = 512
	MaxReasonLength   = 512
	MaxGrace          = 30 * 24 * time.Hour // longest an old key may outlive its rotation
	defaultRevokeNote = "revoked by an operator"
)

// Service issues, rotates and revokes keys on top of a [Store].
type Service struct {
	Store Store
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// CreateOptions describe a new key. Only Name is required.
type CreateOptions struct {
	Name      string
	Owner     string
	Team      string
	Policy    string
	Models    []string // allowed model patterns; empty allows all
	Providers []string // allowed provider names; empty allows all
	Metadata  map[string]string
	Limits    Limits // rate limits, budget and overrides; zero fields use the defaults
	// CORSOrigins are the browser origins (https://app.example) whose pages
	// may call with the key or its tokens; empty: none. See CORS.
	CORSOrigins []string

	// Expires is when the key stops working. Set at most one of Expires and
	// TTL; with neither, the key does not expire.
	Expires time.Time
	// TTL is how long from now the key works.
	TTL time.Duration
}

// now returns the current time in UTC, to the microsecond: the precision
// stores keep, so a key returned by Create equals the key read back.
func (s *Service) now() time.Time {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	return now().UTC().Truncate(time.Microsecond)
}

// Create issues a key. The returned secret is the key itself: show it to
// its owner once, it cannot be recovered. Invalid options return an error
// wrapping [ErrInvalid]; store errors are returned wrapped.
func (s *Service) Create(ctx context.Context, opts CreateOptions) (gateway.Secret, *VirtualKey, error) {
	now := s.now()
	if err := opts.validate(now); err != nil {
		return gateway.Secret{}, nil, err
	}
	origins, err := CORSOrigins(opts.CORSOrigins)
	if err != nil {
		return gateway.Secret{}, nil, err
	}
	vk := &VirtualKey{
		Name:      opts.Name,
		Owner:     opts.Owner,
		Team:      opts.Team,
		Policy:    opts.Policy,
		Models:    slices.Clone(opts.Models),
		Providers: slices.Clone(opts.Providers),
		Metadata:  maps.Clone(opts.Metadata),
		Limits:    opts.Limits,
		Created:   now,
		Expires:   opts.Expires,

		CORSOrigins: origins,
	}
	if opts.TTL > 0 {
		vk.Expires = now.Add(opts.TTL)
	}
	secret, err := issue(vk)
	if err != nil {
		return gateway.Secret{}, nil, err
	}
	if err := s.Store.Create(ctx, vk); err != nil {
		return gateway.Secret{}, nil, fmt.Errorf("create key: %w", err)
	}
	return secret, vk, nil
}

// issue gives vk a fresh ID and key, and returns the key.
func issue(vk *VirtualKey) (gateway.Secret, error) {
	id, err := NewID()
	if err != nil {
		return gateway.Secret{}, err
	}
	secret, err := Generate()
	if err != nil {
		return gateway.Secret{}, err
	}
	vk.ID = id
	vk.Hash = Hash(secret)
	return secret, nil
}

// Rotate issues a successor to key id with the same settings and returns
// it with its secret. The old key keeps working for grace (zero ends it at
// once), or until its own expiry if that comes first. If the old key had an
// expiry, the successor gets the same lifetime, counted from now.
//
// Rotate returns an error wrapping [ErrNotFound] for an unknown key,
// [ErrConflict] if the key is revoked, expired or already rotated, and
// [ErrInvalid] for a grace outside 0..[MaxGrace].
func (s *Service) Rotate(ctx context.Context, id string, grace time.Duration) (gateway.Secret, *VirtualKey, error) {
	if grace < 0 || grace > MaxGrace {
		return gateway.Secret{}, nil, fmt.Errorf("rotate key %s: %w: grace must be between 0 and %v", id, ErrInvalid, MaxGrace)
	}
	old, err := s.Store.ByID(ctx, id)
	if err != nil {
		return gateway.Secret{}, nil, fmt.Errorf("rotate key %s: %w", id, err)
	}
	now := s.now()
	if st := old.Status(now); st != StatusActive {
		return gateway.Secret{}, nil, fmt.Errorf("rotate key %s: %w: key is %s", id, ErrConflict, st)
	}
	if old.RotatedTo != "" {
		return gateway.Secret{}, nil, fmt.Errorf("rotate key %s: %w: already rotated to %s", id, ErrConflict, old.RotatedTo)
	}
	next := old.Clone()
	next.Created = now
	next.Expires = time.Time{}
	if !old.Expires.IsZero() {
		next.Expires = now.Add(old.Expires.Sub(old.Created))
	}
	next.Revoked, next.RevokeReason = time.Time{}, ""
	next.Exposed, next.ExposedReason = time.Time{}, ""
	next.RotatedTo = ""
	secret, err := issue(next)
	if err != nil {
		return gateway.Secret{}, nil, err
	}
	oldExpires := now.Add(grace)
	if !old.Expires.IsZero() && old.Expires.Before(oldExpires) {
		oldExpires = old.Expires
	}
	if err := s.Store.Rotate(ctx, id, next, oldExpires); err != nil {
		return gateway.Secret{}, nil, fmt.Errorf("rotate key %s: %w", id, err)
	}
	return secret, next, nil
}

// Revoke ends key id at once. An empty reason records that an operator
// revoked it. Revoking a revoked key keeps the first revocation. It returns
// an error wrapping [ErrNotFound] for an unknown key.
func (s *Service) Revoke(ctx context.Context, id, reason string) error {
	if reason == "" {
		reason = defaultRevokeNote
	}
	if err := checkText("reason", reason, MaxReasonLength); err != nil {
		return fmt.Errorf("revoke key %s: %w", id, err)
	}
	if err := s.Store.Revoke(ctx, id, reason, s.now()); err != nil {
		return fmt.Errorf("revoke key %s: %w", id, err)
	}
	return nil
}

// validate reports every problem with o, each wrapping ErrInvalid.
func (o *CreateOptions) validate(now time.Time) error {
	var errs []error
	if o.Name == "" {
		errs = append(errs, fmt.Errorf("%w: name is required", ErrInvalid))
	}
	for _, f := range []struct{ name, v string }{
		{"name", o.Name}, {"owner", o.Owner}, {"team", o.Team}, {"policy", o.Policy},
	} {
		errs = append(errs, checkText(f.name, f.v, MaxNameLength))
	}
	errs = append(errs, checkList("models", o.Models), checkList("providers", o.Providers))
	if len(o.Metadata) > MaxMetadata {
		errs = append(errs, fmt.Errorf("%w: metadata: more than %d entries", ErrInvalid, MaxMetadata))
	}
	for _, k := range slices.Sorted(maps.Keys(o.Metadata)) {
		if k == "" {
			errs = append(errs, fmt.Errorf("%w: metadata: empty key", ErrInvalid))
		}
		if err := checkText("metadata key", k, MaxMetadataKey); err != nil {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, checkText(fmt.Sprintf("metadata[%q]", k), o.Metadata[k], MaxMetadataValue))
	}
	errs = append(errs, o.Limits.validate())
	switch {
	case o.TTL < 0:
		errs = append(errs, fmt.Errorf("%w: ttl must not be negative", ErrInvalid))
	case o.TTL > 0 && !o.Expires.IsZero():
		errs = append(errs, fmt.Errorf("%w: set expires or ttl, not both", ErrInvalid))
	case !o.Expires.IsZero() && !o.Expires.After(now):
		errs = append(errs, fmt.Errorf("%w: expires must be in the future", ErrInvalid))
	}
	return errors.Join(errs...)
}

func checkList(field string, list []string) error {
	if len(list) > MaxListLength {
		return fmt.Errorf("%w: %s: more than %d entries", ErrInvalid, field, MaxListLength)
	}
	var errs []error
	for i, v := range list {
		if v == "" {
			errs = append(errs, fmt.Errorf("%w: %s[%d]: empty", ErrInvalid, field, i))
		}
		errs = append(errs, checkText(fmt.Sprintf("%s[%d]", field, i), v, MaxNameLength))
	}
	return errors.Join(errs...)
}

// checkText rejects text that is too long, not UTF-8 or holds control
// characters (which could forge log lines or terminal output).
func checkText(field, v string, limit int) error {
	switch {
	case len(v) > limit:
		return fmt.Errorf("%w: %s: longer than %d bytes", ErrInvalid, field, limit)
	case !utf8.ValidString(v):
		return fmt.Errorf("%w: %s: not valid UTF-8", ErrInvalid, field)
	case strings.ContainsFunc(v, unicode.IsControl):
		return fmt.Errorf("%w: %s: contains control characters", ErrInvalid, field)
	}
	return nil
}
