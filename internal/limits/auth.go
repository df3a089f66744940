package limits

import (
	"context"
	"net/http"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/ratelimit"
)

// FailedAuth limits failed authentications per client IP, so a key cannot
// be guessed by brute force. Limiter is required (ratelimit.Window counts
// exactly); PerMinute zero turns the limit off.
type FailedAuth struct {
	Limiter   ratelimit.Limiter
	PerMinute int
}

// Wrap returns auth wrapped so that a client IP with PerMinute failures in
// the last minute is refused with 429 before its credential is looked at,
// and each failure of auth ([gateway.CodeUnauthenticated] with no principal
// set) counts against the IP.
func (f *FailedAuth) Wrap(auth gateway.Middleware) gateway.Middleware {
	if f.PerMinute <= 0 {
		return auth
	}
	lim := ratelimit.PerMinute(f.PerMinute)
	return func(next gateway.Handler) gateway.Handler {
		inner := auth(next)
		return gateway.HandlerFunc(func(ctx context.Context, req *gateway.Request) (*gateway.Response, error) {
			key := "authfail:" + req.ClientIP
			r, err := f.Limiter.AllowN(ctx, key, lim, 0)
			if err != nil {
				return nil, unavailable(err)
			}
			if r.Remaining == 0 {
				// Spend one to learn exactly when the IP may retry; a
				// refusal records nothing.
				if r, err = f.Limiter.AllowN(ctx, key, lim, 1); err != nil {
					return nil, unavailable(err)
				}
				if !r.Allowed {
					return nil, &gateway.Error{Code: gateway.CodeRateLimited,
						Header:  http.Header{"Retry-After": {retryAfter(r.RetryAfter)}},
						Message: "too many failed authentications from this address; retry in " + retryAfter(r.RetryAfter) + "s with a valid aigate key"}
				}
			}
			resp, err := inner.Serve(ctx, req)
			if err != nil && req.Principal == nil && gateway.ErrorCode(err) == gateway.CodeUnauthenticated {
				if _, lerr := f.Limiter.AllowN(ctx, key, lim, 1); lerr != nil {
					return nil, unavailable(lerr)
				}
			}
			return resp, err
		})
	}
}
