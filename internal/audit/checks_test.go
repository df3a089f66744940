package audit

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/aigate-dev/aigate/secretscan"
)

// scanOne checks one file's content and returns its findings.
func scanOne(t *testing.T, path, content string) []Finding {
	t.Helper()
	d := detector{sc: secretscan.Default()}
	return d.check(Fragment{Path: path, Data: []byte(content)})
}

func fakeKey(t *testing.T, rule string) string {
	t.Helper()
	r, ok := secretscan.Default().Rule(rule)
	if !ok {
		t.Fatalf("no rule %s", rule)
	}
	return r.Example(rand.New(rand.NewPCG(5, 6)))
}

func TestCodeChecks(t *testing.T) {
	literal := "a1b2c3d4e5f6g7h8i9j0k1l2" // not a known key format
	tests := []struct {
		name, path, content, want string // want "" means no finding
	}{
		// key-in-url
		{"url-fstring", "app/gemini.py", `r = requests.get(f"https://generativelanguage.googleapis.com/v1beta/models?key={api_key}")`, CheckKeyInURL},
		{"url-template", "web/api.js", "const res = await fetch(`${BASE}/v1/models?api_key=${apiKey}&x=1`);", CheckKeyInURL},
		{"url-go-concat", "cmd/main.go", `resp, err := http.Get("https://example.com/v1/models?key=" + apiKey)`, CheckKeyInURL},
		{"url-literal", "config/app.yaml", `endpoint: https://api.example.com/v1?api_key=` + literal + `&v=2`, CheckKeyInURL},
		{"url-sprintf", "cmd/main.go", `u := fmt.Sprintf("https://x.example/v1?key=%s", key)`, CheckKeyInURL},
		{"url-placeholder", "docs/config.yaml", `endpoint: https://api.example.com/v1?key=YOUR_API_KEY`, ""},
		{"url-other-param", "web/api.js", `fetch(base + "?page=" + page)`, ""},
		{"url-in-test", "web/api.test.js", "fetch(`/v1?key=${apiKey}`)", ""},
		// key-logged
		{"log-py-fstring", "app/main.py", `logger.info(f"using key {api_key}")`, CheckKeyLogged},
		{"log-print", "app/main.py", `print("key:", OPENAI_API_KEY)`, CheckKeyLogged},
		{"log-js-headers", "server/index.js", `console.log("incoming", req.headers);`, CheckKeyLogged},
		{"log-go", "cmd/main.go", `log.Printf("calling with %s", apiKey)`, CheckKeyLogged},
		{"log-go-slog", "cmd/main.go", `slog.Info("auth", "authorization", r.Header.Get("Authorization"))`, CheckKeyLogged},
		{"log-string-only", "app/main.py", `print("set OPENAI_API_KEY first")`, ""},
		{"log-key-id", "cmd/main.go", `log.Printf("key %s revoked", keyID)`, ""},
		{"log-key-present", "cmd/main.go", `log.Printf("key configured: %v", apiKey != "")`, CheckKeyLogged}, // conservative: the key is an argument
		// prompt-logged
		{"log-prompt-py", "app/main.py", `logger.debug(f"prompt={prompt}")`, CheckPromptLogged},
		{"log-messages-js", "server/chat.ts", `console.log(messages)`, CheckPromptLogged},
		{"log-len-messages", "cmd/main.go", `log.Printf("%d messages", len(messages))`, ""},
		{"log-prompt-tokens", "app/main.py", `print(usage.prompt_tokens)`, ""},
		// user-input-in-prompt
		{"prompt-fstring-system", "app/bot.py", `system_prompt = f"You are a bot for {company}. The user asked: {user_input}"`, CheckPromptInput},
		{"prompt-template-literal", "server/chat.ts", "const prompt = `Answer the question: ${req.body.question}`;", CheckPromptInput},
		{"prompt-go-sprintf", "cmd/main.go", `prompt := fmt.Sprintf("Summarise this: %s", userInput)`, CheckPromptInput},
		{"prompt-concat", "server/chat.js", `const systemPrompt = "You are helpful. " + userMessage;`, CheckPromptInput},
		{"prompt-system-message", "app/bot.py", `messages = [{"role": "system", "content": f"Rules... {user_message}"}]`, CheckPromptInput},
		{"prompt-constant", "app/bot.py", `SYSTEM_PROMPT = "You are a helpful assistant."`, ""},
		{"prompt-model-var", "app/bot.py", `prompt = f"Translate to {target_language}"`, ""},
		// sdk-literal-key
		{"sdk-py", "app/client.py", `client = OpenAI(api_key="` + literal + `")`, CheckSDKLiteralKey},
		{"sdk-py-multiline", "app/client.py", "client = Anthropic(\n    base_url=BASE,\n    api_key='" + literal + "',\n)", CheckSDKLiteralKey},
		{"sdk-js", "server/ai.ts", `const anthropic = new Anthropic({ apiKey: "` + literal + `" });`, CheckSDKLiteralKey},
		{"sdk-go", "cmd/main.go", `client := openai.NewClient(option.WithAPIKey("` + literal + `"))`, CheckSDKLiteralKey},
		{"sdk-env", "app/client.py", `client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])`, ""},
		{"sdk-placeholder", "app/client.py", `client = OpenAI(api_key="YOUR_OPENAI_API_KEY")`, ""},
		// public env
		{"public-env-dotenv", ".env.local", "NEXT_PUBLIC_OPENAI_API_KEY=abc\n", CheckPublicEnvKey},
		{"public-env-vite", "web/src/ai.ts", "const key = import.meta.env.VITE_ANTHROPIC_API_KEY;", CheckPublicEnvKey},
		{"public-env-other", "web/src/ai.ts", "const url = import.meta.env.VITE_API_URL;", ""},
		// suppression
		{"ignored-inline", "app/bot.py", `logger.info(f"key {api_key}")  # aigate:ignore key-logged`, ""},
		{"ignored-line-above", "app/bot.py", "# aigate:ignore key-logged\nlogger.info(f\"key {api_key}\")", ""},
		{"ignored-other-check", "app/bot.py", `logger.info(f"key {api_key}")  # aigate:ignore prompt-logged`, CheckKeyLogged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := scanOne(t, tt.path, tt.content)
			var got []string
			for _, f := range fs {
				got = append(got, f.CheckID)
			}
			switch {
			case tt.want == "" && len(fs) > 0:
				t.Errorf("check(%q) = %v, want none", tt.content, got)
			case tt.want != "" && (len(fs) != 1 || fs[0].CheckID != tt.want):
				t.Errorf("check(%q) = %v, want [%s]", tt.content, got, tt.want)
			}
		})
	}
}

func TestSecretFindingSeverity(t *testing.T) {
	key := fakeKey(t, "anthropic-api-key")
	for _, tt := range []struct {
		name    string
		f       Fragment
		check   string
		sev     Severity
		suppose string
	}{
		{"tracked", Fragment{Path: "app/config.py", Git: true, Tracked: true}, CheckHardcodedSecret, SeverityHigh, ""},
		{"ignored", Fragment{Path: "app/local.py", Git: true, Ignored: true}, CheckHardcodedSecret, SeverityLow, ""},
		{"bundle", Fragment{Path: "public/app.js", Git: true}, CheckBrowserKey, SeverityHigh, ""},
		{"component", Fragment{Path: "web/src/Chat.tsx", Git: true}, CheckBrowserKey, SeverityHigh, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.f.Data = []byte("KEY = '" + key + "'\n")
			d := detector{sc: secretscan.Default()}
			fs := d.check(tt.f)
			if len(fs) != 1 || fs[0].CheckID != tt.check || fs[0].Severity != tt.sev {
				t.Fatalf("check(%s) = %+v, want one %s at %s", tt.f.Path, fs, tt.check, tt.sev)
			}
			f := fs[0]
			if strings.Contains(f.Preview, key) || strings.Contains(f.Message, key) || len(f.Preview) > 12 {
				t.Errorf("finding leaks the secret: preview %q", f.Preview)
			}
			if f.Line != 1 || f.Column != 8 || f.Rule != "anthropic-api-key" || f.Fingerprint != secretscan.Fingerprint([]byte(key)) {
				t.Errorf("finding = %+v", f)
			}
		})
	}
}

func TestSecretsFiles(t *testing.T) {
	for _, tt := range []struct {
		path string
		want bool
	}{
		{".env", true}, {"app/.env.local", true}, {".env.production", true}, {"prod.env", true},
		{".env.example", false}, {".env.sample", false}, {".envrc", false},
		{"certs/server.key", true}, {"secrets/db.yaml", true}, {"pkg/secrets/secrets.go", false},
		{"README.md", false},
	} {
		if got := isSecretsFile(tt.path); got != tt.want {
			t.Errorf("isSecretsFile(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

func TestNoPlaintextInFindings(t *testing.T) {
	dir := t.TempDir()
	writeCorpus(t, dir, 3)
	res := mustRun(t, WorkTree(context.Background(), dir, Limits{}))
	for _, f := range res.Findings {
		for _, s := range []string{f.Preview, f.Message} {
			if len(secretscan.Default().ScanString(s)) > 0 {
				t.Errorf("%s:%d: finding text holds a detectable secret", f.Path, f.Line)
			}
		}
	}
}
