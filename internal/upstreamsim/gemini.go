package upstreamsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"
)

// geminiMaxBody is the request size limit the simulator enforces.
const geminiMaxBody = 20 << 20

// Gemini returns a simulated Gemini API. It answers, under /v1beta/ and
// /v1/, for models/{name} and tunedModels/{name}:
//
//	POST …:generateContent        a GenerateContentResponse
//	POST …:streamGenerateContent  SSE chunks with ?alt=sse, else one JSON array
//	POST …:countTokens            {"totalTokens": N}
//	POST …:embedContent           {"embedding": {"values": [...]}}
//	POST …:batchEmbedContents     {"embeddings": [...]}
//
// in the real wire formats. Replies are deterministic: a sentence naming
// the model and the length of the last user turn (never its text), with
// usage of ceil(characters/4) tokens, cumulative in every stream chunk,
// truncated to generationConfig.maxOutputTokens. Requests without an
// x-goog-api-key header get a 401 UNAUTHENTICATED (a key in the URL query
// is not accepted, since aigate must never forward one); malformed JSON or
// missing contents a 400 INVALID_ARGUMENT; other paths a 404 NOT_FOUND. Any
// non-empty key is accepted. The handler writes nothing but responses.
func Gemini() http.Handler {
	return http.HandlerFunc(geminiServe)
}

func geminiServe(w http.ResponseWriter, r *http.Request) {
	model, method, ok := geminiRoute(r.URL.Path)
	if !ok {
		geminiError(w, http.StatusNotFound, "NOT_FOUND", "Requested entity was not found.")
		return
	}
	if r.Method != http.MethodPost {
		geminiError(w, http.StatusMethodNotAllowed, "INVALID_ARGUMENT", "Method not allowed.")
		return
	}
	if r.Header.Get("X-Goog-Api-Key") == "" {
		geminiError(w, http.StatusUnauthorized, "UNAUTHENTICATED",
			"Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, geminiMaxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			geminiError(w, http.StatusRequestEntityTooLarge, "INVALID_ARGUMENT", "Request payload size exceeds the limit.")
			return
		}
		geminiError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Could not read the request body.")
		return
	}
	if !json.Valid(body) || !bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) {
		geminiError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid JSON payload received.")
		return
	}
	switch method {
	case "generateContent", "streamGenerateContent":
		var req geminiGenerateRequest
		if err := json.Unmarshal(body, &req); err != nil {
			geminiError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid JSON payload received.")
			return
		}
		if len(req.Contents) == 0 {
			geminiError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "* GenerateContentRequest.contents: contents is not specified")
			return
		}
		chunks := geminiGenerate(model, req, simExtra(body))
		if args := simToolArgs(body); args != "" {
			// The call comes in a chunk of its own, after the text.
			last := chunks[len(chunks)-1]
			last.Candidates = []geminiCandidate{{Content: geminiContent{Role: "model", Parts: []geminiPart{{FunctionCall: &geminiFunctionCall{Name: SimToolName, Args: json.RawMessage(args)}}}},
				FinishReason: last.Candidates[0].FinishReason}}
			chunks[len(chunks)-1].Candidates[0].FinishReason = ""
			chunks = append(chunks, last)
		}
		switch {
		case method == "generateContent":
			geminiJSON(w, http.StatusOK, geminiJoin(chunks))
		case r.URL.Query().Get("alt") == "sse":
			geminiSSE(w, chunks)
		default:
			geminiArray(w, chunks)
		}
	case "countTokens":
		var req struct {
			geminiGenerateRequest
			GenerateContentRequest *geminiGenerateRequest `json:"generateContentRequest"`
		}
		if err := json.Unmarshal(body, &req); err != nil {
			geminiError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid JSON payload received.")
			return
		}
		total, _ := req.chars()
		if g := req.GenerateContentRequest; g != nil {
			n, _ := g.chars()
			total += n
		}
		n := anthropicTokens(total)
		geminiJSON(w, http.StatusOK, map[string]any{
			"totalTokens":         n,
			"promptTokensDetails": []map[string]any{{"modality": "TEXT", "tokenCount": n}},
		})
	case "embedContent":
		var req geminiEmbedRequest
		if err := json.Unmarshal(body, &req); err != nil || req.Content == nil {
			geminiError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "* EmbedContentRequest.content: content is not specified")
			return
		}
		geminiJSON(w, http.StatusOK, map[string]any{"embedding": req.embedding()})
	case "batchEmbedContents":
		var req struct {
			Requests []geminiEmbedRequest `json:"requests"`
		}
		if err := json.Unmarshal(body, &req); err != nil || len(req.Requests) == 0 {
			geminiError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "* BatchEmbedContentsRequest.requests: requests is not specified")
			return
		}
		embs := make([]geminiEmbedding, len(req.Requests))
		for i, er := range req.Requests {
			embs[i] = er.embedding()
		}
		geminiJSON(w, http.StatusOK, map[string]any{"embeddings": embs})
	}
}

// geminiRoute parses /{v1beta|v1}/{models|tunedModels}/{name}:{method}.
func geminiRoute(p string) (model, method string, ok bool) {
	rest, found := strings.CutPrefix(p, "/v1beta/")
	if !found {
		if rest, found = strings.CutPrefix(p, "/v1/"); !found {
			return "", "", false
		}
	}
	res, method, found := strings.Cut(rest, ":")
	if !found {
		return "", "", false
	}
	switch method {
	case "generateContent", "streamGenerateContent", "countTokens", "embedContent", "batchEmbedContents":
	default:
		return "", "", false
	}
	coll, name, found := strings.Cut(res, "/")
	if !found || name == "" || strings.Contains(name, "/") || coll != "models" && coll != "tunedModels" {
		return "", "", false
	}
	return name, method, true
}

// geminiInt is an integer that proto JSON may write as a string.
type geminiInt int64

func (n *geminiInt) UnmarshalJSON(b []byte) error {
	var v int64
	if err := json.Unmarshal(bytes.Trim(b, `"`), &v); err != nil {
		return err
	}
	*n = geminiInt(v)
	return nil
}

type geminiContent struct {
	Role  string       `json:"role,omitempty"`
	Parts []geminiPart `json:"parts"`
}

type geminiPart struct {
	Text         string              `json:"text,omitempty"`
	FunctionCall *geminiFunctionCall `json:"functionCall,omitempty"`
}

type geminiFunctionCall struct {
	Name string          `json:"name"`
	Args json.RawMessage `json:"args"`
}

func (c *geminiContent) chars() int {
	if c == nil {
		return 0
	}
	n := 0
	for _, p := range c.Parts {
		n += utf8.RuneCountInString(p.Text)
	}
	return n
}

type geminiConfig struct {
	MaxOutputTokens geminiInt `json:"maxOutputTokens"`
	Snake           geminiInt `json:"max_output_tokens"`
}

type geminiGenerateRequest struct {
	Contents          []geminiContent `json:"contents"`
	SystemInstruction *geminiContent  `json:"systemInstruction"`
	SystemSnake       *geminiContent  `json:"system_instruction"`
	GenerationConfig  *geminiConfig   `json:"generationConfig"`
	ConfigSnake       *geminiConfig   `json:"generation_config"`
}

// chars returns the characters of all text in req and of the last user
// turn.
func (req *geminiGenerateRequest) chars() (total, last int) {
	total = req.SystemInstruction.chars() + req.SystemSnake.chars()
	for i := range req.Contents {
		n := req.Contents[i].chars()
		total += n
		if role := req.Contents[i].Role; role == "user" || role == "" {
			last = n
		}
	}
	return total, last
}

func (req *geminiGenerateRequest) maxTokens() int64 {
	for _, c := range []*geminiConfig{req.GenerationConfig, req.ConfigSnake} {
		if c != nil && c.MaxOutputTokens > 0 {
			return int64(c.MaxOutputTokens)
		}
		if c != nil && c.Snake > 0 {
			return int64(c.Snake)
		}
	}
	return 0
}

type geminiResponse struct {
	Candidates    []geminiCandidate `json:"candidates"`
	UsageMetadata geminiUsage       `json:"usageMetadata"`
	ModelVersion  string            `json:"modelVersion"`
	ResponseID    string            `json:"responseId"`
}

type geminiCandidate struct {
	Content      geminiContent `json:"content"`
	FinishReason string        `json:"finishReason,omitempty"`
	Index        int           `json:"index"`
}

type geminiUsage struct {
	PromptTokenCount     int64 `json:"promptTokenCount"`
	CandidatesTokenCount int64 `json:"candidatesTokenCount,omitempty"`
	TotalTokenCount      int64 `json:"totalTokenCount"`
}

// geminiGenerate returns the answer to req as stream chunks, each with
// cumulative usage; the last carries the finish reason.
func geminiGenerate(model string, req geminiGenerateRequest, extra string) []geminiResponse {
	total, last := req.chars()
	input := anthropicTokens(total)
	answer, _, stop := anthropicAnswer(model, last, req.maxTokens(), extra)
	finish := "STOP"
	if stop == "max_tokens" {
		finish = "MAX_TOKENS"
	}
	id := fmt.Sprintf("sim-%016x", anthropicHash(model, total))
	var (
		out  []geminiResponse
		sent strings.Builder
	)
	pieces := anthropicPieces(answer)
	for i, piece := range pieces {
		sent.WriteString(piece)
		c := geminiCandidate{}
		c.Content.Role = "model"
		c.Content.Parts = []geminiPart{{Text: piece}}
		if i == len(pieces)-1 {
			c.FinishReason = finish
		}
		output := anthropicTokens(utf8.RuneCountInString(sent.String()))
		out = append(out, geminiResponse{
			Candidates:    []geminiCandidate{c},
			UsageMetadata: geminiUsage{PromptTokenCount: input, CandidatesTokenCount: output, TotalTokenCount: input + output},
			ModelVersion:  model,
			ResponseID:    id,
		})
	}
	return out
}

// geminiJoin merges stream chunks into one response.
func geminiJoin(chunks []geminiResponse) geminiResponse {
	last := chunks[len(chunks)-1]
	var text strings.Builder
	var calls []geminiPart
	for _, c := range chunks {
		for _, p := range c.Candidates[0].Content.Parts {
			if p.FunctionCall != nil {
				calls = append(calls, p)
			}
			text.WriteString(p.Text)
		}
	}
	last.Candidates = []geminiCandidate{{
		Content:      geminiContent{Role: "model", Parts: append([]geminiPart{{Text: text.String()}}, calls...)},
		FinishReason: last.Candidates[0].FinishReason,
	}}
	return last
}

// geminiSSE writes chunks as the alt=sse stream, flushing after each.
func geminiSSE(w http.ResponseWriter, chunks []geminiResponse) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	for _, c := range chunks {
		data, _ := json.Marshal(c) // plain structs always marshal
		fmt.Fprintf(w, "data: %s\r\n\r\n", data)
		_ = rc.Flush()
	}
}

// geminiArray writes chunks as the JSON array Gemini streams without
// alt=sse, flushing after each element.
func geminiArray(w http.ResponseWriter, chunks []geminiResponse) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	sep := "["
	for _, c := range chunks {
		data, _ := json.Marshal(c) // plain structs always marshal
		fmt.Fprintf(w, "%s%s", sep, data)
		_ = rc.Flush()
		sep = "\n,\r\n"
	}
	_, _ = io.WriteString(w, "]")
}

type geminiEmbedRequest struct {
	Content              *geminiContent `json:"content"`
	Title                string         `json:"title"`
	OutputDimensionality int            `json:"outputDimensionality"`
}

type geminiEmbedding struct {
	Values []float32 `json:"values"`
}

// embedding is a deterministic vector derived from the text's length, of
// outputDimensionality values (8 by default, 3072 at most).
func (req geminiEmbedRequest) embedding() geminiEmbedding {
	dims := req.OutputDimensionality
	if dims <= 0 {
		dims = 8
	}
	dims = min(dims, 3072)
	n := req.Content.chars() + utf8.RuneCountInString(req.Title)
	h := fnv.New64a()
	vals := make([]float32, dims)
	for i := range vals {
		h.Reset()
		fmt.Fprintf(h, "%d/%d", n, i)
		vals[i] = float32(h.Sum64()%2001)/1000 - 1
	}
	return geminiEmbedding{Values: vals}
}

func geminiJSON(w http.ResponseWriter, status int, v any) {
	data, _ := json.Marshal(v) // plain structs and maps always marshal
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

func geminiError(w http.ResponseWriter, status int, code, msg string) {
	geminiJSON(w, status, map[string]any{
		"error": map[string]any{"code": status, "message": msg, "status": code},
	})
}
