package guard

import (
	"context"
	"fmt"
	"iter"
	"log/slog"
	"slices"
	"strings"

	"github.com/aigate-dev/aigate/injection"
	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider"
	"github.com/aigate-dev/aigate/pii"
	"github.com/aigate-dev/aigate/secretscan"
)

// PolicyGuard applies each request's policy: on the way in it cuts
// structured context to the policy's field allow-list, pins the system
// prompt, governs client system content, and checks user text for
// secrets, prompt injection and personal data (in that order, then
// neutralising chat-template markers); on the way out it sets
// [gateway.Response.Output] so the relay restores pseudonyms and stops
// canary leaks. A request whose key names a policy that is not defined is
// refused: the guard fails closed.
//
// Only user, assistant and tool text is checked and edited. System text is
// the operator's (pinned) or the application's (client_system: allow).
type PolicyGuard struct {
	Policies *Policies
	// Adapters by dialect: the one for a request's dialect pins its system
	// prompt (see provider.SystemPinner).
	Adapters map[gateway.Dialect]provider.Adapter
	Logger   *slog.Logger // if nil, nothing is logged
}

// Middleware implements gateway.Middleware.
func (g *PolicyGuard) Middleware(next gateway.Handler) gateway.Handler {
	return gateway.HandlerFunc(func(ctx context.Context, req *gateway.Request) (*gateway.Response, error) {
		if req.Operation == gateway.OpModels {
			return next.Serve(ctx, req)
		}
		name := ""
		if req.Principal != nil {
			name = req.Principal.Policy
		}
		p, ok := g.Policies.Lookup(name)
		if !ok {
			return nil, &gateway.Error{
				Code:    gateway.CodeForbidden,
				Message: fmt.Sprintf("this aigate key is assigned policy %q, which this gateway does not define, so the request was not sent; ask the gateway operator to define the policy or change the key's policy", name),
				Err:     fmt.Errorf("policy %q is not defined", name),
			}
		}
		if p == nil {
			return next.Serve(ctx, req)
		}
		ad := g.Adapters[req.Dialect]
		vault, err := p.checkInput(req, ad)
		if err != nil {
			return nil, err
		}
		resp, err := next.Serve(ctx, req)
		if err != nil {
			return nil, err
		}
		if out := p.newOutput(req, vault); out != nil {
			resp.Output = out
		}
		return resp, nil
	})
}

// checkInput applies p to req before it goes upstream. It returns the
// vault of the pseudonyms it issued (nil when none).
func (p *Policy) checkInput(req *gateway.Request, ad provider.Adapter) (*pii.Vault, error) {
	if p.fields != nil {
		if n := p.fields.filterFields(req); n > 0 {
			req.AddFinding(gateway.Finding{Guard: "fields", Rule: "context_fields", Action: "filter", Count: n})
		}
	}
	if err := p.pinSystem(req, ad); err != nil {
		return nil, err
	}
	if p.secrets != ActionOff || p.injection != ActionOff || p.piiOn {
		canonJSONTexts(req)
	}
	if err := p.checkSecrets(req); err != nil {
		return nil, err
	}
	if err := p.checkInjection(req); err != nil {
		return nil, err
	}
	vault, err := p.checkPII(req)
	if err != nil {
		return nil, err
	}
	n := 0
	for t := range checkedTexts(req, false) {
		v, k := neutralizeMarkers(t.Value)
		if k > 0 {
			t.Set(v)
			n += k
		}
	}
	if n > 0 {
		req.AddFinding(gateway.Finding{Guard: "markers", Rule: "role_marker", Action: "neutralize", Count: n})
	}
	return vault, nil
}

// checkedTexts yields the texts guards check: user and tool text, and
// assistant text too when withAssistant (earlier answers can carry
// restored personal data and pasted secrets back). It is an iterator, not a
// slice, because every guard walks the texts once per request.
func checkedTexts(req *gateway.Request, withAssistant bool) iter.Seq[*gateway.Text] {
	return func(yield func(*gateway.Text) bool) {
		for _, m := range req.Messages {
			if m.Role != gateway.RoleUser && m.Role != gateway.RoleTool && !(withAssistant && m.Role == gateway.RoleAssistant) {
				continue
			}
			for _, t := range m.Parts {
				if !yield(t) {
					return
				}
			}
		}
	}
}

// canonJSONTexts rewrites each checked text that is a JSON document (a
// tool's result, most often) with its escapes canonical (see canonJSON),
// so the checks that follow read the values it spells rather than escapes
// that hide them ("jane\u0040example.org"). The new text is equivalent
// JSON. Text that is not JSON as a whole is left as it is. A read-only
// text is read the same way but not edited.
func canonJSONTexts(req *gateway.Request) {
	for t := range checkedTexts(req, true) {
		v := t.Value
		if strings.IndexByte(v, '\\') < 0 {
			continue
		}
		if !isJSONDoc(v) {
			continue
		}
		b, _ := canonJSON(make([]byte, 0, len(v)), v, true)
		if t.ReadOnly {
			// Content aigate cannot edit is read through its escapes
			// all the same, but its bytes go upstream as they are: only
			// a check that edits it (which refuses the request) marks it.
			t.Value = string(b)
			continue
		}
		t.Set(string(b))
	}
}

// pinSystem applies the pinned prompt and the client_system rule.
func (p *Policy) pinSystem(req *gateway.Request, ad provider.Adapter) error {
	client := 0
	for _, m := range req.Messages {
		if m.Role == gateway.RoleSystem {
			client++
		}
	}
	if req.StoredPrompt && p.clientSystem != ClientSystemAllow {
		// A stored template's instructions are unseen and cannot be
		// stripped apart from its variables: refused under reject and strip.
		req.AddFinding(gateway.Finding{Guard: "system", Rule: "stored_prompt", Action: "block", Count: 1})
		return gateway.Errorf(gateway.CodeInvalid, "this gateway does not accept prompt templates stored at the provider (prompt) for this aigate key: their instructions would replace the ones it governs; send the text as input instead")
	}
	if client > 0 && p.clientSystem == ClientSystemReject {
		req.AddFinding(gateway.Finding{Guard: "system", Rule: "client_system", Action: "block", Count: client})
		msg := "this gateway does not accept system or developer messages (or instructions) for this aigate key"
		if p.prompt != "" {
			msg = "this gateway pins the system prompt for this aigate key; send no system or developer messages (or instructions) of your own"
		}
		return gateway.Errorf(gateway.CodeInvalid, "%s", msg)
	}
	if p.prompt == "" {
		return nil
	}
	pin, ok := ad.(provider.SystemPinner)
	if !ok {
		return fmt.Errorf("policy %s: the %s adapter cannot pin a system prompt", p.name, req.Dialect)
	}
	strip := p.clientSystem == ClientSystemStrip
	if err := pin.PinSystem(req, p.pinned, strip); err != nil {
		return err
	}
	if strip && client > 0 {
		req.AddFinding(gateway.Finding{Guard: "system", Rule: "client_system", Action: "strip", Count: client})
	}
	return nil
}

// checkInjection scores user and tool text.
func (p *Policy) checkInjection(req *gateway.Request) error {
	if p.injection == ActionOff {
		return nil
	}
	var (
		best  injection.Result
		rules []injection.Rule
	)
	for t := range checkedTexts(req, false) {
		r := p.injector.Detect(t.Value)
		if r.Score > best.Score {
			best = r
		}
		if r.Flagged(p.threshold) {
			for _, rule := range r.Rules {
				if !slices.Contains(rules, rule) {
					rules = append(rules, rule)
				}
			}
		}
	}
	if !best.Flagged(p.threshold) {
		return nil
	}
	if len(rules) == 0 {
		rules = []injection.Rule{"model"}
	}
	for _, r := range rules {
		req.AddFinding(gateway.Finding{Guard: "injection", Rule: string(r), Action: string(p.injection), Count: 1, Score: best.Score})
	}
	if p.injection == ActionBlock {
		return gateway.Errorf(gateway.CodeInvalid, "the request was refused: its input looks like a prompt-injection attempt (an attempt to override the application's instructions). Rephrase it; if this is a mistake, tell the application's operator")
	}
	return nil
}

// checkSecrets finds credentials in user, assistant and tool text.
func (p *Policy) checkSecrets(req *gateway.Request) error {
	if p.secrets == ActionOff {
		return nil
	}
	var blocked []string
	for t := range checkedTexts(req, true) {
		// A JSON document is read through its view and redacted keeping it
		// valid JSON (see applyPIIJSON).
		doc := mayBeJSON(t)
		view := t.Value
		if doc {
			view = jsonView(view)
		}
		ms := p.scanner.ScanString(view)
		if len(ms) == 0 {
			continue
		}
		if doc && !isJSONDoc(t.Value) {
			doc = false
			if view != t.Value {
				view = t.Value
				if ms = p.scanner.ScanString(view); len(ms) == 0 {
					continue
				}
			}
		}
		var b strings.Builder
		var jm []jsonMatch
		at := 0
		for _, m := range ms {
			req.AddFinding(gateway.Finding{Guard: "secrets", Rule: m.RuleID, Action: string(p.secrets), Count: 1})
			if p.secrets == ActionBlock {
				if r, ok := p.scanner.Rule(m.RuleID); ok && !slices.Contains(blocked, r.Description) {
					blocked = append(blocked, r.Description)
				}
				continue
			}
			marker := "[REDACTED " + m.RuleID + " " + secretscan.Mask([]byte(view[m.Start:m.End])) + "]"
			if doc {
				jm = append(jm, jsonMatch{start: m.Start, end: m.End, marker: marker})
				continue
			}
			b.WriteString(t.Value[at:m.Start])
			b.WriteString(marker)
			at = m.End
		}
		if p.secrets == ActionRedact && doc {
			t.Set(redactJSON(t.Value, jsonOut, true, jm))
		} else if p.secrets == ActionRedact {
			b.WriteString(t.Value[at:])
			t.Set(b.String())
		}
	}
	if len(blocked) > 0 {
		return gateway.Errorf(gateway.CodeInvalid, "the request was refused: it contains what looks like a credential (%s). Remove it, and rotate that credential, since it has been pasted where it should not be", strings.Join(blocked, ", "))
	}
	return nil
}

// checkPII redacts, masks, pseudonymises or blocks personal data in user,
// assistant and tool text. A text that is a JSON document stays valid JSON
// (see applyPIIJSON); a number of a tool call's argument object becomes a
// string when it is replaced (see [gateway.Text.Number]), and is checked
// by its integer digits when written in exponent form (see
// applyPIINumber). A value of an argument object is read under its key
// ([gateway.Text.Key], [pii.Redactor.ApplyField]): bare digits under
// "phone" are a phone number.
func (p *Policy) checkPII(req *gateway.Request) (*pii.Vault, error) {
	if !p.piiOn {
		return nil, nil
	}
	r := pii.NewRedactor(p.piiFind)
	var blocked []pii.Type
	counts := map[pii.Type]int{}
	for t := range checkedTexts(req, true) {
		var (
			out string
			rep pii.Report
		)
		switch {
		case mayBeJSON(t):
			out, rep = applyPIIJSON(r, p.piiFind, t.Value, p.piiPolicy)
		case t.Number:
			out, rep = applyPIINumber(r, t, p.piiPolicy)
		default:
			out, rep = r.ApplyField(t.Key, t.Value, p.piiPolicy)
		}
		for typ, n := range rep.Counts {
			counts[typ] += n
		}
		for _, typ := range rep.Blocked {
			if !slices.Contains(blocked, typ) {
				blocked = append(blocked, typ)
			}
		}
		t.Set(out)
	}
	types := make([]pii.Type, 0, len(counts))
	for typ := range counts {
		types = append(types, typ)
	}
	slices.Sort(types)
	for _, typ := range types {
		req.AddFinding(gateway.Finding{Guard: "pii", Rule: string(typ), Action: string(p.piiPolicy.For(typ)), Count: counts[typ]})
	}
	if len(blocked) > 0 {
		slices.Sort(blocked)
		names := make([]string, len(blocked))
		for i, b := range blocked {
			names[i] = string(b)
		}
		return nil, gateway.Errorf(gateway.CodeInvalid, "the request was refused: it contains personal data this gateway does not forward (%s). Remove it and send the request again", strings.Join(names, ", "))
	}
	if r.Vault().Len() == 0 {
		return nil, nil
	}
	return r.Vault(), nil
}
