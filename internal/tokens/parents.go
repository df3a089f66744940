package tokens

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/aigate-dev/aigate/internal/gateway"
)

// ErrParentGone is what a [Parents.Lookup] returns, wrapped, for a key that
// is revoked, expired or unknown: its tokens are refused.
var ErrParentGone = errors.New("parent key revoked, expired or unknown")

// Parents caches what the gateway knows of parent keys — live with this
// principal, or gone — so that tokens are checked without a database round
// trip per request. An answer is reused for TTL, which is therefore the
// revocation bound: revoking a key ends its tokens within TTL on every
// instance, and at once on the instance that calls [Parents.Forget].
//
// Parents implements [Revocations]. Lookup is required. It is safe for
// concurrent use.
type Parents struct {
	// Lookup returns the principal of the live key id, an error wrapping
	// ErrParentGone if it is revoked, expired or unknown, or another error
	// if the store could not answer, which refuses the token (fail closed)
	// and is not cached.
	Lookup func(ctx context.Context, id string) (*gateway.Principal, error)
	// TTL is how long an answer is reused; zero means 5 seconds.
	TTL time.Duration
	// Now returns the current time; nil means time.Now.
	Now func() time.Time

	mu sync.RWMutex // protects m
	m  map[string]parentEntry
}

type parentEntry struct {
	p    *gateway.Principal // nil: gone
	seen time.Time
}

// maxParents bounds the cache; past it, expired answers are dropped, and all
// of them if that is not enough.
const maxParents = 1 << 16

func (ps *Parents) now() time.Time {
	if ps.Now != nil {
		return ps.Now()
	}
	return time.Now()
}

func (ps *Parents) ttl() time.Duration {
	if ps.TTL > 0 {
		return ps.TTL
	}
	return 5 * time.Second
}

// Principal returns a copy of the principal of the live parent key id, or
// an error wrapping ErrParentGone, or the Lookup error.
func (ps *Parents) Principal(ctx context.Context, id string) (*gateway.Principal, error) {
	now := ps.now()
	ps.mu.RLock()
	e, ok := ps.m[id]
	ps.mu.RUnlock()
	if !ok || now.Sub(e.seen) >= ps.ttl() {
		p, err := ps.Lookup(ctx, id)
		switch {
		case errors.Is(err, ErrParentGone):
			e = parentEntry{seen: now}
		case err != nil:
			return nil, err
		case p == nil:
			return nil, fmt.Errorf("tokens: lookup of parent key %s returned no principal", id)
		default:
			e = parentEntry{p: p, seen: now}
		}
		ps.store(id, e, now)
	}
	if e.p == nil {
		return nil, fmt.Errorf("key %s: %w", id, ErrParentGone)
	}
	c := *e.p
	c.Models = slices.Clone(e.p.Models)
	c.Providers = slices.Clone(e.p.Providers)
	return &c, nil
}

func (ps *Parents) store(id string, e parentEntry, now time.Time) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.m == nil {
		ps.m = map[string]parentEntry{}
	}
	if len(ps.m) >= maxParents {
		for k, old := range ps.m {
			if now.Sub(old.seen) >= ps.ttl() {
				delete(ps.m, k)
			}
		}
		if len(ps.m) >= maxParents {
			clear(ps.m)
		}
	}
	ps.m[id] = e
}

// Revoked reports whether the parent key id is gone; see [Revocations].
func (ps *Parents) Revoked(ctx context.Context, id string) (bool, error) {
	_, err := ps.Principal(ctx, id)
	switch {
	case errors.Is(err, ErrParentGone):
		return true, nil
	case err != nil:
		return false, err
	}
	return false, nil
}

// Forget drops what is cached about id, so the next token of that key is
// checked against the store: call it when this instance revokes or changes
// the key.
func (ps *Parents) Forget(id string) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	delete(ps.m, id)
}

var _ Revocations = (*Parents)(nil)
