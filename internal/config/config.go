// Package config reads aigate's configuration in two stages. [Load] and
// [FromEnv] produce a [File]: plain values with the defaults of [Default]
// underneath, decoded strictly so a misspelt field is an error.
// [File.Validate] reports every problem with its field path and changes
// nothing. [File.Build] then resolves secret references and turns the file
// into the runtime values the gateway is wired from.
//
// Secrets are never written in the file itself: api_key and admin_key hold
// references such as env:OPENAI_API_KEY or file:/run/secrets/openai, and a
// literal key is refused with the line it is on.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/aigate-dev/aigate/internal/budget"
	"github.com/aigate-dev/aigate/internal/provider"
)

// File is the configuration as written in aigate.yaml.
type File struct {
	// Listen is the gateway's address. Default 127.0.0.1:8080.
	Listen string `yaml:"listen"`
	// Database is sqlite:PATH (default sqlite:aigate.db) or a postgres:// URL.
	Database string `yaml:"database"`
	// Redis is a redis:// URL shared by many instances; empty keeps state in memory.
	Redis string `yaml:"redis"`
	// AdminKey is a secret reference to the admin API credential; empty turns
	// the admin API off.
	AdminKey   string     `yaml:"admin_key"`
	Providers  []Provider `yaml:"providers"`
	Validation Validation `yaml:"validation"`
	Server     Server     `yaml:"server"`
	Log        Log        `yaml:"log"`
	Limits     Limits     `yaml:"limits"`
	Budgets    Budgets    `yaml:"budgets"`
	// Tokens configure short-lived end-user tokens; see tokens.go.
	Tokens Tokens `yaml:"tokens"`
	// IdentityProviders let keys accept JWTs of the app's own identity
	// provider; see identity.go.
	IdentityProviders []IdentityProvider `yaml:"identity_providers"`
	// Secrets configure the periodic re-reading of secret references; see
	// secret_refresh.go.
	Secrets SecretRefresh `yaml:"secrets"`
	// Prices add to or replace the embedded price table: model (or prefix
	// of dated ids) → dollars per million tokens.
	Prices map[string]budget.PriceText `yaml:"prices"`
	// PolicyConfig holds policies and default_policy; see policy.go.
	PolicyConfig `yaml:",inline"`
}

// Provider is one upstream.
type Provider struct {
	Name string `yaml:"name"`
	// Type is openai, anthropic, gemini, openai-compatible or azure-openai.
	Type string `yaml:"type"`
	// APIKey is a secret reference: env:NAME or file:/path.
	APIKey string `yaml:"api_key"`
	// BaseURL defaults per type; a trailing /v1 or /v1beta is dropped, since
	// clients' paths already carry it.
	BaseURL string `yaml:"base_url"`
	// Auth is how the key is sent: bearer, api-key, x-api-key,
	// x-goog-api-key or none. Default per type.
	Auth string `yaml:"auth"`
	// Models are the model names or prefixes (ending in *) routed here;
	// empty routes every model of the provider's wire format.
	Models []string `yaml:"models"`
	// APIVersion is Azure OpenAI's api-version; empty uses the /openai/v1 API.
	APIVersion string `yaml:"api_version"`
	// RotateAfter is how old a key may get before a rotation reminder;
	// nil means 90 days, zero never reminds. See [Provider.KeyRotateAfter].
	RotateAfter *Duration `yaml:"rotate_after"`
}

// Validation bounds what a request may contain.
type Validation struct {
	MaxUserMessageChars int      `yaml:"max_user_message_chars"` // per user message, in characters
	MaxMessages         int      `yaml:"max_messages"`
	MaxTokens           int64    `yaml:"max_tokens"` // cap on the output tokens a request may ask for
	MaxBodyBytes        ByteSize `yaml:"max_body_bytes"`
	// Models override the limits above for some models; the first entry
	// whose pattern matches the request's model applies. A key's own
	// max_user_message_chars overrides both.
	Models []ModelValidation `yaml:"models"`
}

// ModelValidation holds the validation limits of the models Model matches
// (an exact name, or a prefix ending in *). Zero fields keep the defaults.
type ModelValidation struct {
	Model               string `yaml:"model"`
	MaxUserMessageChars int    `yaml:"max_user_message_chars"`
	MaxTokens           int64  `yaml:"max_tokens"`
}

// Server holds HTTP server timing.
type Server struct {
	// ShutdownTimeout is how long in-flight requests and streams may run on
	// after a stop signal.
	ShutdownTimeout Duration `yaml:"shutdown_timeout"`
	// UpstreamTimeout bounds waiting for a provider's response headers.
	UpstreamTimeout Duration `yaml:"upstream_timeout"`
}

// Log configures the JSON log.
type Log struct {
	Level string `yaml:"level"` // debug, info, warn, error
}

// Default returns the configuration used where the file says nothing.
func Default() File {
	return File{
		Listen:   "127.0.0.1:8080",
		Database: "sqlite:aigate.db",
		Validation: Validation{
			MaxUserMessageChars: 2000,
			MaxMessages:         50,
			MaxTokens:           4096,
			MaxBodyBytes:        1 << 20,
		},
		Server: Server{
			ShutdownTimeout: Duration(30 * time.Second),
			UpstreamTimeout: Duration(120 * time.Second),
		},
		Log:     Log{Level: "info"},
		Limits:  defaultLimits(),
		Budgets: defaultBudgets(),
		Secrets: defaultSecretRefresh(),
	}
}

// typeDefaults holds the base URL and auth style of each provider type.
var typeDefaults = map[provider.Type]struct {
	baseURL string
	auth    provider.AuthStyle
}{
	provider.TypeOpenAI:           {"https://api.openai.com", provider.AuthBearer},
	provider.TypeAnthropic:        {"https://api.anthropic.com", provider.AuthXAPIKey},
	provider.TypeGemini:           {"https://generativelanguage.googleapis.com", provider.AuthGoogle},
	provider.TypeOpenAICompatible: {"", provider.AuthBearer},
	provider.TypeAzureOpenAI:      {"", provider.AuthAPIKey},
}

var authStyles = []provider.AuthStyle{provider.AuthBearer, provider.AuthAPIKey, provider.AuthXAPIKey, provider.AuthGoogle, provider.AuthNone}

// Validate reports every problem in f, each prefixed with its field path.
// It changes nothing.
func (f *File) Validate() error {
	var errs []error
	add := func(path, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
	}
	if _, _, err := net.SplitHostPort(f.Listen); err != nil {
		add("listen", "must be host:port, such as 127.0.0.1:8080")
	}
	if !strings.HasPrefix(f.Database, "sqlite:") && !strings.HasPrefix(f.Database, "postgres://") && !strings.HasPrefix(f.Database, "postgresql://") {
		add("database", "must be sqlite:PATH or a postgres:// URL")
	}
	if f.AdminKey != "" && !IsReference(f.AdminKey) {
		add("admin_key", "must be a secret reference such as env:AIGATE_ADMIN_KEY")
	}
	names := map[string]bool{}
	for i, p := range f.Providers {
		path := fmt.Sprintf("providers[%d]", i)
		switch {
		case p.Name == "":
			add(path+".name", "is required")
		case names[p.Name]:
			add(path+".name", "%q is used by another provider", p.Name)
		}
		names[p.Name] = true
		t := provider.Type(p.Type)
		def, ok := typeDefaults[t]
		if !ok {
			add(path+".type", "must be one of openai, anthropic, gemini, openai-compatible, azure-openai")
		}
		if p.Auth != "" && !slices.Contains(authStyles, provider.AuthStyle(p.Auth)) {
			add(path+".auth", "must be one of bearer, api-key, x-api-key, x-goog-api-key, none")
		}
		if p.APIKey == "" && p.Auth != string(provider.AuthNone) {
			add(path+".api_key", "is required: write a reference such as env:%s_API_KEY", strings.ToUpper(strings.ReplaceAll(p.Name, "-", "_")))
		} else if p.APIKey != "" && !IsReference(p.APIKey) {
			add(path+".api_key", "must be a secret reference (env:NAME or file:/path), not a key")
		}
		base := p.BaseURL
		if base == "" {
			base = def.baseURL
		}
		if base == "" && ok {
			add(path+".base_url", "is required for type %s", p.Type)
		} else if base != "" {
			if err := checkBaseURL(base); err != nil {
				add(path+".base_url", "%v", err)
			}
		}
		if p.RotateAfter != nil && *p.RotateAfter < 0 {
			add(path+".rotate_after", "must not be negative (0 turns the reminder off)")
		}
		for j, m := range p.Models {
			if m == "" || strings.Contains(strings.TrimSuffix(m, "*"), "*") {
				add(fmt.Sprintf("%s.models[%d]", path, j), "must be a model name, or a prefix ending in *")
			}
		}
	}
	v := f.Validation
	if v.MaxUserMessageChars <= 0 {
		add("validation.max_user_message_chars", "must be positive")
	}
	if v.MaxMessages <= 0 {
		add("validation.max_messages", "must be positive")
	}
	if v.MaxTokens <= 0 {
		add("validation.max_tokens", "must be positive")
	}
	if v.MaxBodyBytes <= 0 {
		add("validation.max_body_bytes", "must be positive")
	}
	for i, m := range v.Models {
		path := fmt.Sprintf("validation.models[%d]", i)
		if m.Model == "" || strings.Contains(strings.TrimSuffix(m.Model, "*"), "*") {
			add(path+".model", "must be a model name, or a prefix ending in *")
		}
		if m.MaxUserMessageChars < 0 || m.MaxTokens < 0 {
			add(path, "limits must not be negative")
		}
	}
	if f.Server.ShutdownTimeout < 0 {
		add("server.shutdown_timeout", "must not be negative")
	}
	if f.Server.UpstreamTimeout <= 0 {
		add("server.upstream_timeout", "must be positive")
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, f.Log.Level) {
		add("log.level", "must be debug, info, warn or error")
	}
	f.validateLimits(add)
	f.Tokens.validate(add)
	f.validateIdentityProviders(add)
	f.Secrets.validate(add)
	errs = append(errs, f.validatePolicies()...)
	return errors.Join(errs...)
}

// checkBaseURL requires an absolute https URL; plain http is allowed only
// to loopback hosts (a local Ollama or vLLM), so a key never crosses a
// network in clear text.
func checkBaseURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return errors.New("must be an absolute URL such as https://api.example.com")
	}
	if u.RawQuery != "" || u.User != nil {
		return errors.New("must not carry a query or credentials")
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return errors.New("must use https (http is allowed only for localhost)")
	default:
		return errors.New("must use https")
	}
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
