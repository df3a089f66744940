package budget

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aigate-dev/aigate/internal/gateway"
)

//go:embed prices.json
var defaultPrices []byte

// Price is what a model costs, in [Micros] per million tokens.
type Price struct {
	Input       Micros // uncached input tokens
	Output      Micros // output tokens, reasoning tokens included
	CachedInput Micros // input tokens served from the provider's prompt cache
}

// PriceText is a price as written in prices.json and the configuration:
// dollars per million tokens, as decimal strings so no float is involved.
type PriceText struct {
	Input       string `json:"input" yaml:"input"`
	Output      string `json:"output" yaml:"output"`
	CachedInput string `json:"cached_input" yaml:"cached_input"`
}

// Parse converts p to a Price. An empty CachedInput is the Input price.
func (p PriceText) Parse() (Price, error) {
	var errs []error
	parse := func(field, s string) Micros {
		m, err := ParseMicros(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", field, err))
		}
		return m
	}
	out := Price{Input: parse("input", p.Input), Output: parse("output", p.Output)}
	if p.CachedInput == "" {
		out.CachedInput = out.Input
	} else {
		out.CachedInput = parse("cached_input", p.CachedInput)
	}
	return out, errors.Join(errs...)
}

// Prices maps model ids to prices. A model matches an entry exactly or, for
// dated and suffixed ids such as "gpt-4o-mini-2024-07-18" or
// "claude-haiku-4-5-20251001", by the longest entry that is a prefix of it
// followed by "-", "@" or ":". Prices is immutable once built.
type Prices struct {
	byModel map[string]Price
	names   []string // longest first
}

// DefaultPrices returns the embedded price table with overrides applied on
// top (replacing or adding models).
func DefaultPrices(overrides map[string]PriceText) (*Prices, error) {
	var file struct {
		Models map[string]PriceText `json:"models"`
	}
	if err := json.Unmarshal(defaultPrices, &file); err != nil {
		return nil, fmt.Errorf("budget: embedded prices: %w", err)
	}
	maps.Copy(file.Models, overrides)
	return NewPrices(file.Models)
}

// NewPrices builds a table; errors name the model at fault.
func NewPrices(models map[string]PriceText) (*Prices, error) {
	p := &Prices{byModel: map[string]Price{}}
	var errs []error
	for name, pt := range models {
		pr, err := pt.Parse()
		if err != nil {
			errs = append(errs, fmt.Errorf("prices[%q]: %w", name, err))
			continue
		}
		p.byModel[name] = pr
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	p.names = slices.Collect(maps.Keys(p.byModel))
	slices.SortFunc(p.names, func(a, b string) int { return len(b) - len(a) })
	return p, nil
}

// Lookup returns the price of model.
func (p *Prices) Lookup(model string) (Price, bool) {
	model = strings.TrimPrefix(model, "models/")
	if pr, ok := p.byModel[model]; ok {
		return pr, true
	}
	for _, n := range p.names {
		if rest, ok := strings.CutPrefix(model, n); ok && rest != "" && strings.ContainsRune("-@:", rune(rest[0])) {
			return p.byModel[n], true
		}
	}
	return Price{}, false
}

// Cost returns what u costs at price pr, rounded up to the micro-dollar so
// that spend is never under-counted.
func (pr Price) Cost(u gateway.Usage) Micros {
	cached := min(max(u.CachedInputTokens, 0), max(u.InputTokens, 0))
	n := (max(u.InputTokens, 0)-cached)*int64(pr.Input) +
		cached*int64(pr.CachedInput) +
		max(u.OutputTokens, 0)*int64(pr.Output)
	return Micros((n + 999_999) / 1_000_000)
}
