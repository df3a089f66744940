package upstreamsim

import (
	"encoding/json"
	"testing"
)

func TestSimToolArgs(t *testing.T) {
	body := func(text string) []byte {
		b, _ := json.Marshal(map[string]any{"messages": []any{
			map[string]any{"role": "system", "content": "Be brief 😀."},
			map[string]any{"role": "user", "content": text},
		}})
		return b
	}
	tests := []struct{ name, text, want string }{
		{"note", "hi " + ToolCallMarker + " mail x@example.org ", `{"note":"mail x@example.org"}`},
		{"given as written", ToolArgsMarker + ` {"to":"x\u0040example.org","n":4111111111111111}`, `{"to":"x\u0040example.org","n":4111111111111111}`},
		{"given, not an object", ToolArgsMarker + ` [1]`, ""},
		{"given, not JSON", ToolArgsMarker + ` {"a":`, ""},
		{"system prompt escaped", LeakArgsMarker, `{"note":"\u0042\u0065\u0020\u0062\u0072\u0069\u0065\u0066\u0020\ud83d\ude00\u002e"}`},
		{"none", "hello", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := simToolArgs(body(tt.text)); got != tt.want {
				t.Errorf("simToolArgs = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestSimAnswer: AnswerMarker's text is the whole reply, escapes and all;
// without it the reply is the sentence.
func TestSimAnswer(t *testing.T) {
	body, _ := json.Marshal(map[string]any{"messages": []any{
		map[string]any{"role": "user", "content": "hi " + AnswerMarker + ` {"email":"jane\u0040example.org"} `},
	}})
	if got, want := simReply("m", 3, simExtra(body)), `{"email":"jane\u0040example.org"}`; got != want {
		t.Errorf("reply %q, want %q", got, want)
	}
	if got, want := simReply("m", 3, ""), "This is a simulated reply from m. Your last message was 3 characters long."; got != want {
		t.Errorf("reply %q, want %q", got, want)
	}
}
