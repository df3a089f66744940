// Package eval measures aigate's detectors on labelled JSONL files. It backs
// the `aigate eval` command; it prints nothing and never reports matched text.
package eval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/aigate-dev/aigate/pii"
)

// PIIReport is the result of [EvalPII]. Types holds one score per entity type
// that is labelled in the data or predicted by the detector.
type PIIReport struct {
	Texts    int                 `json:"texts"`
	Bytes    int64               `json:"bytes"`
	Seconds  float64             `json:"seconds"`  // time spent in Detector.Find only
	MBPerSec float64             `json:"mb_per_s"` // Bytes / Seconds / 1e6
	Headline string              `json:"headline"` // which span match the top-level scores use: "exact"
	Types    map[string]PIIScore `json:"types"`
	// BySource repeats Types for each value of the rows' "source" field
	// (synthetic templates and real social-media text differ a lot).
	BySource map[string]map[string]PIIScore `json:"by_source,omitempty"`
	Unscored map[string]int                 `json:"unscored_labels,omitempty"` // labelled types aigate does not detect (ORGANIZATION, AGE, …), with counts
}

// PIIScore holds the scores for one entity type. Precision, Recall and F1
// use exact span matching (same type, same start and end); Overlap repeats
// them with one-to-one matching of spans of the same type that share at
// least one character. FPR is per text: the share of texts with no labelled
// span of the type in which the detector reported one.
//
// Exact matching is the headline because it is the stricter claim and the
// one redaction needs: a span that stops short of the end of a card number
// leaks the rest. Overlap is reported beside it because the labels of the
// free-text types are cut inconsistently (the same address is one span in
// one row and four in the next), where exact matching understates a
// detector that does cover the text.
type PIIScore struct {
	Gold      int        `json:"gold"`
	Predicted int        `json:"predicted"`
	Precision float64    `json:"precision"`
	Recall    float64    `json:"recall"`
	F1        float64    `json:"f1"`
	FPR       float64    `json:"fpr"`
	Overlap   SpanScores `json:"overlap"`
}

// SpanScores are precision, recall and F1 under one matching rule.
type SpanScores struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
}

// piiLabelTypes maps the dataset's type names to the type name scored. Labels
// not listed are counted in PIIReport.Unscored.
var piiLabelTypes = map[string]string{
	"EMAIL": "EMAIL", "EMAIL_ADDRESS": "EMAIL",
	"PHONE": "PHONE", "PHONE_NUMBER": "PHONE",
	"CREDIT_CARD": "CREDIT_CARD", "IBAN": "IBAN", "IBAN_CODE": "IBAN",
	"US_SSN": "US_SSN", "IP_ADDRESS": "IP_ADDRESS",
	"DATE_TIME": "DATE_TIME", "DATE_OF_BIRTH": "DATE_TIME",
	"PERSON": "PERSON", "LOCATION": "LOCATION", "GPE": "LOCATION",
	"STREET_ADDRESS": "STREET_ADDRESS",
	"UK_NINO":        "UK_NINO", "SG_NRIC": "SG_NRIC", "TH_ID": "TH_ID", "VN_CCCD": "VN_CCCD",
	"IN_AADHAAR": "IN_AADHAAR", "BR_CPF": "BR_CPF",
}

// scoredType maps a detector type to the name it is scored under: dates of
// birth are dates in the labelled data.
func scoredType(t pii.Type) string {
	if t == pii.DateOfBirth {
		return "DATE_TIME"
	}
	return string(t)
}

type piiRow struct {
	Text   string `json:"text"`
	Source string `json:"source"`
	Spans  []struct {
		Start int    `json:"start"` // code points
		End   int    `json:"end"`
		Type  string `json:"type"`
	} `json:"spans"`
}

type span struct {
	typ        string
	start, end int // bytes
}

type counts struct {
	gold, pred, exact, overlap int
	posTexts                   int // texts with a labelled span of the type
	fpTexts                    int // texts without one where the detector reported one
}

// EvalPII runs d over every JSONL row of r ({"text", "spans": [{"start",
// "end", "type"}]}, offsets in code points) and scores it per entity type.
// A nil d means the zero Detector. Errors name the line, never its text.
func EvalPII(r io.Reader, d *pii.Detector) (PIIReport, error) {
	rep := PIIReport{Headline: "exact", Unscored: map[string]int{}}
	c := map[string]*counts{}
	get := func(t string) *counts {
		if c[t] == nil {
			c[t] = &counts{}
		}
		return c[t]
	}
	bySource := map[string]map[string]*counts{}
	sourceTexts := map[string]int{}
	var rows []piiRow
	var elapsed time.Duration
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		if len(sc.Bytes()) == 0 {
			continue
		}
		var row piiRow
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			return rep, fmt.Errorf("eval pii: line %d: %w", line, err)
		}
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		return rep, fmt.Errorf("eval pii: read: %w", err)
	}
	for n, row := range rows {
		offs := runeOffsets(row.Text)
		var gold []span
		for _, sp := range row.Spans {
			t, ok := piiLabelTypes[sp.Type]
			if !ok {
				rep.Unscored[sp.Type]++
				continue
			}
			if sp.Start < 0 || sp.End < sp.Start || sp.End >= len(offs) {
				return rep, fmt.Errorf("eval pii: row %d: span %d-%d out of range", n+1, sp.Start, sp.End)
			}
			gold = append(gold, span{t, offs[sp.Start], offs[sp.End]})
		}
		t0 := time.Now()
		ents := d.Find(row.Text)
		elapsed += time.Since(t0)
		rep.Texts++
		rep.Bytes += int64(len(row.Text))
		pred := make([]span, len(ents))
		for i, e := range ents {
			pred[i] = span{scoredType(e.Type), e.Start, e.End}
		}
		score(gold, pred, get)
		sc := bySource[row.Source]
		if sc == nil {
			sc = map[string]*counts{}
			bySource[row.Source] = sc
		}
		sourceTexts[row.Source]++
		score(gold, pred, func(t string) *counts {
			if sc[t] == nil {
				sc[t] = &counts{}
			}
			return sc[t]
		})
	}
	rep.Types = finish(c, rep.Texts)
	if len(bySource) > 1 {
		rep.BySource = map[string]map[string]PIIScore{}
		for src, sc := range bySource {
			rep.BySource[src] = finish(sc, sourceTexts[src])
		}
	}
	rep.Seconds = elapsed.Seconds()
	if rep.Seconds > 0 {
		rep.MBPerSec = float64(rep.Bytes) / rep.Seconds / 1e6
	}
	return rep, nil
}

// finish turns counts over texts rows into scores.
func finish(c map[string]*counts, texts int) map[string]PIIScore {
	out := map[string]PIIScore{}
	for t, k := range c {
		s := PIIScore{Gold: k.gold, Predicted: k.pred}
		s.Precision, s.Recall, s.F1 = prf(k.exact, k.pred, k.gold)
		s.Overlap.Precision, s.Overlap.Recall, s.Overlap.F1 = prf(k.overlap, k.pred, k.gold)
		if neg := texts - k.posTexts; neg > 0 {
			s.FPR = float64(k.fpTexts) / float64(neg)
		}
		out[t] = s
	}
	return out
}

// score adds one text's matches to the per-type counts.
func score(gold, pred []span, get func(string) *counts) {
	types := map[string]bool{}
	for _, g := range gold {
		types[g.typ] = true
	}
	for _, p := range pred {
		types[p.typ] = true
	}
	for t := range types {
		k := get(t)
		var g, p []span
		for _, s := range gold {
			if s.typ == t {
				g = append(g, s)
			}
		}
		for _, s := range pred {
			if s.typ == t {
				p = append(p, s)
			}
		}
		k.gold += len(g)
		k.pred += len(p)
		if len(g) > 0 {
			k.posTexts++
		} else if len(p) > 0 {
			k.fpTexts++
		}
		usedE := make([]bool, len(g))
		usedO := make([]bool, len(g))
		for _, ps := range p {
			if i := slices.IndexFunc(g, func(gs span) bool { return gs.start == ps.start && gs.end == ps.end }); i >= 0 && !usedE[i] {
				usedE[i] = true
				k.exact++
			}
			for i, gs := range g {
				if !usedO[i] && gs.start < ps.end && ps.start < gs.end {
					usedO[i] = true
					k.overlap++
					break
				}
			}
		}
	}
}

func prf(tp, pred, gold int) (p, r, f float64) {
	if pred > 0 {
		p = float64(tp) / float64(pred)
	}
	if gold > 0 {
		r = float64(tp) / float64(gold)
	}
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return p, r, f
}

// runeOffsets returns the byte offset of every code point of s, plus len(s).
func runeOffsets(s string) []int {
	offs := make([]int, 0, len(s)+1)
	for i := range s {
		offs = append(offs, i)
	}
	return append(offs, len(s))
}
