package guard

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aigate-dev/aigate/injection"
	"github.com/aigate-dev/aigate/pii"
	"github.com/aigate-dev/aigate/secretscan"
)

// Action is what a policy does when a guard finds something.
type Action string

// The actions a policy can name. Not every guard takes every action: see
// [PolicySpec].
const (
	ActionBlock  Action = "block"  // refuse the request (or withhold the answer)
	ActionFlag   Action = "flag"   // forward unchanged, record the finding
	ActionRedact Action = "redact" // replace the matched text, forward, record
	ActionOff    Action = "off"    // do not look
)

// ClientSystem is what a policy does with system or developer content the
// client sent.
type ClientSystem string

// The ways client system content is handled.
const (
	ClientSystemReject ClientSystem = "reject" // refuse the request with 400
	ClientSystemStrip  ClientSystem = "strip"  // remove it, keep the pinned prompt only
	ClientSystemAllow  ClientSystem = "allow"  // keep it, after the pinned prompt
)

// PolicySpec is one named policy as configured. The zero value of each
// field is a safe default, named in its comment.
type PolicySpec struct {
	// SystemPrompt is pinned, server side, as the system prompt of every
	// request. Empty pins nothing.
	SystemPrompt string
	// ClientSystem governs client system/developer content. Empty means
	// reject when SystemPrompt is set and allow otherwise. Strip needs a
	// SystemPrompt.
	ClientSystem ClientSystem
	// Injection is block, flag or off for prompt-injection attempts in user
	// and tool text. Empty means block.
	Injection Action
	// InjectionThreshold is the score at which text counts as an attempt.
	// Zero means injection.DefaultThreshold.
	InjectionThreshold float64
	// PII maps entity types (and "default") to pii actions, as
	// pii.ParsePolicy reads them. Empty turns the PII guard off. "default"
	// applies to the structured types other than DATE_TIME; DATE_TIME and
	// the best-effort PERSON, STREET_ADDRESS and LOCATION are acted on only
	// when named.
	PII map[string]string
	// Secrets is block, redact or off for credentials in the request's
	// text. Empty means block.
	Secrets Action
	// Canary hides a random token in the pinned prompt and withholds any
	// answer that repeats it. Nil means on when SystemPrompt is set.
	Canary *bool
	// OutputPII is flag, redact or off for personal data the model writes
	// (restored pseudonyms are never touched). Empty means off.
	OutputPII Action
	// OutputSecrets is flag, redact or off for credentials the model writes.
	// Empty means flag.
	OutputSecrets Action
	// ContextFields is the field allow-list for structured context: paths
	// of object keys ("order.id", arrays walked through) that user and tool
	// texts which are JSON documents, and the history's tool-call arguments
	// and tool results, are cut down to before any other guard reads them.
	// Empty means off.
	ContextFields []string
}

// Validate reports every problem with s, each prefixed by its field name.
func (s PolicySpec) Validate() error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...)))
	}
	switch s.ClientSystem {
	case "", ClientSystemReject, ClientSystemAllow:
	case ClientSystemStrip:
		if s.SystemPrompt == "" {
			add("client_system", "strip needs a system_prompt to pin in place of the client's")
		}
	default:
		add("client_system", "must be reject, strip or allow")
	}
	if !slices.Contains([]Action{"", ActionBlock, ActionFlag, ActionOff}, s.Injection) {
		add("injection", "must be block, flag or off")
	}
	if s.InjectionThreshold < 0 || s.InjectionThreshold > 1 {
		add("injection_threshold", "must be between 0 and 1")
	}
	if len(s.PII) > 0 {
		if _, err := pii.ParsePolicy(s.PII); err != nil {
			add("pii", "%v", err)
		}
	}
	if !slices.Contains([]Action{"", ActionBlock, ActionRedact, ActionOff}, s.Secrets) {
		add("secrets", "must be block, redact or off")
	}
	if _, err := pii.NewFieldFilter(s.ContextFields...); err != nil {
		add("context_fields", "%s", strings.TrimPrefix(err.Error(), "pii: "))
	}
	if s.Canary != nil && *s.Canary && s.SystemPrompt == "" {
		add("canary", "needs a system_prompt to hide the canary in")
	}
	for field, a := range map[string]Action{"output_pii": s.OutputPII, "output_secrets": s.OutputSecrets} {
		if !slices.Contains([]Action{"", ActionFlag, ActionRedact, ActionOff}, a) {
			add(field, "must be flag, redact or off")
		}
	}
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	return errors.Join(errs...)
}

// Policy is a compiled policy, immutable and safe for concurrent use. Its
// canary is drawn when it is compiled, so every configuration load gets a
// new one.
type Policy struct {
	name         string
	prompt       string // as configured
	pinned       string // prompt plus the canary instruction, as sent upstream
	canary       string // empty when off
	leak         *leakMatcher
	clientSystem ClientSystem

	injection  Action
	threshold  float64
	injector   *injection.Detector
	secrets    Action
	scanner    *secretscan.Scanner
	piiOn      bool
	piiPolicy  pii.Policy
	piiFind    *pii.Detector
	outPII     Action
	outSecrets Action
	outFind    *pii.Detector
	fields     *fieldTree // nil: no allow-list
}

// NewPolicy compiles spec, named name.
func NewPolicy(name string, spec PolicySpec) (*Policy, error) {
	if err := spec.Validate(); err != nil {
		return nil, fmt.Errorf("policy %s: %w", name, err)
	}
	p := &Policy{
		name:         name,
		prompt:       spec.SystemPrompt,
		pinned:       spec.SystemPrompt,
		clientSystem: spec.ClientSystem,
		injection:    or(spec.Injection, ActionBlock),
		threshold:    spec.InjectionThreshold,
		injector:     injection.Default(),
		secrets:      or(spec.Secrets, ActionBlock),
		scanner:      secretscan.Default(),
		outPII:       or(spec.OutputPII, ActionOff),
		outSecrets:   or(spec.OutputSecrets, ActionFlag),
	}
	if p.clientSystem == "" {
		p.clientSystem = ClientSystemAllow
		if p.prompt != "" {
			p.clientSystem = ClientSystemReject
		}
	}
	if p.threshold == 0 {
		p.threshold = injection.DefaultThreshold
	}
	if p.prompt != "" && (spec.Canary == nil || *spec.Canary) {
		p.canary = newCanary()
		p.pinned += fmt.Sprintf(canaryInstruction, p.canary)
	}
	if p.prompt != "" {
		p.leak = newLeakMatcher(p.prompt)
	}
	if len(spec.PII) > 0 {
		pol, _ := pii.ParsePolicy(spec.PII) // validated above
		d, err := pii.New(pii.Options{Types: piiTypes(pol)})
		if err != nil {
			return nil, fmt.Errorf("policy %s: pii: %w", name, err)
		}
		p.piiOn, p.piiPolicy, p.piiFind = true, pol, d
	}
	if len(spec.ContextFields) > 0 {
		p.fields, _ = newFieldTree(spec.ContextFields) // validated above
	}
	if p.outPII != ActionOff {
		d, err := pii.New(pii.Options{Types: slices.DeleteFunc(pii.StructuredTypes(), func(t pii.Type) bool { return t == pii.DateTime })})
		if err != nil {
			return nil, fmt.Errorf("policy %s: output_pii: %w", name, err)
		}
		p.outFind = d
	}
	return p, nil
}

// Name returns the policy's name.
func (p *Policy) Name() string { return p.name }

// Canary returns the token hidden in the pinned prompt, or "" when there is
// none. Tests and the demo use it; it is not a secret from the operator.
func (p *Policy) Canary() string { return p.canary }

// piiTypes lists the types a PII policy needs found: every type it does not
// allow, the default applying to the structured types other than DATE_TIME.
func piiTypes(pol pii.Policy) []pii.Type {
	var ts []pii.Type
	for _, t := range pii.AllTypes() {
		a, named := pol.Types[t]
		if !named {
			if t == pii.DateTime || !slices.Contains(pii.StructuredTypes(), t) {
				continue
			}
			a = pol.For(t)
		}
		if a != pii.Allow {
			ts = append(ts, t)
		}
	}
	if len(ts) == 0 {
		// Every type allowed: still count the structured ones.
		ts = pii.StructuredTypes()
	}
	return ts
}

func or(a, def Action) Action {
	if a == "" {
		return def
	}
	return a
}

// Policies holds the compiled policies of one configuration load.
type Policies struct {
	byName map[string]*Policy
	def    string
}

// NewPolicies compiles specs. def names the policy for keys that name none;
// empty means such keys get no policy.
func NewPolicies(specs map[string]PolicySpec, def string) (*Policies, error) {
	ps := &Policies{byName: map[string]*Policy{}, def: def}
	names := make([]string, 0, len(specs))
	for n := range specs {
		names = append(names, n)
	}
	sort.Strings(names)
	var errs []error
	for _, n := range names {
		p, err := NewPolicy(n, specs[n])
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ps.byName[n] = p
	}
	if def != "" && specs != nil {
		if _, ok := specs[def]; !ok {
			errs = append(errs, fmt.Errorf("default policy %q is not defined", def))
		}
	} else if def != "" {
		errs = append(errs, fmt.Errorf("default policy %q is not defined", def))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return ps, nil
}

// Lookup returns the policy named name, or the default policy when name is
// empty. ok is false when a named policy is not defined; p is nil with ok
// true when no policy applies.
func (ps *Policies) Lookup(name string) (p *Policy, ok bool) {
	if ps == nil {
		return nil, name == ""
	}
	if name == "" {
		name = ps.def
		if name == "" {
			return nil, true
		}
	}
	p, ok = ps.byName[name]
	return p, ok
}
