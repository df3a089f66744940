package guard

import (
	"context"
	"strings"
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
)

func TestValidator(t *testing.T) {
	v := &Validator{MaxUserMessageChars: 10, MaxMessages: 3, MaxTokens: 100}
	msg := func(role gateway.Role, texts ...string) gateway.Message {
		m := gateway.Message{Role: role}
		for _, s := range texts {
			m.Parts = append(m.Parts, &gateway.Text{Value: s})
		}
		return m
	}
	chat := func(ms ...gateway.Message) *gateway.Request {
		return &gateway.Request{Operation: gateway.OpChatCompletions, Model: "gpt-4o-mini", Messages: ms}
	}
	tests := []struct {
		name     string
		req      *gateway.Request
		wantCode gateway.Code // empty: allowed
		wantMsg  string
	}{
		{"ok", chat(msg(gateway.RoleSystem, "be brief"), msg(gateway.RoleUser, "hello")), "", ""},
		{"models-list-needs-nothing", &gateway.Request{Operation: gateway.OpModels}, "", ""},
		{"missing-model", &gateway.Request{Operation: gateway.OpChatCompletions, Messages: []gateway.Message{msg(gateway.RoleUser, "hi")}}, gateway.CodeInvalid, "model is required"},
		{"whitespace-only", chat(msg(gateway.RoleUser, " \n\t")), gateway.CodeInvalid, "empty or only whitespace"},
		{"no-user-input", chat(msg(gateway.RoleSystem, "x")), gateway.CodeInvalid, "no user input"},
		{"too-long-counts-characters", chat(msg(gateway.RoleUser, strings.Repeat("é", 11))), gateway.CodeInvalid, "11 characters; the limit for a user message is 10"},
		{"exactly-at-limit", chat(msg(gateway.RoleUser, strings.Repeat("é", 10))), "", ""},
		{"long-assistant-is-fine", chat(msg(gateway.RoleAssistant, strings.Repeat("x", 50)), msg(gateway.RoleUser, "ok")), "", ""},
		{"too-many-messages", chat(msg(gateway.RoleUser, "a"), msg(gateway.RoleUser, "b"), msg(gateway.RoleUser, "c"), msg(gateway.RoleUser, "d")), gateway.CodeInvalid, "4 messages; the limit is 3"},
		{"max-tokens-cap", func() *gateway.Request { r := chat(msg(gateway.RoleUser, "a")); r.MaxTokens = 101; return r }(), gateway.CodeInvalid, "cap of 100"},
		{"model-not-allowed", func() *gateway.Request {
			r := chat(msg(gateway.RoleUser, "a"))
			r.Principal = &gateway.Principal{Models: []string{"claude-*"}}
			return r
		}(), gateway.CodeForbidden, `model "gpt-4o-mini" is not allowed`},
		{"model-allowed-by-prefix", func() *gateway.Request {
			r := chat(msg(gateway.RoleUser, "a"))
			r.Principal = &gateway.Principal{Models: []string{"gpt-4o*"}}
			return r
		}(), "", ""},
	}
	withModels := &Validator{MaxUserMessageChars: 10, MaxMessages: 3, MaxTokens: 100, Models: []ModelLimits{
		{Pattern: "gpt-4o*", MaxUserMessageChars: 20, MaxTokens: 200},
		{Pattern: "gpt-*", MaxUserMessageChars: 5},
	}}
	overrides := []struct {
		name     string
		model    string
		key      int // the key's own max_user_message_chars
		chars    int
		tokens   int64
		wantCode gateway.Code
	}{
		{"model-override-allows-longer", "gpt-4o-mini", 0, 20, 200, ""},
		{"model-override-still-caps", "gpt-4o-mini", 0, 21, 0, gateway.CodeInvalid},
		{"model-override-raises-max-tokens", "gpt-4o-mini", 0, 1, 201, gateway.CodeInvalid},
		{"first-match-wins", "gpt-3.5", 0, 6, 0, gateway.CodeInvalid},
		{"default-for-other-models", "claude-x", 0, 10, 100, ""},
		{"key-overrides-model", "gpt-3.5", 50, 50, 0, ""},
		{"key-override-still-caps", "claude-x", 50, 51, 0, gateway.CodeInvalid},
	}
	for _, tt := range overrides {
		t.Run(tt.name, func(t *testing.T) {
			r := chat(msg(gateway.RoleUser, strings.Repeat("x", tt.chars)))
			r.Model, r.MaxTokens = tt.model, tt.tokens
			r.Principal = &gateway.Principal{Limits: gateway.Limits{MaxUserMessageChars: tt.key}}
			err := withModels.Check(context.Background(), r)
			if got := gateway.ErrorCode(err); (err == nil) != (tt.wantCode == "") || (err != nil && got != tt.wantCode) {
				t.Errorf("Check = %v, want code %q", err, tt.wantCode)
			}
		})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := v.Check(context.Background(), tt.req)
			if tt.wantCode == "" {
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
				return
			}
			if got := gateway.ErrorCode(err); got != tt.wantCode {
				t.Fatalf("Check code = %v (%v), want %v", got, err, tt.wantCode)
			}
			if !strings.Contains(gateway.AsError(err).Message, tt.wantMsg) {
				t.Errorf("Check message = %q, want it to contain %q", gateway.AsError(err).Message, tt.wantMsg)
			}
		})
	}
}
