package anthropic

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
)

func TestUsage(t *testing.T) {
	tests := []struct {
		name string
		data string
		want gateway.Usage
		ok   bool
	}{
		{
			name: "message-body",
			data: `{"id":"m","type":"message","usage":{"input_tokens":10,"output_tokens":20}}`,
			want: gateway.Usage{InputTokens: 10, OutputTokens: 20},
			ok:   true,
		},
		{
			name: "cache-counted-as-input",
			data: `{"type":"message","usage":{"input_tokens":10,"cache_creation_input_tokens":5,"cache_read_input_tokens":100,"output_tokens":3}}`,
			want: gateway.Usage{InputTokens: 115, OutputTokens: 3, CachedInputTokens: 100},
			ok:   true,
		},
		{
			name: "cache-nulls",
			data: `{"type":"message","usage":{"input_tokens":10,"cache_creation_input_tokens":null,"cache_read_input_tokens":null,"output_tokens":3}}`,
			want: gateway.Usage{InputTokens: 10, OutputTokens: 3},
			ok:   true,
		},
		{
			name: "message-start",
			data: `{"type":"message_start","message":{"id":"m","content":[],"usage":{"input_tokens":25,"output_tokens":1}}}`,
			want: gateway.Usage{InputTokens: 25, OutputTokens: 1},
			ok:   true,
		},
		{
			name: "message-delta-output-only",
			data: `{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}`,
			want: gateway.Usage{OutputTokens: 15},
			ok:   true,
		},
		{
			name: "text-delta",
			data: `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"\"usage\":{\"input_tokens\":9}"}}`,
		},
		{name: "ping", data: `{"type": "ping"}`},
		{name: "count-tokens-is-free", data: `{"input_tokens":14}`},
		{name: "error-event", data: `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`},
		{name: "usage-not-object", data: `{"usage":5}`},
		{name: "usage-empty", data: `{"usage":{}}`},
		{name: "not-json", data: `event: ping`},
		{name: "empty", data: ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Adapter{}.Usage([]byte(tt.data))
			if got != tt.want || ok != tt.ok {
				t.Errorf("Usage(%s) = %+v, %v; want %+v, %v", tt.data, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestUsageRecorded(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "message.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := gateway.Usage{InputTokens: 2095 + 503, OutputTokens: 503, CachedInputTokens: 503}
	if got, ok := (Adapter{}).Usage(body); !ok || got != want {
		t.Errorf("Usage(message.json) = %+v, %v; want %+v", got, ok, want)
	}

	stream, err := os.ReadFile(filepath.Join("testdata", "stream.sse"))
	if err != nil {
		t.Fatal(err)
	}
	// The caller keeps the field-wise maximum over a stream.
	var total gateway.Usage
	n := 0
	for _, data := range sseData(stream) {
		u, ok := Adapter{}.Usage(data)
		if !ok {
			continue
		}
		n++
		total = maxUsage(total, u)
	}
	want = gateway.Usage{InputTokens: 472 + 100 + 2000, OutputTokens: 31, CachedInputTokens: 2000}
	if n != 2 || total != want {
		t.Errorf("stream usage = %+v from %d events; want %+v from 2 (message_start, message_delta)", total, n, want)
	}
}

// sseData returns the data of each event in an SSE stream.
func sseData(stream []byte) [][]byte {
	var out [][]byte
	for _, ev := range bytes.Split(bytes.ReplaceAll(stream, []byte("\r\n"), []byte("\n")), []byte("\n\n")) {
		var data [][]byte
		for _, line := range bytes.Split(ev, []byte("\n")) {
			if d, ok := bytes.CutPrefix(line, []byte("data:")); ok {
				data = append(data, bytes.TrimPrefix(d, []byte(" ")))
			}
		}
		if data != nil {
			out = append(out, bytes.Join(data, []byte("\n")))
		}
	}
	return out
}

func maxUsage(a, b gateway.Usage) gateway.Usage {
	return gateway.Usage{
		InputTokens:       max(a.InputTokens, b.InputTokens),
		OutputTokens:      max(a.OutputTokens, b.OutputTokens),
		CachedInputTokens: max(a.CachedInputTokens, b.CachedInputTokens),
	}
}
