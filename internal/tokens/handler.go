package tokens

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aigate-dev/aigate/internal/gateway"
)

// Handler serves POST /v1/aigate/tokens: an app backend, authenticated with
// its aigate key, mints a token for one of its end users. The body is
//
//	{"user": "u-42", "ttl": "5m", "models": ["gpt-4o-mini"], "origin": "https://app.example", "policy": "strict"}
//
// where only user is required; ttl is a Go duration or a number of
// seconds. A token only narrows its parent key: models must be allowed to
// the key, and the policy, if named, must be the key's. The response holds
// the token once, with its id and expiry; it is never logged.
//
// Authority, Keys, Credential and WriteError are required.
type Handler struct {
	Authority *Authority
	// Keys is the key authentication middleware: it sets req.Principal or
	// refuses. Tokens cannot mint tokens: only a key is accepted.
	Keys gateway.Middleware
	// Credential returns the credential a request presents and whether it
	// came in the URL query.
	Credential func(r *http.Request) (gateway.Secret, bool)
	// WriteError writes a refusal in the provider's error format.
	WriteError func(w http.ResponseWriter, e *gateway.Error)
	// DefaultTTL and MaxTTL bound lifetimes; zero means the package's.
	DefaultTTL, MaxTTL time.Duration
	// Logger receives mints with the token id and key id, never the token.
	Logger *slog.Logger
}

// MintRequest is the body of POST /v1/aigate/tokens.
type MintRequest struct {
	User   string          `json:"user"`
	TTL    json.RawMessage `json:"ttl,omitempty"`
	Models []string        `json:"models,omitempty"`
	Origin string          `json:"origin,omitempty"`
	Policy string          `json:"policy,omitempty"`
}

// MintResponse is the answer: the token, shown once, and what it allows.
type MintResponse struct {
	Token     string    `json:"token"`
	ID        string    `json:"id"`
	ParentKey string    `json:"parent_key"`
	User      string    `json:"user"`
	Models    []string  `json:"models,omitempty"`
	Policy    string    `json:"policy,omitempty"`
	Origin    string    `json:"origin,omitempty"`
	ExpiresAt time.Time `json:"expires_at"`
}

// maxMintBody bounds the request body.
const maxMintBody = 16 << 10

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	resp, err := h.mint(r)
	if err != nil {
		h.WriteError(w, gateway.AsError(err))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(resp)
}

func (h *Handler) mint(r *http.Request) (*MintResponse, error) {
	cred, inURL := h.Credential(r)
	if inURL && IsToken(cred) {
		return nil, gateway.Errorf(gateway.CodeInvalid, msgInURL)
	}
	if IsToken(cred) {
		return nil, gateway.Errorf(gateway.CodeForbidden, "an aigate token cannot mint tokens; mint them with the aigate key of your backend")
	}
	var parent *gateway.Principal
	auth := h.Keys(gateway.HandlerFunc(func(_ context.Context, req *gateway.Request) (*gateway.Response, error) {
		parent = req.Principal
		return nil, nil
	}))
	gr := &gateway.Request{Dialect: gateway.DialectOpenAI, Credential: cred, CredentialInURL: inURL, Origin: r.Header.Get("Origin")}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		gr.ClientIP = host
	}
	if _, err := auth.Serve(r.Context(), gr); err != nil {
		return nil, err
	}
	if parent == nil {
		return nil, errors.New("tokens: key authentication set no principal")
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return nil, gateway.Errorf(gateway.CodeUnsupportedMedia, "Content-Type must be application/json")
	}
	var body MintRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, maxMintBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		return nil, gateway.Errorf(gateway.CodeInvalid, "the body must be JSON such as {\"user\": \"u-42\", \"ttl\": \"10m\"}: %v", err)
	}
	ttl, err := h.ttl(body.TTL)
	if err != nil {
		return nil, err
	}
	if body.Policy != "" && body.Policy != parent.Policy {
		return nil, gateway.Errorf(gateway.CodeForbidden, "a token cannot change its parent key's policy; leave policy empty or name the key's own")
	}
	tok, c, err := h.Authority.Mint(parent, Mint{User: body.User, Policy: body.Policy, Models: body.Models, TTL: ttl, Origin: body.Origin})
	if err != nil {
		return nil, err
	}
	if h.Logger != nil {
		h.Logger.LogAttrs(r.Context(), slog.LevelInfo, "aigate token minted", slog.String("token_id", c.ID),
			slog.String("key_id", c.ParentKey), slog.Time("expires_at", c.ExpiresAt()))
	}
	return &MintResponse{Token: tok.Reveal(), ID: c.ID, ParentKey: c.ParentKey, User: c.User, Models: c.Models,
		Policy: c.Policy, Origin: c.Origin, ExpiresAt: c.ExpiresAt().UTC()}, nil
}

// ttl parses a requested lifetime ("5m" or seconds) and applies the
// configured default and maximum.
func (h *Handler) ttl(raw json.RawMessage) (time.Duration, error) {
	def, max := h.DefaultTTL, h.MaxTTL
	if max <= 0 || max > MaxTTL {
		max = MaxTTL
	}
	if def <= 0 {
		def = min(DefaultTTL, max)
	}
	var d time.Duration
	if len(raw) > 0 && string(raw) != "null" {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			v, err := time.ParseDuration(s)
			if err != nil {
				return 0, gateway.Errorf(gateway.CodeInvalid, "ttl %q: write a duration such as \"10m\" or a number of seconds", s)
			}
			d = v
		} else if n, err := strconv.ParseInt(string(raw), 10, 64); err == nil && n < int64(MaxTTL/time.Second)*1000 {
			d = time.Duration(n) * time.Second
		} else {
			return 0, gateway.Errorf(gateway.CodeInvalid, "ttl: write a duration such as \"10m\" or a number of seconds")
		}
	}
	switch {
	case d == 0:
		return def, nil
	case d < time.Second || d > max:
		return 0, gateway.Errorf(gateway.CodeInvalid, "ttl must be between 1s and %s", max)
	}
	return d, nil
}
