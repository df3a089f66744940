package main

import (
	"math"

	"github.com/aigate-dev/aigate/injection/internal/features"
)

// example is one row as the optimiser sees it: sparse feature values and
// the rule boost the detector would add to the model's log-odds.
type example struct {
	idx    []uint32
	val    []float32
	label  float64
	weight float64 // relative weight of the row within its class
	boost  float64 // rule boost in log-odds, capped as the detector caps it
	cat    string
	lang   string
	fold   int
	extra  bool // from an -extra file: trained on, never scored by -cv
	words  int  // bytes in the word view
	// maxLogit caps the model's log-odds in the detector's score: the
	// detector's short-text cap (see -short-cap), +Inf for other rows.
	maxLogit float64
	// margin is subtracted from the model's log-odds in the detector's
	// score when no rule fires (see -model-only-margin), 0 otherwise.
	margin float64
}

// fitConfig holds the optimiser's settings.
type fitConfig struct {
	iters        int
	l2           float64
	benignWeight float64
	dim          int
}

// linear is an unquantised model.
type linear struct {
	w    []float64
	bias float64
}

func (m *linear) logit(ex *example) float64 {
	z := m.bias
	for k, f := range ex.idx {
		z += m.w[f] * float64(ex.val[k])
	}
	return z
}

// fit minimises the class-weighted logistic loss plus an L2 penalty by
// full-batch Adam from zero weights: the same rows always give the same
// weights.
func fit(train []example, cfg fitConfig) *linear {
	var pos, neg float64
	for _, ex := range train {
		if ex.label == 1 {
			pos += ex.weight
		} else {
			neg += ex.weight
		}
	}
	// Balance the classes, then tilt towards benign rows.
	wPos := (pos + neg) / (2 * pos)
	wNeg := (pos + neg) / (2 * neg) * cfg.benignWeight
	total := pos*wPos + neg*wNeg

	m := &linear{w: make([]float64, cfg.dim)}
	w := m.w
	g := make([]float64, cfg.dim)
	m1 := make([]float64, cfg.dim)
	m2 := make([]float64, cfg.dim)
	// Only features that occur in some row ever move; visit just those.
	seen := make([]bool, cfg.dim)
	var active []uint32
	for _, ex := range train {
		for _, f := range ex.idx {
			if !seen[f] {
				seen[f] = true
				active = append(active, f)
			}
		}
	}
	var bm1, bm2 float64
	const (
		lr    = 0.05
		beta1 = 0.9
		beta2 = 0.999
		eps   = 1e-8
	)
	for it := 1; it <= cfg.iters; it++ {
		for _, f := range active {
			g[f] = 0
		}
		var gb float64
		for i := range train {
			ex := &train[i]
			p := 1 / (1 + math.Exp(-m.logit(ex)))
			cw := wNeg
			if ex.label == 1 {
				cw = wPos
			}
			d := (p - ex.label) * cw * ex.weight / total
			gb += d
			for k, f := range ex.idx {
				g[f] += d * float64(ex.val[k])
			}
		}
		c1 := 1 - math.Pow(beta1, float64(it))
		c2 := 1 - math.Pow(beta2, float64(it))
		for _, f := range active {
			gf := g[f] + cfg.l2*w[f]
			m1[f] = beta1*m1[f] + (1-beta1)*gf
			m2[f] = beta2*m2[f] + (1-beta2)*gf*gf
			w[f] -= lr * (m1[f] / c1) / (math.Sqrt(m2[f]/c2) + eps)
		}
		bm1 = beta1*bm1 + (1-beta1)*gb
		bm2 = beta2*bm2 + (1-beta2)*gb*gb
		m.bias -= lr * (bm1 / c1) / (math.Sqrt(bm2/c2) + eps)
	}
	return m
}

// quantise stores weights as int8 with one scale, at a cost in log-odds
// well under the model's own error.
func quantise(m *linear) *features.Model {
	maxAbs := 0.0
	for _, x := range m.w {
		maxAbs = max(maxAbs, math.Abs(x))
	}
	scale := maxAbs / 127
	if scale == 0 {
		scale = 1
	}
	q := make([]int8, len(m.w))
	for i, x := range m.w {
		q[i] = int8(math.Round(x / scale))
	}
	return &features.Model{Bias: float32(m.bias), Scale: float32(scale), Weights: q}
}

// dequantise returns the weights the detector will use, so that the
// figures the trainer reports are the shipped model's.
func dequantise(q *features.Model) *linear {
	m := &linear{w: make([]float64, len(q.Weights)), bias: float64(q.Bias)}
	for i, x := range q.Weights {
		m.w[i] = float64(q.Scale) * float64(x)
	}
	return m
}
