package audit

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/aigate-dev/aigate/secretscan"
)

// The line checks below are heuristics over one line of Python,
// JavaScript/TypeScript or Go (and other C-like code). They favour
// precision: a pattern that cannot tell a key from anything else stays
// quiet.

var (
	reURLParam = regexp.MustCompile(`(?i)[?&](?:api[_-]?key|apikey|key|access[_-]?token|auth[_-]?token|api[_-]?token|token|x-api-key|secret)=`)
	reConcat   = regexp.MustCompile(`^["'` + "`" + `]\s*(?:\+|\.\.)\s*([A-Za-z_$][\w.$\[\]'"]*)`)
	reKeyish   = regexp.MustCompile(`(?i)(?:api|key|token|secret|auth|cred)`)
)

// urlChecks finds keys passed in URL query strings: a literal key, or a
// variable or template placeholder in a key parameter.
func urlChecks(f Fragment, starts []int, out []located) []located {
	forLines(f.Data, starts, func(s, e int) {
		line := unescapeNotebook(f.Path, f.Data[s:e])
		for _, loc := range reURLParam.FindAllIndex(line, -1) {
			if line[loc[0]] == '&' && !bytes.ContainsAny(line[:loc[0]], "?") && !bytes.Contains(line, []byte("http")) {
				continue
			}
			if !bytes.Contains(line[:loc[0]+1], []byte("?")) && !bytes.Contains(line, []byte("http")) && !bytes.Contains(line, []byte("/")) {
				continue
			}
			param := string(line[loc[0]+1 : loc[1]-1])
			val := line[loc[1]:]
			if n := bytes.IndexAny(val, "&#\"'` <>),;\\\t"); n >= 0 {
				val = val[:n]
			}
			l := newFinding(CheckKeyInURL, s+min(loc[0], e-s))
			switch v := string(val); {
			case v == "":
				m := reConcat.FindSubmatch(line[loc[1]:])
				if m == nil || !reKeyish.Match(m[1]) && !strings.Contains(strings.ToLower(param), "key") {
					continue
				}
				l.Message = "key passed in URL query (" + param + "= from " + string(m[1]) + ")"
				l.Preview = "?" + param + "=…"
			case strings.HasPrefix(v, "${") || strings.HasPrefix(v, "{") || strings.HasPrefix(v, "$") ||
				v == "%s" || v == "%v" || strings.HasPrefix(v, "%("):
				name := strings.Trim(v, "${}()%")
				l.Message = "key passed in URL query (" + param + "= from a variable" + nameSuffix(name) + ")"
				l.Preview = "?" + param + "=…"
			default:
				if len(v) < 16 || secretscan.IsPlaceholder(val) || isConstName(v) {
					continue
				}
				l.Message = "literal key in URL query (" + param + "=)"
				l.Preview = "?" + param + "=" + secretscan.Mask(val)
				l.Fingerprint = secretscan.Fingerprint(val)
			}
			out = append(out, l)
		}
	})
	return out
}

func nameSuffix(name string) string {
	if name == "" || name == "s" || name == "v" {
		return ""
	}
	return " " + name
}

// isConstName reports names such as YOUR_API_KEY or API_KEY: a
// placeholder, not a key.
func isConstName(v string) bool {
	for _, c := range v {
		if !(c >= 'A' && c <= 'Z' || c == '_' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return strings.ContainsAny(v, "_-") || len(v) < 20
}

// unescapeNotebook turns a notebook's JSON-escaped code line back into code.
func unescapeNotebook(p string, line []byte) []byte {
	if ext(p) != ".ipynb" || !bytes.Contains(line, []byte(`\"`)) {
		return line
	}
	return bytes.ReplaceAll(line, []byte(`\"`), []byte(`"`))
}

var (
	reLogCall = regexp.MustCompile(`(?:\b(?:console|logger|logging|log|slog|klog|glog|zap|logrus|winston|pino|Log|Logger|LOG)\.(?:log|info|debug|warn|warning|error|trace|exception|critical|fatal|Print\w*|Info\w*|Debug\w*|Warn\w*|Error\w*|Fatal\w*|Log\w*)|\bprint|\bprintln|\bfmt\.Print(?:f|ln)?|\bputs)\s*\(`)
	reKeyVar  = regexp.MustCompile(`(?i)\b[\w.$]*(?:api_?key|apikey|secret_?key|access_?token|auth_?token|bearer_?token|client_?secret|password|passwd|authorization)[\w$]*`)
	reHeaders = regexp.MustCompile(`(?i)\b(?:req|request|r|ctx\.request|self\.request)\.headers?\b|\bheaders\b`)
	rePrompt  = regexp.MustCompile(`(?i)\b[\w.$]*(?:prompt|messages)[\w$]*`)
	reLenCall = regexp.MustCompile(`\blen\([^()]*\)|\.length\b|\bcount\b`)
	// harmless describes metadata about a key or prompt rather than its value.
	reHarmless = regexp.MustCompile(`(?i)(?:_?id|_?ids|_?name|_?names|_?env|_?var|_?set|_?present|_?hash|_?prefix|_?len|_?length|_?count|_?tokens?|_?template|_?file|_?path|_?type|_?header_?name|_?masked|_?redacted|_?version|Exists|Missing|Configured|Attributes|Attrs|Config|Options|Settings|Feedback|Safety\w*|\(\))$`)
)

// The trigger groups: a line is examined by a check only if it holds one
// of the check's substrings.
const (
	groupURL = iota
	groupLog
	groupPrompt
	groupSDK
	groupPublicEnv
)

var codeTriggers = newTriggerSet(
	[]string{"key=", "Key=", "KEY=", "token=", "Token=", "TOKEN=", "secret="},
	[]string{"log.", "Log.", "LOG.", "logger.", "Logger.", "logging.", "console.", "print(", "println(", "Print(", "Printf(", "Println(", "puts("},
	[]string{"rompt", "ROMPT", "system", "instructions"},
	[]string{"api_key", "apiKey", "APIKey", "api_token", "apiToken", "auth_token", "WithAPIKey", "ApiKey"},
	[]string{"PUBLIC_", "VITE_", "REACT_APP_", "GATSBY_", "VUE_APP_"},
)

// codeChecks runs the log, prompt and SDK checks over code lines.
func (d *detector) codeChecks(f Fragment, lines [][]int, out []located) []located {
	forLines(f.Data, lines[groupLog], func(s, e int) {
		line := unescapeNotebook(f.Path, f.Data[s:e])
		loc := reLogCall.FindIndex(line)
		if loc == nil {
			return
		}
		args := codePart(line[loc[1]:])
		args = reLenCall.ReplaceAll(args, nil)
		if k := firstUseful(reKeyVar, args); k != "" {
			l := newFinding(CheckKeyLogged, s+loc[0])
			l.Message = "log call writes " + k
			out = append(out, l)
		} else if reHeaders.Match(args) {
			l := newFinding(CheckKeyLogged, s+loc[0])
			l.Message = "log call writes request headers (Authorization included)"
			out = append(out, l)
		} else if p := firstUseful(rePrompt, args); p != "" {
			l := newFinding(CheckPromptLogged, s+loc[0])
			l.Message = "log call writes " + p
			out = append(out, l)
		}
	})
	forLines(f.Data, lines[groupPrompt], func(s, e int) {
		line := unescapeNotebook(f.Path, f.Data[s:e])
		if col, msg, ok := promptInput(line); ok {
			l := newFinding(CheckPromptInput, s+col)
			l.Message = msg
			out = append(out, l)
		}
	})
	forLines(f.Data, lines[groupSDK], func(s, e int) {
		line := unescapeNotebook(f.Path, f.Data[s:e])
		m := reKeyArg.FindSubmatchIndex(line)
		if m == nil {
			return
		}
		lit := line[m[2]:m[3]]
		ctxStart := s
		for range 3 {
			if ctxStart == 0 {
				break
			}
			ctxStart = bytes.LastIndexByte(f.Data[:ctxStart-1], '\n') + 1
		}
		if !reSDK.Match(f.Data[ctxStart:e]) {
			return
		}
		if secretscan.IsPlaceholder(lit) || isConstName(string(lit)) || bytes.ContainsAny(lit, "${}%<>") || len(d.sc.Scan(lit)) > 0 {
			return // placeholders; real key formats are reported as secrets
		}
		l := newFinding(CheckSDKLiteralKey, s+m[2])
		l.Preview = secretscan.Mask(lit)
		l.Fingerprint = secretscan.Fingerprint(lit)
		l.Message = "AI SDK client constructed with a literal key"
		out = append(out, l)
	})
	return out
}

var (
	reKeyArg = regexp.MustCompile(`(?:\b(?:api_key|apiKey|ApiKey|APIKey|api_token|apiToken|auth_token)\s*[=:]\s*|WithAPIKey\(\s*)["'` + "`" + `]([^"'` + "`" + `\s]{8,})["'` + "`" + `]`)
	reSDK    = regexp.MustCompile(`\b(?:OpenAI|AsyncOpenAI|AzureOpenAI|AsyncAzureOpenAI|Anthropic|AsyncAnthropic|AnthropicBedrock|AnthropicVertex|Groq|AsyncGroq|Mistral|MistralClient|Cohere|ClientV2|AsyncClientV2|genai|GoogleGenerativeAI|GoogleGenAI|ChatOpenAI|ChatAnthropic|ChatGoogleGenerativeAI|ChatMistralAI|ChatGroq|Together|Fireworks|Replicate|OpenRouter|InferenceClient|openai|anthropic|option\.WithAPIKey|createOpenAI|createAnthropic)\b`)
)

// firstUseful returns the first identifier re finds in args that names a
// secret or a prompt itself rather than metadata about it.
func firstUseful(re *regexp.Regexp, args []byte) string {
	for _, m := range re.FindAll(args, -1) {
		if !reHarmless.Match(m) {
			return string(m)
		}
	}
	return ""
}

// codePart removes the text of string literals from a line of code but
// keeps interpolations ({x} in f-strings, ${x} in template literals), so
// that only identifiers are left to match.
func codePart(line []byte) []byte {
	out := make([]byte, 0, len(line))
	var quote byte
	depth := 0
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote == 0:
			if c == '"' || c == '\'' || c == '`' {
				quote = c
				out = append(out, ' ')
				continue
			}
			if c == '#' && (i == 0 || line[i-1] == ' ') || c == '/' && i+1 < len(line) && line[i+1] == '/' {
				return out // a comment
			}
			out = append(out, c)
		case depth > 0:
			if c == '}' {
				depth--
				out = append(out, ' ')
				continue
			}
			out = append(out, c)
		case c == '\\':
			i++
		case c == quote:
			quote = 0
			out = append(out, ' ')
		case c == '{':
			depth++
			out = append(out, ' ')
		}
	}
	return out
}

var (
	// A prompt-building target: an assignment to a prompt-ish name, a
	// prompt or system keyword argument or property, or a system message.
	rePromptTarget = regexp.MustCompile(`(?i)(?:\b([\w.$]*(?:prompt|instruction)[\w$]*)\s*(?::=|\+=|=|:)|role["']?\s*[:=]\s*["']system["'][^)}]*?\bcontent["']?\s*[:=])\s*`)
	// An interpolated or concatenated expression.
	reInterp  = regexp.MustCompile(`\$\{\s*([^}]+)\}|\{([A-Za-z_][\w.\[\]'"]*)[^}]*\}|["'` + "`" + `]\s*\+\s*([A-Za-z_$][\w.$\[\]'"()]*)|([A-Za-z_$][\w.$\[\]'"()]*)\s*\+\s*["'` + "`" + `]|\.format\(\s*([^)]*)\)|%\s*\(?\s*([A-Za-z_][\w.]*)|fmt\.Sprintf\([^,]*,\s*([^)]*)\)`)
	reUserish = regexp.MustCompile(`(?i)user|input|query|question|message|msg|request|\breq\b|req\.|body|form|param|comment|search|text|content`)
)

// promptInput reports user input interpolated into a system prompt or a
// single prompt string.
func promptInput(line []byte) (col int, msg string, ok bool) {
	t := rePromptTarget.FindSubmatchIndex(line)
	if t == nil {
		return 0, "", false
	}
	target := "a prompt"
	if t[2] >= 0 {
		name := strings.ToLower(string(line[t[2]:t[3]]))
		if reHarmless.MatchString(name) && !strings.HasSuffix(name, "template") || strings.Contains(name, "prompt_tokens") {
			return 0, "", false
		}
		if strings.Contains(name, "system") || strings.Contains(name, "instruction") {
			target = "the system prompt"
		}
	} else {
		target = "the system prompt"
	}
	rhs := line[t[1]:]
	// Only literal strings with interpolation count: f-strings, template
	// literals, concatenation, .format, % and Sprintf.
	for _, m := range reInterp.FindAllSubmatch(rhs, -1) {
		for _, g := range m[1:] {
			if len(g) == 0 {
				continue
			}
			if bytes.Contains(bytes.ToLower(g), []byte("system")) {
				continue
			}
			if reUserish.Match(g) {
				if !isInterpolating(rhs) {
					return 0, "", false
				}
				return t[0], "user input (" + shortExpr(g) + ") inserted into " + target, true
			}
		}
	}
	return 0, "", false
}

// isInterpolating reports whether rhs builds a string: an f-string, a
// template literal, a concatenation with a literal, .format, % or Sprintf.
func isInterpolating(rhs []byte) bool {
	s := string(rhs)
	return strings.Contains(s, `f"`) || strings.Contains(s, `f'`) || strings.Contains(s, "`") ||
		strings.Contains(s, ".format(") || strings.Contains(s, "Sprintf(") ||
		strings.ContainsAny(s, `"'`) && (strings.Contains(s, "+") || strings.Contains(s, "%"))
}

func shortExpr(g []byte) string {
	s := strings.TrimSpace(string(g))
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return s
}
