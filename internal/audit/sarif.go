package audit

import (
	"encoding/json"
	"github.com/aigate-dev/aigate/internal/audit/sarif"
	"io"
	"strings"
)

func level(s Severity) string {
	switch s {
	case SeverityHigh:
		return "error"
	case SeverityMedium:
		return "warning"
	}
	return "note"
}

func securitySeverity(s Severity) string {
	switch s {
	case SeverityHigh:
		return "8.0"
	case SeverityMedium:
		return "5.0"
	}
	return "2.0"
}

// precision is GitHub's precision property: the secret and file checks
// are exact, the code heuristics less so.
func precision(check string) string {
	switch check {
	case CheckKeyInURL, CheckKeyLogged, CheckPromptLogged, CheckPromptInput, CheckSDKLiteralKey:
		return "medium"
	}
	return "high"
}

// SARIFOptions fill the tool description.
type SARIFOptions struct {
	Version string // aigate's version, if known
}

// SARIF writes res as a SARIF 2.1.0 log with one run. Every check is listed
// as a rule with help text; each result has a location (line 1 for
// findings about a whole file) and a partial fingerprint that code scanning
// uses to follow it across commits.
func SARIF(w io.Writer, res *Result, opt SARIFOptions) error {
	checks := Checks()
	index := map[string]int{}
	d := sarif.Driver{Name: "aigate", InformationURI: "https://github.com/aigate-dev/aigate", Version: opt.Version, Rules: []sarif.Rule{}}
	for i, c := range checks {
		index[c.ID] = i
		d.Rules = append(d.Rules, sarif.Rule{
			ID:               c.ID,
			Name:             ruleName(c.ID),
			ShortDescription: sarif.Message{Text: c.Title},
			FullDescription:  sarif.Message{Text: c.Explanation},
			Help: sarif.Help{
				Text:     c.Explanation + "\nFix: " + c.Fix,
				Markdown: "**" + c.Title + "**\n\n" + c.Explanation + "\n\n**Fix:** " + c.Fix,
			},
			DefaultConfiguration: sarif.RuleConfig{Level: level(c.Severity)},
			Properties:           sarif.RuleProperties{Tags: []string{"security"}, SecuritySeverity: securitySeverity(c.Severity), Precision: precision(c.ID)},
		})
	}
	run := sarif.Run{Tool: sarif.Tool{Driver: d}, Results: []sarif.Result{}}
	for _, f := range res.Findings {
		msg := f.Message
		if f.Preview != "" {
			msg += " (" + f.Preview + ")"
		}
		r := sarif.Result{
			RuleID: f.CheckID, RuleIndex: index[f.CheckID], Level: level(f.Severity),
			Message: sarif.Message{Text: msg},
			Locations: []sarif.Location{{PhysicalLocation: sarif.PhysicalLocation{
				ArtifactLocation: sarif.ArtifactLocation{URI: uriPath(f.Path), URIBaseID: "%SRCROOT%"},
				Region:           sarif.Region{StartLine: max(f.Line, 1), StartColumn: f.Column},
			}}},
			PartialFingerprints: map[string]string{"aigateFingerprint/v1": f.Fingerprint},
		}
		if f.Rule != "" || f.Commit != "" {
			r.Properties = map[string]string{}
			if f.Rule != "" {
				r.Properties["secretRule"] = f.Rule
			}
			if f.Commit != "" {
				r.Properties["commit"] = f.Commit
			}
		}
		run.Results = append(run.Results, r)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarif.Log{
		Schema:  sarif.Schema,
		Version: sarif.Version,
		Runs:    []sarif.Run{run},
	})
}

// ruleName turns "key-in-url" into "KeyInUrl", SARIF's rule name style.
func ruleName(id string) string {
	var b strings.Builder
	for _, p := range strings.Split(id, "-") {
		if p != "" {
			b.WriteString(strings.ToUpper(p[:1]) + p[1:])
		}
	}
	return b.String()
}

// uriPath percent-encodes what a URI reference cannot hold.
func uriPath(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`%"#<>?[\]^`+"`{|}", c) >= 0 {
			b.WriteString("%" + strings.ToUpper(string("0123456789abcdef"[c>>4])+string("0123456789abcdef"[c&15])))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
