package keys

import (
	"encoding/json"

	"github.com/aigate-dev/aigate/internal/budget"
)

// storedLimits is the stored form of [Limits], shared by every store: a
// JSON object whose absent fields are zero, so later settings need no
// migration.
type storedLimits struct {
	RPM          int           `json:"rpm,omitempty"`
	RPD          int           `json:"rpd,omitempty"`
	TPM          int           `json:"tpm,omitempty"`
	Concurrent   int           `json:"concurrent,omitempty"`
	BudgetMicros budget.Micros `json:"budget_micros,omitempty"`
	BudgetPeriod budget.Period `json:"budget_period,omitempty"`
	MaxChars     int           `json:"max_user_message_chars,omitempty"`
	ActsForUsers bool          `json:"acts_for_users,omitempty"`
}

// MarshalLimits encodes l in the stored form stores keep in a key's
// limits column.
func MarshalLimits(l Limits) ([]byte, error) {
	return json.Marshal(storedLimits{
		RPM: l.RequestsPerMinute, RPD: l.RequestsPerDay, TPM: l.TokensPerMinute, Concurrent: l.Concurrent,
		BudgetMicros: l.Budget.Cap, BudgetPeriod: l.Budget.Period, MaxChars: l.MaxUserMessageChars,
		ActsForUsers: l.ActsForUsers,
	})
}

// UnmarshalLimits decodes the stored form written by [MarshalLimits].
func UnmarshalLimits(b []byte) (Limits, error) {
	var j storedLimits
	if err := json.Unmarshal(b, &j); err != nil {
		return Limits{}, err
	}
	return Limits{
		RequestsPerMinute: j.RPM, RequestsPerDay: j.RPD, TokensPerMinute: j.TPM, Concurrent: j.Concurrent,
		Budget:              budget.Amount{Cap: j.BudgetMicros, Period: j.BudgetPeriod},
		MaxUserMessageChars: j.MaxChars, ActsForUsers: j.ActsForUsers,
	}, nil
}
