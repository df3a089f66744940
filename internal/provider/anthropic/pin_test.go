package anthropic

import (
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
)

func TestPinSystem(t *testing.T) {
	const p = "PIN"
	tests := []struct {
		name  string
		op    gateway.Operation
		body  string
		strip bool
		want  string
	}{
		{"none", gateway.OpMessages, `{"model":"m","messages":[{"role":"user","content":"hi"}]}`, false,
			`{"system":"PIN","model":"m","messages":[{"role":"user","content":"hi!"}]}`},
		{"string-allow", gateway.OpMessages, `{"model":"m","system":"c","messages":[{"role":"user","content":"hi"}]}`, false,
			`{"model":"m","system":"PIN\n\nc","messages":[{"role":"user","content":"hi!"}]}`},
		{"string-strip", gateway.OpMessages, `{"model":"m","system":"c","messages":[{"role":"user","content":"hi"}]}`, true,
			`{"model":"m","system":"PIN","messages":[{"role":"user","content":"hi!"}]}`},
		{"blocks-allow", gateway.OpMessages, `{"model":"m","system":[{"type":"text","text":"c","cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":"hi"}]}`, false,
			`{"model":"m","system":[{"type":"text","text":"PIN"},{"type":"text","text":"c","cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":"hi!"}]}`},
		{"blocks-strip", gateway.OpMessages, `{"model":"m","system":[{"type":"text","text":"c"}],"messages":[{"role":"user","content":"hi"}]}`, true,
			`{"model":"m","system":"PIN","messages":[{"role":"user","content":"hi!"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := Adapter{}.Decode(tt.op, "", []byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if err := (Adapter{}).PinSystem(req, p, tt.strip); err != nil {
				t.Fatal(err)
			}
			for _, m := range req.Messages { // guards may still edit what is left
				for _, part := range m.Parts {
					if m.Role == gateway.RoleUser {
						part.Set(part.Value + "!")
					}
				}
			}
			if got := string(req.Body()); got != tt.want {
				t.Errorf("PinSystem(%s) body =\n%s\nwant\n%s", tt.body, got, tt.want)
			}
		})
	}
}
