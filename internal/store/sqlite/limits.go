package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aigate-dev/aigate/internal/budget"
	"github.com/aigate-dev/aigate/internal/keys"
)

// limitsJSON is how keys.Limits is stored in virtual_keys.limits: a JSON
// object whose absent fields are zero, so later settings need no migration.
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

func unmarshalLimits(s string) (keys.Limits, error) {
	var j limitsJSON
	if err := json.Unmarshal([]byte(s), &j); err != nil {
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
	models, err := marshalList(vk.Models)
	if err != nil {
		return err
	}
	providers, err := marshalList(vk.Providers)
	if err != nil {
		return err
	}
	metadata := "{}"
	if len(vk.Metadata) > 0 {
		b, err := json.Marshal(vk.Metadata)
		if err != nil {
			return err
		}
		metadata = string(b)
	}
	limits, err := marshalLimits(vk.Limits)
	if err != nil {
		return err
	}
	origins, err := marshalList(vk.CORSOrigins)
	if err != nil {
		return err
	}
	err = db.update(ctx, `UPDATE virtual_keys SET name = ?, owner = ?, team = ?, policy = ?,
			models = ?, providers = ?, metadata = ?, limits = ?, cors_origins = ? WHERE id = ?`,
		vk.Name, vk.Owner, vk.Team, vk.Policy, models, providers, metadata, limits, origins, vk.ID)
	if err != nil {
		return fmt.Errorf("sqlite: update key %s: %w", vk.ID, err)
	}
	return nil
}

var _ keys.Updater = (*DB)(nil)
