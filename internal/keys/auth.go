package keys

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/aigate-dev/aigate/internal/gateway"
)

// ExposedInURL is the reason recorded when a key arrives in a URL query
// string, where proxies, browsers and server logs keep it.
const ExposedInURL = "sent in a URL query string"

// Client messages. They tell the caller what to do and never quote the key.
const (
	msgMissing     = "missing aigate key: send it as Authorization: Bearer, x-api-key or x-goog-api-key"
	msgMalformed   = "invalid aigate key: aigate keys start with " + Prefix + " and are " + "50 characters long; check that the whole key was copied"
	msgUnknown     = "unknown aigate key: check that the key was copied whole and has not been deleted"
	msgRevoked     = "this aigate key was revoked; ask its owner for a new one"
	msgExpired     = "this aigate key expired; ask its owner for a new one"
	msgInURL       = "API keys must not be sent in the URL; send the key as Authorization: Bearer, x-api-key or x-goog-api-key"
	msgUnavailable = "aigate cannot check keys right now; the request was not sent to the provider. Retry later"
)

// Authenticator checks the aigate key of each request and records who the
// request acts for in [gateway.Request.Principal]. Its zero value is not
// usable: Store is required.
type Authenticator struct {
	Store Store
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Logger receives exposure events, with key IDs only; nil discards them.
	Logger *slog.Logger
}

// Middleware authenticates each request before calling next:
//
//  1. A credential sent in the URL query is refused with
//     [gateway.CodeInvalid]. If req.Credential holds it and it is a live
//     key, the key is first marked exposed ([ExposedInURL]) and the
//     message tells its owner to rotate it.
//  2. A missing credential, or one that is not a well-formed key, is
//     refused with [gateway.CodeUnauthenticated] without asking the store.
//  3. An unknown, revoked or expired key is refused with
//     [gateway.CodeUnauthenticated].
//  4. Otherwise req.Principal is set and next serves the request.
//
// Any store failure refuses the request with [gateway.CodeUnavailable]:
// authentication fails closed. There is no cache, so a revocation takes
// effect on the next request.
func (a *Authenticator) Middleware(next gateway.Handler) gateway.Handler {
	return gateway.HandlerFunc(func(ctx context.Context, req *gateway.Request) (*gateway.Response, error) {
		if err := a.authenticate(ctx, req); err != nil {
			return nil, err
		}
		return next.Serve(ctx, req)
	})
}

func (a *Authenticator) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

func (a *Authenticator) log() *slog.Logger {
	if a.Logger != nil {
		return a.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (a *Authenticator) authenticate(ctx context.Context, req *gateway.Request) error {
	if req.CredentialInURL {
		return a.refuseInURL(ctx, req.Credential)
	}
	if req.Credential.IsZero() {
		return gateway.Errorf(gateway.CodeUnauthenticated, msgMissing)
	}
	p, err := Parse(req.Credential.Reveal())
	if err != nil {
		return &gateway.Error{Code: gateway.CodeUnauthenticated, Message: msgMalformed, Err: err}
	}
	vk, err := a.lookup(ctx, p.Hash())
	if err != nil {
		return err
	}
	switch vk.Status(a.now()) {
	case StatusRevoked:
		return &gateway.Error{Code: gateway.CodeUnauthenticated, Message: msgRevoked, Err: errors.New("key " + vk.ID + " is revoked")}
	case StatusExpired:
		return &gateway.Error{Code: gateway.CodeUnauthenticated, Message: msgExpired, Err: errors.New("key " + vk.ID + " expired")}
	}
	req.Principal = vk.Principal()
	req.Principal.User = vk.EndUser(req.User)
	return nil
}

// lookup finds the key with hash, turning store errors into refusals.
func (a *Authenticator) lookup(ctx context.Context, hash [32]byte) (*VirtualKey, error) {
	vk, err := a.Store.ByHash(ctx, hash)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, &gateway.Error{Code: gateway.CodeUnauthenticated, Message: msgUnknown, Err: err}
	case err != nil:
		return nil, &gateway.Error{Code: gateway.CodeUnavailable, Message: msgUnavailable, Err: err}
	case !vk.Matches(hash):
		// The store matched on the hash; this guards against a store that
		// does not, and costs nothing next to the lookup.
		return nil, &gateway.Error{Code: gateway.CodeUnauthenticated, Message: msgUnknown, Err: errors.New("store returned a key with another hash")}
	}
	return vk, nil
}

// refuseInURL refuses a request whose key came in the URL, marking the key
// exposed if it is live. It always returns an error.
func (a *Authenticator) refuseInURL(ctx context.Context, cred gateway.Secret) error {
	refuse := &gateway.Error{Code: gateway.CodeInvalid, Message: msgInURL}
	p, err := Parse(cred.Reveal())
	if err != nil {
		return refuse // nothing we issued: no key to mark
	}
	vk, err := a.lookup(ctx, p.Hash())
	if err != nil {
		if gateway.ErrorCode(err) == gateway.CodeUnavailable {
			return err
		}
		return refuse
	}
	now := a.now()
	if vk.Status(now) != StatusActive {
		return refuse
	}
	if err := a.Store.MarkExposed(ctx, vk.ID, ExposedInURL, now); err != nil {
		return &gateway.Error{Code: gateway.CodeUnavailable, Message: msgUnavailable, Err: err}
	}
	a.log().LogAttrs(ctx, slog.LevelWarn, "aigate key marked exposed",
		slog.Any("key", vk), slog.String("reason", ExposedInURL))
	return &gateway.Error{
		Code: gateway.CodeInvalid,
		Message: "API keys must not be sent in the URL; this key is now marked exposed — rotate it with `aigate keys rotate " +
			vk.ID + "` and send the new key as Authorization: Bearer, x-api-key or x-goog-api-key",
	}
}
