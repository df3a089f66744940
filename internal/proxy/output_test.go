package proxy

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider/openai"
)

// holdGuard is an output guard that holds back each piece's text after its
// last space until the next piece or Flush, and writes "X" as "[x]".
type holdGuard struct{ carry map[int]string }

func (g *holdGuard) Text(choice int, piece string) (string, error) {
	s := g.carry[choice] + piece
	cut := strings.LastIndexByte(s, ' ') + 1
	g.carry[choice] = s[cut:]
	return strings.ReplaceAll(s[:cut], "X", "[x]"), nil
}

func (g *holdGuard) Flush(choice int) (string, error) {
	s := g.carry[choice]
	delete(g.carry, choice)
	return strings.ReplaceAll(s, "X", "[x]"), nil
}

// flushRecorder records what was written and how much of it was flushed.
type flushRecorder struct {
	bytes.Buffer
	flushed, flushes int
}

func (f *flushRecorder) Flush() { f.flushed, f.flushes = f.Len(), f.flushes+1 }

// eventReader hands out one chunk per Read and checks that everything the
// relay wrote was flushed before it waits for more input.
type eventReader struct {
	t      *testing.T
	chunks []string
	out    *flushRecorder
}

func (r *eventReader) Read(p []byte) (int, error) {
	if r.out.flushed != r.out.Len() {
		r.t.Errorf("relay reads upstream with %d bytes written but not flushed", r.out.Len()-r.out.flushed)
	}
	if len(r.chunks) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.chunks[0])
	if r.chunks[0] = r.chunks[0][n:]; r.chunks[0] == "" {
		r.chunks = r.chunks[1:]
	}
	return n, nil
}

// Through an output guard, events the guard leaves as they are go out byte
// for byte (odd spacing and all), rewritten ones are re-encoded, text held
// back is released in order, and every byte is flushed before the relay
// waits on the provider, whether events arrive together or one by one.
func TestRelaySSEOutputGuard(t *testing.T) {
	events := []string{
		"data:{\"choices\": [{\"index\":0,\"delta\":{\"content\":\"Hello there \"}}]}\n\n",
		": comment\nid: 7\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"X marks the\"}}]}\n\n",
		"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" spot \"}}]}\n\n",
		"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"end\"}}]}\n\n",
		"data:  {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
		"data: [DONE]\n\n",
	}
	want := events[0] +
		"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"[x] marks \"}}]}\n\n" +
		"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"the spot \"}}]}\n\n" +
		"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"}}]}\n\n" +
		"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"end\"}}]}\n\n" +
		events[4] + events[5]
	for _, tc := range []struct {
		name   string
		chunks []string
	}{
		{"together", []string{strings.Join(events, "")}},
		{"one-by-one", events},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out flushRecorder
			req := &gateway.Request{Operation: gateway.OpChatCompletions, Stream: true}
			resp := &gateway.Response{
				Status: 200,
				Header: http.Header{"Content-Type": {"text/event-stream"}},
				Body:   io.NopCloser(&eventReader{t: t, chunks: append([]string(nil), tc.chunks...), out: &out}),
				Stream: true,
				Output: &holdGuard{carry: map[int]string{}},
			}
			rec := &record{req: req}
			relaySSE(&out, openai.Adapter{}, req, resp, rec)
			if rec.streamErr != nil {
				t.Fatalf("stream error: %v", rec.streamErr)
			}
			if got := out.String(); got != want {
				t.Errorf("relayed:\n%s\nwant:\n%s", got, want)
			}
			if out.flushed != out.Len() {
				t.Errorf("%d bytes left unflushed at the end", out.Len()-out.flushed)
			}
			if tc.name == "together" && out.flushes >= len(events) {
				t.Errorf("events that arrived together were flushed %d times, want fewer than %d", out.flushes, len(events))
			}
		})
	}
}

// discardFlusher counts flushes and drops the bytes.
type discardFlusher struct{ flushes int }

func (d *discardFlusher) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardFlusher) Flush()                      { d.flushes++ }

// BenchmarkRelaySSEOutputGuard relays a 64-event chat completion stream,
// arriving in 4 KiB reads, through an output guard that holds text back,
// and reports the flushes (write syscalls on a real connection) per stream.
func BenchmarkRelaySSEOutputGuard(b *testing.B) {
	var stream strings.Builder
	for i := range 64 {
		stream.WriteString(`data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","system_fingerprint":"fp","choices":[{"index":0,"delta":{"content":"`)
		stream.WriteString([]string{"Hello ", "wor", "ld, ", "X and more "}[i%4])
		stream.WriteString("\"},\"finish_reason\":null}],\"usage\":null}\n\n")
	}
	stream.WriteString("data: [DONE]\n\n")
	body := stream.String()
	var chunks []string
	for s := body; s != ""; {
		n := min(len(s), 4<<10)
		chunks, s = append(chunks, s[:n]), s[n:]
	}
	req := &gateway.Request{Operation: gateway.OpChatCompletions, Stream: true}
	var out discardFlusher
	b.ReportAllocs()
	for b.Loop() {
		resp := &gateway.Response{
			Status: 200,
			Header: http.Header{"Content-Type": {"text/event-stream"}},
			Body:   io.NopCloser(&chunkReader{chunks: append([]string(nil), chunks...)}),
			Stream: true,
			Output: &holdGuard{carry: map[int]string{}},
		}
		relaySSE(&out, openai.Adapter{}, req, resp, &record{req: req})
	}
	b.ReportMetric(float64(out.flushes)/float64(b.N), "flushes/op")
}

// chunkReader returns one chunk per Read.
type chunkReader struct{ chunks []string }

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.chunks) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.chunks[0])
	if r.chunks[0] = r.chunks[0][n:]; r.chunks[0] == "" {
		r.chunks = r.chunks[1:]
	}
	return n, nil
}
