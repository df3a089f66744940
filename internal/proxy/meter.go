package proxy

import (
	"unicode/utf8"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider"
)

// meter counts what a streamed response has consumed so far, for the
// response's Allow checks (mid-stream budget and limit enforcement). It
// reads the provider's usage where reported and estimates the rest: input
// from the request at one token per four characters (plus one, as the
// budget's reservation does), output at one token per four characters of
// streamed text, rounded up. The larger of reported and estimated counts.
type meter struct {
	req   *gateway.Request
	text  provider.OutputText // nil: only reported usage counts
	in    int64               // estimated input tokens
	chars int64               // characters of generated text seen
}

func newMeter(ad provider.Adapter, req *gateway.Request) *meter {
	ot, _ := ad.(provider.OutputText)
	return &meter{req: req, text: ot, in: int64(req.InputChars()+3)/4 + 1}
}

// add counts the generated text in one event: spans is what the adapter's
// EventText found in its data (the relay reads it once for the meter and
// the output guard).
func (m *meter) add(spans []provider.OutputSpan) {
	for _, sp := range spans {
		m.chars += int64(utf8.RuneCountInString(sp.Value))
	}
}

// usage is reported usage u with the estimates filling in what it lacks.
func (m *meter) usage(u gateway.Usage) gateway.Usage {
	if u.InputTokens == 0 {
		u.InputTokens = m.in
	}
	u.OutputTokens = max(u.OutputTokens, (m.chars+3)/4)
	return u
}
