package tokens

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	"github.com/aigate-dev/aigate/internal/gateway"
)

// msgInURL is the refusal of a token sent in a URL query string.
const msgInURL = "aigate tokens must not be sent in the URL; send the token as Authorization: Bearer, x-api-key or x-goog-api-key"

// Authenticator authenticates requests made with an aigate token and hands
// every other request to the key authenticator it wraps. Authority and
// Parents are required.
type Authenticator struct {
	Authority *Authority
	Parents   *Parents
	// Origin returns the Origin header of the request, which the front door
	// reads; nil means none is known, so tokens bound to an origin are
	// refused.
	Origin func(req *gateway.Request) string
	// Logger receives refusals with the token id and the reason, never the
	// token; nil discards them.
	Logger *slog.Logger
}

// IsToken reports whether cred looks like an aigate token rather than a
// key.
func IsToken(cred gateway.Secret) bool { return strings.HasPrefix(cred.Reveal(), Prefix) }

// Middleware returns keys, the key authentication middleware, preceded by
// token authentication:
//
//  1. A request whose credential is not a token goes to keys unchanged.
//  2. A token sent in the URL query is refused with [gateway.CodeInvalid].
//  3. A token that does not verify is refused as [Refusal] says (401, or
//     503 if the revocation check could not answer).
//  4. A token bound to another origin is refused with 403.
//  5. Otherwise req.Principal is the parent key's principal narrowed to the
//     token ([Claims.Principal]) and the request goes on, past keys.
func (a *Authenticator) Middleware(keys gateway.Middleware) gateway.Middleware {
	return func(next gateway.Handler) gateway.Handler {
		byKey := keys(next)
		return gateway.HandlerFunc(func(ctx context.Context, req *gateway.Request) (*gateway.Response, error) {
			if !IsToken(req.Credential) {
				return byKey.Serve(ctx, req)
			}
			if err := a.authenticate(ctx, req); err != nil {
				return nil, err
			}
			return next.Serve(ctx, req)
		})
	}
}

func (a *Authenticator) authenticate(ctx context.Context, req *gateway.Request) error {
	if req.CredentialInURL {
		return gateway.Errorf(gateway.CodeInvalid, msgInURL)
	}
	c, err := a.Authority.Verify(ctx, req.Credential.Reveal())
	if err != nil {
		a.refused(ctx, "", err)
		return Refusal(err)
	}
	origin := ""
	if a.Origin != nil {
		origin = a.Origin(req)
	}
	if !c.AllowsOrigin(origin) {
		e := OriginRefusal(c, origin)
		a.refused(ctx, c.ID, e.Err)
		return e
	}
	parent, err := a.Parents.Principal(ctx, c.ParentKey)
	if err != nil {
		// Verify has just found the parent live; it can only have gone or
		// failed since.
		if errors.Is(err, ErrParentGone) {
			err = errors.Join(ErrRevoked, err)
		} else {
			err = errors.Join(ErrRevocationCheck, err)
		}
		a.refused(ctx, c.ID, err)
		return Refusal(err)
	}
	req.Principal = c.Principal(parent)
	return nil
}

func (a *Authenticator) refused(ctx context.Context, id string, err error) {
	if a.Logger == nil {
		return
	}
	a.Logger.LogAttrs(ctx, slog.LevelInfo, "aigate token refused", slog.String("token_id", id), slog.String("reason", err.Error()))
}
