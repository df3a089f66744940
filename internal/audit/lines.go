package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
)

// lineIndex maps byte offsets of a fragment to line numbers, built on
// first use (most fragments have no finding and never need it).
type lineIndex struct {
	data  []byte
	lines []int // file line numbers for diff fragments, else nil
	nl    []int // offsets of '\n', built lazily
	built bool
}

func (x *lineIndex) build() {
	if x.built {
		return
	}
	x.built = true
	for i := 0; ; {
		j := bytes.IndexByte(x.data[i:], '\n')
		if j < 0 {
			return
		}
		x.nl = append(x.nl, i+j)
		i += j + 1
	}
}

// pos returns the 0-based index of the fragment line holding off and the
// 1-based file line and column.
func (x *lineIndex) pos(off int) (idx, line, col int) {
	x.build()
	idx = sort.SearchInts(x.nl, off)
	start := 0
	if idx > 0 {
		start = x.nl[idx-1] + 1
	}
	line = idx + 1
	if x.lines != nil && idx < len(x.lines) {
		line = x.lines[idx]
	}
	return idx, line, off - start + 1
}

// text returns the fragment line with 0-based index idx.
func (x *lineIndex) text(idx int) []byte {
	x.build()
	if idx < 0 || idx > len(x.nl) {
		return nil
	}
	start, end := 0, len(x.data)
	if idx > 0 {
		start = x.nl[idx-1] + 1
	}
	if idx < len(x.nl) {
		end = x.nl[idx]
	}
	return x.data[start:end]
}

// consecutive reports whether fragment lines idx-1 and idx are adjacent in
// the file.
func (x *lineIndex) consecutive(idx int) bool {
	if idx <= 0 {
		return false
	}
	return x.lines == nil || (idx < len(x.lines) && x.lines[idx-1]+1 == x.lines[idx])
}

// maxLine bounds the lines the code checks read: longer lines are
// minified code, which the secret rules cover.
const maxLine = 4096

// A triggerSet finds, in one pass over a file, the lines that contain any
// of several groups of substrings. A bitset of the substrings' first two
// bytes rejects almost every position with one load; separate bytes.Index
// passes per substring cost ten times more on source code, where the first
// bytes ('l', 'p', 's') are everywhere.
type triggerSet struct {
	bits  [1 << 10]uint64
	pair  []uint16 // pair → index+1 into cands
	cands [][]trigger
	n     int // number of groups
}

type trigger struct {
	text  []byte
	group int
}

func newTriggerSet(groups ...[]string) *triggerSet {
	t := &triggerSet{pair: make([]uint16, 1<<16), n: len(groups)}
	for g, texts := range groups {
		for _, s := range texts {
			p := uint16(s[0])<<8 | uint16(s[1])
			if t.pair[p] == 0 {
				t.cands = append(t.cands, nil)
				t.pair[p] = uint16(len(t.cands))
				t.bits[p>>6] |= 1 << (p & 63)
			}
			t.cands[t.pair[p]-1] = append(t.cands[t.pair[p]-1], trigger{[]byte(s), g})
		}
	}
	return t
}

// lines returns, for each group, the start offsets of the lines holding
// one of its substrings, in order and without repeats.
func (t *triggerSet) lines(data []byte) [][]int {
	out := make([][]int, t.n)
	if len(data) < 2 {
		return out
	}
	lineStart := 0
	prev := uint16(data[0])
	for i := 1; i < len(data); i++ {
		c := data[i]
		p := prev<<8 | uint16(c)
		prev = uint16(c)
		if c == '\n' {
			lineStart = i + 1
			continue
		}
		if t.bits[p>>6]&(1<<(p&63)) == 0 {
			continue
		}
		at := i - 1
		start := lineStart
		if data[at] == '\n' {
			continue
		}
		for _, tr := range t.cands[t.pair[p]-1] {
			if !bytes.HasPrefix(data[at:], tr.text) {
				continue
			}
			if l := out[tr.group]; len(l) == 0 || l[len(l)-1] != start {
				out[tr.group] = append(out[tr.group], start)
			}
		}
	}
	return out
}

// forLines calls fn with the bounds of each line starting at starts,
// skipping lines longer than maxLine.
func forLines(data []byte, starts []int, fn func(start, end int)) {
	for _, s := range starts {
		e := bytes.IndexByte(data[s:], '\n')
		if e < 0 {
			e = len(data) - s
		}
		if e > maxLine {
			continue
		}
		fn(s, s+e)
	}
}

// lineFingerprint identifies a non-secret finding by check, path and the
// trimmed text of its line, so it survives the line moving.
func lineFingerprint(check, path, line string) string {
	sum := sha256.Sum256([]byte(check + "\x00" + path + "\x00" + strings.TrimSpace(line)))
	return hex.EncodeToString(sum[:8])
}

// suppressed reports an "aigate:ignore" comment naming check (or rule) on
// line idx or on the line above it.
func suppressed(x *lineIndex, idx int, check, rule string) bool {
	if ignores(x.text(idx), check, rule) {
		return true
	}
	return x.consecutive(idx) && ignores(x.text(idx-1), check, rule)
}

func ignores(line []byte, check, rule string) bool {
	i := bytes.Index(line, []byte("aigate:ignore"))
	if i < 0 {
		return false
	}
	rest := string(line[i+len("aigate:ignore"):])
	for _, id := range strings.FieldsFunc(rest, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' }) {
		id = strings.TrimRight(id, "*/#->;\"'")
		if id == check || (rule != "" && id == rule) {
			return true
		}
		if id == "" || !isIDChar(id[0]) {
			break
		}
	}
	return false
}

func isIDChar(c byte) bool { return c == '-' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }
