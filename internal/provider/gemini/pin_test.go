package gemini

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
		{"none", gateway.OpGenerateContent, `{"contents":[{"parts":[{"text":"hi"}]}]}`, false,
			`{"systemInstruction":{"parts":[{"text":"PIN"}]},"contents":[{"parts":[{"text":"hi!"}]}]}`},
		{"allow", gateway.OpGenerateContent, `{"system_instruction":{"parts":[{"text":"c"}]},"contents":[{"parts":[{"text":"hi"}]}]}`, false,
			`{"system_instruction":{"parts":[{"text":"PIN"},{"text":"c"}]},"contents":[{"parts":[{"text":"hi!"}]}]}`},
		{"strip", gateway.OpStreamGenerate, `{"systemInstruction":{"role":"x","parts":[{"text":"c"}]},"contents":[{"parts":[{"text":"hi"}]}]}`, true,
			`{"systemInstruction":{"parts":[{"text":"PIN"}]},"contents":[{"parts":[{"text":"hi!"}]}]}`},
		{"embed-untouched", gateway.OpEmbedContent, `{"content":{"parts":[{"text":"hi"}]}}`, false, `{"content":{"parts":[{"text":"hi!"}]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := Adapter{}.Decode(tt.op, "gemini-2.5-flash", []byte(tt.body))
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
