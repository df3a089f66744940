package guard

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aigate-dev/aigate/internal/gateway"
)

// Validator enforces the shape limits of a request. A zero limit is not
// enforced; the configuration always sets them.
type Validator struct {
	MaxUserMessageChars int   // characters in one user message
	MaxMessages         int   // messages in one request
	MaxTokens           int64 // output tokens a request may ask for
	// Models override MaxUserMessageChars and MaxTokens for the models
	// they match; the first match applies. A key's own
	// Limits.MaxUserMessageChars overrides both.
	Models []ModelLimits
}

// ModelLimits are the limits of the models Pattern matches (see
// gateway.MatchModel). Zero fields keep the Validator's own.
type ModelLimits struct {
	Pattern             string
	MaxUserMessageChars int
	MaxTokens           int64
}

// limits returns the message length and output caps that apply to req.
func (v *Validator) limits(req *gateway.Request) (chars int, tokens int64) {
	chars, tokens = v.MaxUserMessageChars, v.MaxTokens
	for _, m := range v.Models {
		if gateway.MatchModel(m.Pattern, req.Model) {
			if m.MaxUserMessageChars > 0 {
				chars = m.MaxUserMessageChars
			}
			if m.MaxTokens > 0 {
				tokens = m.MaxTokens
			}
			break
		}
	}
	if p := req.Principal; p != nil && p.Limits.MaxUserMessageChars > 0 {
		chars = p.Limits.MaxUserMessageChars
	}
	return chars, tokens
}

// Check implements gateway.Guard.
func (v *Validator) Check(_ context.Context, req *gateway.Request) error {
	if req.Operation == gateway.OpModels {
		return nil
	}
	if req.Model == "" {
		return gateway.Errorf(gateway.CodeInvalid, "model is required")
	}
	if p := req.Principal; p != nil && !p.AllowsModel(req.Model) {
		return gateway.Errorf(gateway.CodeForbidden, "model %q is not allowed for this aigate key (allowed: %s); use an allowed model or ask the key's owner to allow it", req.Model, strings.Join(p.Models, ", "))
	}
	if v.MaxMessages > 0 && len(req.Messages) > v.MaxMessages {
		return gateway.Errorf(gateway.CodeInvalid, "the request has %d messages; the limit is %d: drop or summarise older turns", len(req.Messages), v.MaxMessages)
	}
	maxChars, maxTokens := v.limits(req)
	if maxTokens > 0 && req.MaxTokens > maxTokens {
		return gateway.Errorf(gateway.CodeInvalid, "max_tokens %d is above this gateway's cap of %d for %s; ask for %d or fewer", req.MaxTokens, maxTokens, req.Model, maxTokens)
	}
	users := 0
	for i, m := range req.Messages {
		if m.Role != gateway.RoleUser {
			continue
		}
		users++
		chars, blank := 0, true
		for _, p := range m.Parts {
			chars += utf8.RuneCountInString(p.Value)
			if blank && strings.IndexFunc(p.Value, func(r rune) bool { return !unicode.IsSpace(r) }) >= 0 {
				blank = false
			}
		}
		if len(m.Parts) > 0 && blank {
			return gateway.Errorf(gateway.CodeInvalid, "message %d is empty or only whitespace; send the user's text", i)
		}
		if maxChars > 0 && chars > maxChars {
			return gateway.Errorf(gateway.CodeInvalid, "message %d is %s characters; the limit for a user message is %s: shorten it or split it", i, thousands(chars), thousands(maxChars))
		}
	}
	if users == 0 && needsUserInput(req.Operation) && !req.StoredPrompt {
		return gateway.Errorf(gateway.CodeInvalid, "the request has no user input")
	}
	return nil
}

// needsUserInput reports whether op must carry user input to make sense.
func needsUserInput(op gateway.Operation) bool {
	switch op {
	case gateway.OpChatCompletions, gateway.OpMessages, gateway.OpGenerateContent, gateway.OpStreamGenerate, gateway.OpResponses, gateway.OpEmbeddings, gateway.OpEmbedContent:
		return true
	}
	return false
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

var _ gateway.Guard = (*Validator)(nil)
