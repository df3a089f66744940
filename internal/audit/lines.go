package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"slices"
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

// forLines calls fn once for each line of data (in order) that contains
// one of the triggers, with the line's bounds. Lines longer than maxLine
// (minified code) are skipped: the line checks are about source code.
func forLines(data []byte, triggers []string, fn func(start, end int)) {
	const maxLine = 4096
	var starts []int
	for _, t := range triggers {
		tb := []byte(t)
		for i := 0; ; {
			j := bytes.Index(data[i:], tb)
			if j < 0 {
				break
			}
			at := i + j
			s := bytes.LastIndexByte(data[:at], '\n') + 1
			starts = append(starts, s)
			e := bytes.IndexByte(data[at:], '\n')
			if e < 0 {
				break
			}
			i = at + e + 1
		}
	}
	if len(starts) == 0 {
		return
	}
	slices.Sort(starts)
	starts = slices.Compact(starts)
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
