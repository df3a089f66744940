package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/internal/budget"
	"github.com/aigate-dev/aigate/internal/keys"
)

// geminiLongStream streams chunks pieces of "abcd" (one token each) as
// Gemini SSE, with cumulative usage in every chunk, and ignores
// maxOutputTokens. It answers only alt=sse requests: the gateway must ask
// for SSE whatever form its client wants.
type geminiLongStream struct{ chunks int }

func (l geminiLongStream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("alt") != "sse" {
		http.Error(w, `{"error":{"code":400,"message":"test upstream speaks SSE only","status":"INVALID_ARGUMENT"}}`, http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	fl := w.(http.Flusher)
	for i := 1; i <= l.chunks; i++ {
		_, err := fmt.Fprintf(w, "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"abcd\"}],\"role\":\"model\"},\"index\":0}],"+
			"\"usageMetadata\":{\"promptTokenCount\":5,\"candidatesTokenCount\":%d,\"totalTokenCount\":%d}}\r\n\r\n", i, i+5)
		if err != nil || r.Context().Err() != nil {
			return
		}
		fl.Flush()
	}
}

// A client that leaves out alt=sse reads one JSON array; the gateway reads
// SSE from the provider, so such a stream is metered as it goes and cut,
// still a valid array ending in an error element, when its budget runs out.
func TestGeminiArrayStreamCutWhenBudgetExhausted(t *testing.T) {
	cfg := streamBudgetConfig + "  gemini-2.5-flash: {input: \"10000\", output: \"10000\"}\n"
	g := mustRunGatewayWith(t, geminiLongStream{chunks: 300}, cfg, nil)
	ctx := context.Background()
	amount := budget.Amount{Cap: budget.Dollar, Period: budget.PeriodMonth}
	key, id := g.mustKey(t, keys.CreateOptions{Name: "array-client", Owner: "gem", Limits: keys.Limits{Budget: amount}})

	resp, data := g.do(t, "POST", "/v1beta/models/gemini-2.5-flash:streamGenerateContent",
		`{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}`, http.Header{"X-Goog-Api-Key": {key}})
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var elems []struct {
		Candidates []struct {
			Content struct{ Parts []struct{ Text string } }
		}
		Error *struct {
			Code    int
			Message string
		}
	}
	if err := json.Unmarshal(data, &elems); err != nil {
		t.Fatalf("the cut stream is not a JSON array: %v", err)
	}
	last := elems[len(elems)-1]
	if last.Error == nil || !strings.Contains(last.Error.Message, "budget") {
		t.Fatalf("last element = %+v, want an error naming the budget", last)
	}
	text := 0
	for _, e := range elems[:len(elems)-1] {
		for _, c := range e.Candidates {
			for _, p := range c.Content.Parts {
				text += len(p.Text) / 4
			}
		}
	}
	if text >= 100 || text < 80 {
		t.Errorf("client read %d tokens, want the stream cut near the $1.00 (100 tokens with the input)", text)
	}
	if q := g.upstream.last(t).query; q != "alt=sse" {
		t.Errorf("provider got query %q, want alt=sse", q)
	}

	waitStreamsDone(t, g)
	if err := g.app.acct.flush(ctx); err != nil {
		t.Fatal(err)
	}
	spent, held, err := g.app.acct.ledger.Spent(ctx, budget.Budget{Kind: budget.ScopeKey, ID: id, Amount: amount}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	// As for SSE clients: the settled spend exceeds the cap by at most the
	// event that crossed it (one token, 1¢).
	if held != 0 || spent > budget.Dollar+cent || spent < budget.Dollar-5*cent {
		t.Errorf("spent %v (held %v), want within 1¢ above $1.00 and near it", spent, held)
	}
}
