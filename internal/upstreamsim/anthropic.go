package upstreamsim

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"
)

// anthropicMaxBody is the request size limit of the real Messages API.
const anthropicMaxBody = 32 << 20

// Anthropic returns a simulated Anthropic Messages API. It answers
//
//	POST /v1/messages               a message, or an SSE stream when "stream" is true
//	POST /v1/messages/count_tokens  {"input_tokens": N}
//
// in the real wire formats. Replies are deterministic: a sentence naming
// the model and the length of the last user message (never its text), with
// usage of ceil(characters/4) tokens, truncated to max_tokens. Requests
// without an x-api-key or Authorization: Bearer credential get a 401
// authentication_error; a missing anthropic-version header, malformed JSON
// or a missing required field get a 400 invalid_request_error; other paths
// a 404 not_found_error. Any non-empty key is accepted. The handler writes
// nothing but responses.
func Anthropic() http.Handler {
	return http.HandlerFunc(anthropicServe)
}

func anthropicServe(w http.ResponseWriter, r *http.Request) {
	countTokens := false
	switch r.URL.Path {
	case "/v1/messages":
	case "/v1/messages/count_tokens":
		countTokens = true
	default:
		anthropicError(w, http.StatusNotFound, "not_found_error", "Not found")
		return
	}
	if r.Method != http.MethodPost {
		anthropicError(w, http.StatusMethodNotAllowed, "invalid_request_error", "Method not allowed")
		return
	}
	bearer, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if r.Header.Get("X-Api-Key") == "" && strings.TrimSpace(bearer) == "" {
		anthropicError(w, http.StatusUnauthorized, "authentication_error", "x-api-key header is required")
		return
	}
	if r.Header.Get("Anthropic-Version") == "" {
		anthropicError(w, http.StatusBadRequest, "invalid_request_error", "anthropic-version: header is required")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, anthropicMaxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			anthropicError(w, http.StatusRequestEntityTooLarge, "request_too_large", "Request exceeds the maximum allowed number of bytes.")
			return
		}
		anthropicError(w, http.StatusBadRequest, "invalid_request_error", "could not read the request body")
		return
	}
	var req anthropicRequest
	if err := json.Unmarshal(body, &req); err != nil {
		anthropicError(w, http.StatusBadRequest, "invalid_request_error", "The request body is not valid JSON")
		return
	}
	switch {
	case req.Model == "":
		anthropicError(w, http.StatusBadRequest, "invalid_request_error", "model: Field required")
		return
	case len(req.Messages) == 0:
		anthropicError(w, http.StatusBadRequest, "invalid_request_error", "messages: Field required")
		return
	case !countTokens && req.MaxTokens <= 0:
		anthropicError(w, http.StatusBadRequest, "invalid_request_error", "max_tokens: Field required")
		return
	}

	total, last := anthropicChars(req)
	input := anthropicTokens(total)
	w.Header().Set("Request-Id", fmt.Sprintf("req_sim_%016x", anthropicHash(req.Model, total)))
	if countTokens {
		anthropicJSON(w, http.StatusOK, struct {
			InputTokens int64 `json:"input_tokens"`
		}{input})
		return
	}

	answer, output, stop := anthropicAnswer(req.Model, last, req.MaxTokens, simExtra(body))
	msg := anthropicMessage{
		ID:    fmt.Sprintf("msg_sim_%016x", anthropicHash(req.Model, total)),
		Type:  "message",
		Role:  "assistant",
		Model: req.Model,
		Content: []anthropicBlock{
			{Type: "text", Text: answer},
		},
		StopReason: &stop,
		Usage:      anthropicUsage{InputTokens: input, OutputTokens: output},
	}
	if args := simToolArgs(body); args != "" {
		msg.Content = append(msg.Content, anthropicBlock{Type: "tool_use", ID: fmt.Sprintf("toolu_sim_%08x", anthropicHash(req.Model, total)&0xffffffff), Name: SimToolName, Input: json.RawMessage(args)})
		if stop != "max_tokens" {
			stop = "tool_use"
		}
	}
	if !req.Stream {
		anthropicJSON(w, http.StatusOK, msg)
		return
	}
	anthropicStream(w, msg)
}

type anthropicRequest struct {
	Model     string          `json:"model"`
	MaxTokens int64           `json:"max_tokens"`
	Stream    bool            `json:"stream"`
	System    json.RawMessage `json:"system"`
	Messages  []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
}

type anthropicMessage struct {
	ID           string           `json:"id"`
	Type         string           `json:"type"`
	Role         string           `json:"role"`
	Model        string           `json:"model"`
	Content      []anthropicBlock `json:"content"`
	StopReason   *string          `json:"stop_reason"`
	StopSequence *string          `json:"stop_sequence"`
	Usage        anthropicUsage   `json:"usage"`
}

// anthropicBlock is a text block, or a tool_use block when Type says so.
type anthropicBlock struct {
	Type  string
	Text  string
	ID    string          // tool_use
	Name  string          // tool_use
	Input json.RawMessage // tool_use
}

func (b anthropicBlock) MarshalJSON() ([]byte, error) {
	if b.Type == "tool_use" {
		input := b.Input
		if input == nil {
			input = json.RawMessage("{}")
		}
		return json.Marshal(struct {
			Type  string          `json:"type"`
			ID    string          `json:"id"`
			Name  string          `json:"name"`
			Input json.RawMessage `json:"input"`
		}{b.Type, b.ID, b.Name, input})
	}
	return json.Marshal(struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}{b.Type, b.Text})
}

type anthropicUsage struct {
	InputTokens              int64 `json:"input_tokens"`
	CacheCreationInputTokens int64 `json:"cache_creation_input_tokens"`
	CacheReadInputTokens     int64 `json:"cache_read_input_tokens"`
	OutputTokens             int64 `json:"output_tokens"`
}

// anthropicChars returns the characters of all text in req and of the
// text of the last user message.
func anthropicChars(req anthropicRequest) (total, last int) {
	total = anthropicContentChars(req.System)
	for _, m := range req.Messages {
		n := anthropicContentChars(m.Content)
		total += n
		if m.Role == "user" {
			last = n
		}
	}
	return total, last
}

// anthropicContentChars counts the text of a string or of an array of
// content blocks, tool_result content included.
func anthropicContentChars(raw json.RawMessage) int {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return utf8.RuneCountInString(s)
	}
	var blocks []struct {
		Text    string          `json:"text"`
		Content json.RawMessage `json:"content"`
	}
	if json.Unmarshal(raw, &blocks) != nil {
		return 0
	}
	n := 0
	for _, b := range blocks {
		n += utf8.RuneCountInString(b.Text)
		if len(b.Content) > 0 {
			n += anthropicContentChars(b.Content)
		}
	}
	return n
}

// anthropicStream writes msg as the event sequence of a streamed message,
// flushing after each event.
func anthropicStream(w http.ResponseWriter, msg anthropicMessage) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	send := func(name string, v any) {
		data, _ := json.Marshal(v) // plain structs and maps always marshal
		fmt.Fprintf(w, "event: %s\ndata: %s\n\n", name, data)
		_ = rc.Flush()
	}

	start := msg
	start.Content = []anthropicBlock{}
	start.StopReason = nil
	start.Usage.OutputTokens = 1
	send("message_start", map[string]any{"type": "message_start", "message": start})
	send("content_block_start", map[string]any{
		"type": "content_block_start", "index": 0,
		"content_block": anthropicBlock{Type: "text", Text: ""},
	})
	send("ping", map[string]string{"type": "ping"})
	for _, piece := range anthropicPieces(msg.Content[0].Text) {
		send("content_block_delta", map[string]any{
			"type": "content_block_delta", "index": 0,
			"delta": map[string]string{"type": "text_delta", "text": piece},
		})
	}
	send("content_block_stop", map[string]any{"type": "content_block_stop", "index": 0})
	for i, b := range msg.Content[1:] {
		start := b
		start.Input = json.RawMessage("{}")
		send("content_block_start", map[string]any{"type": "content_block_start", "index": i + 1, "content_block": start})
		for _, piece := range argPieces(string(b.Input)) {
			send("content_block_delta", map[string]any{
				"type": "content_block_delta", "index": i + 1,
				"delta": map[string]string{"type": "input_json_delta", "partial_json": piece},
			})
		}
		send("content_block_stop", map[string]any{"type": "content_block_stop", "index": i + 1})
	}
	send("message_delta", map[string]any{
		"type":  "message_delta",
		"delta": map[string]any{"stop_reason": msg.StopReason, "stop_sequence": nil},
		"usage": map[string]int64{"output_tokens": msg.Usage.OutputTokens},
	})
	send("message_stop", map[string]string{"type": "message_stop"})
}

func anthropicJSON(w http.ResponseWriter, status int, v any) {
	data, _ := json.Marshal(v) // plain structs always marshal
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

func anthropicError(w http.ResponseWriter, status int, typ, msg string) {
	anthropicJSON(w, status, map[string]any{
		"type":       "error",
		"error":      map[string]string{"type": typ, "message": msg},
		"request_id": "req_sim_error",
	})
}

// anthropicTokens is the simulated token count of n characters: ceil(n/4), at
// least 1.
func anthropicTokens(n int) int64 {
	if n <= 0 {
		return 1
	}
	return int64((n + 3) / 4)
}

// anthropicAnswer returns the deterministic reply to a conversation whose last
// user message had lastChars characters, its token count, and the stop
// reason: "end_turn", or "max_tokens" when maxTokens (if positive) cut it.
func anthropicAnswer(model string, lastChars int, maxTokens int64, extra string) (answer string, tokens int64, stop string) {
	answer = simReply(model, lastChars, extra)
	stop = "end_turn"
	if maxTokens > 0 && anthropicTokens(utf8.RuneCountInString(answer)) > maxTokens {
		r := []rune(answer)
		answer = string(r[:min(len(r), int(maxTokens)*4)])
		stop = "max_tokens"
	}
	return answer, anthropicTokens(utf8.RuneCountInString(answer)), stop
}

// anthropicPieces splits s into chunks of about three words, for streaming.
func anthropicPieces(s string) []string {
	var out []string
	words := strings.SplitAfter(s, " ")
	for i := 0; i < len(words); i += 3 {
		out = append(out, strings.Join(words[i:min(i+3, len(words))], ""))
	}
	return out
}

// anthropicHash is a deterministic id for an answer.
func anthropicHash(model string, n int) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%d", model, n)
	return h.Sum64()
}
