package openai

import (
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
)

func TestUsage(t *testing.T) {
	tests := []struct {
		name   string
		data   string
		want   gateway.Usage
		wantOK bool
	}{
		{"chat-body", `{"object":"chat.completion","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}`, gateway.Usage{InputTokens: 10, OutputTokens: 5}, true},
		{"chat-cached", `{"usage":{"prompt_tokens":2000,"completion_tokens":1,"prompt_tokens_details":{"cached_tokens":1920,"audio_tokens":0}}}`, gateway.Usage{InputTokens: 2000, OutputTokens: 1, CachedInputTokens: 1920}, true},
		{"chat-usage-chunk", `{"object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4}}`, gateway.Usage{InputTokens: 3, OutputTokens: 4}, true},
		{"chat-chunk-usage-null", `{"object":"chat.completion.chunk","choices":[{"delta":{"content":"x"}}],"usage":null}`, gateway.Usage{}, false},
		{"chat-chunk-no-usage", `{"object":"chat.completion.chunk","choices":[{"delta":{"content":"x"}}]}`, gateway.Usage{}, false},
		{"embeddings", `{"object":"list","data":[],"usage":{"prompt_tokens":8,"total_tokens":8}}`, gateway.Usage{InputTokens: 8}, true},
		{"responses-body", `{"object":"response","usage":{"input_tokens":36,"input_tokens_details":{"cached_tokens":6},"output_tokens":87,"total_tokens":123}}`, gateway.Usage{InputTokens: 36, OutputTokens: 87, CachedInputTokens: 6}, true},
		{"responses-completed", `{"type":"response.completed","sequence_number":9,"response":{"status":"completed","usage":{"input_tokens":5,"output_tokens":6}}}`, gateway.Usage{InputTokens: 5, OutputTokens: 6}, true},
		{"responses-incomplete", `{"type":"response.incomplete","response":{"status":"incomplete","usage":{"input_tokens":5,"output_tokens":100}}}`, gateway.Usage{InputTokens: 5, OutputTokens: 100}, true},
		{"responses-created", `{"type":"response.created","response":{"status":"in_progress","usage":null}}`, gateway.Usage{}, false},
		{"responses-delta", `{"type":"response.output_text.delta","delta":"usage","item_id":"x"}`, gateway.Usage{}, false},
		{"usage-key-order-and-spacing", "{ \"usage\" : { \"completion_tokens\" : 7 ,\n\"prompt_tokens\":1 } , \"id\":\"x\"}", gateway.Usage{InputTokens: 1, OutputTokens: 7}, true},
		{"bad-counts-read-as-zero", `{"usage":{"prompt_tokens":"9","completion_tokens":-3}}`, gateway.Usage{}, true},
		{"done", `[DONE]`, gateway.Usage{}, false},
		{"empty", ``, gateway.Usage{}, false},
		{"error-event", `{"error":{"message":"x","type":"api_error"}}`, gateway.Usage{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Adapter{}.Usage([]byte(tt.data))
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Usage(%s) = %+v, %v; want %+v, %v", tt.data, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}
