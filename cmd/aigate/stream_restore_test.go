package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aigate-dev/aigate/internal/sse"
)

// splitUpstream streams a fixed answer that names the request's
// placeholders, cut into the pieces the test sets, in OpenAI or Anthropic
// form (Anthropic with a ping between every two deltas).
type splitUpstream struct {
	mu     sync.Mutex
	pieces []string
}

func (u *splitUpstream) set(p []string) {
	u.mu.Lock()
	u.pieces = p
	u.mu.Unlock()
}

func (u *splitUpstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u.mu.Lock()
	pieces := u.pieces
	u.mu.Unlock()
	w.Header().Set("Content-Type", "text/event-stream")
	out := sse.NewWriter(w)
	ev := func(name string, v any) {
		b, _ := json.Marshal(v)
		_ = out.WriteEvent(name, b)
	}
	if strings.HasPrefix(r.URL.Path, "/v1/messages") {
		ev("message_start", map[string]any{"type": "message_start", "message": map[string]any{"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-haiku-4-5", "content": []any{}, "usage": map[string]any{"input_tokens": 5, "output_tokens": 1}}})
		ev("content_block_start", map[string]any{"type": "content_block_start", "index": 0, "content_block": map[string]any{"type": "text", "text": ""}})
		for _, p := range pieces {
			ev("content_block_delta", map[string]any{"type": "content_block_delta", "index": 0, "delta": map[string]any{"type": "text_delta", "text": p}})
			ev("ping", map[string]any{"type": "ping"})
		}
		ev("content_block_stop", map[string]any{"type": "content_block_stop", "index": 0})
		ev("message_delta", map[string]any{"type": "message_delta", "delta": map[string]any{"stop_reason": "end_turn"}, "usage": map[string]any{"output_tokens": 9}})
		ev("message_stop", map[string]any{"type": "message_stop"})
		return
	}
	chunk := func(delta map[string]any, finish any) map[string]any {
		return map[string]any{"id": "c1", "object": "chat.completion.chunk", "model": "gpt-4o-mini",
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}}}
	}
	ev("", chunk(map[string]any{"role": "assistant", "content": ""}, nil))
	for _, p := range pieces {
		ev("", chunk(map[string]any{"content": p}, nil))
	}
	ev("", chunk(map[string]any{}, "stop"))
	_ = out.WriteEvent("", []byte("[DONE]"))
}

// streamedText reads the text deltas of an OpenAI or Anthropic stream.
func streamedText(t *testing.T, data []byte) string {
	t.Helper()
	var b strings.Builder
	r := sse.NewReader(strings.NewReader(string(data)))
	for {
		ev, err := r.Next()
		if err != nil {
			break
		}
		if !ev.HasData || string(ev.Data) == "[DONE]" {
			continue
		}
		var v struct {
			Choices []struct{ Delta struct{ Content string } }
			Delta   struct{ Text string }
			Error   any
		}
		mustUnmarshal(t, ev.Data, &v)
		if v.Error != nil {
			t.Fatalf("stream error event: %s", ev.Data)
		}
		for _, c := range v.Choices {
			b.WriteString(c.Delta.Content)
		}
		b.WriteString(v.Delta.Text)
	}
	return b.String()
}

// TestStreamRestoreAcrossSplitEvents cuts an answer naming two placeholders
// at every byte, once and twice, and checks the client always reads the
// original values, whole and in order, for both SSE dialects.
func TestStreamRestoreAcrossSplitEvents(t *testing.T) {
	up := &splitUpstream{}
	g, key := mustPolicyGateway(t, up, "support-bot")
	const answer = "Mail <EMAIL_1> or <PHONE_1>!<"
	want := "Mail " + testEmail + " or " + testPhone + "!<"
	prompt := string(mustJSON(t, "write to "+testEmail+" or call me at "+testPhone))

	var cases [][]string
	for i := 1; i < len(answer); i++ {
		cases = append(cases, []string{answer[:i], answer[i:]})
		for j := i + 1; j < len(answer); j += 3 {
			cases = append(cases, []string{answer[:i], answer[i:j], answer[j:]})
		}
	}
	cases = append(cases, strings.Split(answer, "")) // one byte per event

	for _, dialect := range []string{"openai", "anthropic"} {
		for _, pieces := range cases {
			up.set(pieces)
			var (
				resp *http.Response
				data []byte
			)
			if dialect == "openai" {
				resp, data = g.do(t, "POST", "/v1/chat/completions", `{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":`+prompt+`}]}`, bearerHeader(key))
			} else {
				resp, data = g.do(t, "POST", "/v1/messages", `{"model":"claude-haiku-4-5","max_tokens":50,"stream":true,"messages":[{"role":"user","content":`+prompt+`}]}`,
					http.Header{"X-Api-Key": {key}, "Anthropic-Version": {"2023-06-01"}})
			}
			name := fmt.Sprintf("%s %q", dialect, pieces)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: status %d: %s", name, resp.StatusCode, data)
			}
			if got := streamedText(t, data); got != want {
				t.Errorf("%s: client read %q, want %q", name, got, want)
			}
			if dialect == "openai" && !strings.HasSuffix(strings.TrimSpace(string(data)), "data: [DONE]") {
				t.Errorf("%s: stream does not end with [DONE]", name)
			}
		}
	}
}
