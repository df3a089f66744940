// Package admin serves the admin HTTP API: aigate keys over HTTP, behind an
// admin credential. With no credential configured the API answers 404 to
// everything: it is never open by default.
//
//	GET  /admin/keys              list keys (never secrets)
//	POST /admin/keys              create a key; the response holds it, once
//	GET  /admin/keys/{id}         one key
//	POST /admin/keys/{id}/revoke  revoke: {"reason": "..."}
//	POST /admin/keys/revoke-leaked  revoke a leaked key by the key itself: {"key": "agk_…"}
//	POST /admin/keys/{id}/rotate  rotate: {"grace": "24h"}; the response holds the new key, once
//	PATCH /admin/keys/{id}        change settings: {"team": "T", "limits": {"rpm": 10, "budget": "5.00/month"}}
//	GET  /admin/usage?by=key|user|team|model|day&since=2026-11-01&until=…  spend, tokens, requests
package admin

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/aigate-dev/aigate/internal/budget"
	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/keys"
)

// Handler serves the admin API.
type Handler struct {
	Keys *keys.Service
	// Usage serves /admin/usage; nil answers 404 there.
	Usage budget.UsageLog
	// Credential returns the admin credential in force; a zero Secret turns
	// the API off. It is a function so a reload can change it.
	Credential func() gateway.Secret
	Logger     *slog.Logger
	// Now returns the current time. If nil, time.Now is used.
	Now func() time.Time
}

// maxBody bounds an admin request body.
const maxBody = 64 << 10

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	want := h.Credential()
	if want.IsZero() {
		writeError(w, http.StatusNotFound, "not_found", "the admin API is off: set admin_key in the configuration to turn it on")
		return
	}
	if !authorized(r, want) {
		writeError(w, http.StatusUnauthorized, "unauthenticated", "send the admin credential as Authorization: Bearer")
		return
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /admin/keys", h.list)
	mux.HandleFunc("POST /admin/keys", h.create)
	mux.HandleFunc("GET /admin/keys/{id}", h.show)
	mux.HandleFunc("POST /admin/keys/{id}/revoke", h.revoke)
	mux.HandleFunc("POST /admin/keys/revoke-leaked", h.revokeLeaked)
	mux.HandleFunc("POST /admin/keys/{id}/rotate", h.rotate)
	mux.HandleFunc("PATCH /admin/keys/{id}", h.update)
	mux.HandleFunc("GET /admin/usage", h.usage)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", fmt.Sprintf("no admin route %s %s", r.Method, r.URL.Path))
	})
	mux.ServeHTTP(w, r)
}

// authorized compares the presented credential with want in constant time;
// both sides are hashed first so the comparison does not leak the length.
func authorized(r *http.Request, want gateway.Secret) bool {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	a := sha256.Sum256([]byte(strings.TrimSpace(tok)))
	b := sha256.Sum256([]byte(want.Reveal()))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

// Key is the JSON view of a key. It never holds the key itself, except in
// the one response that creates it.
type Key struct {
	ID            string            `json:"id"`
	Key           string            `json:"key,omitempty"`
	Name          string            `json:"name"`
	Owner         string            `json:"owner,omitempty"`
	Team          string            `json:"team,omitempty"`
	Policy        string            `json:"policy,omitempty"`
	Status        keys.Status       `json:"status"`
	Created       time.Time         `json:"created"`
	Expires       *time.Time        `json:"expires,omitempty"`
	Revoked       *time.Time        `json:"revoked,omitempty"`
	RevokeReason  string            `json:"revoke_reason,omitempty"`
	Exposed       *time.Time        `json:"exposed,omitempty"`
	ExposedReason string            `json:"exposed_reason,omitempty"`
	Models        []string          `json:"models,omitempty"`
	Providers     []string          `json:"providers,omitempty"`
	Metadata      map[string]string `json:"metadata,omitempty"`
	RotatedTo     string            `json:"rotated_to,omitempty"`
	Limits        *Limits           `json:"limits,omitempty"`
	CORSOrigins   []string          `json:"cors_origins,omitempty"`
}

// View returns the JSON view of vk at now.
func View(vk *keys.VirtualKey, now time.Time) Key {
	opt := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		t = t.UTC()
		return &t
	}
	return Key{
		ID: vk.ID, Name: vk.Name, Owner: vk.Owner, Team: vk.Team, Policy: vk.Policy,
		Status: vk.Status(now), Created: vk.Created.UTC(), Expires: opt(vk.Expires),
		Revoked: opt(vk.Revoked), RevokeReason: vk.RevokeReason,
		Exposed: opt(vk.Exposed), ExposedReason: vk.ExposedReason,
		Models: vk.Models, Providers: vk.Providers, Metadata: vk.Metadata, RotatedTo: vk.RotatedTo,
		Limits: limitsView(vk.Limits), CORSOrigins: vk.CORSOrigins,
	}
}

// CreateRequest is the body of POST /admin/keys.
type CreateRequest struct {
	Name      string            `json:"name"`
	Owner     string            `json:"owner"`
	Team      string            `json:"team"`
	Policy    string            `json:"policy"`
	Models    []string          `json:"models"`
	Providers []string          `json:"providers"`
	Metadata  map[string]string `json:"metadata"`
	ExpiresIn string            `json:"expires_in"` // a duration such as "720h"; empty: never
	Limits    *Limits           `json:"limits"`
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request) {
	vks, err := h.Keys.Store.List(r.Context())
	if err != nil {
		h.fail(w, err)
		return
	}
	now := h.now()
	out := make([]Key, 0, len(vks))
	for _, vk := range vks {
		out = append(out, View(vk, now))
	}
	writeJSON(w, http.StatusOK, map[string]any{"keys": out})
}

func (h *Handler) show(w http.ResponseWriter, r *http.Request) {
	vk, err := h.Keys.Store.ByID(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, View(vk, h.now()))
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request) {
	var cr CreateRequest
	if !decode(w, r, &cr) {
		return
	}
	opts := keys.CreateOptions{
		Name: cr.Name, Owner: cr.Owner, Team: cr.Team, Policy: cr.Policy,
		Models: cr.Models, Providers: cr.Providers, Metadata: cr.Metadata,
	}
	if cr.Limits != nil {
		l, err := cr.Limits.keyLimits()
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid_request", err.Error())
			return
		}
		opts.Limits = l
	}
	if cr.ExpiresIn != "" {
		d, err := time.ParseDuration(cr.ExpiresIn)
		if err != nil || d <= 0 {
			writeError(w, http.StatusBadRequest, "invalid_request", "expires_in must be a positive duration such as 720h")
			return
		}
		opts.TTL = d
	}
	secret, vk, err := h.Keys.Create(r.Context(), opts)
	if err != nil {
		h.fail(w, err)
		return
	}
	h.Logger.Info("key created", "key_id", vk.ID, "via", "admin_api")
	v := View(vk, h.now())
	v.Key = secret.Reveal()
	writeJSON(w, http.StatusCreated, v)
}

func (h *Handler) revoke(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Reason string `json:"reason"`
	}
	if r.ContentLength != 0 && !decode(w, r, &body) {
		return
	}
	id := r.PathValue("id")
	if err := h.Keys.Revoke(r.Context(), id, body.Reason); err != nil {
		h.fail(w, err)
		return
	}
	h.Logger.Info("key revoked", "key_id", id, "via", "admin_api")
	h.show(w, r)
}

func (h *Handler) rotate(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Grace string `json:"grace"`
	}
	if r.ContentLength != 0 && !decode(w, r, &body) {
		return
	}
	var grace time.Duration
	if body.Grace != "" {
		d, err := time.ParseDuration(body.Grace)
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid_request", "grace must be a duration such as 24h")
			return
		}
		grace = d
	}
	id := r.PathValue("id")
	secret, next, err := h.Keys.Rotate(r.Context(), id, grace)
	if err != nil {
		h.fail(w, err)
		return
	}
	h.Logger.Info("key rotated", "key_id", id, "new_key_id", next.ID, "via", "admin_api")
	v := View(next, h.now())
	v.Key = secret.Reveal()
	writeJSON(w, http.StatusCreated, v)
}

// fail maps a keys error to a status; store failures are logged, not shown.
func (h *Handler) fail(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, keys.ErrNotFound):
		writeError(w, http.StatusNotFound, "not_found", "no such key")
	case errors.Is(err, keys.ErrInvalid):
		writeError(w, http.StatusBadRequest, "invalid_request", err.Error())
	case errors.Is(err, keys.ErrConflict):
		writeError(w, http.StatusConflict, "conflict", err.Error())
	default:
		h.Logger.Error("admin API", "error", err)
		writeError(w, http.StatusInternalServerError, "internal", "the key store failed; see the gateway log")
	}
}

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request", "body must be a JSON object with the documented fields: "+err.Error())
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
}
