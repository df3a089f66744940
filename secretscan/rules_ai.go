package secretscan

import (
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"math/rand/v2"
	"regexp"
	"strings"
)

// DefaultRules returns a fresh copy of the built-in rules: the AI providers
// first, then other credentials.
func DefaultRules() []Rule {
	return append(aiRules(), otherRules()...)
}

func aiRules() []Rule {
	const body = `[A-Za-z0-9_-]`
	// openAI builds a rule for keys with the T3BlbkFJ marker; prefixRE is
	// a regular expression for the prefixes, prefix the one examples use.
	openAI := func(id, desc, prefixRE, prefix string, n int) Rule {
		return Rule{
			ID: id, Description: desc, Provider: "OpenAI", AI: true, EnvVar: "OPENAI_API_KEY",
			Keywords: []string{"t3blbkfj"}, Before: 128, After: 110,
			Pattern: regexp.MustCompile(prefixRE + body + `{20,100}T3BlbkFJ` + body + `{20,100}`),
			Example: func(r *rand.Rand) string {
				return prefix + randomFrom(r, base64URL, n) + "T3BlbkFJ" + randomFrom(r, base64URL, n)
			},
			NonExamples: []string{
				"OPENAI_API_KEY=" + prefix + "...",
				"OPENAI_API_KEY=" + prefix + strings.Repeat("x", n) + "T3BlbkFJ" + strings.Repeat("x", n),
				"OPENAI_API_KEY=" + prefix + "your-api-key-here",
				"marker without key: T3BlbkFJ",
			},
		}
	}
	anthropic := func(id, desc, prefix, kw string, lo, hi int) Rule {
		return Rule{
			ID: id, Description: desc, Provider: "Anthropic", AI: true, EnvVar: "ANTHROPIC_API_KEY",
			Keywords: []string{kw}, After: 140,
			Pattern: regexp.MustCompile(regexp.QuoteMeta(prefix) + body + `{` + itoa(lo) + `,` + itoa(hi) + `}AA`),
			Example: func(r *rand.Rand) string {
				return prefix + randomFrom(r, base64URL, 93) + "AA"
			},
			NonExamples: []string{
				"ANTHROPIC_API_KEY=" + prefix + "abc123...",
				"ANTHROPIC_API_KEY=" + prefix + strings.Repeat("X", 93) + "AA",
				"ANTHROPIC_API_KEY=" + prefix + strings.Repeat("aB3d", 23) + "eAA", // low diversity
				"key = '" + prefix + "'",
			},
		}
	}
	prefixed := func(id, desc, provider, env, kw, pattern string, gen func(r *rand.Rand) string, non ...string) Rule {
		return Rule{
			ID: id, Description: desc, Provider: provider, AI: true, EnvVar: env,
			Keywords: []string{kw}, After: 120,
			Pattern: regexp.MustCompile(pattern),
			Example: gen, NonExamples: non,
		}
	}
	// contextual builds a rule for keys without a prefix: the provider's
	// name must occur shortly before (or just after) the key.
	contextual := func(id, desc, provider, env string, kws []string, pattern string, need int, gen func(r *rand.Rand) string, non ...string) Rule {
		return Rule{
			ID: id, Description: desc, Provider: provider, AI: true, EnvVar: env,
			Keywords: kws, Before: 48, After: 160,
			Pattern:  regexp.MustCompile(pattern),
			Validate: func(s []byte) bool { return classes(s)&need == need },
			Example:  gen, NonExamples: non,
		}
	}
	return []Rule{
		openAI("openai-project-key", "OpenAI project API key", "sk-proj-", "sk-proj-", 74),
		openAI("openai-service-account-key", "OpenAI service-account API key", "sk-(?:svcacct|service)-", "sk-svcacct-", 74),
		openAI("openai-admin-key", "OpenAI admin API key (organisation-wide)", "sk-admin-", "sk-admin-", 58),
		{
			ID: "openai-user-key", Description: "OpenAI legacy user API key", Provider: "OpenAI", AI: true,
			EnvVar: "OPENAI_API_KEY", Keywords: []string{"t3blbkfj"}, Before: 32, After: 32,
			Pattern: regexp.MustCompile(`sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}`),
			Example: func(r *rand.Rand) string {
				return "sk-" + randomFrom(r, alnum, 20) + "T3BlbkFJ" + randomFrom(r, alnum, 20)
			},
			NonExamples: []string{"sk-...", "OPENAI_API_KEY=sk-" + strings.Repeat("a", 20) + "T3BlbkFJ" + strings.Repeat("b", 20)},
		},
		anthropic("anthropic-api-key", "Anthropic API key", "sk-ant-api03-", "sk-ant-api", 93, 93),
		anthropic("anthropic-admin-key", "Anthropic Admin API key", "sk-ant-admin01-", "sk-ant-admin", 93, 93),
		anthropic("anthropic-oauth-token", "Anthropic Claude Code OAuth access token", "sk-ant-oat01-", "sk-ant-oat", 80, 120),
		anthropic("anthropic-oauth-refresh-token", "Anthropic Claude Code OAuth refresh token", "sk-ant-ort01-", "sk-ant-ort", 80, 120),
		prefixed("google-api-key", "Google API key (Gemini, AI Studio, GCP, Firebase)", "Google", "GEMINI_API_KEY", "aiza",
			`AIza`+body+`{35}`,
			func(r *rand.Rand) string { return "AIzaSy" + randomFrom(r, base64URL, 33) },
			"GEMINI_API_KEY=AIza...", "GEMINI_API_KEY=AIzaSy"+strings.Repeat("X", 33), "AIzaSyTooShort123", "GOOGLE_API_KEY=AIzaSy"+"YOUR_API_KEY_HERE_"+strings.Repeat("0", 15)),
		prefixed("google-ai-studio-key", "Google AI Studio API key (AQ. format)", "Google", "GEMINI_API_KEY", "aq.",
			`AQ\.`+body+`{49}[AEIMQUYcgkosw048]`,
			func(r *rand.Rand) string {
				return "AQ.Ab8RN6" + randomFrom(r, base64URL, 43) + string("AEIMQUYcgkosw048"[r.IntN(16)])
			},
			"see the FAQ.html page", "GEMINI_API_KEY=AQ."+strings.Repeat("x", 50)),
		{
			ID: "azure-ai-services-key", Description: "Azure AI Services / Azure OpenAI key (84-character identifiable format)",
			Provider: "Azure", AI: true, EnvVar: "AZURE_OPENAI_API_KEY",
			Keywords: []string{"jqqj99"}, Before: 56, After: 40,
			Pattern: regexp.MustCompile(`[A-Za-z0-9]{52}JQQJ99[A-Za-z0-9]{9}XJ3w3AAAAACOG[A-Za-z0-9]{4}`),
			Example: func(r *rand.Rand) string {
				return randomFrom(r, alnum, 52) + "JQQJ99BEAC" + randomFrom(r, alnum, 5) + "XJ3w3AAAAACOG" + randomFrom(r, alnum, 4)
			},
			NonExamples: []string{"JQQJ99 without a key", "AZURE_OPENAI_API_KEY=" + strings.Repeat("0", 52) + "JQQJ99BEAC00000XJ3w3AAAAACOG0000"},
		},
		contextual("azure-openai-key", "Azure OpenAI key (classic 32 hex, near the word azure)", "Azure", "AZURE_OPENAI_API_KEY",
			[]string{"azure"}, `[a-f0-9]{32}`, classDigit|classLower,
			func(r *rand.Rand) string { return randomFrom(r, hexLower, 32) },
			"azure commit 0123456789abcdef0123456789abcdef", "AZURE_OPENAI_API_KEY=os.environ['AZURE_OPENAI_API_KEY']",
			"azure sha256 "+strings.Repeat("ab12", 16)),
		contextual("mistral-api-key", "Mistral API key (near the word mistral)", "Mistral", "MISTRAL_API_KEY",
			[]string{"mistral"}, `[A-Za-z0-9]{32}`, classDigit|classLower|classUpper,
			func(r *rand.Rand) string { return randomFrom(r, alnum, 32) },
			"mistral: handleAuthenticationCallbackFn", "MISTRAL_API_KEY=${MISTRAL_API_KEY}",
			"model = 'mistral-large-latest'"),
		prefixed("groq-api-key", "Groq API key", "Groq", "GROQ_API_KEY", "gsk_",
			`gsk_[A-Za-z0-9]{20}WGdyb3FY[A-Za-z0-9]{24}`,
			func(r *rand.Rand) string {
				return "gsk_" + randomFrom(r, alnum, 20) + "WGdyb3FY" + randomFrom(r, alnum, 24)
			},
			"GROQ_API_KEY=gsk_...", "GROQ_API_KEY=gsk_"+strings.Repeat("x", 20)+"WGdyb3FY"+strings.Repeat("x", 24)),
		contextual("cohere-api-key", "Cohere API key (near the word cohere)", "Cohere", "COHERE_API_KEY",
			[]string{"cohere", "co_api_key"}, `[A-Za-z0-9]{40}`, classDigit|classLower|classUpper,
			func(r *rand.Rand) string { return randomFrom(r, alnum, 40) },
			"cohere commit da39a3ee5e6b4b0d3255bfef95601890afd80709", "COHERE_API_KEY=<your-key>"),
		{
			ID: "huggingface-token", Description: "Hugging Face user access token", Provider: "Hugging Face", AI: true,
			EnvVar: "HF_TOKEN", Keywords: []string{"hf_"}, After: 40,
			Pattern:  regexp.MustCompile(`hf_[A-Za-z]{34}`),
			Validate: mixedLetters,
			Example:  func(r *rand.Rand) string { return "hf_" + mixedRandomLetters(r, 34) },
			NonExamples: []string{
				"{ &hf_smb_file_attribute_read_only_flag, ...",
				"HF_TOKEN=hf_" + strings.Repeat("x", 34),
				"hf_acgtacgtacgtacgtacgtacgtacgtacgtac",
				"HF_TOKEN=hf_YOUR_TOKEN_HERE",
			},
		},
		{
			ID: "huggingface-org-token", Description: "Hugging Face organisation token (deprecated)", Provider: "Hugging Face", AI: true,
			EnvVar: "HF_TOKEN", Keywords: []string{"api_org_"}, After: 40,
			Pattern:     regexp.MustCompile(`api_org_[A-Za-z]{34}`),
			Validate:    mixedLetters,
			Example:     func(r *rand.Rand) string { return "api_org_" + mixedRandomLetters(r, 34) },
			NonExamples: []string{"api_org_settings", "api_org_" + strings.Repeat("a", 34)},
		},
		prefixed("replicate-api-token", "Replicate API token", "Replicate", "REPLICATE_API_TOKEN", "r8_",
			`r8_[A-Za-z0-9]{37}`,
			func(r *rand.Rand) string { return "r8_" + randomFrom(r, alnum, 37) },
			"REPLICATE_API_TOKEN=r8_...", "REPLICATE_API_TOKEN=r8_"+strings.Repeat("0", 37)),
		prefixed("xai-api-key", "xAI (Grok) API key", "xAI", "XAI_API_KEY", "xai-",
			`xai-[A-Za-z0-9]{80}`,
			func(r *rand.Rand) string { return "xai-" + randomFrom(r, alnum, 80) },
			"XAI_API_KEY=xai-...", "model: xai-grok-2"),
		prefixed("perplexity-api-key", "Perplexity API key", "Perplexity", "PERPLEXITY_API_KEY", "pplx-",
			`pplx-[A-Za-z0-9]{48}`,
			func(r *rand.Rand) string { return "pplx-" + randomFrom(r, alnum, 48) },
			"model = 'pplx-70b-online'", "PERPLEXITY_API_KEY=pplx-"+strings.Repeat("x", 48)),
		contextual("deepseek-api-key", "DeepSeek API key (near the word deepseek)", "DeepSeek", "DEEPSEEK_API_KEY",
			[]string{"deepseek"}, `sk-[a-f0-9]{32}`, classDigit|classLower,
			func(r *rand.Rand) string { return "sk-" + randomFrom(r, hexLower, 32) },
			"DEEPSEEK_API_KEY=sk-...", "DEEPSEEK_API_KEY=sk-"+strings.Repeat("0", 32)),
		prefixed("openrouter-api-key", "OpenRouter API key", "OpenRouter", "OPENROUTER_API_KEY", "sk-or-v1-",
			`sk-or-v1-[a-f0-9]{64}`,
			func(r *rand.Rand) string { return "sk-or-v1-" + randomFrom(r, hexLower, 64) },
			"OPENROUTER_API_KEY=sk-or-v1-...", "OPENROUTER_API_KEY=sk-or-v1-"+strings.Repeat("0", 64)),
		prefixed("together-api-key", "Together AI API key", "Together AI", "TOGETHER_API_KEY", "tgp_v1_",
			`tgp_v1_`+body+`{43}`,
			func(r *rand.Rand) string { return "tgp_v1_" + randomFrom(r, base64URL, 43) },
			"TOGETHER_API_KEY=tgp_v1_...", "TOGETHER_API_KEY=tgp_v1_"+strings.Repeat("x", 43)),
		contextual("together-legacy-api-key", "Together AI legacy API key (64 hex, near the word together)", "Together AI", "TOGETHER_API_KEY",
			[]string{"together"}, `[a-f0-9]{64}`, classDigit|classLower,
			func(r *rand.Rand) string { return randomFrom(r, hexLower, 64) },
			"together sha256 "+strings.Repeat("0", 64), "TOGETHER_API_KEY=${TOGETHER_API_KEY}"),
		contextual("perplexity-legacy-api-key", "Perplexity legacy API key (48 hex, near the word perplexity)", "Perplexity", "PERPLEXITY_API_KEY",
			[]string{"perplexity"}, `[a-f0-9]{48}`, classDigit|classLower,
			func(r *rand.Rand) string { return randomFrom(r, hexLower, 48) },
			"perplexity: "+strings.Repeat("ab", 24)),
		{
			ID: "fireworks-api-key", Description: "Fireworks AI API key", Provider: "Fireworks AI", AI: true,
			EnvVar: "FIREWORKS_API_KEY", Keywords: []string{"fw_"}, After: 40,
			Pattern:     regexp.MustCompile(`fw_[A-Za-z0-9]{24}`),
			Validate:    func(s []byte) bool { return classes(s[3:])&(classUpper|classLower) == classUpper|classLower },
			Example:     func(r *rand.Rand) string { return "fw_3Z" + randomFrom(r, alnum, 22) },
			NonExamples: []string{"fw_version_string_buffer_len", "fw_updatefirmwareimagenow123", "FIREWORKS_API_KEY=fw_..."},
		},
		{
			ID: "bedrock-api-key", Description: "Amazon Bedrock long-lived API key", Provider: "Amazon Bedrock", AI: true,
			EnvVar: "AWS_BEARER_TOKEN_BEDROCK", Keywords: []string{"absk"}, After: 420, Boundary: BoundaryBase64,
			Pattern:  regexp.MustCompile(`ABSK[A-Za-z0-9+/]{100,400}={0,2}`),
			Validate: func(s []byte) bool { return bytesHasPrefix(decodeBase64(s[4:]), "BedrockAPIKey-") },
			Example: func(r *rand.Rand) string {
				p := "BedrockAPIKey-" + randomFrom(r, lowerABC+digits, 8) + "-at-" + randomFrom(r, digits, 12) + ":" + randomFrom(r, alnum+"+/", 40)
				return "ABSK" + base64.StdEncoding.EncodeToString([]byte(p))
			},
			NonExamples: []string{"AWS_BEARER_TOKEN_BEDROCK=ABSK" + base64.StdEncoding.EncodeToString([]byte("NotABedrockKey-"+strings.Repeat("q1w2e3r4t5", 9)))},
		},
		{
			ID: "bedrock-short-term-key", Description: "Amazon Bedrock short-term API key", Provider: "Amazon Bedrock", AI: true,
			EnvVar: "AWS_BEARER_TOKEN_BEDROCK", Keywords: []string{"bedrock-api-key-"}, After: 4096, Boundary: BoundaryBase64,
			Pattern: regexp.MustCompile(`bedrock-api-key-[A-Za-z0-9+/]{100,}={0,2}`),
			Validate: func(s []byte) bool {
				d := string(decodeBase64(s[len("bedrock-api-key-"):]))
				return strings.Contains(d, "bedrock.amazonaws.com") && strings.Contains(d, "CallWithBearerToken")
			},
			Example: func(r *rand.Rand) string {
				u := "bedrock.amazonaws.com/?Action=CallWithBearerToken&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" +
					awsKeyID(r, "ASIA") + "%2F20260101%2Fus-east-1%2Fbedrock%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=43200" +
					"&X-Amz-Security-Token=" + randomFrom(r, alnum, 300) + "&X-Amz-Signature=" + randomFrom(r, hexLower, 64) + "&Version=1"
				return "bedrock-api-key-" + base64.StdEncoding.EncodeToString([]byte(u))
			},
			NonExamples: []string{"name: bedrock-api-key-rotation", "bedrock-api-key-" + base64.StdEncoding.EncodeToString([]byte(strings.Repeat("not a presigned url ", 8)))},
		},
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// mixedLetters accepts a letters-only token body with both cases well
// represented, as random tokens have and DNA strings and identifiers lack.
func mixedLetters(s []byte) bool {
	up, lo := 0, 0
	for _, c := range s[bytesIndexByte(s, '_')+1:] {
		switch {
		case 'A' <= c && c <= 'Z':
			up++
		case 'a' <= c && c <= 'z':
			lo++
		}
	}
	return up >= 4 && lo >= 4
}

func mixedRandomLetters(r *rand.Rand, n int) string {
	for {
		s := randomFrom(r, letters, n)
		if mixedLetters([]byte("_" + s)) {
			return s
		}
	}
}

// awsKeyID builds an access key id with prefix whose encoded account number
// is a valid 12-digit number.
func awsKeyID(r *rand.Rand, prefix string) string {
	for {
		var b [10]byte
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		acct := uint64(r.Int64N(1e12))
		x := uint64(b[0])<<40 | uint64(b[1])<<32 | uint64(binary.BigEndian.Uint32(b[2:6]))
		x = x&^0x7fffffffff80 | acct<<7
		b[0], b[1] = byte(x>>40), byte(x>>32)
		binary.BigEndian.PutUint32(b[2:6], uint32(x))
		id := prefix + base32.StdEncoding.EncodeToString(b[:])
		if !IsPlaceholder([]byte(id)) {
			return id
		}
	}
}

// awsAccountOK reports whether an access key id encodes a plausible account
// number (at most 12 decimal digits).
func awsAccountOK(id []byte) bool {
	b, err := base32.StdEncoding.DecodeString(string(id[4:]))
	if err != nil || len(b) < 6 {
		return false
	}
	x := uint64(b[0])<<40 | uint64(b[1])<<32 | uint64(binary.BigEndian.Uint32(b[2:6]))
	return (x&0x7fffffffff80)>>7 <= 999_999_999_999
}

// decodeBase64 decodes standard or URL base64, padded or not; it returns
// nil if s is not base64.
func decodeBase64(s []byte) []byte {
	t := strings.TrimRight(string(s), "=")
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		if d, err := enc.DecodeString(t); err == nil {
			return d
		}
	}
	// A truncated final group still decodes the bytes before it.
	if n := len(t) / 4 * 4; n > 0 {
		if d, err := base64.RawStdEncoding.DecodeString(t[:n]); err == nil {
			return d
		}
	}
	return nil
}

func bytesHasPrefix(b []byte, p string) bool { return len(b) >= len(p) && string(b[:len(p)]) == p }

func bytesIndexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}
