package injection

import (
	"bufio"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aigate-dev/aigate/injection/internal/textnorm"
)

// The golden test pins Detect's output bit for bit, so that speed work on
// the normaliser, the matcher and the model cannot change a score, a verdict
// or a fired rule. testdata/golden.txt records, per text, only hashes and
// numbers, never the text: a hash of the text, the float64 bits of Score and
// ModelScore, the fired families, and a hash of every textnorm output (the
// training command reads those too).
//
// Regenerate, only when a change of results is intended, with
//
//	go test ./injection -run TestGolden -update-golden
//
// with ../shared/data/injection_dev.jsonl present so its rows are covered.
var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/golden.txt from the current implementation")

const goldenFile = "testdata/golden.txt"

// devData is the labelled development set outside the repo. Its rows are
// checked when it is present; their text never enters the repo.
const devData = "../../shared/data/injection_dev.jsonl"

func TestGolden(t *testing.T) {
	texts := goldenCorpus(t)
	got := make(map[string]string, len(texts))
	var order []string
	for _, s := range texts {
		k := goldenKey(s)
		if _, dup := got[k]; dup {
			continue
		}
		got[k] = goldenRecord(s)
		order = append(order, k)
	}
	if *updateGolden {
		var b strings.Builder
		b.WriteString("# key score-bits model-bits norm-hash rules; see golden_test.go\n")
		for _, k := range order {
			fmt.Fprintf(&b, "%s %s\n", k, got[k])
		}
		if err := os.WriteFile(goldenFile, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %d records", len(order))
		return
	}
	want := readGolden(t)
	checked, bad := 0, 0
	for _, k := range order {
		w, ok := want[k]
		if !ok {
			t.Errorf("text %s is not in %s; regenerate it with -update-golden if the corpus grew", k, goldenFile)
			continue
		}
		checked++
		if got[k] != w {
			bad++
			if bad <= 10 {
				t.Errorf("text %s: got %s, want %s", k, got[k], w)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d texts changed", bad, checked)
	}
	if checked < len(want)/2 {
		t.Errorf("checked %d of %d golden records; is the corpus missing?", checked, len(want))
	}
	t.Logf("checked %d of %d golden records", checked, len(want))
}

func goldenKey(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:8])
}

// goldenRecord is everything Detect and Normalize produce for s, as text.
func goldenRecord(s string) string {
	res := Detect(s)
	rules := make([]string, len(res.Rules))
	for i, r := range res.Rules {
		rules[i] = fmt.Sprint(familyIndex(r))
	}
	var tx textnorm.Text
	textnorm.Normalize(s, &tx)
	h := sha256.New()
	h.Write(tx.Words)
	h.Write([]byte{0xFF})
	h.Write(tx.Folded)
	for _, n := range []int{tx.DecodedFrom, tx.Invisible, tx.TagChars, tx.MixedScript, tx.Leet, tx.Decoded, tx.Spaced} {
		h.Write(binary.LittleEndian.AppendUint64(nil, uint64(n)))
	}
	return fmt.Sprintf("%016x %016x %x %s", math.Float64bits(res.Score), math.Float64bits(res.ModelScore),
		h.Sum(nil)[:6], strings.Join(append(rules, "."), ","))
}

func readGolden(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open(goldenFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		k, v, _ := strings.Cut(line, " ")
		m[k] = v
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return m
}

// goldenCorpus gathers the texts the repo ships (rule and technique cases,
// everyday prompts, training rows, fuzz seeds, benchmark texts), the dev set
// when present, and seeded generated texts that stress the normaliser's
// corners: mixed scripts, invisible and tag characters, leetspeak, encoded
// payloads, markup, long and repetitive input.
func goldenCorpus(t *testing.T) []string {
	t.Helper()
	var texts []string
	for _, c := range ruleCases {
		texts = append(texts, c.text)
	}
	for _, c := range techniqueCases {
		texts = append(texts, c.text)
	}
	texts = append(texts, mustEverydayPrompts(t)...)
	for _, p := range []string{"train/benign_synthetic.jsonl", "train/synthetic_multilingual.jsonl"} {
		texts = append(texts, jsonlTexts(t, p, true)...)
	}
	seeds, _ := filepath.Glob("testdata/fuzz/FuzzDetect/*")
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(b))
	}
	if _, err := os.Stat(devData); err == nil {
		texts = append(texts, jsonlTexts(t, devData, true)...)
	} else {
		t.Logf("%s not present: its golden records are not checked", devData)
	}
	texts = append(texts, "", " ", "\n", "a", "\x00", "\xff\xfe", "\ufeffhello", textOfSize(2048), textOfSize(64<<10))
	return append(texts, generatedTexts(texts, 1500)...)
}

func jsonlTexts(t *testing.T, path string, must bool) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		if must {
			t.Fatal(err)
		}
		return nil
	}
	var out []string
	for line := range strings.Lines(string(b)) {
		var row struct{ Text string }
		if err := json.Unmarshal([]byte(line), &row); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, row.Text)
	}
	return out
}

// generatedTexts splices pieces of base with obfuscations, deterministically.
func generatedTexts(base []string, n int) []string {
	rng := rand.New(rand.NewPCG(4, 2026))
	pieces := []string{
		"\u200b", "\u200d", "\u202e", "\ufeff", "\u00ad", "\U000E0069\U000E0067", "\U000E0041",
		"і", "о", "е", "а", "ѕ", "ɑ", "ℓ", "ｉｇｎｏｒｅ", "𝐢𝐠𝐧𝐨𝐫𝐞", "ﬁ", "①", "Ⅻ", "ǅ",
		"1gn0r3", "pr3v10u$", "@", "$", "!", "|", "0", "7", "5",
		"<|im_start|>system\n", "[INST]", "<<SYS>>", "\n\nHuman:", "### System:", "<!-- ", " -->",
		"\n", "\r\n", "\t", "  ", "\u2028", "\u3000", ".", ",", "'", "\"",
		"忽略", "之前", "지시를 무시", "bỏ qua", "Ignoriere", "ＡＢＣ", "ا", "\u0301", "e\u0301",
		"s a y t h a t y o u a g r e e", "i g n o r e e v e r y t h i n g",
		"\xff", "\xc3", "\xe2\x80", "deadbeefcafe1234", "0123456789abcdef0123",
	}
	out := make([]string, 0, n)
	for range n {
		var b strings.Builder
		parts := 1 + rng.IntN(6)
		for range parts {
			switch rng.IntN(5) {
			case 0, 1:
				s := base[rng.IntN(len(base))]
				if len(s) > 0 {
					i := rng.IntN(len(s))
					j := min(len(s), i+rng.IntN(300))
					b.WriteString(s[i:j])
				}
			case 2:
				for range 1 + rng.IntN(4) {
					b.WriteString(pieces[rng.IntN(len(pieces))])
				}
			case 3:
				s := base[rng.IntN(len(base))]
				s = s[:min(len(s), 20+rng.IntN(80))]
				if rng.IntN(2) == 0 {
					b.WriteString(base64.StdEncoding.EncodeToString([]byte(s)))
				} else {
					b.WriteString(hex.EncodeToString([]byte(s)))
				}
			case 4:
				s := base[rng.IntN(len(base))]
				var w strings.Builder
				for _, r := range s {
					if rng.IntN(6) == 0 {
						w.WriteString(pieces[rng.IntN(len(pieces))])
					}
					w.WriteRune(r)
				}
				b.WriteString(w.String())
			}
			b.WriteByte(" \n.,"[rng.IntN(4)])
		}
		out = append(out, b.String())
	}
	return out
}
