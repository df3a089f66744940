package upstreamsim

import (
	"net/http"
	"strings"
)

// New returns one handler that answers as all three simulated providers,
// routed by path: /v1/messages… is Anthropic, /v1beta/… and /v1/models/X:…
// are Gemini, and everything else is OpenAI. The demo and the gateway's
// end-to-end tests point every configured provider at it.
func New() http.Handler {
	oa, an, ge := OpenAI(), Anthropic(), Gemini()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		switch {
		case strings.HasPrefix(p, "/v1/messages"):
			an.ServeHTTP(w, r)
		case strings.HasPrefix(p, "/v1beta/"), strings.HasPrefix(p, "/v1/models/") && strings.Contains(p, ":"):
			ge.ServeHTTP(w, r)
		default:
			oa.ServeHTTP(w, r)
		}
	})
}
