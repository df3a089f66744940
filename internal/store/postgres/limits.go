package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aigate-dev/aigate/internal/budget"
	"github.com/aigate-dev/aigate/internal/keys"
)

// limitsJSON is how keys.Limits is stored in virtual_keys.limits: a JSON
// object whose absent fields are zero, so later settings need no migration.
// It is the SQLite store's format too.
type limitsJSON struct {
	RPM          int           `json:"rpm,omitempty"`
	RPD          int           `json:"rpd,omitempty"`
	TPM          int           `json:"tpm,omitempty"`
	Concurrent   int           `json:"concurrent,omitempty"`
	BudgetMicros budget.Micros `json:"budget_micros,omitempty"`
	BudgetPeriod budget.Period `json:"budget_period,omitempty"`
	MaxChars     int           `json:"max_user_message_chars,omitempty"`
	ActsForUsers bool          `json:"acts_for_users,omitempty"`
}

func marshalLimits(l keys.Limits) (string, error) {
	b, err := json.Marshal(limitsJSON{
		RPM: l.RequestsPerMinute, RPD: l.RequestsPerDay, TPM: l.TokensPerMinute, Concurrent: l.Concurrent,
		BudgetMicros: l.Budget.Cap, BudgetPeriod: l.Budget.Period, MaxChars: l.MaxUserMessageChars,
		ActsForUsers: l.ActsForUsers,
	})
	return string(b), err
}

func unmarshalLimits(b []byte) (keys.Limits, error) {
	var j limitsJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return keys.Limits{}, err
	}
	return keys.Limits{
		RequestsPerMinute: j.RPM, RequestsPerDay: j.RPD, TokensPerMinute: j.TPM, Concurrent: j.Concurrent,
		Budget:              budget.Amount{Cap: j.BudgetMicros, Period: j.BudgetPeriod},
		MaxUserMessageChars: j.MaxChars, ActsForUsers: j.ActsForUsers,
	}, nil
}

// Update implements [keys.Updater].
func (db *DB) Update(ctx context.Context, vk *keys.VirtualKey) error {
	limits, err := marshalLimits(vk.Limits)
	if err != nil {
		return fmt.Errorf("postgres: update key %s: %w", vk.ID, err)
	}
	err = db.update(ctx, `UPDATE virtual_keys SET name = $1, owner = $2, team = $3, policy = $4,
			models = $5, providers = $6, metadata = $7, limits = $8, cors_origins = $9 WHERE id = $10`,
		vk.Name, vk.Owner, vk.Team, vk.Policy, list(vk.Models), list(vk.Providers), metadataOf(vk), limits, list(vk.CORSOrigins), vk.ID)
	if err != nil {
		return fmt.Errorf("postgres: update key %s: %w", vk.ID, err)
	}
	return nil
}

var _ keys.Updater = (*DB)(nil)
