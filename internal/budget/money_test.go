package budget

import (
	"testing"
	"time"

	"github.com/aigate-dev/aigate/internal/gateway"
)

func TestMicrosString(t *testing.T) {
	for m, want := range map[Micros]string{
		0: "$0.00", 5 * Dollar: "$5.00", 1_250_000: "$1.25", 150: "$0.00015", -1_500_000: "-$1.50", 1_234_567: "$1.234567",
	} {
		if got := m.String(); got != want {
			t.Errorf("Micros(%d).String() = %q, want %q", int64(m), got, want)
		}
	}
}

func TestParseAmount(t *testing.T) {
	for in, want := range map[string]Amount{
		"5.00/month": {5 * Dollar, PeriodMonth}, "$0.5/day": {500_000, PeriodDay}, "100/week": {100 * Dollar, PeriodWeek},
		"1/none": {Dollar, PeriodNone}, "": {},
	} {
		got, err := ParseAmount(in)
		if err != nil || got != want {
			t.Errorf("ParseAmount(%q) = %v, %v; want %v", in, got, err, want)
		}
		if in != "" && got.String() != "" {
			if back, _ := ParseAmount(got.String()); back != got {
				t.Errorf("round trip of %q via %q = %v", in, got.String(), back)
			}
		}
	}
	for _, in := range []string{"5", "5/year", "-1/day", "0/day", "1.0000001/day", "abc/day", "1e3/day"} {
		if _, err := ParseAmount(in); err == nil {
			t.Errorf("ParseAmount(%q) succeeded", in)
		}
	}
}

func TestPeriodWindow(t *testing.T) {
	at := time.Date(2026, 11, 19, 15, 4, 5, 0, time.UTC) // a Thursday
	for _, tt := range []struct {
		p          Period
		start, end string
	}{
		{PeriodDay, "2026-11-19", "2026-11-20"},
		{PeriodWeek, "2026-11-16", "2026-11-23"},
		{PeriodMonth, "2026-11-01", "2026-12-01"},
	} {
		s, e := tt.p.Window(at)
		if s.Format(time.DateOnly) != tt.start || e.Format(time.DateOnly) != tt.end {
			t.Errorf("%s.Window = %v, %v; want %s, %s", tt.p, s, e, tt.start, tt.end)
		}
	}
	if _, e := PeriodNone.Window(at); !e.IsZero() {
		t.Errorf("none has an end: %v", e)
	}
}

func TestPricesLookupAndCost(t *testing.T) {
	p, err := DefaultPrices(map[string]PriceText{"my-model": {Input: "1", Output: "2"}})
	if err != nil {
		t.Fatal(err)
	}
	for model, want := range map[string]Micros{
		"gpt-4o-mini":                150_000,
		"gpt-4o-mini-2024-07-18":     150_000,
		"gpt-4o-2024-08-06":          2_500_000,
		"claude-haiku-4-5-20251001":  1_000_000,
		"claude-sonnet-4-5@20250929": 3_000_000,
		"models/gemini-2.5-flash":    300_000,
		"gemini-2.5-flash-lite":      100_000,
		"my-model":                   Dollar,
	} {
		pr, ok := p.Lookup(model)
		if !ok || pr.Input != want {
			t.Errorf("Lookup(%q) = %+v, %v; want input %v", model, pr, ok, want)
		}
	}
	if _, ok := p.Lookup("gpt-4ox"); ok {
		t.Error("a prefix not followed by a separator matched")
	}
	if pr, _ := p.Lookup("my-model"); pr.CachedInput != pr.Input {
		t.Error("missing cached_input is not the input price")
	}
	pr, _ := p.Lookup("gpt-4o-mini")
	// 1M input of which 400k cached, 100k output: 0.6×0.15 + 0.4×0.075 + 0.1×0.60 = $0.18.
	if got := pr.Cost(gateway.Usage{InputTokens: 1_000_000, CachedInputTokens: 400_000, OutputTokens: 100_000}); got != 180_000 {
		t.Errorf("Cost = %v, want $0.18", got)
	}
	if got := pr.Cost(gateway.Usage{InputTokens: 1}); got != 1 {
		t.Errorf("Cost of one token = %v, want rounded up to $0.000001", got)
	}
	if _, err := NewPrices(map[string]PriceText{"x": {Input: "cheap", Output: "1"}}); err == nil {
		t.Error("a bad price was accepted")
	}
}
