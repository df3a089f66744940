package audit

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// TextOptions style the text report.
type TextOptions struct {
	// Color adds ANSI colours (the command turns it on for terminals).
	Color bool
}

// Text writes a report for people: findings grouped by check, each group
// with its explanation and fix, then a summary line.
func Text(w io.Writer, res *Result, opt TextOptions) error {
	paint := func(code, s string) string {
		if !opt.Color {
			return s
		}
		return "\x1b[" + code + "m" + s + "\x1b[0m"
	}
	sevColor := map[Severity]string{SeverityHigh: "1;31", SeverityMedium: "1;33", SeverityLow: "36"}
	var b strings.Builder
	for _, c := range Checks() {
		var group []Finding
		for _, f := range res.Findings {
			if f.CheckID == c.ID {
				group = append(group, f)
			}
		}
		if len(group) == 0 {
			continue
		}
		fmt.Fprintf(&b, "%s %s  %s (%d)\n", paint(sevColor[c.Severity], strings.ToUpper(c.Severity.String())), paint("1", c.ID), c.Title, len(group))
		fmt.Fprintf(&b, "  why: %s\n  fix: %s\n", c.Explanation, c.Fix)
		for _, f := range group {
			loc := f.Path
			if f.Line > 0 {
				loc = fmt.Sprintf("%s:%d:%d", f.Path, f.Line, f.Column)
			}
			fmt.Fprintf(&b, "  - %s", paint("1", loc))
			if f.Commit != "" {
				fmt.Fprintf(&b, " (%s)", shortCommit(f.Commit))
			}
			if f.Severity != c.Severity {
				fmt.Fprintf(&b, " [%s]", f.Severity)
			}
			fmt.Fprintf(&b, "  %s", f.Message)
			if f.Preview != "" {
				fmt.Fprintf(&b, "  %s", paint("2", f.Preview))
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	for _, err := range res.Errors {
		fmt.Fprintf(&b, "%s %s\n", paint("33", "warning:"), err)
	}
	counts := map[Severity]int{}
	for _, f := range res.Findings {
		counts[f.Severity]++
	}
	if len(res.Findings) == 0 {
		fmt.Fprintf(&b, "%s: no findings in %d files (%s)\n", paint("1;32", "clean"), res.Fragments, sizeString(res.Bytes))
	} else {
		fmt.Fprintf(&b, "%d %s (%d high, %d medium, %d low) in %d files (%s)\n",
			len(res.Findings), plural(len(res.Findings), "finding"), counts[SeverityHigh], counts[SeverityMedium], counts[SeverityLow], res.Fragments, sizeString(res.Bytes))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func plural(n int, s string) string {
	if n == 1 {
		return s
	}
	return s + "s"
}

func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}

func sizeString(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// jsonReport is the --format json document.
type jsonReport struct {
	Version  int         `json:"version"`
	Findings []Finding   `json:"findings"`
	Errors   []string    `json:"errors"`
	Summary  jsonSummary `json:"summary"`
}

type jsonSummary struct {
	Files   int   `json:"files"`
	Skipped int   `json:"skipped"`
	Bytes   int64 `json:"bytes"`
	High    int   `json:"high"`
	Medium  int   `json:"medium"`
	Low     int   `json:"low"`
}

// JSON writes the findings, the input errors and a summary as one
// indented JSON object.
func JSON(w io.Writer, res *Result) error {
	r := jsonReport{Version: 1, Findings: res.Findings, Errors: []string{}}
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	for _, err := range res.Errors {
		r.Errors = append(r.Errors, err.Error())
	}
	r.Summary = jsonSummary{Files: res.Fragments, Skipped: res.Skipped, Bytes: res.Bytes}
	for _, f := range res.Findings {
		switch f.Severity {
		case SeverityHigh:
			r.Summary.High++
		case SeverityMedium:
			r.Summary.Medium++
		case SeverityLow:
			r.Summary.Low++
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
