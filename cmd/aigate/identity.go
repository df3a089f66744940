package main

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/aigate-dev/aigate/internal/config"
	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/jwtauth"
	"github.com/aigate-dev/aigate/internal/keys"
	"github.com/aigate-dev/aigate/internal/tokens"
)

// identityWiring is the gateway's bring-your-own-identity state: the cache
// of the keys identity providers are bound to, which lives as long as the
// process. The Verifiers, with their JWKS caches, belong to the state of
// one configuration: built at load and at each reload, kept across
// requests.
type identityWiring struct {
	// parents caches the principal of each provider's key, by the key as
	// the configuration names it (name or vk_ id), for keys.DefaultCacheTTL:
	// the revocation bound, as for aigate tokens.
	parents *tokens.Parents
	// refs are the key references of the running configuration; a change
	// to any key through this instance forgets them all.
	refs atomic.Pointer[[]string]
	// now is the clock of verifiers and the parent cache; nil means
	// time.Now (tests move it).
	now atomic.Pointer[func() time.Time]
}

func (w *identityWiring) clock() time.Time {
	if f := w.now.Load(); f != nil {
		return (*f)()
	}
	return time.Now()
}

// initIdentity builds the parent cache and has key changes made through
// this instance forget it, so revoking the key ends its JWTs at once here
// and within keys.DefaultCacheTTL elsewhere.
func (a *app) initIdentity() {
	a.idp.parents = &tokens.Parents{Lookup: a.identityParent, TTL: keys.DefaultCacheTTL, Now: a.idp.clock}
	prev := a.keyCache.OnChange
	a.keyCache.OnChange = func(id string) {
		if refs := a.idp.refs.Load(); refs != nil {
			for _, r := range *refs {
				a.idp.parents.Forget(r)
			}
		}
		if prev != nil {
			prev(id)
		}
	}
}

// identityParent is the Lookup of the parent cache: ref is a vk_ id, or
// the name of exactly one live key that was not rotated away (so a key
// rotation carries the provider over to the successor).
func (a *app) identityParent(ctx context.Context, ref string) (*gateway.Principal, error) {
	if keys.ValidID(ref) {
		return a.parentKey(ctx, ref)
	}
	list, err := a.db.List(ctx)
	if err != nil {
		return nil, err
	}
	now := a.idp.clock()
	var live []*keys.VirtualKey
	for _, vk := range list {
		if vk.Name == ref && vk.RotatedTo == "" && vk.Status(now) == keys.StatusActive {
			live = append(live, vk)
		}
	}
	switch len(live) {
	case 0:
		return nil, fmt.Errorf("no live key is named %q: %w", ref, tokens.ErrParentGone)
	case 1:
		return live[0].Principal(), nil
	default:
		// Fail closed: which key's limits would apply is not for aigate to
		// guess.
		return nil, fmt.Errorf("%d live keys are named %q; name the key by its vk_ id: %w", len(live), ref, tokens.ErrParentGone)
	}
}

// identityAuth returns the authentication middleware for rt: next (aigate
// tokens and keys), preceded by JWT authentication when identity providers
// are configured. Each call builds the Verifiers anew, so a reload starts
// from fresh JWKS caches.
func (a *app) identityAuth(rt *config.Runtime, next gateway.Middleware) gateway.Middleware {
	ps := rt.File.IdentityProviders
	refs := make([]string, 0, len(ps))
	for _, p := range ps {
		refs = append(refs, p.Key)
	}
	a.idp.refs.Store(&refs)
	if len(ps) == 0 {
		return next
	}
	providers := make([]*jwtauth.Provider, 0, len(ps))
	for _, p := range ps {
		log := a.log.With("identity_provider", p.Name)
		v, err := jwtauth.New(jwtauth.Config{Issuer: p.Issuer, Audience: p.Audience, JWKSURL: p.JWKSURL,
			PolicyClaim: p.PolicyClaim, Now: a.idp.clock, Logger: log})
		if err != nil {
			// Validation checks what New does; should they drift, the
			// provider's tokens are refused (unknown issuer), never let in.
			log.Error("identity provider left out: its tokens are refused", "error", err)
			continue
		}
		// Fetch the keys now, so a wrong jwks_url shows in the log at start
		// and the first request does not wait; a failure is logged by v and
		// retried on use.
		go func() { _ = v.Fetch(context.Background()) }()
		ref := p.Key
		providers = append(providers, &jwtauth.Provider{Name: p.Name, Verifier: v, Issuer: p.Issuer, Policies: p.Policies,
			Parent: func(ctx context.Context) (*gateway.Principal, error) {
				pr, err := a.idp.parents.Principal(ctx, ref)
				if err != nil {
					if errors.Is(err, tokens.ErrParentGone) {
						return nil, fmt.Errorf("%w: %w", jwtauth.ErrParentGone, err)
					}
					return nil, err
				}
				return pr, nil
			}})
	}
	auth, err := jwtauth.NewAuthenticator(providers)
	if err != nil {
		a.log.Error("identity providers left out: their tokens are refused", "error", err)
		return next
	}
	return auth.Middleware(next)
}
