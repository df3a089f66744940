package upstreamsim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// anthropicDo sends body to the Anthropic simulator with a key and the
// version header unless noAuth.
func anthropicDo(t *testing.T, method, path, body string, noAuth bool) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Anthropic-Version", "2023-06-01")
	if !noAuth {
		r.Header.Set("X-Api-Key", "sim-test-key")
	}
	w := httptest.NewRecorder()
	Anthropic().ServeHTTP(w, r)
	return w
}

const anthropicPrompt = `{"model":"claude-sim","max_tokens":100,"system":"Sys.","messages":[{"role":"user","content":"first secret question"},{"role":"assistant","content":[{"type":"text","text":"ok"}]},{"role":"user","content":[{"type":"text","text":"Hello"},{"type":"tool_result","tool_use_id":"t","content":[{"type":"text","text":"tool output"}]}]}]}`

func TestAnthropicErrors(t *testing.T) {
	tests := []struct {
		name, method, path, body string
		noAuth                   bool
		header                   http.Header
		status                   int
		typ                      string
	}{
		{"no-key", "POST", "/v1/messages", anthropicPrompt, true, nil, 401, "authentication_error"},
		{"bearer-ok-but-bad-json", "POST", "/v1/messages", `{"model":`, true, http.Header{"Authorization": {"Bearer k"}}, 400, "invalid_request_error"},
		{"empty-bearer", "POST", "/v1/messages", anthropicPrompt, true, http.Header{"Authorization": {"Bearer "}}, 401, "authentication_error"},
		{"no-version", "POST", "/v1/messages", anthropicPrompt, false, http.Header{"Anthropic-Version": {""}}, 400, "invalid_request_error"},
		{"malformed", "POST", "/v1/messages", `{"model":"m",`, false, nil, 400, "invalid_request_error"},
		{"no-model", "POST", "/v1/messages", `{"max_tokens":1,"messages":[{"role":"user","content":"x"}]}`, false, nil, 400, "invalid_request_error"},
		{"no-max-tokens", "POST", "/v1/messages", `{"model":"m","messages":[{"role":"user","content":"x"}]}`, false, nil, 400, "invalid_request_error"},
		{"no-messages", "POST", "/v1/messages/count_tokens", `{"model":"m"}`, false, nil, 400, "invalid_request_error"},
		{"unknown-path", "POST", "/v1/complete", `{}`, false, nil, 404, "not_found_error"},
		{"get", "GET", "/v1/messages", ``, false, nil, 405, "invalid_request_error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
			r.Header.Set("Anthropic-Version", "2023-06-01")
			if !tt.noAuth {
				r.Header.Set("X-Api-Key", "sim-test-key")
			}
			for k, v := range tt.header {
				r.Header[k] = v
			}
			w := httptest.NewRecorder()
			Anthropic().ServeHTTP(w, r)
			var body struct {
				Type  string `json:"type"`
				Error struct{ Type, Message string }
			}
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %s: %v", w.Body, err)
			}
			if w.Code != tt.status || body.Type != "error" || body.Error.Type != tt.typ || body.Error.Message == "" {
				t.Errorf("%s %s = %d %s; want %d %s", tt.method, tt.path, w.Code, w.Body, tt.status, tt.typ)
			}
		})
	}
}

func TestAnthropicMessage(t *testing.T) {
	w := anthropicDo(t, "POST", "/v1/messages", anthropicPrompt, false)
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, content type %q: %s", w.Code, w.Header().Get("Content-Type"), w.Body)
	}
	var msg anthropicMessage
	if err := json.Unmarshal(w.Body.Bytes(), &msg); err != nil {
		t.Fatal(err)
	}
	// The last user turn is "Hello" (5) plus the tool output (11).
	want := "This is a simulated reply from claude-sim. Your last message was 16 characters long."
	if len(msg.Content) != 1 || msg.Content[0].Text != want || msg.Type != "message" || msg.Role != "assistant" {
		t.Errorf("message = %+v, want the text %q", msg, want)
	}
	// Sys. 4 + 21 + 2 + 5 + 11 = 43 characters: 11 tokens.
	if msg.Usage.InputTokens != 11 || msg.Usage.OutputTokens != anthropicTokens(len(want)) || *msg.StopReason != "end_turn" {
		t.Errorf("usage, stop = %+v, %q", msg.Usage, *msg.StopReason)
	}
	for _, secret := range []string{"secret", "Hello", "tool output", "Sys."} {
		if strings.Contains(w.Body.String(), secret) {
			t.Errorf("the answer echoes the prompt text %q", secret)
		}
	}
	if again := anthropicDo(t, "POST", "/v1/messages", anthropicPrompt, false); !bytes.Equal(again.Body.Bytes(), w.Body.Bytes()) {
		t.Errorf("answers are not deterministic")
	}
}

func TestAnthropicMaxTokens(t *testing.T) {
	w := anthropicDo(t, "POST", "/v1/messages", `{"model":"m","max_tokens":3,"messages":[{"role":"user","content":"x"}]}`, false)
	var msg anthropicMessage
	if err := json.Unmarshal(w.Body.Bytes(), &msg); err != nil {
		t.Fatal(err)
	}
	if *msg.StopReason != "max_tokens" || msg.Usage.OutputTokens != 3 || len([]rune(msg.Content[0].Text)) != 12 {
		t.Errorf("max_tokens 3 gave %q, stop %q, %d output tokens", msg.Content[0].Text, *msg.StopReason, msg.Usage.OutputTokens)
	}
}

func TestAnthropicCountTokens(t *testing.T) {
	w := anthropicDo(t, "POST", "/v1/messages/count_tokens", `{"model":"m","messages":[{"role":"user","content":"123456789"}]}`, false)
	if w.Code != 200 || strings.TrimSpace(w.Body.String()) != `{"input_tokens":3}` {
		t.Errorf("count_tokens = %d %s, want {\"input_tokens\":3}", w.Code, w.Body)
	}
}

func TestAnthropicStream(t *testing.T) {
	body := strings.Replace(anthropicPrompt, `"max_tokens":100`, `"max_tokens":100,"stream":true`, 1)
	w := anthropicDo(t, "POST", "/v1/messages", body, false)
	if w.Code != 200 || w.Header().Get("Content-Type") != "text/event-stream" {
		t.Fatalf("status %d, content type %q", w.Code, w.Header().Get("Content-Type"))
	}
	if !w.Flushed {
		t.Errorf("the stream was not flushed")
	}
	var (
		names []string
		text  strings.Builder
		out   int64
	)
	for _, ev := range strings.Split(strings.TrimSuffix(w.Body.String(), "\n\n"), "\n\n") {
		lines := strings.Split(ev, "\n")
		if len(lines) != 2 || !strings.HasPrefix(lines[0], "event: ") || !strings.HasPrefix(lines[1], "data: ") {
			t.Fatalf("malformed event %q", ev)
		}
		name := strings.TrimPrefix(lines[0], "event: ")
		var data struct {
			Type  string
			Delta struct{ Type, Text string }
			Usage struct {
				OutputTokens int64 `json:"output_tokens"`
			}
		}
		if err := json.Unmarshal([]byte(strings.TrimPrefix(lines[1], "data: ")), &data); err != nil || data.Type != name {
			t.Fatalf("event %s data %s: %v", name, lines[1], err)
		}
		if len(names) == 0 || names[len(names)-1] != name {
			names = append(names, name)
		}
		if name == "content_block_delta" {
			text.WriteString(data.Delta.Text)
		}
		if name == "message_delta" {
			out = data.Usage.OutputTokens
		}
	}
	want := []string{"message_start", "content_block_start", "ping", "content_block_delta", "content_block_stop", "message_delta", "message_stop"}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Errorf("events = %v, want %v", names, want)
	}
	if !strings.Contains(text.String(), "16 characters") || out != anthropicTokens(len([]rune(text.String()))) {
		t.Errorf("streamed %q with %d output tokens", text.String(), out)
	}
}
