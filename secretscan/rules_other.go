package secretscan

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math/rand/v2"
	"regexp"
	"strings"
)

func otherRules() []Rule {
	return []Rule{
		{
			ID: "aws-access-key-id", Description: "AWS access key id", Provider: "AWS", EnvVar: "AWS_ACCESS_KEY_ID",
			Keywords: []string{"akia", "asia", "abia", "acca"}, After: 20,
			Pattern:  regexp.MustCompile(`(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}`),
			Validate: awsAccountOK,
			Example:  func(r *rand.Rand) string { return awsKeyID(r, "AKIA") },
			NonExamples: []string{
				"AWS_ACCESS_KEY_ID=AKIAIOSFODNN7" + "EXAMPLE",
				"timezone: Asia/Tokyo",
				"AWS_ACCESS_KEY_ID=AKIA" + strings.Repeat("7", 16), // account number out of range
			},
		},
		{
			ID: "aws-secret-access-key", Description: "AWS secret access key (near its variable name)", Provider: "AWS",
			EnvVar:   "AWS_SECRET_ACCESS_KEY",
			Keywords: []string{"secret_access_key", "secretaccesskey", "aws_secret_key", "aws_secret"}, After: 120, Boundary: BoundaryBase64,
			Pattern:  regexp.MustCompile(`[A-Za-z0-9+/]{40}`),
			Validate: func(s []byte) bool { return classes(s)&(classUpper|classLower) == classUpper|classLower },
			Example:  func(r *rand.Rand) string { return randomFrom(r, alnum+"+/", 40) },
			NonExamples: []string{
				"AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY",
				"aws_secret_access_key = os.environ['AWS_SECRET_ACCESS_KEY']",
			},
		},
		{
			ID: "github-token", Description: "GitHub token (personal, OAuth, app or refresh)", Provider: "GitHub", EnvVar: "GITHUB_TOKEN",
			Keywords: []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_"}, After: 40,
			Pattern: regexp.MustCompile(`gh[pousr]_[A-Za-z0-9]{36}`),
			Example: func(r *rand.Rand) string {
				s := randomFrom(r, alnum, 30)
				return "ghp_" + s + base62Checksum([]byte(s))
			},
			NonExamples: []string{"GITHUB_TOKEN=ghp_...", "GITHUB_TOKEN=ghp_" + strings.Repeat("x", 36)},
		},
		{
			ID: "github-fine-grained-token", Description: "GitHub fine-grained personal access token", Provider: "GitHub",
			EnvVar: "GITHUB_TOKEN", Keywords: []string{"github_pat_"}, After: 90,
			Pattern: regexp.MustCompile(`github_pat_[A-Za-z0-9_]{82}`),
			Example: func(r *rand.Rand) string {
				return "github_pat_" + randomFrom(r, alnum, 22) + "_" + randomFrom(r, alnum, 59)
			},
			NonExamples: []string{"GITHUB_TOKEN=github_pat_..."},
		},
		{
			ID: "slack-token", Description: "Slack bot, user or app token", Provider: "Slack", EnvVar: "SLACK_BOT_TOKEN",
			Keywords: []string{"xox"}, After: 120,
			Pattern: regexp.MustCompile(`xox[abeprs]-(?:[0-9]{6,15}-){1,3}[A-Za-z0-9]{20,40}`),
			Example: func(r *rand.Rand) string {
				return "xoxb-" + randomFrom(r, digits, 12) + "-" + randomFrom(r, digits, 13) + "-" + randomFrom(r, alnum, 24)
			},
			NonExamples: []string{"SLACK_BOT_TOKEN=xoxb-your-token", "xoxo, gossip girl"},
		},
		{
			ID: "slack-webhook-url", Description: "Slack incoming-webhook URL", Provider: "Slack", EnvVar: "SLACK_WEBHOOK_URL",
			Keywords: []string{"hooks.slack.com"}, Before: 8, After: 120,
			Pattern: regexp.MustCompile(`https://hooks\.slack\.com/(?:services|workflows)/T[A-Z0-9]{7,12}/[AB][A-Z0-9]{7,12}/[A-Za-z0-9]{20,32}`),
			Example: func(r *rand.Rand) string {
				return "https://hooks.slack.com/services/T" + randomFrom(r, upper+digits, 9) + "/B" + randomFrom(r, upper+digits, 9) + "/" + randomFrom(r, alnum, 24)
			},
			NonExamples: []string{"https://hooks.slack.com/services/T000/B000/XXXX", "see https://hooks.slack.com/ for docs"},
		},
		{
			ID: "stripe-secret-key", Description: "Stripe live secret or restricted key", Provider: "Stripe", EnvVar: "STRIPE_SECRET_KEY",
			Keywords: []string{"sk_live_", "rk_live_"}, After: 110,
			Pattern:     regexp.MustCompile(`[sr]k_live_[A-Za-z0-9]{24,99}`),
			Example:     func(r *rand.Rand) string { return "sk_live_" + randomFrom(r, alnum, 99) },
			NonExamples: []string{"STRIPE_SECRET_KEY=sk_live_...", "STRIPE_SECRET_KEY=sk_test_" + strings.Repeat("4eC39HqLyjWDarjtT1zdp7dc", 1)},
		},
		{
			// Listed before private-key: where both match the same
			// block, the service account wins. The quotes may be
			// escaped: a key file pasted into a JSON string.
			ID: "gcp-service-account", Description: "Google Cloud service-account key file", Provider: "Google Cloud",
			EnvVar:   "GOOGLE_APPLICATION_CREDENTIALS",
			Keywords: []string{"service_account"}, Before: 4096, After: 8192, Boundary: BoundaryNone,
			Pattern:  regexp.MustCompile(`\\*"private_key\\*"\s*:\s*\\*"(-----BEGIN [A-Z ]{0,16}PRIVATE KEY-----[^"]{40,}?-----END [A-Z ]{0,16}PRIVATE KEY-----(?:\\*n)?)\\*"`),
			Validate: pemBodyOK,
			Example: func(r *rand.Rand) string {
				return `{"type": "service_account", "project_id": "demo-` + randomFrom(r, lowerABC+digits, 6) +
					`", "private_key_id": "` + randomFrom(r, hexLower, 40) + `", "private_key": "` +
					strings.ReplaceAll(fakePEM(r, "PRIVATE KEY"), "\n", `\n`) + `\n", "client_email": "bot@demo.iam.gserviceaccount.com"}`
			},
			NonExamples: []string{`{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n"}`},
		},
		{
			ID: "private-key", Description: "private key block (RSA, EC, DSA, OpenSSH, PGP, PKCS#8)", Provider: "",
			EnvVar: "PRIVATE_KEY", Keywords: []string{"private key-----", "private key block-----"}, Before: 48, After: 12000,
			Boundary: BoundaryNone,
			Pattern:  regexp.MustCompile(`-----BEGIN [A-Z0-9 ]{0,24}PRIVATE KEY(?: BLOCK)?-----[\s\S]{40,}?-----END [A-Z0-9 ]{0,24}PRIVATE KEY(?: BLOCK)?-----`),
			Validate: pemBodyOK,
			Example:  func(r *rand.Rand) string { return fakePEM(r, "RSA PRIVATE KEY") },
			NonExamples: []string{
				"-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
				"-----BEGIN RSA PRIVATE KEY-----\n<your key here>\n-----END RSA PRIVATE KEY-----",
				"-----BEGIN PUBLIC KEY-----\n" + strings.Repeat("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A", 3) + "\n-----END PUBLIC KEY-----",
			},
		},
		{
			ID: "jwt", Description: "JSON Web Token", Provider: "", EnvVar: "AUTH_TOKEN",
			Keywords: []string{"eyj"}, After: 4096,
			Pattern:  regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}`),
			Validate: jwtOK,
			Example: func(r *rand.Rand) string {
				enc := base64.RawURLEncoding
				h := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
				p := enc.EncodeToString([]byte(`{"sub":"` + randomFrom(r, alnum, 12) + `","iat":17` + randomFrom(r, digits, 8) + `}`))
				return h + "." + p + "." + randomFrom(r, base64URL, 43)
			},
			NonExamples: []string{"eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.", "token: eyJ..."},
		},
		{
			ID: "url-password", Description: "URL with an embedded password", Provider: "", EnvVar: "DATABASE_URL",
			Keywords: []string{"://"}, Before: 32, After: 256, Boundary: BoundaryNone,
			// Unbounded repeats keep the program small: this rule runs near
			// every "://" in a tree, and counted repeats make Go's
			// backtracker clear a bitmap as large as window × program.
			Pattern:  regexp.MustCompile("[A-Za-z][A-Za-z0-9+.-]*://[^\\s:@/?#\"'<>`]+:([^\\s:@/?#\"'<>`]+)@[A-Za-z0-9._-]+"),
			Gate:     hasUserinfo,
			Validate: passwordOK,
			Example: func(r *rand.Rand) string {
				return "postgres://app:" + randomFrom(r, alnum, 20) + "@db.internal:5432/app"
			},
			NonExamples: []string{
				"postgres://postgres:postgres@localhost:5432/db",
				"redis://:${REDIS_PASSWORD}@cache:6379",
				"mysql://user:password@localhost/db",
				"amqp://guest:guest@rabbit:5672/",
				"https://user:<password>@example.com",
				"url = f\"postgres://{user}:{pw}@{host}\"",
				"see https://example.com/a:b@c", // path, not userinfo
			},
		},
		{
			ID: "aigate-key", Description: "aigate virtual key", Provider: "aigate", AI: true, EnvVar: "AIGATE_API_KEY",
			Keywords: []string{"agk_"}, After: 60, KeepPlaceholders: true,
			Pattern:  regexp.MustCompile(`agk_[A-Za-z0-9]{46}`),
			Validate: func(s []byte) bool { return base62Checksum(s[4:44]) == string(s[44:]) },
			Example: func(r *rand.Rand) string {
				s := randomFrom(r, alnum, 40)
				return "agk_" + s + base62Checksum([]byte(s))
			},
			NonExamples: []string{
				"AIGATE_API_KEY=agk_...",
				"AIGATE_API_KEY=agk_" + strings.Repeat("a1B2", 10) + "000000", // bad checksum
			},
		},
	}
}

// fakePEM returns a PEM block of kind with a random body.
func fakePEM(r *rand.Rand, kind string) string {
	b := make([]byte, 600)
	for i := range b {
		b[i] = byte(r.IntN(256))
	}
	s := base64.StdEncoding.EncodeToString(b)
	var sb strings.Builder
	sb.WriteString("-----BEGIN " + kind + "-----\n")
	for len(s) > 64 {
		sb.WriteString(s[:64] + "\n")
		s = s[64:]
	}
	sb.WriteString(s + "\n-----END " + kind + "-----")
	return sb.String()
}

// pemBodyOK reports whether a PEM block has a real body: a run of at least
// 40 base64 characters (JSON \n escapes and line breaks do not count).
func pemBodyOK(s []byte) bool {
	i := bytes.Index(s, []byte("KEY-----"))
	if i < 0 {
		return false
	}
	body := s[i+8:]
	if j := bytes.Index(body, []byte("-----END")); j >= 0 {
		body = body[:j]
	}
	if IsPlaceholder(body) {
		return false
	}
	run := 0
	for k := 0; k < len(body); k++ {
		c := body[k]
		switch {
		case isAlnum(c) || c == '+' || c == '/':
			run++
			if run >= 40 {
				return true
			}
		case c == '\\' && k+1 < len(body) && body[k+1] == 'n':
			k++
			run = 0
		default:
			run = 0
		}
	}
	return false
}

// jwtOK reports whether a JWT's header decodes to a JSON object naming an
// algorithm other than "none".
func jwtOK(s []byte) bool {
	h, _, _ := bytes.Cut(s, []byte("."))
	d := decodeBase64(h)
	return json.Valid(d) && bytes.Contains(d, []byte(`"alg"`)) && !bytes.Contains(d, []byte(`"none"`))
}

// weakPasswords are values that documentation and local development put in
// URLs; they are not worth a finding.
var weakPasswords = [...]string{
	"password", "passwd", "pass", "secret", "changeme", "postgres", "root", "admin",
	"guest", "user", "example", "test", "mysql", "redis", "pwd", "xxx", "foo", "bar",
}

// passwordOK reports whether a password embedded in a URL is worth
// reporting: not an interpolation, not a documentation word, not trivial.
func passwordOK(p []byte) bool {
	if len(p) < 6 || len(p) > 128 || bytes.ContainsAny(p, "${}%*<>[]()") {
		return false
	}
	lp := strings.ToLower(string(p))
	for _, w := range weakPasswords {
		if lp == w || strings.HasPrefix(lp, "your") || strings.HasPrefix(lp, w+"123") {
			return false
		}
	}
	return true
}

// hasUserinfo reports whether the text after "://" has an @ before the end
// of the authority, i.e. the URL may carry a user and password.
func hasUserinfo(after []byte) bool {
	for _, c := range after {
		switch c {
		case '@':
			return true
		case '/', '?', '#', ' ', '\t', '\n', '\r', '"', '\'', '<', '>', '`':
			return false
		}
	}
	return false
}
