package main

import (
	"context"
	"sync"
	"time"

	"github.com/aigate-dev/aigate/internal/cors"
	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/keys"
	"github.com/aigate-dev/aigate/internal/proxy"
)

// corsUnion is the CORS policy preflights are answered with: the union of
// the allow-lists of every live key. A preflight carries no credential, so
// it cannot be decided per key; a positive answer grants nothing but the
// right to send the real request, which is authenticated and checked
// against its own key's list. The union is read from the store at most
// once per keys.DefaultCacheTTL, and at once after a change made through
// this instance.
type corsUnion struct {
	db  keys.Store
	mu  sync.Mutex
	p   *cors.Policy
	at  time.Time // zero: read it afresh
	log func(err error)
}

func (u *corsUnion) policy() *cors.Policy {
	u.mu.Lock()
	defer u.mu.Unlock()
	if !u.at.IsZero() && time.Since(u.at) < keys.DefaultCacheTTL {
		return u.p
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	vks, err := u.db.List(ctx)
	if err != nil {
		// Keep the last answer: a stale union only delays a preflight
		// change, and grants nothing.
		if u.log != nil {
			u.log(err)
		}
		return u.p
	}
	now := time.Now()
	var ps []*cors.Policy
	for _, vk := range vks {
		if len(vk.CORSOrigins) > 0 && vk.Status(now) == keys.StatusActive {
			ps = append(ps, proxy.KeyCORS(&gateway.Principal{CORSOrigins: vk.CORSOrigins}))
		}
	}
	u.p, u.at = cors.Union(ps...), now
	return u.p
}

// forget makes the next preflight read the union afresh.
func (u *corsUnion) forget() {
	u.mu.Lock()
	u.at = time.Time{}
	u.mu.Unlock()
}

// withCORSCheck runs auth and then refuses a browser request from an origin
// the authenticated key does not allow, before limits are counted and
// before anything goes upstream.
func withCORSCheck(auth gateway.Middleware) gateway.Middleware {
	check := gateway.Guards(gateway.GuardFunc(proxy.CheckCORS))
	return func(next gateway.Handler) gateway.Handler { return auth(check(next)) }
}
