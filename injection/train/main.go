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
// threshold are chosen without looking at held-out rows. Given several
// -model-only-margin or -model-only-margin-under values it prints instead
// one line per setting: the recall at 1 % and 2 % false-positive rate, the
// mean recall, the -data rows the full model flags, and how many lines of
// each -everyday file are flagged.
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
	"strconv"
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
	// Likewise the detector asks more of the model when no rule fires on a
	// text shorter than 60 bytes: it takes 1 off the model's log-odds
	// (injection.go, modelOnlyMargin and modelOnlyText). Several
	// comma-separated values (or lengths) make -cv print one line per
	// combination, a sweep, instead of its report. Training is not
	// affected; -model-only-margin 0 measures without the margin.
	margins := fs.String("model-only-margin", "1", "with -cv and -everyday: subtract this many log-odds from the model's when no rule fires, as the detector does (0: off); comma-separated values sweep")
	marginUnders := fs.String("model-only-margin-under", "60", "apply -model-only-margin only to texts whose word view is shorter than this many `bytes` (0: any length); comma-separated values sweep")
	everyday := fs.String("everyday", "", "text `file`s of benign prompts (or of attacks), one a line, comma-separated, never trained on: report how many are flagged")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *data == "" {
		return errors.New("-data is required")
	}
	if *extraWeight < 0 || *extraBenignWeight < 0 {
		return errors.New("-extra-weight and -extra-benign-weight must not be negative")
	}
	var sweep []modelOnly
	ms, err := parseList(*margins, parseFloat)
	if err != nil {
		return fmt.Errorf("-model-only-margin: %w", err)
	}
	us, err := parseList(*marginUnders, strconv.Atoi)
	if err != nil {
		return fmt.Errorf("-model-only-margin-under: %w", err)
	}
	for _, m := range ms {
		for _, u := range us {
			if m < 0 || u < 0 {
				return errors.New("-model-only-margin and -model-only-margin-under must not be negative")
			}
			sweep = append(sweep, modelOnly{shortCap: *shortCap, margin: m, under: u})
		}
	}
	var everydays []string
	if *everyday != "" {
		everydays = strings.Split(*everyday, ",")
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
			sweep[0].apply(&ex)
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
	if *cv && len(sweep) > 1 {
		ss := crossValidate(rows, cfg)
		m := dequantise(quantise(fit(rows, cfg)))
		return reportSweep(stdout, ss, rows, sweep, *maxFPR, everydays, m, rules)
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
		if len(everydays) > 0 {
			return reportEveryday(stdout, everydays, dequantise(quantise(fit(rows, cfg))), rules, t, sweep[0], true)
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
	if len(everydays) > 0 {
		return reportEveryday(stdout, everydays, dequantise(q), rules, injection.DefaultThreshold, sweep[0], true)
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

// modelOnly is what the detector does to the model's log-odds when no rule
// fires: texts whose word view is shorter than shortCap bytes are capped at
// shortTextMaxLogit, and margin is subtracted from texts shorter than under
// bytes (any length when under is 0).
type modelOnly struct {
	shortCap int
	margin   float64
	under    int
}

// apply sets ex's cap and margin.
func (mo modelOnly) apply(ex *example) {
	ex.maxLogit, ex.margin = math.Inf(1), 0
	if ex.boost != 0 {
		return
	}
	if ex.words < mo.shortCap {
		ex.maxLogit = shortTextMaxLogit
	}
	if mo.under == 0 || ex.words < mo.under {
		ex.margin = mo.margin
	}
}

func parseList[T any](s string, parse func(string) (T, error)) ([]T, error) {
	var out []T
	for f := range strings.SplitSeq(s, ",") {
		v, err := parse(strings.TrimSpace(f))
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// reportSweep prints, for each setting of the model-only margin, the
// out-of-fold recall at 1 % and 2 % false-positive rate, the mean recall,
// the threshold that keeps maxFPR, and, with the model m fitted on all
// rows, the attacks and false positives among the -data rows at that
// threshold and how many prompts of each everyday file are flagged.
func reportSweep(w io.Writer, ss []scored, rows []example, sweep []modelOnly, maxFPR float64, everydays []string, m *linear, rules *injection.Detector) error {
	fmt.Fprintf(w, "%-7s %-6s %-6s %-11s %-11s %-6s %-11s  everyday flagged\n", "margin", "under", "t", "rec@1%", "rec@2%", "mean", "in-sample tp fp")
	for _, mo := range sweep {
		for i := range rows {
			mo.apply(&rows[i])
		}
		t := pickThreshold(ss, maxFPR)
		c := countAt(ss, t, true)
		t2 := pickThreshold(ss, 0.02)
		c2 := countAt(ss, t2, true)
		// In-sample: the -data rows trained on, scored by m as the
		// embedded model scores them (memorised, so near 1).
		var in counts
		for i := range rows {
			if ex := &rows[i]; !ex.extra {
				in.add(ex.label == 1, ex.score(m.logit(ex)) >= t)
			}
		}
		fmt.Fprintf(w, "%-7.2f %-6d %-6.2f %.3f@%.2f  %.3f@%.2f  %.3f  %3d/%d %3d ", mo.margin, mo.under, t, c.recall(), t, c2.recall(), t2, meanRecall(ss), in.tp, in.tp+in.fn, in.fp)
		for _, f := range everydays {
			n, flagged, err := countEveryday(io.Discard, f, m, rules, t, mo)
			if err != nil {
				return err
			}
			fmt.Fprintf(w, " %d/%d", flagged, n)
		}
		fmt.Fprintln(w)
	}
	return nil
}

// reportEveryday prints how many prompts of each file are flagged at t,
// and, if list, which.
func reportEveryday(w io.Writer, files []string, m *linear, rules *injection.Detector, t float64, mo modelOnly, list bool) error {
	for _, file := range files {
		lw := w
		if !list {
			lw = io.Discard
		}
		n, flagged, err := countEveryday(lw, file, m, rules, t, mo)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "everyday %s: %d of %d flagged at %.2f\n", file, flagged, n, t)
	}
	return nil
}

// countEveryday scores each line of file as the detector would with the
// model m and returns the number of prompts and how many reach t, writing
// those to w.
func countEveryday(w io.Writer, file string, m *linear, rules *injection.Detector, t float64, mo modelOnly) (n, flagged int, err error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return 0, 0, err
	}
	for line := range strings.Lines(string(raw)) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		n++
		ex := makeExample(line, rules)
		mo.apply(&ex)
		if s := ex.score(m.logit(&ex)); s >= t {
			flagged++
			fmt.Fprintf(w, "  everyday flagged %.2f %s\n", s, line)
		}
	}
	return n, flagged, nil
}

func parseFloat(s string) (float64, error) { return strconv.ParseFloat(s, 64) }
