// Command train fits the injection package's embedded model: a logistic
// regression over hashed byte n-grams and word n-grams of the normalised
// text.
//
//	go run ./injection/train -data ../shared/data/injection_dev.jsonl -out injection/model.bin
//
// Input is JSONL with at least {"id","text","label"}. Rows whose id is
// held out (injection.HeldOut: FNV-1a 64 of the id, modulo 5, equals 0) are
// never trained on; the command reports the model's figures on them. The
// fit is deterministic: full-batch Adam from zero weights, so the same data
// gives the same bytes.
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
	ID    string `json:"id"`
	Text  string `json:"text"`
	Label int    `json:"label"`
}

type example struct {
	idx   []uint32
	val   []float32
	label float64
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	data := fs.String("data", "", "labelled JSONL `file` ({\"id\",\"text\",\"label\"})")
	out := fs.String("out", "injection/model.bin", "model `file` to write")
	iters := fs.Int("iters", 400, "full-batch optimisation steps")
	l2 := fs.Float64("l2", 1e-5, "L2 penalty per weight")
	valFold := fs.Int("validate-fold", -1, "for tuning: also leave out training rows whose id hash is this `fold` (1..4) modulo 5, and report on them")
	benignWeight := fs.Float64("benign-weight", 3, "relative weight of benign rows (higher favours a low false-positive rate)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *data == "" {
		return errors.New("-data is required")
	}
	raw, err := os.ReadFile(*data)
	if err != nil {
		return err
	}
	var train, held, val []example
	var tx textnorm.Text
	var buf []uint32
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for line := 1; sc.Scan(); line++ {
		var r row
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return fmt.Errorf("%s:%d: %w", *data, line, err)
		}
		if r.Label != 0 && r.Label != 1 {
			return fmt.Errorf("%s:%d: label %d, want 0 or 1", *data, line, r.Label)
		}
		textnorm.Normalize(r.Text, &tx)
		buf = features.Extract(buf[:0], tx.Words)
		ex := sparse(buf)
		ex.label = float64(r.Label)
		switch {
		case features.HeldOut(r.ID):
			held = append(held, ex)
		case *valFold > 0 && features.Fold(r.ID) == *valFold:
			val = append(val, ex)
		default:
			train = append(train, ex)
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if len(train) == 0 {
		return errors.New("no training rows")
	}
	m := fit(train, *iters, *l2, *benignWeight)
	b, err := m.MarshalBinary()
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "data sha256 %x\n", sha256.Sum256(raw))
	fmt.Fprintf(stdout, "trained on %d rows, held out %d; wrote %s (%d bytes, model sha256 %x)\n",
		len(train), len(held), *out, len(b), sha256.Sum256(b))
	report(stdout, "train", m, train)
	if len(val) > 0 {
		report(stdout, "validate", m, val)
		return nil
	}
	report(stdout, "held-out", m, held)
	return nil
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

func fit(train []example, iters int, l2, benignWeight float64) *features.Model {
	var pos, neg float64
	for _, ex := range train {
		if ex.label == 1 {
			pos++
		} else {
			neg++
		}
	}
	// Balance the classes, then tilt towards benign rows.
	wPos := (pos + neg) / (2 * pos)
	wNeg := (pos + neg) / (2 * neg) * benignWeight
	total := pos*wPos + neg*wNeg

	w := make([]float64, features.Dim)
	g := make([]float64, features.Dim)
	m1 := make([]float64, features.Dim)
	m2 := make([]float64, features.Dim)
	var bias, bm1, bm2 float64
	const (
		lr    = 0.05
		beta1 = 0.9
		beta2 = 0.999
		eps   = 1e-8
	)
	for it := 1; it <= iters; it++ {
		clear(g)
		var gb float64
		for _, ex := range train {
			z := bias
			for k, f := range ex.idx {
				z += w[f] * float64(ex.val[k])
			}
			p := 1 / (1 + math.Exp(-z))
			cw := wNeg
			if ex.label == 1 {
				cw = wPos
			}
			d := (p - ex.label) * cw / total
			gb += d
			for k, f := range ex.idx {
				g[f] += d * float64(ex.val[k])
			}
		}
		c1 := 1 - math.Pow(beta1, float64(it))
		c2 := 1 - math.Pow(beta2, float64(it))
		for f := range w {
			gf := g[f] + l2*w[f]
			if gf == 0 && m1[f] == 0 {
				continue
			}
			m1[f] = beta1*m1[f] + (1-beta1)*gf
			m2[f] = beta2*m2[f] + (1-beta2)*gf*gf
			w[f] -= lr * (m1[f] / c1) / (math.Sqrt(m2[f]/c2) + eps)
		}
		bm1 = beta1*bm1 + (1-beta1)*gb
		bm2 = beta2*bm2 + (1-beta2)*gb*gb
		bias -= lr * (bm1 / c1) / (math.Sqrt(bm2/c2) + eps)
	}
	return quantise(w, bias)
}

// quantise stores weights as int8 with one scale: 256 KiB instead of 2 MiB
// of float64, at a cost in log-odds well under the model's own error.
func quantise(w []float64, bias float64) *features.Model {
	maxAbs := 0.0
	for _, x := range w {
		maxAbs = max(maxAbs, math.Abs(x))
	}
	scale := maxAbs / 127
	if scale == 0 {
		scale = 1
	}
	q := make([]int8, len(w))
	for i, x := range w {
		q[i] = int8(math.Round(x / scale))
	}
	return &features.Model{Bias: float32(bias), Scale: float32(scale), Weights: q}
}

func report(w io.Writer, name string, m *features.Model, exs []example) {
	var tp, fp, tn, fn int
	for _, ex := range exs {
		var sum float64
		for k, f := range ex.idx {
			sum += float64(m.Weights[f]) * float64(ex.val[k])
		}
		z := float64(m.Bias) + float64(m.Scale)*sum
		switch pred := z > 0; {
		case pred && ex.label == 1:
			tp++
		case pred:
			fp++
		case ex.label == 1:
			fn++
		default:
			tn++
		}
	}
	fmt.Fprintf(w, "%-8s model alone at 0.5: recall %.3f (%d/%d), fpr %.3f (%d/%d)\n", name,
		ratio(tp, tp+fn), tp, tp+fn, ratio(fp, fp+tn), fp, fp+tn)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
