package openai

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
)

// chatBody2K is a chat completion of about 2 KB: a system prompt, a few
// turns, a tool definition and some unmodelled parameters.
func chatBody2K() []byte {
	var b strings.Builder
	b.WriteString(`{"model":"gpt-4o-mini","temperature":0.2,"max_tokens":512,"user":"user-1234","stream":false,`)
	b.WriteString(`"tools":[{"type":"function","function":{"name":"lookup_order","description":"Look up an order by id","parameters":{"type":"object","properties":{"id":{"type":"string"}},"required":["id"]}}}],`)
	b.WriteString(`"messages":[{"role":"system","content":"You are a customer support assistant for an online shop. Answer only questions about orders, shipping and returns. Be concise and polite."}`)
	for i := 0; b.Len() < 1900; i++ {
		fmt.Fprintf(&b, `,{"role":"user","content":"Hello, I ordered item number %d last week and it has not arrived yet. Could you tell me where it is? My order id is A-%05d."}`, i, i)
		fmt.Fprintf(&b, `,{"role":"assistant","content":[{"type":"text","text":"Let me check order A-%05d for you. One moment please."}]}`, i)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

func BenchmarkDecode(b *testing.B) {
	body := chatBody2K()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (Adapter{}).Decode(gateway.OpChatCompletions, "", body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeEdited(b *testing.B) {
	body := chatBody2K()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		req, err := (Adapter{}).Decode(gateway.OpChatCompletions, "", body)
		if err != nil {
			b.Fatal(err)
		}
		req.Messages[1].Parts[0].Set("Hello, I ordered item number 0 last week. My email is [EMAIL].")
		if _, err := (Adapter{}).Encode(req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeStreamInjected(b *testing.B) {
	body := []byte(strings.Replace(string(chatBody2K()), `"stream":false`, `"stream":true`, 1))
	req, err := (Adapter{}).Decode(gateway.OpChatCompletions, "", body)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (Adapter{}).Encode(req); err != nil {
			b.Fatal(err)
		}
	}
}
