package proxy

import (
	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider"
)

// Router picks the upstream for a request from its dialect and model.
type Router struct {
	upstreams []*provider.Upstream
}

// NewRouter returns a router over us, tried in order.
func NewRouter(us []*provider.Upstream) *Router { return &Router{upstreams: us} }

// Route returns the first upstream of the request's dialect whose model
// patterns match model; an upstream without patterns takes every model of
// its dialect. It refuses with CodeInvalid when none does.
func (r *Router) Route(d gateway.Dialect, model string) (*provider.Upstream, error) {
	for _, u := range r.upstreams {
		if u.Type.Dialect() != d {
			continue
		}
		if len(u.Models) == 0 || model == "" {
			return u, nil
		}
		for _, pat := range u.Models {
			if gateway.MatchModel(pat, model) {
				return u, nil
			}
		}
	}
	if model == "" {
		return nil, gateway.Errorf(gateway.CodeInvalid, "no %s provider is configured on this gateway", d)
	}
	return nil, gateway.Errorf(gateway.CodeInvalid, "model %q is not served by any provider configured on this gateway; check the model name", model)
}
