package admin

import (
	"errors"
	"net/http"

	"github.com/aigate-dev/aigate/internal/keys"
)

// RevokeLeakedRequest is the body of POST /admin/keys/revoke-leaked: a key
// found where it should not be (aigate audit --revoke-live sends each one
// it finds), identified by the key itself since whoever found it does not
// know its id.
type RevokeLeakedRequest struct {
	Key string `json:"key"`
	// Reason is recorded with the revocation; empty means "leaked".
	Reason string `json:"reason"`
}

// Results of POST /admin/keys/revoke-leaked.
const (
	LeakedRevoked        = "revoked"         // it was live and is revoked now
	LeakedAlreadyRevoked = "already_revoked" // it was revoked before
	LeakedUnknown        = "unknown"         // well-formed, but not a key of this gateway
)

// RevokeLeakedResponse answers POST /admin/keys/revoke-leaked. It never
// holds the key.
type RevokeLeakedResponse struct {
	Result string `json:"result"`
	ID     string `json:"id,omitempty"`
	Name   string `json:"name,omitempty"`
}

// revokeLeaked revokes the key in the body, looked up by its hash. The key
// is never logged or echoed: a malformed one is refused without quoting
// it, and the log and answer carry the key's id only.
func (h *Handler) revokeLeaked(w http.ResponseWriter, r *http.Request) {
	var body RevokeLeakedRequest
	if !decode(w, r, &body) {
		return
	}
	parsed, err := keys.Parse(body.Key)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request", "key must be a well-formed aigate key (agk_…, with a valid checksum)")
		return
	}
	reason := body.Reason
	if reason == "" {
		reason = "leaked"
	}
	vk, err := h.Keys.Store.ByHash(r.Context(), parsed.Hash())
	if errors.Is(err, keys.ErrNotFound) {
		writeJSON(w, http.StatusOK, RevokeLeakedResponse{Result: LeakedUnknown})
		return
	}
	if err != nil {
		h.fail(w, err)
		return
	}
	if !vk.Revoked.IsZero() {
		writeJSON(w, http.StatusOK, RevokeLeakedResponse{Result: LeakedAlreadyRevoked, ID: vk.ID, Name: vk.Name})
		return
	}
	if err := h.Keys.Revoke(r.Context(), vk.ID, reason); err != nil {
		h.fail(w, err)
		return
	}
	h.Logger.Warn("leaked key revoked", "key_id", vk.ID, "via", "admin_api")
	writeJSON(w, http.StatusOK, RevokeLeakedResponse{Result: LeakedRevoked, ID: vk.ID, Name: vk.Name})
}
