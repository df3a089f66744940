package audit

import (
	"bytes"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/aigate-dev/aigate/secretscan"
)

// detector runs every check over one fragment. Each worker has its own.
type detector struct {
	sc    *secretscan.Scanner
	rules map[string]secretscan.Rule
	// reveal are the rule ids whose secrets are kept in revealed, by
	// fingerprint; see Options.Reveal.
	reveal   []string
	revealed map[string]string
}

func (d *detector) rule(id string) secretscan.Rule {
	if d.rules == nil {
		d.rules = map[string]secretscan.Rule{}
		for _, r := range d.sc.Rules() {
			d.rules[r.ID] = r
		}
	}
	return d.rules[id]
}

// check returns the unsuppressed findings in f.
func (d *detector) check(f Fragment) []Finding {
	fs := fileChecks(f, nil)
	if f.Data == nil {
		return fs
	}
	x := &lineIndex{data: f.Data, lines: f.Lines}
	var raw []located
	raw = d.secrets(f, raw)
	// The code heuristics describe what an application does; tests call
	// things the wrong way on purpose, so they are skipped there (secrets
	// in tests are still reported).
	if !isTest(f.Path) && !isDoc(f.Path) {
		code := isCode(f.Path)
		lines := codeTriggers.lines(f.Data)
		if code || isConfig(f.Path) {
			raw = urlChecks(f, lines[groupURL], raw)
		}
		if code {
			raw = d.codeChecks(f, lines, raw)
		}
		raw = publicEnvChecks(f, lines[groupPublicEnv], raw)
	}
	for _, l := range raw {
		idx, line, col := x.pos(l.off)
		if suppressed(x, idx, l.CheckID, l.Rule) {
			continue
		}
		l.Line, l.Column, l.Commit = line, col, f.Commit
		l.Path = f.Path
		if l.Fingerprint == "" {
			l.Fingerprint = lineFingerprint(l.CheckID, f.Path, string(x.text(idx)))
		}
		if l.secret != "" {
			d.revealed[l.Fingerprint] = l.secret
		}
		fs = append(fs, l.Finding)
	}
	return fs
}

// located is a finding not yet placed on a line.
type located struct {
	Finding
	off    int
	secret string // the secret, for rules in detector.reveal only
}

func newFinding(check string, off int) located {
	c := checkByID(check)
	return located{Finding: Finding{CheckID: c.ID, Severity: c.Severity}, off: off}
}

// secrets reports what secretscan finds.
func (d *detector) secrets(f Fragment, out []located) []located {
	client := isClientSide(f.Path)
	for _, m := range d.sc.Scan(f.Data) {
		secret := f.Data[m.Start:m.End]
		r := d.rule(m.RuleID)
		l := newFinding(CheckHardcodedSecret, m.Start)
		l.Rule, l.Preview, l.Fingerprint = r.ID, secretscan.Mask(secret), secretscan.Fingerprint(secret)
		l.Message = r.Description
		if slices.Contains(d.reveal, r.ID) {
			l.secret = string(secret)
		}
		switch r.ID {
		case "jwt", "url-password":
			l.Severity = SeverityMedium
		}
		switch {
		case client:
			l.CheckID, l.Severity = CheckBrowserKey, SeverityHigh
			l.Message += " in client-side code"
		case f.Ignored:
			l.Severity = SeverityLow
			l.Message += " in a git-ignored file (not committed, but keep it out of shared places)"
		}
		out = append(out, l)
	}
	return out
}

// Secrets files: names that hold credentials and must not be committed.
var envTemplateSuffixes = []string{".example", ".sample", ".template", ".dist", ".defaults", ".schema", ".tpl", ".tmpl", ".test"}

func isEnvFile(p string) bool {
	b := base(p)
	if b != ".env" && !strings.HasPrefix(b, ".env.") && !strings.HasSuffix(b, ".env") {
		return false
	}
	for _, s := range envTemplateSuffixes {
		if strings.HasSuffix(b, s) {
			return false
		}
	}
	return b != ".envrc"
}

// isSecretsFile reports .env files, *.key files, private SSH keys and
// non-code files under a secrets/ directory.
func isSecretsFile(p string) bool {
	if isEnvFile(p) {
		return true
	}
	b := base(p)
	if strings.HasSuffix(b, ".key") || b == "id_rsa" || b == "id_ed25519" || b == "id_ecdsa" {
		return true
	}
	return (strings.HasPrefix(p, "secrets/") || strings.Contains(p, "/secrets/")) && !isCode(p) && !isDoc(p)
}

// fileChecks reports secrets files that are committed or not ignored.
func fileChecks(f Fragment, out []Finding) []Finding {
	if !isSecretsFile(f.Path) {
		return out
	}
	var check, msg string
	switch {
	case f.Commit == "staged":
		check, msg = CheckEnvCommitted, "secrets file is staged for commit"
	case f.Commit != "":
		check, msg = CheckEnvCommitted, "secrets file was committed"
	case f.Tracked:
		check, msg = CheckEnvCommitted, "secrets file is tracked by git"
	case f.Git && !f.Ignored:
		check, msg = CheckEnvNotIgnored, "secrets file is not git-ignored"
	default:
		return out
	}
	c := checkByID(check)
	return append(out, Finding{
		CheckID: c.ID, Severity: c.Severity, Path: f.Path, Commit: f.Commit,
		Fingerprint: lineFingerprint(c.ID, f.Path, ""), Message: msg,
	})
}

var (
	codeExt = map[string]bool{
		".py": true, ".js": true, ".mjs": true, ".cjs": true, ".ts": true, ".mts": true, ".cts": true,
		".jsx": true, ".tsx": true, ".go": true, ".vue": true, ".svelte": true, ".ipynb": true,
		".rb": true, ".php": true, ".java": true, ".kt": true, ".cs": true, ".sh": true, ".swift": true, ".dart": true,
	}
	configExt = map[string]bool{
		".yaml": true, ".yml": true, ".json": true, ".toml": true, ".ini": true, ".cfg": true, ".conf": true,
		".properties": true, ".xml": true, ".html": true, ".htm": true, ".env": true, ".tf": true,
	}
	docExt = map[string]bool{".md": true, ".rst": true, ".txt": true, ".adoc": true}
)

func ext(p string) string { return strings.ToLower(path.Ext(p)) }

func isCode(p string) bool { return codeExt[ext(p)] }
func isDoc(p string) bool  { return docExt[ext(p)] }
func isConfig(p string) bool {
	b := base(p)
	return configExt[ext(p)] || isEnvFile(p) || b == "Dockerfile" || strings.HasPrefix(b, "docker-compose") || strings.HasPrefix(b, "compose.")
}

// isTest reports test files and test data.
func isTest(p string) bool {
	b := base(p)
	if strings.HasSuffix(b, "_test.go") || strings.HasPrefix(b, "test_") || strings.HasSuffix(b, "_test.py") ||
		strings.Contains(b, ".test.") || strings.Contains(b, ".spec.") || b == "conftest.py" {
		return true
	}
	for _, d := range strings.Split(p, "/") {
		switch d {
		case "test", "tests", "__tests__", "testdata", "spec", "e2e":
			return true
		}
	}
	return false
}

// isClientSide reports files that end up in browsers: anything under a
// build-output or static directory, and component files.
func isClientSide(p string) bool {
	if isDoc(p) || isEnvFile(p) {
		return false
	}
	parts := strings.Split(p, "/")
	for _, d := range parts[:len(parts)-1] {
		if bundleDirs[d] || d == "assets" || d == "_next" {
			return true
		}
	}
	b := base(p)
	if strings.HasSuffix(b, ".min.js") || strings.HasSuffix(b, ".bundle.js") || strings.HasSuffix(b, ".chunk.js") {
		return true
	}
	switch ext(p) {
	case ".jsx", ".tsx", ".vue", ".svelte":
		return !strings.Contains(p, "/api/") && !strings.Contains(p, "server")
	case ".html", ".htm":
		return true
	}
	return false
}

// Browser-published env variables holding AI credentials.
var (
	rePublicEnv = regexp.MustCompile(`\b(?:NEXT_PUBLIC|NUXT_PUBLIC|NUXT_ENV|VITE|REACT_APP|EXPO_PUBLIC|GATSBY|VUE_APP|PUBLIC|STORYBOOK)_[A-Z0-9_]*\b`)
	reAIName    = regexp.MustCompile(`OPENAI|ANTHROPIC|CLAUDE|GEMINI|GOOGLE_AI|GENAI|GOOGLE_API|MISTRAL|GROQ|COHERE|HUGGING|HF_|REPLICATE|XAI|GROK|PERPLEXITY|PPLX|DEEPSEEK|OPENROUTER|TOGETHER|FIREWORKS|AZURE_OPENAI|BEDROCK|LLM|(?:^|_)AI_|AIGATE`)
	reCredName  = regexp.MustCompile(`KEY|TOKEN|SECRET`)
)

func publicEnvChecks(f Fragment, starts []int, out []located) []located {
	forLines(f.Data, starts, func(s, e int) {
		line := f.Data[s:e]
		for _, loc := range rePublicEnv.FindAllIndex(line, -1) {
			name := line[loc[0]:loc[1]]
			rest := name[bytes.IndexByte(name, '_'):]
			if !reAIName.Match(rest) || !reCredName.Match(rest) {
				continue
			}
			l := newFinding(CheckPublicEnvKey, s+loc[0])
			l.Preview = string(name)
			l.Message = string(name) + " is published to the browser by the framework"
			out = append(out, l)
			return // one finding per line
		}
	})
	return out
}
