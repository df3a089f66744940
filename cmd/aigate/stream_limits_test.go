package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/internal/keys"
	"github.com/aigate-dev/aigate/ratelimit"
)

// 100 tokens per minute; requests are estimated at their input plus 20
// output tokens (validation.max_tokens), and the upstream streams 300.
const streamLimitConfig = "limits:\n  requests_per_minute: 0\n  tokens_per_minute: 100\n  concurrent: 0\n%s" +
	"validation:\n  max_tokens: 20\n"

// streamTokens runs one OpenAI and one Anthropic stream through the SDKs,
// each for its own user, and returns per dialect the text read, the
// stream's error, and the tokens the user's token limit holds once the
// stream is settled.
func streamTokens(t *testing.T, limits string) map[string]tokenResult {
	t.Helper()
	g := mustRunGatewayWith(t, longStreams{chunks: 300}, fmt.Sprintf(streamLimitConfig, limits), nil)
	ctx := context.Background()
	res := map[string]tokenResult{}
	for _, dialect := range []string{"openai", "anthropic"} {
		user := "user-" + dialect
		key, _ := g.mustKey(t, keys.CreateOptions{Name: "web-app-" + dialect, Owner: user})
		var r tokenResult
		r.text, r.err = streamWithSDK(ctx, g, dialect, key)
		waitStreamsDone(t, g)
		lim := ratelimit.PerMinute(100)
		p, err := g.app.acct.tokens.AllowN(ctx, "tpm:user:"+user, lim, 0)
		if err != nil {
			t.Fatal(err)
		}
		r.held = int64((p.ResetAfter + lim.Interval()/2) / lim.Interval())
		res[dialect] = r
	}
	return res
}

type tokenResult struct {
	text string
	err  error
	held int64 // tokens the user's limit holds, rounded
}

// waitStreamsDone waits until the gateway relays no stream: a stream's
// usage is settled before it stops counting as in flight.
func waitStreamsDone(t *testing.T, g *testGateway) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		_, data := g.do(t, "GET", "/metrics", "", nil)
		sc := bufio.NewScanner(strings.NewReader(string(data)))
		for sc.Scan() {
			if sc.Text() == "aigate_streams_in_flight 0" {
				return
			}
		}
	}
	t.Fatal("a stream is still being relayed after 5s")
}

// The estimated input of the requests ("hi": 2 chars / 4 + 1) and the
// input the fake upstream reports for Anthropic from its first event.
var streamInput = map[string]int64{"openai": 2, "anthropic": 5}

// A stream that outgrows its token estimate takes more of the minute's
// allowance as it goes and is cut, with an error event both SDKs raise,
// when none is left; the limit then holds the tokens counted up to and
// including the event that crossed it, charged once.
func TestStreamCutWhenTokenLimitReached(t *testing.T) {
	for dialect, r := range streamTokens(t, "") {
		want := fmt.Sprintf("the stream was stopped: the token limit of 100 per minute for user 'user-%s' is reached", dialect)
		if r.err == nil || !strings.Contains(r.err.Error(), want) {
			t.Errorf("%s: stream err = %v, want %q", dialect, r.err, want)
		}
		read := int64(len(r.text) / 4)
		if read+streamInput[dialect] > 100 || read < 80 {
			t.Errorf("%s: client read %d tokens, want the stream cut near the limit of 100 (with the input)", dialect, read)
		}
		counted := streamInput[dialect] + read + 1 // the event that crossed is counted, not sent
		if r.held < counted-1 || r.held > counted {
			t.Errorf("%s: the limit holds %d tokens after the cut, want the %d counted", dialect, r.held, counted)
		}
		t.Logf("%s: read %d tokens, the limit holds %d", dialect, read, r.held)
	}
}

// With limits.on_exhausted_stream: finish the stream completes and its
// whole reported usage is charged, past the limit.
func TestStreamFinishesWhenTokenLimitReachedConfigured(t *testing.T) {
	for dialect, r := range streamTokens(t, "  on_exhausted_stream: finish\n") {
		if r.err != nil || len(r.text) != 300*4 {
			t.Errorf("%s: err %v, read %d chars; want the whole stream", dialect, r.err, len(r.text))
		}
		if want := int64(305); r.held < want-1 || r.held > want {
			t.Errorf("%s: the limit holds %d tokens, want the reported %d", dialect, r.held, want)
		}
	}
}
