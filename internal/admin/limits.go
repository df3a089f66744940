package admin

import (
	"net/http"
	"time"

	"github.com/aigate-dev/aigate/internal/budget"
	"github.com/aigate-dev/aigate/internal/keys"
)

// Limits is the JSON view of a key's limits; zero fields use the
// configured defaults.
type Limits struct {
	RPM                 int    `json:"rpm,omitempty"`
	RPD                 int    `json:"rpd,omitempty"`
	TPM                 int    `json:"tpm,omitempty"`
	Concurrent          int    `json:"concurrent,omitempty"`
	Budget              string `json:"budget,omitempty"` // "5.00/month"
	MaxUserMessageChars int    `json:"max_user_message_chars,omitempty"`
	ActsForUsers        bool   `json:"acts_for_users,omitempty"`
}

func limitsView(l keys.Limits) *Limits {
	if l == (keys.Limits{}) {
		return nil
	}
	return &Limits{RPM: l.RequestsPerMinute, RPD: l.RequestsPerDay, TPM: l.TokensPerMinute, Concurrent: l.Concurrent,
		Budget: l.Budget.String(), MaxUserMessageChars: l.MaxUserMessageChars, ActsForUsers: l.ActsForUsers}
}

func (l *Limits) keyLimits() (keys.Limits, error) {
	amt, err := budget.ParseAmount(l.Budget)
	if err != nil {
		return keys.Limits{}, err
	}
	return keys.Limits{RequestsPerMinute: l.RPM, RequestsPerDay: l.RPD, TokensPerMinute: l.TPM, Concurrent: l.Concurrent,
		Budget: amt, MaxUserMessageChars: l.MaxUserMessageChars, ActsForUsers: l.ActsForUsers}, nil
}

// UpdateRequest is the body of PATCH /admin/keys/{id}: absent fields are
// left as they are; limits, when present, replace the key's limits whole.
type UpdateRequest struct {
	Team      *string   `json:"team"`
	Policy    *string   `json:"policy"`
	Models    *[]string `json:"models"`
	Providers *[]string `json:"providers"`
	Limits    *Limits   `json:"limits"`
}

func (h *Handler) update(w http.ResponseWriter, r *http.Request) {
	var ur UpdateRequest
	if !decode(w, r, &ur) {
		return
	}
	o := keys.UpdateOptions{Team: ur.Team, Policy: ur.Policy, Models: ur.Models, Providers: ur.Providers}
	if ur.Limits != nil {
		l, err := ur.Limits.keyLimits()
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid_request", err.Error())
			return
		}
		o.RequestsPerMinute, o.RequestsPerDay, o.TokensPerMinute = &l.RequestsPerMinute, &l.RequestsPerDay, &l.TokensPerMinute
		o.Concurrent, o.Budget, o.MaxUserMessageChars, o.ActsForUsers = &l.Concurrent, &l.Budget, &l.MaxUserMessageChars, &l.ActsForUsers
	}
	id := r.PathValue("id")
	vk, err := h.Keys.Update(r.Context(), id, o)
	if err != nil {
		h.fail(w, err)
		return
	}
	h.Logger.Info("key updated", "key_id", id, "via", "admin_api")
	writeJSON(w, http.StatusOK, View(vk, h.now()))
}

// usage serves GET /admin/usage.
func (h *Handler) usage(w http.ResponseWriter, r *http.Request) {
	if h.Usage == nil {
		writeError(w, http.StatusNotFound, "not_found", "this gateway's database keeps no usage ledger")
		return
	}
	q := budget.UsageQuery{By: budget.GroupBy(r.URL.Query().Get("by"))}
	if q.By == "" {
		q.By = budget.ByKey
	}
	if !q.By.Valid() {
		writeError(w, http.StatusBadRequest, "invalid_request", "by must be key, user, team, model or day")
		return
	}
	for name, dst := range map[string]*time.Time{"since": &q.Since, "until": &q.Until} {
		if v := r.URL.Query().Get(name); v != "" {
			t, err := time.Parse(time.DateOnly, v)
			if err != nil {
				writeError(w, http.StatusBadRequest, "invalid_request", name+" must be a date such as 2026-11-01")
				return
			}
			*dst = t
		}
	}
	rows, err := h.Usage.Usage(r.Context(), q)
	if err != nil {
		h.fail(w, err)
		return
	}
	var total budget.UsageRow
	for _, row := range rows {
		total.Requests += row.Requests
		total.InputTokens += row.InputTokens
		total.OutputTokens += row.OutputTokens
		total.CachedTokens += row.CachedTokens
		total.Cost += row.Cost
	}
	total.Group = "total"
	writeJSON(w, http.StatusOK, map[string]any{"by": q.By, "rows": rows, "total": total, "total_cost": total.Cost.String()})
}
