package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aigate-dev/aigate/internal/guard"
)

// PolicyConfig holds the named policies that aigate keys refer to (aigate
// keys create --policy NAME) and the one that applies to keys naming none.
// It is inlined in [File]:
//
//	default_policy: support-bot
//	policies:
//	  support-bot:
//	    system_prompt: "You are a customer support assistant."
//	    client_system: reject        # reject | strip | allow
//	    injection: block             # block | flag | off
//	    injection_threshold: 0.67
//	    pii: {default: redact, EMAIL: pseudonymize, PHONE: pseudonymize, CREDIT_CARD: block}
//	    secrets: block               # block | redact | off
//	    canary: true
//	    output_pii: off              # flag | redact | off
//	    output_secrets: flag         # flag | redact | off
//	    context_fields: [order.id, order.status]
type PolicyConfig struct {
	Policies map[string]Policy `yaml:"policies"`
	// DefaultPolicy names the policy for keys that name none. Empty: such
	// keys pass only the validation limits.
	DefaultPolicy string `yaml:"default_policy"`
}

// Policy is one named policy. Every field may be left out; the comments
// give the default.
type Policy struct {
	// SystemPrompt is pinned as the system prompt of every request. Empty
	// pins nothing.
	SystemPrompt string `yaml:"system_prompt"`
	// ClientSystem is reject, strip or allow. Default: reject when a
	// system_prompt is set, allow otherwise.
	ClientSystem string `yaml:"client_system"`
	// Injection is block, flag or off. Default block.
	Injection string `yaml:"injection"`
	// InjectionThreshold is the score in (0, 1] at which text counts as an
	// injection attempt. Zero uses injection.DefaultThreshold (0.67).
	InjectionThreshold float64 `yaml:"injection_threshold"`
	// PII maps "default" and entity types (EMAIL, PHONE, CREDIT_CARD, …) to
	// redact, mask, pseudonymize, block or allow. Empty: no PII guard.
	PII map[string]string `yaml:"pii"`
	// Secrets is block, redact or off. Default block.
	Secrets string `yaml:"secrets"`
	// Canary hides a random token in the pinned prompt and stops answers
	// that repeat it. Default: on when a system_prompt is set.
	Canary *bool `yaml:"canary"`
	// OutputPII is flag, redact or off. Default off.
	OutputPII string `yaml:"output_pii"`
	// OutputSecrets is flag, redact or off. Default flag.
	OutputSecrets string `yaml:"output_secrets"`
	// ContextFields is the field allow-list for structured context:
	// dot-separated paths of object keys ("order.id"; arrays are walked
	// through) that user and tool texts which are JSON documents, and the
	// tool-call arguments and tool results of the history, are cut down to
	// before they are checked and sent. Empty: off.
	ContextFields []string `yaml:"context_fields"`
}

// spec converts p to the guard's form.
func (p Policy) spec() guard.PolicySpec {
	return guard.PolicySpec{
		SystemPrompt:       p.SystemPrompt,
		ClientSystem:       guard.ClientSystem(p.ClientSystem),
		Injection:          guard.Action(p.Injection),
		InjectionThreshold: p.InjectionThreshold,
		PII:                p.PII,
		Secrets:            guard.Action(p.Secrets),
		Canary:             p.Canary,
		OutputPII:          guard.Action(p.OutputPII),
		OutputSecrets:      guard.Action(p.OutputSecrets),
		ContextFields:      p.ContextFields,
	}
}

// validatePolicies reports every problem with the policies, each with its
// field path: policies.support-bot.injection: must be block, flag or off.
func (f *File) validatePolicies() []error {
	var errs []error
	names := make([]string, 0, len(f.Policies))
	for n := range f.Policies {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		path := "policies." + n
		if !validPolicyName(n) {
			errs = append(errs, fmt.Errorf("%s: a policy name is 1-128 letters, digits, '-', '_' or '.'", path))
		}
		if err := f.Policies[n].spec().Validate(); err != nil {
			for _, e := range strings.Split(err.Error(), "\n") {
				errs = append(errs, fmt.Errorf("%s.%s", path, e))
			}
		}
	}
	if d := f.DefaultPolicy; d != "" {
		if _, ok := f.Policies[d]; !ok {
			errs = append(errs, fmt.Errorf("default_policy: %q is not one of the policies defined", d))
		}
	}
	return errs
}

func validPolicyName(n string) bool {
	if n == "" || len(n) > 128 {
		return false
	}
	for _, c := range n {
		if !(c == '-' || c == '_' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// buildPolicies compiles the policies; each build draws new canaries.
func (f *File) buildPolicies() (*guard.Policies, error) {
	specs := make(map[string]guard.PolicySpec, len(f.Policies))
	for n, p := range f.Policies {
		specs[n] = p.spec()
	}
	ps, err := guard.NewPolicies(specs, f.DefaultPolicy)
	if err != nil {
		return nil, errors.Join(errors.New("policies"), err)
	}
	return ps, nil
}
