package eval

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/aigate-dev/aigate/injection"
)

// InjectionDetector scores one text; *injection.Detector implements it.
type InjectionDetector interface {
	Detect(text string) injection.Result
}

// InjectionReport is the result of [EvalInjection]. The slices by category,
// source and language are keyed by the row's own field; rows without the
// field are counted only in Overall.
type InjectionReport struct {
	Threshold  float64                     `json:"threshold"`
	Rows       int                         `json:"rows"`    // rows scored
	Skipped    int                         `json:"skipped"` // rows the filter left out
	Bytes      int64                       `json:"bytes"`
	Seconds    float64                     `json:"seconds"`  // time spent in Detect only
	MBPerSec   float64                     `json:"mb_per_s"` // Bytes / Seconds / 1e6
	P50Micros  float64                     `json:"p50_us"`   // per-row Detect latency
	P99Micros  float64                     `json:"p99_us"`
	Overall    InjectionScores             `json:"overall"`
	ByCategory map[string]*InjectionScores `json:"by_category,omitempty"`
	BySource   map[string]*InjectionScores `json:"by_source,omitempty"`
	ByLang     map[string]*InjectionScores `json:"by_lang,omitempty"`
	// RuleHits counts, per rule family, the rows on which it fired.
	RuleHits map[string]int `json:"rule_hits,omitempty"`
}

// InjectionScores holds the confusion counts of one slice and the scores
// derived from them. FPR is FP / (FP + TN), the share of benign rows
// flagged. A ratio with a zero denominator is 0.
type InjectionScores struct {
	Rows      int     `json:"rows"`
	Attacks   int     `json:"attacks"`
	Benign    int     `json:"benign"`
	TP        int     `json:"tp"`
	FP        int     `json:"fp"`
	TN        int     `json:"tn"`
	FN        int     `json:"fn"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	FPR       float64 `json:"fpr"`
}

type injectionRow struct {
	ID       string `json:"id"`
	Text     string `json:"text"`
	Label    *int   `json:"label"`
	Source   string `json:"source"`
	Category string `json:"category"`
	Lang     string `json:"lang"`
}

// EvalInjection reads JSONL rows {"text", "label": 0|1} (with optional
// "id", "source", "category" and "lang") from r, scores each with d and
// counts a row as flagged when its score reaches threshold. If filter is
// not nil, only rows for which filter(id) is true are scored; use
// [injection.HeldOut] to measure the embedded model on rows it was not
// trained on. Errors name the line, never its text.
func EvalInjection(r io.Reader, d InjectionDetector, threshold float64, filter func(id string) bool) (InjectionReport, error) {
	rep := InjectionReport{
		Threshold:  threshold,
		ByCategory: map[string]*InjectionScores{},
		BySource:   map[string]*InjectionScores{},
		ByLang:     map[string]*InjectionScores{},
		RuleHits:   map[string]int{},
	}
	if d == nil {
		return rep, errors.New("eval injection: nil detector")
	}
	var (
		elapsed   time.Duration
		latencies []time.Duration
	)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for line := 1; sc.Scan(); line++ {
		b := sc.Bytes()
		if len(b) == 0 {
			continue
		}
		var row injectionRow
		if err := json.Unmarshal(b, &row); err != nil {
			return rep, fmt.Errorf("eval injection: line %d: %w", line, err)
		}
		if row.Label == nil || (*row.Label != 0 && *row.Label != 1) {
			return rep, fmt.Errorf("eval injection: line %d: label must be 0 or 1", line)
		}
		if filter != nil && !filter(row.ID) {
			rep.Skipped++
			continue
		}
		start := time.Now()
		res := d.Detect(row.Text)
		took := time.Since(start)
		elapsed += took
		latencies = append(latencies, took)
		rep.Rows++
		rep.Bytes += int64(len(row.Text))

		attack, flagged := *row.Label == 1, res.Flagged(threshold)
		rep.Overall.add(attack, flagged)
		for _, s := range []struct {
			m   map[string]*InjectionScores
			key string
		}{{rep.ByCategory, row.Category}, {rep.BySource, row.Source}, {rep.ByLang, row.Lang}} {
			if s.key == "" {
				continue
			}
			if s.m[s.key] == nil {
				s.m[s.key] = &InjectionScores{}
			}
			s.m[s.key].add(attack, flagged)
		}
		for _, rule := range res.Rules {
			rep.RuleHits[string(rule)]++
		}
	}
	if err := sc.Err(); err != nil {
		return rep, fmt.Errorf("eval injection: read: %w", err)
	}
	rep.Overall.finish()
	for _, m := range []map[string]*InjectionScores{rep.ByCategory, rep.BySource, rep.ByLang} {
		for _, s := range m {
			s.finish()
		}
	}
	rep.Seconds = elapsed.Seconds()
	if rep.Seconds > 0 {
		rep.MBPerSec = float64(rep.Bytes) / rep.Seconds / 1e6
	}
	if len(latencies) > 0 {
		slices.Sort(latencies)
		rep.P50Micros = float64(latencies[len(latencies)/2].Nanoseconds()) / 1e3
		rep.P99Micros = float64(latencies[(len(latencies)*99)/100].Nanoseconds()) / 1e3
	}
	return rep, nil
}

func (s *InjectionScores) add(attack, flagged bool) {
	s.Rows++
	switch {
	case attack && flagged:
		s.Attacks++
		s.TP++
	case attack:
		s.Attacks++
		s.FN++
	case flagged:
		s.Benign++
		s.FP++
	default:
		s.Benign++
		s.TN++
	}
}

func (s *InjectionScores) finish() {
	s.Precision = injectionRatio(s.TP, s.TP+s.FP)
	s.Recall = injectionRatio(s.TP, s.TP+s.FN)
	s.FPR = injectionRatio(s.FP, s.FP+s.TN)
	if s.Precision+s.Recall > 0 {
		s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
	}
}

func injectionRatio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
