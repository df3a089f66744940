package upstreamsim

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"net/http"
	"strings"
	"unicode/utf8"
)

// openaiMaxBody bounds a request body, like the real API's size limit.
const openaiMaxBody = 32 << 20

// openaiCreated is the fixed creation time of every simulated object, so
// answers are deterministic.
const openaiCreated = 1735689600 // 2025-01-01T00:00:00Z

// OpenAI returns a simulated OpenAI API. It answers
//
//	POST /v1/chat/completions   a chat completion, or an SSE stream of chunks
//	                            ending in "data: [DONE]" when "stream" is true,
//	                            with a usage chunk only when
//	                            stream_options.include_usage is true
//	POST /v1/responses          a response, or the Responses API's typed SSE
//	                            events from response.created to
//	                            response.completed (response.incomplete when
//	                            max_output_tokens cut the answer)
//	POST /v1/embeddings         deterministic unit vectors (float or base64)
//	GET  /v1/models             a short model list
//
// in the real wire formats. Replies are deterministic: a sentence naming the
// model and the length of the last user message (never its text), with usage
// of ceil(characters/4) tokens, truncated to the output token limit. Requests
// without "Authorization: Bearer <key>" get a 401 in OpenAI's error format;
// malformed JSON or a missing required field get a 400 invalid_request_error,
// unknown paths a 404 and other methods a 405. Any non-empty key is
// accepted. The handler writes nothing but responses.
func OpenAI() http.Handler {
	return http.HandlerFunc(openaiServe)
}

func openaiServe(w http.ResponseWriter, r *http.Request) {
	method := http.MethodPost
	switch r.URL.Path {
	case "/v1/chat/completions", "/v1/responses", "/v1/embeddings":
	case "/v1/models":
		method = http.MethodGet
	default:
		openaiError(w, http.StatusNotFound, "invalid_request_error", "unknown_url",
			fmt.Sprintf("Invalid URL (%s %s)", r.Method, r.URL.Path))
		return
	}
	if r.Method != method {
		w.Header().Set("Allow", method)
		openaiError(w, http.StatusMethodNotAllowed, "invalid_request_error", "method_not_supported",
			fmt.Sprintf("Invalid method for URL (%s %s)", r.Method, r.URL.Path))
		return
	}
	key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || strings.TrimSpace(key) == "" {
		openaiError(w, http.StatusUnauthorized, "invalid_request_error", "",
			"You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).")
		return
	}
	if method == http.MethodGet {
		openaiModels(w)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, openaiMaxBody))
	if err != nil {
		openaiError(w, http.StatusRequestEntityTooLarge, "invalid_request_error", "", "The request body is too large.")
		return
	}
	switch r.URL.Path {
	case "/v1/chat/completions":
		var req openaiChatRequest
		if !openaiDecode(w, body, &req) {
			return
		}
		openaiChat(w, req, simExtra(body), simToolArgs(body))
	case "/v1/responses":
		var req openaiResponsesRequest
		if !openaiDecode(w, body, &req) {
			return
		}
		openaiResponses(w, req, simExtra(body), simToolArgs(body))
	case "/v1/embeddings":
		var req openaiEmbeddingsRequest
		if !openaiDecode(w, body, &req) {
			return
		}
		openaiEmbeddings(w, req)
	}
}

// openaiDecode unmarshals body into v and checks the model, writing a 400
// when either fails.
func openaiDecode(w http.ResponseWriter, body []byte, v interface{ model() string }) bool {
	if err := json.Unmarshal(body, v); err != nil {
		openaiError(w, http.StatusBadRequest, "invalid_request_error", "",
			"We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)")
		return false
	}
	if v.model() == "" {
		openaiError(w, http.StatusBadRequest, "invalid_request_error", "", "you must provide a model parameter")
		return false
	}
	return true
}

// openaiTokens estimates tokens as ceil(chars/4), at least 1.
func openaiTokens(chars int) int64 {
	if chars <= 0 {
		return 1
	}
	return int64((chars + 3) / 4)
}

// openaiAnswer returns the deterministic reply to a conversation whose last
// user message had lastChars characters, its token count, and whether
// maxTokens (if positive) cut it short.
func openaiAnswer(model string, lastChars int, maxTokens int64, extra string) (answer string, tokens int64, cut bool) {
	answer = simReply(model, lastChars, extra)
	if maxTokens > 0 && openaiTokens(utf8.RuneCountInString(answer)) > maxTokens {
		r := []rune(answer)
		answer, cut = string(r[:min(len(r), int(maxTokens)*4)]), true
	}
	return answer, openaiTokens(utf8.RuneCountInString(answer)), cut
}

// openaiPieces splits s into chunks of about three words, for streaming.
func openaiPieces(s string) []string {
	var out []string
	words := strings.SplitAfter(s, " ")
	for i := 0; i < len(words); i += 3 {
		out = append(out, strings.Join(words[i:min(i+3, len(words))], ""))
	}
	return out
}

// openaiID is a deterministic id for an answer.
func openaiID(prefix, model string, n int) string {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%d", model, n)
	return fmt.Sprintf("%s%016x", prefix, h.Sum64())
}

// openaiChars counts the characters of message content: a string, or an
// array of parts whose text parts count.
func openaiChars(raw json.RawMessage) int {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return utf8.RuneCountInString(s)
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if json.Unmarshal(raw, &parts) != nil {
		return 0
	}
	n := 0
	for _, p := range parts {
		n += utf8.RuneCountInString(p.Text)
	}
	return n
}

// openaiLimit reads an optional token limit, accepting integral floats.
func openaiLimit(vs ...*float64) int64 {
	for _, v := range vs {
		if v != nil && *v > 0 && *v < math.MaxInt32 {
			return int64(*v)
		}
	}
	return 0
}

func openaiJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func openaiError(w http.ResponseWriter, status int, typ, code, msg string) {
	var c any
	if code != "" {
		c = code
	}
	openaiJSON(w, status, map[string]any{"error": map[string]any{
		"message": msg, "type": typ, "param": nil, "code": c,
	}})
}

// openaiEvent writes one SSE event (named unless name is empty) and flushes.
func openaiEvent(w http.ResponseWriter, name string, v any) {
	var b bytes.Buffer
	if name != "" {
		b.WriteString("event: " + name + "\n")
	}
	b.WriteString("data: ")
	if s, ok := v.(string); ok {
		b.WriteString(s)
	} else {
		data, _ := json.Marshal(v)
		b.Write(data)
	}
	b.WriteString("\n\n")
	_, _ = w.Write(b.Bytes())
	_ = http.NewResponseController(w).Flush()
}

func openaiStreamHeader(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
}

// Chat completions.

type openaiChatRequest struct {
	Model    string `json:"model"`
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
	Stream        bool `json:"stream"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
	MaxTokens           *float64 `json:"max_tokens"`
	MaxCompletionTokens *float64 `json:"max_completion_tokens"`
}

func (r *openaiChatRequest) model() string { return r.Model }

type openaiChatUsage struct {
	PromptTokens        int64 `json:"prompt_tokens"`
	CompletionTokens    int64 `json:"completion_tokens"`
	TotalTokens         int64 `json:"total_tokens"`
	PromptTokensDetails struct {
		CachedTokens int64 `json:"cached_tokens"`
		AudioTokens  int64 `json:"audio_tokens"`
	} `json:"prompt_tokens_details"`
	CompletionTokensDetails struct {
		ReasoningTokens          int64 `json:"reasoning_tokens"`
		AudioTokens              int64 `json:"audio_tokens"`
		AcceptedPredictionTokens int64 `json:"accepted_prediction_tokens"`
		RejectedPredictionTokens int64 `json:"rejected_prediction_tokens"`
	} `json:"completion_tokens_details"`
}

type openaiChunk struct {
	ID                string              `json:"id"`
	Object            string              `json:"object"`
	Created           int64               `json:"created"`
	Model             string              `json:"model"`
	SystemFingerprint string              `json:"system_fingerprint"`
	Choices           []openaiChunkChoice `json:"choices"`
	Usage             *openaiChatUsage    `json:"usage,omitempty"`
}

// openaiChunkWithUsage is a chunk of a stream that asked for usage: every
// chunk carries "usage", null until the last.
type openaiChunkWithUsage struct {
	openaiChunk
	Usage *openaiChatUsage `json:"usage"`
}

type openaiChunkChoice struct {
	Index        int            `json:"index"`
	Delta        map[string]any `json:"delta"`
	Logprobs     any            `json:"logprobs"`
	FinishReason any            `json:"finish_reason"`
}

func openaiChat(w http.ResponseWriter, req openaiChatRequest, extra, toolArgs string) {
	if req.Messages == nil {
		openaiError(w, http.StatusBadRequest, "invalid_request_error", "", "Missing required parameter: 'messages'.")
		return
	}
	total, last := 0, 0
	for _, m := range req.Messages {
		n := openaiChars(m.Content)
		total += n
		if m.Role == "user" {
			last = n
		}
	}
	answer, out, cut := openaiAnswer(req.Model, last, openaiLimit(req.MaxCompletionTokens, req.MaxTokens), extra)
	finish := "stop"
	if cut {
		finish = "length"
	} else if toolArgs != "" {
		finish = "tool_calls"
	}
	usage := &openaiChatUsage{PromptTokens: openaiTokens(total), CompletionTokens: out}
	usage.TotalTokens = usage.PromptTokens + usage.CompletionTokens
	id := openaiID("chatcmpl-sim", req.Model, last)

	callID := "call_sim_" + id[len(id)-8:]
	if !req.Stream {
		message := map[string]any{"role": "assistant", "content": answer, "refusal": nil, "annotations": []any{}}
		if toolArgs != "" {
			message["tool_calls"] = []any{map[string]any{"id": callID, "type": "function",
				"function": map[string]any{"name": SimToolName, "arguments": toolArgs}}}
		}
		openaiJSON(w, http.StatusOK, map[string]any{
			"id": id, "object": "chat.completion", "created": openaiCreated, "model": req.Model,
			"choices": []any{map[string]any{
				"index":         0,
				"message":       message,
				"logprobs":      nil,
				"finish_reason": finish,
			}},
			"usage": usage, "service_tier": "default", "system_fingerprint": "fp_sim",
		})
		return
	}

	withUsage := req.StreamOptions != nil && req.StreamOptions.IncludeUsage
	openaiStreamHeader(w)
	send := func(c openaiChunk) {
		if withUsage {
			openaiEvent(w, "", openaiChunkWithUsage{openaiChunk: c, Usage: c.Usage})
		} else {
			openaiEvent(w, "", c)
		}
	}
	chunk := func(delta map[string]any, finish any) openaiChunk {
		return openaiChunk{
			ID: id, Object: "chat.completion.chunk", Created: openaiCreated, Model: req.Model, SystemFingerprint: "fp_sim",
			Choices: []openaiChunkChoice{{Index: 0, Delta: delta, FinishReason: finish}},
		}
	}
	send(chunk(map[string]any{"role": "assistant", "content": "", "refusal": nil}, nil))
	for _, p := range openaiPieces(answer) {
		send(chunk(map[string]any{"content": p}, nil))
	}
	if toolArgs != "" {
		send(chunk(map[string]any{"tool_calls": []any{map[string]any{"index": 0, "id": callID, "type": "function",
			"function": map[string]any{"name": SimToolName, "arguments": ""}}}}, nil))
		for _, p := range argPieces(toolArgs) {
			send(chunk(map[string]any{"tool_calls": []any{map[string]any{"index": 0, "function": map[string]any{"arguments": p}}}}, nil))
		}
	}
	send(chunk(map[string]any{}, finish))
	if withUsage {
		c := chunk(nil, nil)
		c.Choices, c.Usage = []openaiChunkChoice{}, usage
		send(c)
	}
	openaiEvent(w, "", "[DONE]")
}

// Responses API.

type openaiResponsesRequest struct {
	Model           string          `json:"model"`
	Input           json.RawMessage `json:"input"`
	Instructions    *string         `json:"instructions"`
	MaxOutputTokens *float64        `json:"max_output_tokens"`
	Stream          bool            `json:"stream"`
}

func (r *openaiResponsesRequest) model() string { return r.Model }

// chars returns the characters of all input text and of the last user
// message.
func (r *openaiResponsesRequest) chars() (total, last int) {
	if r.Instructions != nil {
		total += utf8.RuneCountInString(*r.Instructions)
	}
	var s string
	if json.Unmarshal(r.Input, &s) == nil {
		n := utf8.RuneCountInString(s)
		return total + n, n
	}
	var items []struct {
		Type    string          `json:"type"`
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
		Output  json.RawMessage `json:"output"`
	}
	_ = json.Unmarshal(r.Input, &items)
	for _, it := range items {
		switch {
		case it.Type == "" || it.Type == "message":
			n := openaiChars(it.Content)
			total += n
			if it.Role == "user" {
				last = n
			}
		case it.Type == "function_call_output":
			total += openaiChars(it.Output)
		}
	}
	return total, last
}

func openaiResponses(w http.ResponseWriter, req openaiResponsesRequest, extra, toolArgs string) {
	total, last := req.chars()
	limit := openaiLimit(req.MaxOutputTokens)
	answer, out, cut := openaiAnswer(req.Model, last, limit, extra)
	id := openaiID("resp_sim", req.Model, last)
	msgID := openaiID("msg_sim", req.Model, last)

	part := func(text string) map[string]any {
		return map[string]any{"type": "output_text", "text": text, "annotations": []any{}, "logprobs": []any{}}
	}
	item := func(status string, content []any) map[string]any {
		return map[string]any{"id": msgID, "type": "message", "status": status, "role": "assistant", "content": content}
	}
	response := func(status string, output []any, usage any) map[string]any {
		var incomplete, maxOut any
		if status == "incomplete" {
			incomplete = map[string]any{"reason": "max_output_tokens"}
		}
		if limit > 0 {
			maxOut = limit
		}
		return map[string]any{
			"id": id, "object": "response", "created_at": openaiCreated, "status": status,
			"background": false, "error": nil, "incomplete_details": incomplete,
			"instructions": req.Instructions, "max_output_tokens": maxOut, "model": req.Model,
			"output": output, "parallel_tool_calls": true, "previous_response_id": nil,
			"reasoning": map[string]any{"effort": nil, "summary": nil}, "store": false,
			"temperature": 1.0, "text": map[string]any{"format": map[string]any{"type": "text"}},
			"tool_choice": "auto", "tools": []any{}, "top_p": 1.0, "truncation": "disabled",
			"usage": usage, "user": nil, "metadata": map[string]any{},
		}
	}
	status := "completed"
	if cut {
		status = "incomplete"
	}
	usage := map[string]any{
		"input_tokens": openaiTokens(total), "input_tokens_details": map[string]any{"cached_tokens": 0},
		"output_tokens": out, "output_tokens_details": map[string]any{"reasoning_tokens": 0},
		"total_tokens": openaiTokens(total) + out,
	}
	fcID := openaiID("fc_sim", req.Model, last)
	call := func(status, args string) map[string]any {
		return map[string]any{"id": fcID, "type": "function_call", "status": status, "call_id": "call_sim_" + fcID[len(fcID)-8:],
			"name": SimToolName, "arguments": args}
	}
	output := []any{item("completed", []any{part(answer)})}
	if toolArgs != "" {
		output = append(output, call("completed", toolArgs))
	}
	final := response(status, output, usage)
	if !req.Stream {
		openaiJSON(w, http.StatusOK, final)
		return
	}

	openaiStreamHeader(w)
	seq := 0
	send := func(typ string, fields map[string]any) {
		fields["type"] = typ
		fields["sequence_number"] = seq
		seq++
		openaiEvent(w, typ, fields)
	}
	pos := func(extra map[string]any) map[string]any {
		extra["item_id"], extra["output_index"], extra["content_index"] = msgID, 0, 0
		return extra
	}
	send("response.created", map[string]any{"response": response("in_progress", []any{}, nil)})
	send("response.in_progress", map[string]any{"response": response("in_progress", []any{}, nil)})
	send("response.output_item.added", map[string]any{"output_index": 0, "item": item("in_progress", []any{})})
	send("response.content_part.added", pos(map[string]any{"part": part("")}))
	for _, p := range openaiPieces(answer) {
		send("response.output_text.delta", pos(map[string]any{"delta": p, "logprobs": []any{}}))
	}
	send("response.output_text.done", pos(map[string]any{"text": answer, "logprobs": []any{}}))
	send("response.content_part.done", pos(map[string]any{"part": part(answer)}))
	send("response.output_item.done", map[string]any{"output_index": 0, "item": item("completed", []any{part(answer)})})
	if toolArgs != "" {
		send("response.output_item.added", map[string]any{"output_index": 1, "item": call("in_progress", "")})
		for _, p := range argPieces(toolArgs) {
			send("response.function_call_arguments.delta", map[string]any{"item_id": fcID, "output_index": 1, "delta": p})
		}
		send("response.function_call_arguments.done", map[string]any{"item_id": fcID, "output_index": 1, "arguments": toolArgs})
		send("response.output_item.done", map[string]any{"output_index": 1, "item": call("completed", toolArgs)})
	}
	send("response."+status, map[string]any{"response": final})
}

// Embeddings.

type openaiEmbeddingsRequest struct {
	Model          string          `json:"model"`
	Input          json.RawMessage `json:"input"`
	EncodingFormat string          `json:"encoding_format"`
	Dimensions     int             `json:"dimensions"`
}

func (r *openaiEmbeddingsRequest) model() string { return r.Model }

// openaiInputs returns the inputs of an embeddings request, each as the
// bytes to hash and its token count.
func openaiInputs(raw json.RawMessage) ([][]byte, []int64, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return [][]byte{[]byte(s)}, []int64{openaiTokens(utf8.RuneCountInString(s))}, nil
	}
	var tokens []int64
	if json.Unmarshal(raw, &tokens) == nil && len(tokens) > 0 {
		return [][]byte{raw}, []int64{int64(len(tokens))}, nil
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil || len(list) == 0 {
		return nil, nil, errors.New("'input' must be a string, an array of strings or an array of token arrays")
	}
	var ins [][]byte
	var counts []int64
	for _, e := range list {
		if json.Unmarshal(e, &s) == nil {
			ins, counts = append(ins, []byte(s)), append(counts, openaiTokens(utf8.RuneCountInString(s)))
			continue
		}
		if json.Unmarshal(e, &tokens) == nil {
			ins, counts = append(ins, e), append(counts, int64(len(tokens)))
			continue
		}
		return nil, nil, errors.New("'input' must be a string, an array of strings or an array of token arrays")
	}
	return ins, counts, nil
}

// openaiVector returns a deterministic unit vector of n dimensions for in.
func openaiVector(in []byte, n int) []float32 {
	v := make([]float32, n)
	var norm float64
	for i := range v {
		h := fnv.New64a()
		_, _ = h.Write(in)
		_, _ = h.Write([]byte{byte(i), byte(i >> 8)})
		x := float64(h.Sum64()%2000)/1000 - 1
		v[i] = float32(x)
		norm += x * x
	}
	if norm == 0 {
		norm = 1
	}
	for i := range v {
		v[i] = float32(float64(v[i]) / math.Sqrt(norm))
	}
	return v
}

func openaiEmbeddings(w http.ResponseWriter, req openaiEmbeddingsRequest) {
	ins, counts, err := openaiInputs(req.Input)
	if err != nil {
		openaiError(w, http.StatusBadRequest, "invalid_request_error", "", err.Error())
		return
	}
	dims := req.Dimensions
	if dims <= 0 || dims > 4096 {
		dims = 16
	}
	var data []any
	var total int64
	for i, in := range ins {
		vec := openaiVector(in, dims)
		var emb any = vec
		if req.EncodingFormat == "base64" {
			b := make([]byte, 4*len(vec))
			for j, f := range vec {
				binary.LittleEndian.PutUint32(b[4*j:], math.Float32bits(f))
			}
			emb = base64.StdEncoding.EncodeToString(b)
		}
		data = append(data, map[string]any{"object": "embedding", "index": i, "embedding": emb})
		total += counts[i]
	}
	openaiJSON(w, http.StatusOK, map[string]any{
		"object": "list", "data": data, "model": req.Model,
		"usage": map[string]any{"prompt_tokens": total, "total_tokens": total},
	})
}

// Models.

// openaiModels lists a few models.
func openaiModels(w http.ResponseWriter) {
	var data []any
	for _, id := range []string{"gpt-4o-mini", "gpt-4o", "gpt-4.1", "o4-mini", "text-embedding-3-small"} {
		data = append(data, map[string]any{"id": id, "object": "model", "created": openaiCreated, "owned_by": "system"})
	}
	openaiJSON(w, http.StatusOK, map[string]any{"object": "list", "data": data})
}
