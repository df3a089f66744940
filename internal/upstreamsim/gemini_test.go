package upstreamsim

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
)

func geminiDo(t *testing.T, method, target, body string, noAuth bool) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if !noAuth {
		r.Header.Set("X-Goog-Api-Key", "sim-test-key")
	}
	w := httptest.NewRecorder()
	Gemini().ServeHTTP(w, r)
	return w
}

const geminiPrompt = `{"systemInstruction":{"parts":[{"text":"Sys."}]},"contents":[{"role":"user","parts":[{"text":"first secret question"}]},{"role":"model","parts":[{"text":"ok"}]},{"role":"user","parts":[{"text":"Hello"},{"text":"again"}]}]}`

func TestGeminiErrors(t *testing.T) {
	tests := []struct {
		name, method, target, body string
		noAuth                     bool
		status                     int
		rpc                        string
	}{
		{"no-key", "POST", "/v1beta/models/g:generateContent", geminiPrompt, true, 401, "UNAUTHENTICATED"},
		{"key-in-query-refused", "POST", "/v1beta/models/g:generateContent?key=abc", geminiPrompt, true, 401, "UNAUTHENTICATED"},
		{"malformed", "POST", "/v1beta/models/g:generateContent", `{"contents":[`, false, 400, "INVALID_ARGUMENT"},
		{"array", "POST", "/v1beta/models/g:generateContent", `[]`, false, 400, "INVALID_ARGUMENT"},
		{"no-contents", "POST", "/v1beta/models/g:streamGenerateContent?alt=sse", `{}`, false, 400, "INVALID_ARGUMENT"},
		{"embed-no-content", "POST", "/v1beta/models/e:embedContent", `{}`, false, 400, "INVALID_ARGUMENT"},
		{"batch-no-requests", "POST", "/v1beta/models/e:batchEmbedContents", `{"requests":[]}`, false, 400, "INVALID_ARGUMENT"},
		{"unknown-method", "POST", "/v1beta/models/g:predict", `{}`, false, 404, "NOT_FOUND"},
		{"unknown-collection", "POST", "/v1beta/files/g:generateContent", `{}`, false, 404, "NOT_FOUND"},
		{"get", "GET", "/v1beta/models/g:generateContent", ``, false, 405, "INVALID_ARGUMENT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := geminiDo(t, tt.method, tt.target, tt.body, tt.noAuth)
			var body struct {
				Error struct {
					Code            int
					Message, Status string
				}
			}
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %s: %v", w.Body, err)
			}
			if w.Code != tt.status || body.Error.Code != tt.status || body.Error.Status != tt.rpc || body.Error.Message == "" {
				t.Errorf("%s %s = %d %s; want %d %s", tt.method, tt.target, w.Code, w.Body, tt.status, tt.rpc)
			}
		})
	}
}

func TestGeminiGenerate(t *testing.T) {
	for _, target := range []string{"/v1beta/models/gemini-sim:generateContent", "/v1/models/gemini-sim:generateContent", "/v1beta/tunedModels/gemini-sim:generateContent"} {
		w := geminiDo(t, "POST", target, geminiPrompt, false)
		if w.Code != 200 {
			t.Fatalf("%s: %d %s", target, w.Code, w.Body)
		}
		var resp geminiResponse
		if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
			t.Fatal(err)
		}
		want := "This is a simulated reply from gemini-sim. Your last message was 10 characters long."
		c := resp.Candidates[0]
		if len(resp.Candidates) != 1 || c.Content.Role != "model" || len(c.Content.Parts) != 1 || c.Content.Parts[0].Text != want || c.FinishReason != "STOP" {
			t.Errorf("%s: response %s, want the text %q", target, w.Body, want)
		}
		// Sys. 4 + 21 + 2 + 10 = 37 characters: 10 tokens.
		u := resp.UsageMetadata
		if u.PromptTokenCount != 10 || u.CandidatesTokenCount != anthropicTokens(len(want)) || u.TotalTokenCount != u.PromptTokenCount+u.CandidatesTokenCount {
			t.Errorf("%s: usage %+v", target, u)
		}
		for _, secret := range []string{"secret", "Hello", "Sys."} {
			if strings.Contains(w.Body.String(), secret) {
				t.Errorf("the answer echoes the prompt text %q", secret)
			}
		}
	}
}

func TestGeminiMaxTokens(t *testing.T) {
	w := geminiDo(t, "POST", "/v1beta/models/g:generateContent", `{"contents":[{"parts":[{"text":"x"}]}],"generation_config":{"max_output_tokens":"2"}}`, false)
	var resp geminiResponse
	if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
		t.Fatal(err)
	}
	if c := resp.Candidates[0]; c.FinishReason != "MAX_TOKENS" || len([]rune(c.Content.Parts[0].Text)) != 8 {
		t.Errorf("max tokens 2 gave %s", w.Body)
	}
}

func TestGeminiStreamSSE(t *testing.T) {
	w := geminiDo(t, "POST", "/v1beta/models/gemini-sim:streamGenerateContent?alt=sse", geminiPrompt, false)
	if w.Code != 200 || w.Header().Get("Content-Type") != "text/event-stream" || !w.Flushed {
		t.Fatalf("status %d, content type %q, flushed %v", w.Code, w.Header().Get("Content-Type"), w.Flushed)
	}
	events := strings.Split(strings.TrimSuffix(w.Body.String(), "\r\n\r\n"), "\r\n\r\n")
	if len(events) < 2 {
		t.Fatalf("want several chunks, got %q", w.Body)
	}
	var (
		text strings.Builder
		prev int64
	)
	for i, ev := range events {
		data, ok := strings.CutPrefix(ev, "data: ")
		if !ok || strings.Contains(data, "\n") {
			t.Fatalf("chunk %d is not one data line: %q", i, ev)
		}
		var resp geminiResponse
		if err := json.Unmarshal([]byte(data), &resp); err != nil {
			t.Fatal(err)
		}
		text.WriteString(resp.Candidates[0].Content.Parts[0].Text)
		u := resp.UsageMetadata
		if u.PromptTokenCount != 10 || u.CandidatesTokenCount < prev {
			t.Errorf("chunk %d usage %+v is not cumulative", i, u)
		}
		prev = u.CandidatesTokenCount
		if last := i == len(events)-1; last != (resp.Candidates[0].FinishReason == "STOP") {
			t.Errorf("chunk %d finish reason %q", i, resp.Candidates[0].FinishReason)
		}
	}
	if !strings.Contains(text.String(), "10 characters") || prev != anthropicTokens(len([]rune(text.String()))) {
		t.Errorf("streamed %q with %d output tokens at the end", text.String(), prev)
	}
}

func TestGeminiStreamArray(t *testing.T) {
	w := geminiDo(t, "POST", "/v1beta/models/gemini-sim:streamGenerateContent", geminiPrompt, false)
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, content type %q", w.Code, w.Header().Get("Content-Type"))
	}
	var chunks []geminiResponse
	if err := json.Unmarshal(w.Body.Bytes(), &chunks); err != nil {
		t.Fatalf("JSON-array stream %q: %v", w.Body, err)
	}
	sse := geminiDo(t, "POST", "/v1beta/models/gemini-sim:streamGenerateContent?alt=sse", geminiPrompt, false)
	if n := strings.Count(sse.Body.String(), "data: "); len(chunks) != n || n < 2 {
		t.Errorf("array has %d chunks, SSE %d", len(chunks), n)
	}
}

func TestGeminiCountTokens(t *testing.T) {
	for _, body := range []string{
		`{"contents":[{"parts":[{"text":"123456789"}]}]}`,
		`{"generateContentRequest":{"model":"models/g","contents":[{"parts":[{"text":"123456789"}]}]}}`,
	} {
		w := geminiDo(t, "POST", "/v1beta/models/g:countTokens", body, false)
		var resp struct{ TotalTokens int64 }
		if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil || w.Code != 200 || resp.TotalTokens != 3 {
			t.Errorf("countTokens(%s) = %d %s; want totalTokens 3", body, w.Code, w.Body)
		}
	}
}

func TestGeminiEmbed(t *testing.T) {
	w := geminiDo(t, "POST", "/v1beta/models/e:embedContent", `{"content":{"parts":[{"text":"abc"}]},"outputDimensionality":4}`, false)
	var one struct{ Embedding geminiEmbedding }
	if err := json.Unmarshal(w.Body.Bytes(), &one); err != nil || len(one.Embedding.Values) != 4 {
		t.Fatalf("embedContent = %d %s; want 4 values", w.Code, w.Body)
	}
	w2 := geminiDo(t, "POST", "/v1beta/models/e:batchEmbedContents", `{"requests":[{"model":"models/e","content":{"parts":[{"text":"abc"}]}},{"content":{"parts":[{"text":"abcd"}]}}]}`, false)
	var batch struct{ Embeddings []geminiEmbedding }
	if err := json.Unmarshal(w2.Body.Bytes(), &batch); err != nil || len(batch.Embeddings) != 2 || len(batch.Embeddings[0].Values) != 8 {
		t.Fatalf("batchEmbedContents = %d %s; want 2 embeddings of 8", w2.Code, w2.Body)
	}
	if bytes.Equal(geminiMustJSON(t, batch.Embeddings[0]), geminiMustJSON(t, batch.Embeddings[1])) {
		t.Errorf("different texts have the same embedding")
	}
	for _, v := range batch.Embeddings[0].Values {
		if v < -1 || v > 1 {
			t.Errorf("embedding value %v outside [-1, 1]", v)
		}
	}
}

func geminiMustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
