package audit

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
)

// A Baseline is a set of accepted findings, so a team can adopt the audit
// on an existing repository and fail only on new problems. Entries hold a
// check id, a fingerprint and (for people reading the file) a path; a
// finding matches by check and fingerprint, so it stays accepted when its
// line moves.
type Baseline struct {
	Version  int             `json:"version"`
	Findings []BaselineEntry `json:"findings"`
}

// BaselineEntry is one accepted finding.
type BaselineEntry struct {
	CheckID     string `json:"check"`
	Fingerprint string `json:"fingerprint"`
	Path        string `json:"path"`
}

// NewBaseline returns a baseline accepting fs.
func NewBaseline(fs []Finding) *Baseline {
	b := &Baseline{Version: 1, Findings: []BaselineEntry{}}
	for _, f := range fs {
		b.Findings = append(b.Findings, BaselineEntry{CheckID: f.CheckID, Fingerprint: f.Fingerprint, Path: f.Path})
	}
	slices.SortFunc(b.Findings, func(x, y BaselineEntry) int {
		if x.Path != y.Path {
			if x.Path < y.Path {
				return -1
			}
			return 1
		}
		if x.CheckID+x.Fingerprint < y.CheckID+y.Fingerprint {
			return -1
		}
		return 1
	})
	b.Findings = slices.Compact(b.Findings)
	return b
}

// ReadBaseline reads a baseline written by [Baseline.Write].
func ReadBaseline(r io.Reader) (*Baseline, error) {
	var b Baseline
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	if b.Version != 1 {
		return nil, fmt.Errorf("baseline: unsupported version %d", b.Version)
	}
	return &b, nil
}

// Write writes b as indented JSON.
func (b *Baseline) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(b)
}

// Filter returns the findings of fs that b does not accept.
func (b *Baseline) Filter(fs []Finding) []Finding {
	known := map[string]bool{}
	for _, e := range b.Findings {
		known[e.CheckID+"\x00"+e.Fingerprint] = true
	}
	var out []Finding
	for _, f := range fs {
		if !known[f.CheckID+"\x00"+f.Fingerprint] {
			out = append(out, f)
		}
	}
	return out
}
