package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
)

// scored is one row's out-of-fold result.
type scored struct {
	ex    *example
	model float64 // model log-odds
}

func (s scored) score() float64 { return s.ex.score(s.model) }

// score is the detector's score of ex given the model's log-odds z.
func (ex *example) score(z float64) float64 {
	return sigmoid(min(z-ex.margin, ex.maxLogit) + ex.boost)
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// crossValidate trains on three of the four training folds and scores the
// fourth, for each fold in turn, and returns the out-of-fold log-odds of
// every training row of the -data file. Rows from -extra files are trained
// on in every fold but never scored: they are easy and would flatter the
// figures. Held-out rows are not in rows at all.
func crossValidate(rows []example, cfg fitConfig) []scored {
	var out []scored
	for k := 1; k <= 4; k++ {
		var tr []example
		for _, ex := range rows {
			if ex.fold != k || ex.extra {
				tr = append(tr, ex)
			}
		}
		m := dequantise(quantise(fit(tr, cfg)))
		for i := range rows {
			if rows[i].fold == k && !rows[i].extra {
				out = append(out, scored{ex: &rows[i], model: m.logit(&rows[i])})
			}
		}
	}
	return out
}

type counts struct{ tp, fp, tn, fn int }

func (c *counts) add(attack, flagged bool) {
	switch {
	case attack && flagged:
		c.tp++
	case attack:
		c.fn++
	case flagged:
		c.fp++
	default:
		c.tn++
	}
}

func (c counts) recall() float64    { return ratio(c.tp, c.tp+c.fn) }
func (c counts) fpr() float64       { return ratio(c.fp, c.fp+c.tn) }
func (c counts) precision() float64 { return ratio(c.tp, c.tp+c.fp) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func countAt(ss []scored, threshold float64, combined bool) counts {
	var c counts
	for _, s := range ss {
		p := s.score()
		if !combined {
			p = sigmoid(s.model)
		}
		c.add(s.ex.label == 1, p >= threshold)
	}
	return c
}

// pickThreshold returns the lowest threshold, on a grid of 0.01, whose
// false-positive rate on ss is at most maxFPR.
func pickThreshold(ss []scored, maxFPR float64) float64 {
	for t := 0.30; t < 0.995; t += 0.01 {
		t = math.Round(t*100) / 100
		if countAt(ss, t, true).fpr() <= maxFPR {
			return t
		}
	}
	return 0.99
}

// reportCV prints the out-of-fold figures: overall at several thresholds,
// the threshold that keeps the false-positive rate under maxFPR, and the
// figures per category there.
func reportCV(w io.Writer, ss []scored, maxFPR float64) float64 {
	for _, t := range []float64{0.5, 0.65, 0.8, 0.9} {
		c, mc := countAt(ss, t, true), countAt(ss, t, false)
		fmt.Fprintf(w, "cv at %.2f: recall %.3f fpr %.4f (%d fp)   model alone: recall %.3f fpr %.4f\n",
			t, c.recall(), c.fpr(), c.fp, mc.recall(), mc.fpr())
	}
	for _, f := range []float64{0.01, 0.02} {
		t := pickThreshold(ss, f)
		c := countAt(ss, t, true)
		fmt.Fprintf(w, "cv recall at fpr <= %.2f: %.3f (threshold %.2f, fpr %.4f)\n", f, c.recall(), t, c.fpr())
	}
	fmt.Fprintf(w, "cv mean recall over fpr 0.5%% to 3%%: %.3f\n", meanRecall(ss))
	t := pickThreshold(ss, maxFPR)
	c := countAt(ss, t, true)
	fmt.Fprintf(w, "cv threshold for fpr <= %.3f: %.2f  recall %.3f fpr %.4f precision %.3f\n",
		maxFPR, t, c.recall(), c.fpr(), c.precision())
	byCat := map[string]*counts{}
	for _, s := range ss {
		if byCat[s.ex.cat] == nil {
			byCat[s.ex.cat] = &counts{}
		}
		byCat[s.ex.cat].add(s.ex.label == 1, s.score() >= t)
	}
	cats := make([]string, 0, len(byCat))
	for k := range byCat {
		cats = append(cats, k)
	}
	slices.Sort(cats)
	for _, k := range cats {
		c := byCat[k]
		if c.tp+c.fn > 0 {
			fmt.Fprintf(w, "  %-40s attacks %3d recall %.3f\n", k, c.tp+c.fn, c.recall())
		} else {
			fmt.Fprintf(w, "  %-40s benign  %3d fpr    %.3f (%d)\n", k, c.fp+c.tn, c.fpr(), c.fp)
		}
	}
	return t
}

// dumpMisses writes the out-of-fold errors at threshold t, for writing
// rules from training rows.
func dumpMisses(w io.Writer, ss []scored, texts map[*example]string, t float64) {
	for _, s := range ss {
		attack, flagged := s.ex.label == 1, s.score() >= t
		if attack == flagged {
			continue
		}
		kind := "FN"
		if flagged {
			kind = "FP"
		}
		text := strings.ReplaceAll(texts[s.ex], "\n", "\\n")
		if len(text) > 300 {
			text = text[:300]
		}
		fmt.Fprintf(w, "%s %.3f m=%.2f b=%.1f %s %s | %s\n", kind, s.score(), s.model, s.ex.boost, s.ex.cat, s.ex.lang, text)
	}
}

// meanRecall averages, over false-positive budgets from 0.5 % to 3 % in
// steps of 0.5 %, the recall at the lowest score that keeps the budget. It
// moves less than the recall at one budget, which depends on a handful of
// benign rows, and so is the better figure to compare training changes by.
func meanRecall(ss []scored) float64 {
	var benign, attacks []float64
	for _, s := range ss {
		if s.ex.label == 1 {
			attacks = append(attacks, s.score())
		} else {
			benign = append(benign, s.score())
		}
	}
	if len(benign) == 0 || len(attacks) == 0 {
		return 0
	}
	slices.Sort(benign)
	slices.Reverse(benign)
	var sum float64
	n := 0
	for f := 0.005; f < 0.0301; f += 0.005 {
		// Flag only scores above the (k+1)-th highest benign score, so at
		// most k benign rows are flagged.
		k := int(f * float64(len(benign)))
		cut := benign[min(k, len(benign)-1)]
		hit := 0
		for _, a := range attacks {
			if a > cut {
				hit++
			}
		}
		sum += float64(hit) / float64(len(attacks))
		n++
	}
	return sum / float64(n)
}
