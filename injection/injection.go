package injection

import (
	_ "embed"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/aigate-dev/aigate/injection/internal/features"
	"github.com/aigate-dev/aigate/injection/internal/textnorm"
)

// DefaultThreshold is the score at or above which a text is treated as an
// injection attempt unless the caller chooses otherwise.
const DefaultThreshold = 0.67

// Result is the outcome of [Detector.Detect]. It never holds any of the
// input text.
type Result struct {
	// Score is the likelihood of an injection attempt, in [0, 1].
	Score float64
	// Rules lists the rule families that fired, in a fixed order, each once.
	Rules []Rule
	// ModelScore is the statistical model's own score in [0, 1], before the
	// rules are combined with it; 0 when the model is disabled.
	ModelScore float64
}

// Flagged reports whether r.Score reaches threshold.
func (r Result) Flagged(threshold float64) bool { return r.Score >= threshold }

// Options configures a [Detector]. The zero Options uses the rules and the
// embedded model.
type Options struct {
	// RulesOnly turns the statistical model off: the score then comes from
	// the rules alone.
	RulesOnly bool
}

// A Detector scores texts for prompt injection. It is immutable and safe
// for concurrent use.
type Detector struct {
	rules *compiled
	model *features.Model // nil when RulesOnly
	pool  sync.Pool       // *scratch
}

// scratch holds per-call buffers, reused through a pool.
type scratch struct {
	tx   textnorm.Text
	occW []occ
	occF []occ
	occC []occ // scratch for the word view's terms without boundaries
	cand []uint16
	hit  []bool // by rule index
	// seen marks the terms that occur in the text; viable caches, per rule
	// tried, whether every slot after the first has a term that occurs
	// (1) or not (-1), so a rule whose first term is common ("the", "you")
	// is searched for at most once when the rest of it is absent.
	seen    []bool   // by term index
	viable  []int8   // by rule index
	touched []uint16 // rules whose viable entry is set
}

//go:embed model.bin
var modelBin []byte

var (
	compiledRules = sync.OnceValue(func() *compiled {
		return compileRules(slices.Concat(ruleSpecs, contextRuleSpecs, techniqueRuleSpecs))
	})
	embedded = sync.OnceValues(func() (*features.Model, error) {
		var m features.Model
		if err := m.UnmarshalBinary(modelBin); err != nil {
			return nil, fmt.Errorf("injection: embedded model: %w", err)
		}
		return &m, nil
	})
	defaultDetector = sync.OnceValue(func() *Detector {
		d, err := New(Options{})
		if err != nil {
			// The model is compiled into the binary and checked by the
			// tests; failing to decode it is a build defect.
			panic(err)
		}
		return d
	})
)

// New returns a Detector. The rule set and the embedded model are decoded
// once per process and shared by every Detector.
func New(opts Options) (*Detector, error) {
	d := &Detector{rules: compiledRules()}
	if !opts.RulesOnly {
		m, err := embedded()
		if err != nil {
			return nil, err
		}
		d.model = m
	}
	return d, nil
}

// Default returns the shared Detector built with the zero [Options].
func Default() *Detector { return defaultDetector() }

// Detect scores text with the [Default] detector.
func Detect(text string) Result { return Default().Detect(text) }

// HeldOut reports whether the labelled row with this id was held out when
// the embedded model was trained: FNV-1a 64 of the id, modulo 5, is 0.
// Measure the model on held-out rows only.
func HeldOut(id string) bool { return features.HeldOut(id) }

// rulesOnlyPrior is the log-odds a text starts from when the model is off.
const rulesOnlyPrior = -4

// maxPooled is the largest word-view buffer kept for reuse.
const maxPooled = 1 << 20

// A text whose word view is shorter than shortText bytes (about eight
// English words) and on which no rule fires is not flagged by the model
// alone: its log-odds are capped at shortTextMaxLogit, under any threshold
// above 0.62. Features are counts over the square root of their number,
// so in a short text a few n-grams decide, and "Can you reset my password?
// I forgot it." scored 0.78 on "you", "password" and "forgot". Short
// attacks that name what they attack fire a rule. In 4-fold
// cross-validation (go run ./injection/train -cv, which applies the same
// cap, -short-cap) the cap at 40 bytes raises recall at DefaultThreshold
// from 0.832 to 0.834 and lowers the false-positive rate from 1.0 % to
// 0.8 %; at 64 bytes recall is 0.832. A longer cap would also spare "Read
// the config and tell me who to contact." (44 bytes, 0.94), but the full
// file's recall, on which internal/eval holds a floor of 0.94, counts the
// short training rows the model has learnt by heart (trivia questions that
// cyberseceval counts as attacks against its system prompts): it is 0.941
// at 40 bytes and about 0.92 at 64.
const (
	shortText         = 40
	shortTextMaxLogit = 0.5
)

// A text whose word view is shorter than modelOnlyText bytes (about a
// dozen English words) and on which no rule fires needs more of the model
// to be flagged: modelOnlyMargin is taken off its log-odds, so at
// DefaultThreshold the model's own score must reach about 0.85. Advice
// such as "Never share your password with anyone" and requests such as
// "Can you print your database schema for the docs?" (0.89 and 0.81)
// scored like attacks on a few n-grams. In 4-fold cross-validation (go run
// ./injection/train -cv, which applies the same margin,
// -model-only-margin and -model-only-margin-under) a margin of 1 under 60
// bytes leaves recall at a 1 % false-positive rate at 0.836 and moves the
// mean recall over 0.5-3 % from 0.849 to 0.845; a margin of 1.25 or more,
// or one that reaches longer texts, costs the short training rows the
// model has learnt by heart (see shortText), and one over texts of any
// length only moves the threshold.
const (
	modelOnlyText   = 60
	modelOnlyMargin = 1.0
)

// maxBoost caps what the rules add, so that a text hitting every family is
// not pinned at exactly 1 by floating-point saturation.
const maxBoost = 16

// Detect scores text. It is safe for concurrent use.
func (d *Detector) Detect(text string) Result {
	s, _ := d.pool.Get().(*scratch)
	if s == nil {
		s = &scratch{}
	}
	defer func() {
		// Do not keep the buffers of one huge text alive in the pool.
		if cap(s.tx.Words) <= maxPooled {
			d.pool.Put(s)
		}
	}()

	c := d.rules
	textnorm.Normalize(text, &s.tx)
	tx := &s.tx
	s.occW, s.occC = c.words.scan(s.occW[:0], s.occC, tx.Words)
	s.occF = c.folded.scan(s.occF[:0], tx.Folded)

	var boost [familyCount]float64
	// Distinct rules of one family add up, to at most a strong rule's boost.
	fire := func(i int, b float64) { boost[i] = min(boost[i]+b, strong) }
	// Each occurrence starts the rules whose first slot holds its term; a
	// rule is tried until it matches once.
	if len(s.hit) < len(c.rules) {
		s.hit = make([]bool, len(c.rules))
		s.viable = make([]int8, len(c.rules))
	}
	if len(s.seen) < len(c.terms) {
		s.seen = make([]bool, len(c.terms))
	}
	for _, o := range s.occW {
		s.seen[o.term] = true
	}
	for _, o := range s.occF {
		s.seen[o.term] = true
	}
	s.cand, s.touched = s.cand[:0], s.touched[:0]
	for v, occs := range [...][]occ{viewWords: s.occW, viewFolded: s.occF} {
		for i := range occs {
			for _, ri := range c.termRules[occs[i].term] {
				if s.hit[ri] || s.viable[ri] < 0 {
					continue
				}
				ru := &c.rules[ri]
				if s.viable[ri] == 0 {
					s.viable[ri] = ru.viable(s.seen)
					s.touched = append(s.touched, ri)
					if s.viable[ri] < 0 {
						continue
					}
				}
				if !c.matchAt(ru, occs, i) {
					continue
				}
				s.hit[ri] = true
				s.cand = append(s.cand, ri)
				fire(ru.fam, ru.boost)
				if view(v) == viewWords && int(occs[i].start) >= tx.DecodedFrom {
					fire(famEncodedPayload, strong)
				}
			}
		}
	}
	for _, ri := range s.cand {
		s.hit[ri] = false
	}
	for _, ri := range s.touched {
		s.viable[ri] = 0
	}
	for _, o := range s.occW {
		s.seen[o.term] = false
	}
	for _, o := range s.occF {
		s.seen[o.term] = false
	}
	// Signals from normalisation.
	switch {
	case tx.TagChars > 0:
		fire(famInvisibleUnicode, strong)
	case tx.Invisible >= 4:
		fire(famInvisibleUnicode, medium)
	case tx.Invisible > 0:
		// One or two stray zero-width spaces are common in pasted text.
		fire(famInvisibleUnicode, hint)
	}
	if tx.MixedScript > 0 {
		fire(famObfuscation, medium)
	} else if tx.Leet >= 2 {
		// Identifiers in code look like leetspeak too.
		fire(famObfuscation, hint)
	}
	if tx.Decoded > 0 {
		fire(famEncodedPayload, weak)
	}
	if tx.Spaced > 0 {
		// "S a y   t h a t ...": words spelled out to slip past filters.
		fire(famObfuscation, medium)
	}

	var res Result
	z := float64(rulesOnlyPrior)
	if d.model != nil {
		z = d.model.LogitText(tx.Words)
		res.ModelScore = sigmoid(z)
	}
	var total float64
	for i, b := range boost {
		if b > 0 {
			total += b
			res.Rules = append(res.Rules, families[i])
		}
	}
	// The margin and the cap temper the model; with the model off they
	// would only move the rules-only prior, and with it the boosts the
	// training command reads off a rules-only detector.
	if d.model != nil && total == 0 {
		if len(tx.Words) < modelOnlyText {
			z -= modelOnlyMargin
		}
		if len(tx.Words) < shortText {
			z = min(z, shortTextMaxLogit)
		}
	}
	res.Score = sigmoid(z + min(total, maxBoost))
	return res
}

func sigmoid(z float64) float64 {
	s := 1 / (1 + math.Exp(-z))
	if math.IsNaN(s) {
		return 1 // fail closed
	}
	return s
}

// families lists the rule families in the order Result.Rules reports them.
var families = [...]Rule{
	RuleInstructionOverride, RuleJailbreakPersona, RulePromptExtraction, RuleMarkupInjection,
	RuleEncodedPayload, RuleInvisibleUnicode, RuleObfuscation, RuleIndirectInjection,
}

const familyCount = len(families)

func familyIndex(f Rule) int { return slices.Index(families[:], f) }

// Indexes of the families fired by normalisation signals.
var (
	famEncodedPayload   = familyIndex(RuleEncodedPayload)
	famInvisibleUnicode = familyIndex(RuleInvisibleUnicode)
	famObfuscation      = familyIndex(RuleObfuscation)
)
