package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aigate-dev/aigate/injection"
	"github.com/aigate-dev/aigate/internal/eval"
	"github.com/aigate-dev/aigate/secretscan"
)

const evalUsage = `Usage: aigate eval injection|pii|secrets [--data FILE.jsonl] [--json] [flags]

Measures a detector on labelled JSONL rows: precision, recall, F1 and
false-positive rate, plus throughput. Matched text is never printed.

  injection  rows {"text", "label": 0|1} (optional "id", "source", "category",
             "lang"); --threshold sets the score that counts as an attack,
             --held-out scores only the rows the embedded model did not train on
  pii        rows {"text", "spans": [{"start", "end", "type"}]} (offsets in
             characters); scores per entity type, exact span match
  secrets    rows {"text", "label": 0|1}: a row counts as flagged when any
             rule fires. Without --data, every rule's own generated examples
             (label 1, --per-rule per rule) and near misses plus common
             placeholders such as sk-... and your-api-key-here (label 0)

Flags:
`

// runEval implements "aigate eval".
func runEval(_ context.Context, args []string, sio stdio) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(sio.err)
	fs.Usage = func() {
		fmt.Fprint(sio.err, evalUsage)
		fs.PrintDefaults()
	}
	data := fs.String("data", "", "labelled JSONL file (required for injection and pii)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	threshold := fs.Float64("threshold", injection.DefaultThreshold, "injection: score at or above which a row is flagged")
	heldOut := fs.Bool("held-out", false, "injection: score only rows the embedded model was not trained on")
	rulesOnly := fs.Bool("rules-only", false, "injection: turn the statistical model off")
	perRule := fs.Int("per-rule", 20, "secrets without --data: generated examples per rule")
	if len(args) == 0 {
		fs.Usage()
		return usageError("eval needs a detector: injection, pii or secrets")
	}
	what := args[0]
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError(err.Error())
	}
	open := func() (io.ReadCloser, error) {
		if *data == "" {
			return nil, usageError("eval " + what + ": --data FILE.jsonl is required")
		}
		f, err := os.Open(*data)
		if err != nil {
			return nil, fmt.Errorf("eval: %w", err)
		}
		return f, nil
	}
	var report any
	switch what {
	case "injection":
		f, err := open()
		if err != nil {
			return err
		}
		defer f.Close()
		d, err := injection.New(injection.Options{RulesOnly: *rulesOnly})
		if err != nil {
			return err
		}
		var filter func(string) bool
		if *heldOut {
			filter = injection.HeldOut
		}
		rep, err := eval.EvalInjection(f, d, *threshold, filter)
		if err != nil {
			return err
		}
		if !*asJSON {
			return printInjection(sio.out, rep, *heldOut)
		}
		report = rep
	case "pii":
		f, err := open()
		if err != nil {
			return err
		}
		defer f.Close()
		rep, err := eval.EvalPII(f, nil)
		if err != nil {
			return err
		}
		if !*asJSON {
			return printPII(sio.out, rep)
		}
		report = rep
	case "secrets":
		var rows []secretRow
		if *data != "" {
			f, err := open()
			if err != nil {
				return err
			}
			rows, err = readSecretRows(f)
			f.Close()
			if err != nil {
				return err
			}
		} else {
			rows = generatedSecretRows(*perRule)
		}
		rep := evalSecrets(secretscan.Default(), rows)
		if !*asJSON {
			return printSecrets(sio.out, rep)
		}
		report = rep
	default:
		fs.Usage()
		return usageError(fmt.Sprintf("eval: unknown detector %q (want injection, pii or secrets)", what))
	}
	enc := json.NewEncoder(sio.out)
	enc.SetIndent("", "  ")
	return enc.Encode(report)
}

func printInjection(w io.Writer, rep eval.InjectionReport, heldOut bool) error {
	scope := fmt.Sprintf("%d rows (%d skipped)", rep.Rows, rep.Skipped)
	if heldOut {
		scope = fmt.Sprintf("%d held-out rows, never trained on (%d training rows skipped)", rep.Rows, rep.Skipped)
	}
	fmt.Fprintf(w, "prompt injection: %s, threshold %.2f, %.1f MB/s, p50 %.0f µs, p99 %.0f µs\n\n",
		scope, rep.Threshold, rep.MBPerSec, rep.P50Micros, rep.P99Micros)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "slice\trows\tattacks\tprecision\trecall\tf1\tfpr\t")
	row := func(name string, s *eval.InjectionScores) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t\n", name, s.Rows, s.Attacks, s.Precision, s.Recall, s.F1, s.FPR)
	}
	row("overall", &rep.Overall)
	for _, k := range sortedKeys(rep.BySource) {
		row("source "+shortSource(k), rep.BySource[k])
	}
	for _, k := range sortedKeys(rep.ByCategory) {
		row("category "+k, rep.ByCategory[k])
	}
	for _, k := range sortedKeys(rep.ByLang) {
		row("lang "+k, rep.ByLang[k])
	}
	return tw.Flush()
}

// shortSource cuts a dataset source down to its repository name.
// "owner/repo@commit:dir/sub/file.json (notes)" becomes
// "owner/repo:sub/file.json".
func shortSource(s string) string {
	i := strings.IndexAny(s, "@ (")
	if i <= 0 {
		return s
	}
	repo, rest := s[:i], s[i:]
	_, file, ok := strings.Cut(rest, ":")
	if !ok {
		return repo
	}
	file, _, _ = strings.Cut(file, " ")
	if segs := strings.Split(file, "/"); len(segs) > 2 {
		file = strings.Join(segs[len(segs)-2:], "/")
	}
	return repo + ":" + file
}

func printPII(w io.Writer, rep eval.PIIReport) error {
	fmt.Fprintf(w, "personal data: %d texts, %.1f MB/s; precision, recall and F1 by exact span, fpr per text\n\n", rep.Texts, rep.MBPerSec)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "type\tgold\tpredicted\tprecision\trecall\tf1\tfpr\toverlap f1\t")
	for _, k := range sortedKeys(rep.Types) {
		s := rep.Types[k]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t\n", k, s.Gold, s.Predicted, s.Precision, s.Recall, s.F1, s.FPR, s.Overlap.F1)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(rep.Unscored) > 0 {
		var parts []string
		for _, k := range sortedKeys(rep.Unscored) {
			parts = append(parts, fmt.Sprintf("%s %d", k, rep.Unscored[k]))
		}
		fmt.Fprintf(w, "\nlabelled but not detected by aigate: %s\n", strings.Join(parts, ", "))
	}
	return nil
}

// secretRow is one labelled text for the secrets evaluation.
type secretRow struct {
	Text  string `json:"text"`
	Label int    `json:"label"`
	Rule  string `json:"rule,omitempty"` // for generated rows: the rule that should fire
}

// SecretsReport is the outcome of the secrets evaluation.
type SecretsReport struct {
	Rows      int                     `json:"rows"`
	Positives int                     `json:"positives"`
	Negatives int                     `json:"negatives"`
	Generated bool                    `json:"generated"`
	MBPerSec  float64                 `json:"mb_per_s"`
	Precision float64                 `json:"precision"`
	Recall    float64                 `json:"recall"`
	F1        float64                 `json:"f1"`
	FPR       float64                 `json:"fpr"`
	Rules     map[string]*SecretScore `json:"rules,omitempty"` // generated rows: by rule that should fire
	// FalsePositives counts, by rule, the label-0 rows it fired on.
	FalsePositives map[string]int `json:"false_positives,omitempty"`
}

// SecretScore is the recall on one rule's generated examples.
type SecretScore struct {
	Examples int     `json:"examples"`
	Found    int     `json:"found"` // found by this rule
	Recall   float64 `json:"recall"`
}

func readSecretRows(r io.Reader) ([]secretRow, error) {
	var rows []secretRow
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for line := 1; sc.Scan(); line++ {
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		var row secretRow
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			return nil, fmt.Errorf("eval secrets: line %d: %w", line, err)
		}
		if row.Label != 0 && row.Label != 1 {
			return nil, fmt.Errorf("eval secrets: line %d: label must be 0 or 1", line)
		}
		rows = append(rows, row)
	}
	return rows, sc.Err()
}

// placeholderTexts are stand-ins people write where a key goes; no rule
// may fire on them. The full-length ones are built here rather than
// written out, so no secret scanner mistakes this file for a leak.
var placeholderTexts = []string{
	"OPENAI_API_KEY=sk-...", "export OPENAI_API_KEY=your-api-key-here", "ANTHROPIC_API_KEY=sk-ant-api03-abc123...",
	`api_key = "sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"`, "GEMINI_API_KEY=<your key>", "Authorization: Bearer $OPENAI_API_KEY",
	"sk-proj-" + strings.Repeat("X", 48), "AKIAIOSFODNN7EXAMPLE", "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	"Set your key with client = OpenAI(api_key=os.environ['OPENAI_API_KEY'])", "password: changeme", "token: REDACTED",
}

// generatedSecretRows builds rows from each rule's own generator and near
// misses, with a fixed seed so runs compare.
func generatedSecretRows(perRule int) []secretRow {
	rng := rand.New(rand.NewPCG(4, 2))
	var rows []secretRow
	for _, r := range secretscan.Default().Rules() {
		if r.Example != nil {
			for range perRule {
				rows = append(rows, secretRow{Text: r.EnvVar + "=" + r.Example(rng), Label: 1, Rule: r.ID})
			}
		}
		for _, ne := range r.NonExamples {
			rows = append(rows, secretRow{Text: ne, Label: 0})
		}
	}
	for _, p := range placeholderTexts {
		rows = append(rows, secretRow{Text: p, Label: 0})
	}
	return rows
}

func evalSecrets(s *secretscan.Scanner, rows []secretRow) SecretsReport {
	rep := SecretsReport{Rules: map[string]*SecretScore{}, FalsePositives: map[string]int{}}
	var tp, fp, tn, fn int
	var bytes int
	var elapsed time.Duration
	for _, row := range rows {
		start := time.Now()
		ms := s.ScanString(row.Text)
		elapsed += time.Since(start)
		bytes += len(row.Text)
		flagged := len(ms) > 0
		if row.Rule != "" {
			rep.Generated = true
			sc := rep.Rules[row.Rule]
			if sc == nil {
				sc = &SecretScore{}
				rep.Rules[row.Rule] = sc
			}
			sc.Examples++
			if slices.ContainsFunc(ms, func(m secretscan.Match) bool { return m.RuleID == row.Rule }) {
				sc.Found++
			}
		}
		switch {
		case row.Label == 1 && flagged:
			tp++
		case row.Label == 1:
			fn++
		case flagged:
			fp++
			for _, m := range ms {
				rep.FalsePositives[m.RuleID]++
			}
		default:
			tn++
		}
	}
	for _, sc := range rep.Rules {
		sc.Recall = ratio(sc.Found, sc.Examples)
	}
	rep.Rows, rep.Positives, rep.Negatives = len(rows), tp+fn, fp+tn
	rep.Precision, rep.Recall, rep.FPR = ratio(tp, tp+fp), ratio(tp, tp+fn), ratio(fp, fp+tn)
	if rep.Precision+rep.Recall > 0 {
		rep.F1 = 2 * rep.Precision * rep.Recall / (rep.Precision + rep.Recall)
	}
	if elapsed > 0 {
		rep.MBPerSec = float64(bytes) / elapsed.Seconds() / 1e6
	}
	return rep
}

func printSecrets(w io.Writer, rep SecretsReport) error {
	src := "labelled rows"
	if rep.Generated {
		src = "generated examples, near misses and placeholders"
	}
	fmt.Fprintf(w, "secrets: %d rows (%d with a secret) from %s, %.1f MB/s\n\n", rep.Rows, rep.Positives, src, rep.MBPerSec)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "precision\trecall\tf1\tfpr\t")
	fmt.Fprintf(tw, "%.3f\t%.3f\t%.3f\t%.3f\t\n", rep.Precision, rep.Recall, rep.F1, rep.FPR)
	if err := tw.Flush(); err != nil {
		return err
	}
	var missed []string
	for _, k := range sortedKeys(rep.Rules) {
		if sc := rep.Rules[k]; sc.Found < sc.Examples {
			missed = append(missed, fmt.Sprintf("%s %d/%d", k, sc.Found, sc.Examples))
		}
	}
	if len(missed) > 0 {
		fmt.Fprintf(w, "\nrules that missed their own examples: %s\n", strings.Join(missed, ", "))
	}
	if len(rep.FalsePositives) > 0 {
		var parts []string
		for _, k := range sortedKeys(rep.FalsePositives) {
			parts = append(parts, fmt.Sprintf("%s %d", k, rep.FalsePositives[k]))
		}
		fmt.Fprintf(w, "\nfalse positives by rule: %s\n", strings.Join(parts, ", "))
	}
	return nil
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
