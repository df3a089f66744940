package provider

import (
	"net/http"

	"github.com/aigate-dev/aigate/internal/gateway"
)

// credentialHeaders are every header an upstream may read a key from.
var credentialHeaders = []string{"Authorization", "Api-Key", "X-Api-Key", "X-Goog-Api-Key"}

// SetCredential removes every credential header from h, then sets key in
// the header auth names; an empty auth uses def. A zero key or AuthNone
// leaves no credential at all. Adapters call it from Rewrite so that no
// client credential can reach a provider beside the provider's own key.
func SetCredential(h http.Header, auth, def AuthStyle, key gateway.Secret) {
	for _, k := range credentialHeaders {
		h.Del(k)
	}
	if auth == "" {
		auth = def
	}
	if key.IsZero() {
		return
	}
	switch auth {
	case AuthBearer:
		h.Set("Authorization", "Bearer "+key.Reveal())
	case AuthAPIKey:
		h.Set("Api-Key", key.Reveal())
	case AuthXAPIKey:
		h.Set("X-Api-Key", key.Reveal())
	case AuthGoogle:
		h.Set("X-Goog-Api-Key", key.Reveal())
	}
}
