// Command train fits the injection package's embedded model: a logistic
// regression over hashed byte n-grams and word n-grams of the normalised
// text.
//
//	go run ./injection/train -data ../shared/data/injection_dev.jsonl -out injection/model.bin
//
// The default -extra files, benign_synthetic.jsonl and
// synthetic_multilingual.jsonl in this directory, are original sentences
// written for aigate (CC0); nothing in them is copied, translated or
// paraphrased from the development data.
//
// Input is JSONL with at least {"id","text","label"}. Rows whose id is
// held out (injection.HeldOut: FNV-1a 64 of the id, modulo 5, equals 0) are
// never trained on. The fit is deterministic: full-batch Adam from zero
// weights, so the same data gives the same bytes.
//
// With -cv the command writes no model: it trains on three of the four
// training folds, scores the fourth, and reports the detector's figures
// (model plus rules) on those out-of-fold scores, so that settings and the
// threshold are chosen without looking at held-out rows.
package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/aigate-dev/aigate/injection"
	"github.com/aigate-dev/aigate/injection/internal/features"
	"github.com/aigate-dev/aigate/injection/internal/textnorm"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
}

type row struct {
	ID       string `json:"id"`
	Text     string `json:"text"`
	Label    int    `json:"label"`
	Category string `json:"category"`
	Lang     string `json:"lang"`
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	data := fs.String("data", "", "labelled JSONL `file` ({\"id\",\"text\",\"label\"})")
	extra := fs.String("extra", "injection/train/benign_synthetic.jsonl,injection/train/synthetic_multilingual.jsonl,injection/train/synthetic_techniques.jsonl", "more labelled JSONL `file`s, comma-separated, all trained on and never scored by -cv (empty for none)")
	out := fs.String("out", "injection/model.bin", "model `file` to write")
	cfg := fitConfig{dim: features.Dim}
	fs.IntVar(&cfg.iters, "iters", 400, "full-batch optimisation steps")
	fs.Float64Var(&cfg.l2, "l2", 1e-5, "L2 penalty per weight")
	fs.Float64Var(&cfg.benignWeight, "benign-weight", 3, "relative weight of benign rows (higher favours a low false-positive rate)")
	// Written attacks are cleaner than the data's and pull the model
	// towards their surface; at half weight out-of-fold recall is higher
	// (mean over 0.5-3 % FPR 0.836 -> 0.844) and the everyday check is
	// unchanged. Written benign rows keep full weight: they are what keeps
	// ordinary requests unflagged.
	extraWeight := fs.Float64("extra-weight", 0.5, "weight of each -extra attack row relative to a -data row")
	extraBenignWeight := fs.Float64("extra-benign-weight", 1, "weight of each -extra benign row relative to a -data row")
	cv := fs.Bool("cv", false, "cross-validate on the training rows and write no model")
	maxFPR := fs.Float64("max-fpr", 0.01, "with -cv: the out-of-fold false-positive rate the threshold must keep")
	misses := fs.String("misses", "", "with -cv: write the out-of-fold errors to this `file`")
	// The detector does not let the model alone flag a short text on which
	// no rule fires (injection.go, shortText, 40 bytes); the figures here
	// apply the same cap to the out-of-fold and everyday scores. Training
	// is not affected. 0 turns the cap off, to measure what it does.
	shortCap := fs.Int("short-cap", 40, "with -cv and -everyday: cap the model's log-odds at 0.5 for texts whose word view is shorter than this many `bytes` and on which no rule fires, as the detector does (0: off)")
	everyday := fs.String("everyday", "", "text `file` of benign prompts, one a line, never trained on: report how many are flagged")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *data == "" {
		return errors.New("-data is required")
	}
	if *extraWeight < 0 || *extraBenignWeight < 0 {
		return errors.New("-extra-weight and -extra-benign-weight must not be negative")
	}
	rules, err := injection.New(injection.Options{RulesOnly: true})
	if err != nil {
		return err
	}
	var rows []example
	texts := map[int]string{}
	var sums []string
	files := []string{*data}
	if *extra != "" {
		files = append(files, strings.Split(*extra, ",")...)
	}
	for i, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		sums = append(sums, fmt.Sprintf("%s sha256 %x", file, sha256.Sum256(raw)))
		rs, err := readRows(file, raw)
		if err != nil {
			return err
		}
		for _, r := range rs {
			if i == 0 && features.HeldOut(r.ID) {
				continue // never trained on, never scored here
			}
			ex := makeExample(r.Text, rules)
			ex.maxLogit = maxLogit(ex, *shortCap)
			ex.label, ex.weight = float64(r.Label), 1
			ex.cat, ex.lang, ex.fold, ex.extra = r.Category, r.Lang, features.Fold(r.ID), i > 0
			if ex.extra {
				ex.weight = *extraWeight
				if r.Label == 0 {
					ex.weight = *extraBenignWeight
				}
				// Extra rows are all training rows; spread them over the
				// four training folds.
				ex.fold = 1 + features.Fold(r.ID+"#")%4
			}
			texts[len(rows)] = r.Text
			rows = append(rows, ex)
		}
	}
	if len(rows) == 0 {
		return errors.New("no training rows")
	}
	for _, s := range sums {
		fmt.Fprintln(stdout, s)
	}
	if *cv {
		ss := crossValidate(rows, cfg)
		t := reportCV(stdout, ss, *maxFPR)
		if *misses != "" {
			byEx := map[*example]string{}
			for i := range rows {
				byEx[&rows[i]] = texts[i]
			}
			var b bytes.Buffer
			dumpMisses(&b, ss, byEx, t)
			if err := os.WriteFile(*misses, b.Bytes(), 0o644); err != nil {
				return err
			}
		}
		if *everyday != "" {
			return reportEveryday(stdout, *everyday, quantise(fit(rows, cfg)), rules, t, *shortCap)
		}
		return nil
	}
	q := quantise(fit(rows, cfg))
	b, err := q.MarshalBinary()
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "trained on %d rows; wrote %s (%d bytes, model sha256 %x)\n",
		len(rows), *out, len(b), sha256.Sum256(b))
	if *everyday != "" {
		return reportEveryday(stdout, *everyday, q, rules, injection.DefaultThreshold, *shortCap)
	}
	return nil
}

func readRows(name string, raw []byte) ([]row, error) {
	var rows []row
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for line := 1; sc.Scan(); line++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var r row
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		if r.Label != 0 && r.Label != 1 {
			return nil, fmt.Errorf("%s:%d: label %d, want 0 or 1", name, line, r.Label)
		}
		rows = append(rows, r)
	}
	return rows, sc.Err()
}

// makeExample extracts text's features and the boost the rules give it.
func makeExample(text string, rules *injection.Detector) example {
	var tx textnorm.Text
	textnorm.Normalize(text, &tx)
	ex := sparse(features.Extract(nil, tx.Words))
	ex.words = len(tx.Words)
	// With the model off the detector scores sigmoid(prior + boost), and
	// no rule fires on the empty text.
	ex.boost = logit(rules.Detect(text).Score) - logit(rules.Detect("").Score)
	return ex
}

// sparse turns feature occurrences into (index, value) pairs with values
// count/sqrt(total), matching features.Model.Logit.
func sparse(fs []uint32) example {
	s := slices.Clone(fs)
	slices.Sort(s)
	var ex example
	norm := float32(1 / math.Sqrt(float64(max(len(fs), 1))))
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] == s[i] {
			j++
		}
		ex.idx = append(ex.idx, s[i])
		ex.val = append(ex.val, float32(j-i)*norm)
		i = j
	}
	return ex
}

func logit(p float64) float64 { return math.Log(p / (1 - p)) }

// shortTextMaxLogit is the detector's cap on the model's log-odds for a
// short text on which no rule fires (injection.go).
const shortTextMaxLogit = 0.5

// maxLogit returns the cap the detector puts on ex's model log-odds when
// texts shorter than shortCap bytes are capped.
func maxLogit(ex example, shortCap int) float64 {
	if ex.boost == 0 && ex.words < shortCap {
		return shortTextMaxLogit
	}
	return math.Inf(1)
}

func reportEveryday(w io.Writer, file string, q *features.Model, rules *injection.Detector, t float64, shortCap int) error {
	raw, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	m := dequantise(q)
	n, flagged := 0, 0
	for line := range strings.Lines(string(raw)) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		n++
		ex := makeExample(line, rules)
		if s := sigmoid(min(m.logit(&ex), maxLogit(ex, shortCap)) + ex.boost); s >= t {
			flagged++
			fmt.Fprintf(w, "  everyday flagged %.2f %s\n", s, line)
		}
	}
	fmt.Fprintf(w, "everyday: %d of %d flagged at %.2f\n", flagged, n, t)
	return nil
}
