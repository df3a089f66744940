package openai

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
		{"chat-none", gateway.OpChatCompletions, `{"model":"m", "messages": [{"role":"user","content":"hi"}], "x":1.50}`, false,
			`{"model":"m", "messages": [{"role":"system","content":"PIN"},{"role":"user","content":"hi!"}], "x":1.50}`},
		{"chat-allow", gateway.OpChatCompletions, `{"model":"m","messages":[{"role":"system","content":"c"},{"role":"user","content":"hi"}]}`, false,
			`{"model":"m","messages":[{"role":"system","content":"PIN"},{"role":"system","content":"c"},{"role":"user","content":"hi!"}]}`},
		{"chat-strip", gateway.OpChatCompletions, `{"model":"m","messages":[{"role":"system","content":"c"}, {"role":"developer","content":"d"} ,{"role":"user","content":"hi"},{"role":"system","content":"e"}]}`, true,
			`{"model":"m","messages":[{"role":"system","content":"PIN"},{"role":"user","content":"hi!"}]}`},
		{"chat-strip-all-but-middle", gateway.OpChatCompletions, `{"model":"m","messages":[{"role":"user","content":"a"},{"role":"system","content":"c"},{"role":"user","content":"b"}]}`, true,
			`{"model":"m","messages":[{"role":"system","content":"PIN"},{"role":"user","content":"a!"},{"role":"user","content":"b!"}]}`},
		{"chat-empty", gateway.OpChatCompletions, `{"model":"m","messages":[ ]}`, false,
			`{"model":"m","messages":[{"role":"system","content":"PIN"} ]}`},
		{"chat-strip-only-system", gateway.OpChatCompletions, `{"model":"m","messages":[{"role":"system","content":"c"}]}`, true,
			`{"model":"m","messages":[{"role":"system","content":"PIN"}]}`},
		{"responses-none", gateway.OpResponses, `{"model":"m","input":"hi"}`, false, `{"instructions":"PIN","model":"m","input":"hi!"}`},
		{"responses-allow", gateway.OpResponses, `{"model":"m","instructions":"c","input":"hi"}`, false, `{"model":"m","instructions":"PIN\n\nc","input":"hi!"}`},
		{"responses-strip", gateway.OpResponses, `{"model":"m","instructions":"c","input":[{"role":"developer","content":"d"},{"role":"user","content":"hi"}]}`, true,
			`{"model":"m","instructions":"PIN","input":[{"role":"user","content":"hi!"}]}`},
		{"responses-null", gateway.OpResponses, `{"model":"m","instructions":null,"input":"hi"}`, false, `{"model":"m","instructions":"PIN","input":"hi!"}`},
		{"embeddings-untouched", gateway.OpEmbeddings, `{"model":"m","input":"hi"}`, false, `{"model":"m","input":"hi!"}`},
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
