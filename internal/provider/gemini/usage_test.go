package gemini

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
			name: "response",
			data: `{"candidates":[],"usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":20,"totalTokenCount":30}}`,
			want: gateway.Usage{InputTokens: 10, OutputTokens: 20},
			ok:   true,
		},
		{
			name: "thoughts-tools-cache",
			data: `{"usageMetadata":{"promptTokenCount":100,"toolUsePromptTokenCount":7,"candidatesTokenCount":20,"thoughtsTokenCount":30,"cachedContentTokenCount":64,"totalTokenCount":157}}`,
			want: gateway.Usage{InputTokens: 107, OutputTokens: 50, CachedInputTokens: 64},
			ok:   true,
		},
		{
			name: "prompt-only-chunk",
			data: `{"candidates":[{"content":{"parts":[{"text":"x"}],"role":"model"}}],"usageMetadata":{"promptTokenCount":8,"totalTokenCount":8}}`,
			want: gateway.Usage{InputTokens: 8},
			ok:   true,
		},
		{
			name: "string-counts",
			data: `{"usageMetadata":{"promptTokenCount":"12","candidatesTokenCount":"3"}}`,
			want: gateway.Usage{InputTokens: 12, OutputTokens: 3},
			ok:   true,
		},
		{
			name: "snake-case",
			data: `{"usage_metadata":{"prompt_token_count":5,"candidates_token_count":6,"cached_content_token_count":2}}`,
			want: gateway.Usage{InputTokens: 5, OutputTokens: 6, CachedInputTokens: 2},
			ok:   true,
		},
		{
			name: "json-array-stream",
			data: `[{"usageMetadata":{"promptTokenCount":8,"candidatesTokenCount":1}},{"candidates":[]},{"usageMetadata":{"promptTokenCount":8,"candidatesTokenCount":5,"thoughtsTokenCount":2}}]`,
			want: gateway.Usage{InputTokens: 8, OutputTokens: 7},
			ok:   true,
		},
		{name: "count-tokens-is-free", data: `{"totalTokens":31,"promptTokensDetails":[{"modality":"TEXT","tokenCount":31}]}`},
		{name: "embedding", data: `{"embedding":{"values":[0.1,0.2]}}`},
		{name: "error", data: `{"error":{"code":429,"message":"quota","status":"RESOURCE_EXHAUSTED"}}`},
		{name: "text-mentions-usage", data: `{"candidates":[{"content":{"parts":[{"text":"\"usageMetadata\":{\"promptTokenCount\":9}"}]}}]}`},
		{name: "metadata-not-object", data: `{"usageMetadata":[1]}`},
		{name: "array-without-usage", data: `[{"candidates":[]}]`},
		{name: "empty", data: ``},
		{name: "not-json", data: `data: {}`},
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
	read := func(name string) []byte {
		t.Helper()
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	want := gateway.Usage{InputTokens: 1200, OutputTokens: 90, CachedInputTokens: 1024}
	if got, ok := (Adapter{}).Usage(read("response.json")); !ok || got != want {
		t.Errorf("Usage(response.json) = %+v, %v; want %+v", got, ok, want)
	}

	var total gateway.Usage
	n := 0
	for _, data := range sseData(read("stream.sse")) {
		u, ok := Adapter{}.Usage(data)
		if !ok {
			t.Errorf("Usage(chunk %d) found no usage in %s", n, data)
		}
		n++
		total = maxUsage(total, u)
	}
	want = gateway.Usage{InputTokens: 8, OutputTokens: 22}
	if n != 3 || total != want {
		t.Errorf("SSE stream usage = %+v from %d chunks; want %+v from 3", total, n, want)
	}

	want = gateway.Usage{InputTokens: 8, OutputTokens: 15}
	if got, ok := (Adapter{}).Usage(read("stream_array.json")); !ok || got != want {
		t.Errorf("Usage(stream_array.json) = %+v, %v; want %+v", got, ok, want)
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
