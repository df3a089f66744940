package audit

import (
	"fmt"
	"strings"
)

// Severity ranks findings. The zero value is not a valid severity.
type Severity int

const (
	SeverityLow Severity = iota + 1
	SeverityMedium
	SeverityHigh
)

func (s Severity) String() string {
	switch s {
	case SeverityLow:
		return "low"
	case SeverityMedium:
		return "medium"
	case SeverityHigh:
		return "high"
	}
	return fmt.Sprintf("Severity(%d)", int(s))
}

// MarshalText writes the severity's name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity's name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// ParseSeverity reads "low", "medium" or "high".
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(s) {
	case "low":
		return SeverityLow, nil
	case "medium":
		return SeverityMedium, nil
	case "high":
		return SeverityHigh, nil
	}
	return 0, fmt.Errorf("unknown severity %q (want low, medium or high)", s)
}

// A Finding is one problem at one place. It never holds a secret: Preview
// is masked and Fingerprint is a hash.
type Finding struct {
	CheckID  string   `json:"check"`
	Severity Severity `json:"severity"`
	// Rule is the secretscan rule that matched, for secret checks.
	Rule string `json:"rule,omitempty"`
	// Path is slash-separated and relative to the scanned root.
	Path string `json:"path"`
	// Line and Column are 1-based; zero for findings about a whole file.
	Line   int `json:"line,omitempty"`
	Column int `json:"column,omitempty"`
	// Commit is the commit that introduced the problem (history and
	// staged scans; "staged" for the index).
	Commit string `json:"commit,omitempty"`
	// Preview is a masked excerpt, such as "sk-pro…Aa".
	Preview string `json:"preview,omitempty"`
	// Fingerprint identifies the finding across scans and line moves.
	Fingerprint string `json:"fingerprint"`
	Message     string `json:"message"`
}

// A Check is one item of the checklist.
type Check struct {
	ID       string
	Severity Severity // the usual severity; a finding may differ
	Title    string   // a few words: "Hard-coded credential"
	// Explanation says in one line why it matters.
	Explanation string
	// Fix says in one line what to do.
	Fix string
}

// Check ids.
const (
	CheckHardcodedSecret = "hardcoded-secret"
	CheckBrowserKey      = "browser-exposed-key"
	CheckPublicEnvKey    = "public-env-ai-key"
	CheckEnvNotIgnored   = "env-file-not-ignored"
	CheckEnvCommitted    = "env-file-committed"
	CheckGitignoreEnv    = "gitignore-missing-env"
	CheckKeyInURL        = "key-in-url"
	CheckKeyLogged       = "key-logged"
	CheckPromptLogged    = "prompt-logged"
	CheckPromptInput     = "user-input-in-prompt"
	CheckSDKLiteralKey   = "sdk-literal-key"
)

// Checks returns every check, in report order.
func Checks() []Check {
	return []Check{
		{CheckHardcodedSecret, SeverityHigh, "Hard-coded credential",
			"An API key or other credential is written into a file; anyone who can read the repository (or its history) can use it.",
			"Revoke the key at the provider, move it to an environment variable or secret manager (api_key: env:NAME), and remove it from git history."},
		{CheckBrowserKey, SeverityHigh, "Key shipped to browsers",
			"A credential sits in client-side code or a built bundle (public/, static/, dist/, build/, .next/static); every visitor can read it.",
			"Revoke the key, keep provider keys on the server, and give the browser a short-lived aigate token or call your own backend instead."},
		{CheckPublicEnvKey, SeverityHigh, "AI key in a browser-published env variable",
			"Frameworks copy NEXT_PUBLIC_*, VITE_*, REACT_APP_*, EXPO_PUBLIC_* and PUBLIC_* variables into the client bundle, so an AI key kept in one is public.",
			"Rename the variable without the public prefix, read it only in server code, and rotate the key if it was ever deployed."},
		{CheckEnvNotIgnored, SeverityMedium, "Secrets file not git-ignored",
			"A .env, *.key or secrets/ file is in the working tree and not ignored, so the next 'git add .' commits it.",
			"Add it to .gitignore (for example '.env*' with '!.env.example') and keep a placeholder-only .env.example instead."},
		{CheckEnvCommitted, SeverityHigh, "Secrets file committed",
			"A .env, *.key or secrets/ file is in the git index or history; its contents are shared with everyone who clones the repository.",
			"Rotate what it holds, 'git rm --cached' it, add it to .gitignore, and purge it from history (git filter-repo)."},
		{CheckGitignoreEnv, SeverityLow, ".gitignore does not cover .env",
			"The repository uses .env files but .gitignore has no rule for them.",
			"Add '.env' and '.env.*' (with '!.env.example') to .gitignore."},
		{CheckKeyInURL, SeverityHigh, "Key in a URL query string",
			"Query strings end up in server, proxy and browser logs and in Referer headers, so a key passed as ?key= leaks.",
			"Send the key in a header (Authorization, x-api-key, x-goog-api-key) instead of the URL, and rotate keys that were sent this way."},
		{CheckKeyLogged, SeverityHigh, "Key or Authorization header logged",
			"A log or print call writes an API key, token or request headers; logs are kept long and read widely.",
			"Log a key id or a masked form, never the key or the Authorization header."},
		{CheckPromptLogged, SeverityMedium, "Prompt or messages logged",
			"A log or print call writes whole prompts or chat messages, which hold users' personal data and secrets.",
			"Log metadata only (model, token counts, ids); if content must be logged, redact it first."},
		{CheckPromptInput, SeverityMedium, "User input concatenated into a prompt",
			"User input is interpolated into a system prompt or a single prompt string, so it can override your instructions (prompt injection).",
			"Keep the system prompt constant and pass user input as its own user message; validate and bound its length."},
		{CheckSDKLiteralKey, SeverityHigh, "AI SDK client built with a literal key",
			"An AI SDK client is constructed with a key written in the code.",
			"Let the SDK read its key from the environment (e.g. OPENAI_API_KEY) or pass os.environ / process.env, and rotate the literal key."},
	}
}

// checkByID returns the check with id.
func checkByID(id string) Check {
	for _, c := range Checks() {
		if c.ID == id {
			return c
		}
	}
	return Check{ID: id, Severity: SeverityMedium, Title: id}
}
