package keys

import (
	"fmt"

	"github.com/aigate-dev/aigate/internal/cors"
)

// MaxCORSOrigins bounds a key's CORS allow-list.
const MaxCORSOrigins = 32

// CORSOrigins checks a key's CORS allow-list and returns it normalised
// (lower-case scheme://host[:port]): each entry must be an origin, or the
// list exactly ["*"]; "null" and paths are refused. Errors wrap
// [ErrInvalid].
func CORSOrigins(list []string) ([]string, error) {
	if len(list) == 0 {
		return nil, nil
	}
	if len(list) > MaxCORSOrigins {
		return nil, fmt.Errorf("%w: cors origins: more than %d", ErrInvalid, MaxCORSOrigins)
	}
	if _, err := cors.New(cors.Config{Origins: list}); err != nil {
		return nil, fmt.Errorf("%w: cors %w", ErrInvalid, err)
	}
	out := make([]string, 0, len(list))
	for _, o := range list {
		if o != "*" {
			o, _ = cors.NormalizeOrigin(o) // checked by cors.New
		}
		out = append(out, o)
	}
	return out, nil
}
