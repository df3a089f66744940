package openai

import (
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
)

func TestEncodeInjectsStreamUsage(t *testing.T) {
	tests := []struct {
		name, op, body, want string
		injected             bool
	}{
		{
			name: "no-stream-options",
			body: `{"model":"m","stream":true,"messages":[]}`,
			want: `{"model":"m","stream":true,"messages":[],"stream_options":{"include_usage":true}}`, injected: true,
		},
		{
			name: "trailing-space-and-newline",
			body: "{ \"model\" : \"m\", \"stream\": true , \"messages\":[] }\n",
			want: "{ \"model\" : \"m\", \"stream\": true , \"messages\":[],\"stream_options\":{\"include_usage\":true} }\n", injected: true,
		},
		{
			name: "stream-options-null",
			body: `{"model":"m","stream":true,"stream_options":null,"messages":[]}`,
			want: `{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[]}`, injected: true,
		},
		{
			name: "stream-options-empty",
			body: `{"model":"m","stream":true,"stream_options":{ },"messages":[]}`,
			want: `{"model":"m","stream":true,"stream_options":{"include_usage":true },"messages":[]}`, injected: true,
		},
		{
			name: "stream-options-other-member",
			body: `{"model":"m","stream":true,"stream_options":{"include_obfuscation":false},"messages":[]}`,
			want: `{"model":"m","stream":true,"stream_options":{"include_usage":true,"include_obfuscation":false},"messages":[]}`, injected: true,
		},
		{
			name: "include-usage-false",
			body: `{"model":"m","stream":true,"stream_options":{"include_usage": false},"messages":[]}`,
			want: `{"model":"m","stream":true,"stream_options":{"include_usage": true},"messages":[]}`, injected: true,
		},
		{
			name: "include-usage-null",
			body: `{"model":"m","stream":true,"stream_options":{"include_usage":null},"messages":[]}`,
			want: `{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[]}`, injected: true,
		},
		{
			name: "client-asked-for-usage",
			body: `{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[]}`,
			want: `{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[]}`,
		},
		{
			name: "not-streaming",
			body: `{"model":"m","stream":false,"messages":[]}`,
			want: `{"model":"m","stream":false,"messages":[]}`,
		},
		{
			name: "responses-stream-untouched", op: string(gateway.OpResponses),
			body: `{"model":"m","stream":true,"input":"x"}`,
			want: `{"model":"m","stream":true,"input":"x"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op := gateway.OpChatCompletions
			if tt.op != "" {
				op = gateway.Operation(tt.op)
			}
			req, err := Adapter{}.Decode(op, "", []byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			for range 2 { // a second Encode (a retry) gives the same body
				got, err := Adapter{}.Encode(req)
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != tt.want || req.UsageInjected != tt.injected {
					t.Errorf("Encode(%s) = %s, injected %v;\nwant %s, injected %v", tt.body, got, req.UsageInjected, tt.want, tt.injected)
				}
			}
			if string(req.Raw) != tt.body {
				t.Errorf("Encode modified Raw")
			}
		})
	}
}

func TestEncodeInjectsAfterEdits(t *testing.T) {
	body := `{"model":"m","messages":[{"role":"user","content":"my email is a@b.c"}],"stream":true}`
	req, err := Adapter{}.Decode(gateway.OpChatCompletions, "", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Messages[0].Parts[0].Set("my email is [EMAIL]")
	got, err := Adapter{}.Encode(req)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"model":"m","messages":[{"role":"user","content":"my email is [EMAIL]"}],"stream":true,"stream_options":{"include_usage":true}}`
	if string(got) != want {
		t.Errorf("Encode = %s, want %s", got, want)
	}
}

func TestHide(t *testing.T) {
	usageChunk := `{"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}`
	tests := []struct {
		name     string
		injected bool
		op       gateway.Operation
		data     string
		want     bool
	}{
		{"usage-chunk-injected", true, gateway.OpChatCompletions, usageChunk, true},
		{"usage-chunk-client-asked", false, gateway.OpChatCompletions, usageChunk, false},
		{"content-chunk", true, gateway.OpChatCompletions, `{"choices":[{"index":0,"delta":{"content":"hi"}}],"usage":null}`, false},
		{"final-choice-with-usage", true, gateway.OpChatCompletions, `{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":1}}`, false},
		{"azure-prompt-filter-chunk", true, gateway.OpChatCompletions, `{"choices":[],"prompt_filter_results":[{"prompt_index":0}]}`, false},
		{"no-choices-member", true, gateway.OpChatCompletions, `{"usage":{"prompt_tokens":1}}`, true},
		{"done", true, gateway.OpChatCompletions, `[DONE]`, false},
		{"garbage", true, gateway.OpChatCompletions, `{"choices":[`, false},
		{"responses-completed", true, gateway.OpResponses, `{"type":"response.completed","response":{"usage":{}}}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := &gateway.Request{Operation: tt.op, UsageInjected: tt.injected}
			if got := (Adapter{}).Hide(req, []byte(tt.data)); got != tt.want {
				t.Errorf("Hide(%s) = %v, want %v", tt.data, got, tt.want)
			}
		})
	}
}
