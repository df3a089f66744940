package guard

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider/openai"
)

// benchMessage is about 2 KB of ordinary support-chat text, none of it
// repeated, with an e-mail address and a phone number in it.
var benchMessage = func() string {
	s := "Hi, I ordered a pair of running shoes last week (order 1042) and they arrived in the wrong size. " +
		"Could you tell me how returns work, whether I pay for shipping, and how long the refund takes? " +
		"You can reach me at jane.roe@example.org or call me at +1 415 555 0134 in the afternoon. " +
		"The box is still sealed and I kept the receipt, the packing slip and the original tags. " +
		"I would prefer an exchange for size 42 if you have it in the same colour, otherwise a refund to my card is fine. " +
		"Last time I returned something it took almost three weeks before the money showed up on my statement, " +
		"so I would like to know whether that is normal or whether something went wrong on your side. " +
		"Also, your website says that members get free return shipping, but when I logged in to my account " +
		"the return form asked me to pay for the label. Is the membership discount applied later, or do I need " +
		"to contact someone else about that? I have been a member since 2019 and usually order two or three times a year. " +
		"One more thing: the delivery driver left the parcel with my neighbour without asking, which was a little annoying, " +
		"because I was at home the whole day. Could you pass that on to the courier company, or tell me whom to write to? " +
		"If it helps, the tracking number on the email I received starts with JD and the parcel weighed about two kilos. " +
		"I am also interested in the trail version of the same shoe; does it run true to size, or should I go half a size up? " +
		"My current pair from another brand is a 42 and fits well with thin socks, a little tight with winter ones. " +
		"Finally, do you ship to Norway? My sister lives in Bergen and would like to order the same model for her husband, " +
		"but the checkout page only lists countries in the European Union. Thanks a lot for your help, and have a nice day!"
	return s[:min(len(s), 2048)]
}()

func benchPolicy(b *testing.B) *Policy {
	b.Helper()
	p, err := NewPolicy("bench", PolicySpec{
		SystemPrompt: "You are the support assistant of Example Shop. Only answer questions about Example Shop orders, returns and products.",
		PII:          map[string]string{"default": "redact", "EMAIL": "pseudonymize", "PHONE": "pseudonymize", "CREDIT_CARD": "block"},
	})
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkInputGuards runs every input guard of a policy (pinned prompt,
// secrets, injection, PII with pseudonyms, role markers) on one 2 KB user
// message, decode and re-encode included, and reports p50 and p99:
//
//	go test ./internal/guard -run '^$' -bench InputGuards
func BenchmarkInputGuards(b *testing.B) {
	p := benchPolicy(b)
	body, _ := json.Marshal(map[string]any{"model": "gpt-4o-mini", "messages": []any{map[string]any{"role": "user", "content": benchMessage}}})
	ad := openai.Adapter{}
	lat := make([]time.Duration, 0, b.N)
	b.SetBytes(int64(len(benchMessage)))
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		req, err := ad.Decode(gateway.OpChatCompletions, "", body)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := p.checkInput(req, ad); err != nil {
			b.Fatal(err)
		}
		if _, err := ad.Encode(req); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
}

// BenchmarkOutputGuard feeds a 2 KB answer through the output guard in
// 16-byte deltas (canary, verbatim-prompt check and pseudonym restore).
func BenchmarkOutputGuard(b *testing.B) {
	p := benchPolicy(b)
	body, _ := json.Marshal(map[string]any{"model": "gpt-4o-mini", "messages": []any{map[string]any{"role": "user", "content": benchMessage}}})
	ad := openai.Adapter{}
	req, _ := ad.Decode(gateway.OpChatCompletions, "", body)
	vault, err := p.checkInput(req, ad)
	if err != nil || vault == nil {
		b.Fatalf("checkInput: vault %v, err %v", vault, err)
	}
	answer := strings.ReplaceAll(benchMessage, "jane.roe@example.org", "<EMAIL_1>")
	b.SetBytes(int64(len(answer)))
	b.ReportAllocs()
	for b.Loop() {
		o := p.newOutput(req, vault)
		for i := 0; i < len(answer); i += 16 {
			if _, err := o.Text(0, answer[i:min(i+16, len(answer))]); err != nil {
				b.Fatal(err)
			}
		}
		_, _ = o.Flush(0)
	}
}
