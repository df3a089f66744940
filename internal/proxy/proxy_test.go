package proxy

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider"
)

func TestRouter(t *testing.T) {
	up := func(name string, typ provider.Type, models ...string) *provider.Upstream {
		return &provider.Upstream{Name: name, Type: typ, Models: models}
	}
	r := NewRouter([]*provider.Upstream{
		up("groq", provider.TypeOpenAICompatible, "llama-*"),
		up("openai", provider.TypeOpenAI, "gpt-*", "o3"),
		up("anthropic", provider.TypeAnthropic),
	})
	tests := []struct {
		dialect gateway.Dialect
		model   string
		want    string // empty: refused
	}{
		{gateway.DialectOpenAI, "llama-3.3-70b", "groq"},
		{gateway.DialectOpenAI, "gpt-4o-mini", "openai"},
		{gateway.DialectOpenAI, "o3", "openai"},
		{gateway.DialectOpenAI, "o3-mini", ""},
		{gateway.DialectAnthropic, "claude-anything", "anthropic"},
		{gateway.DialectGemini, "gemini-2.5-flash", ""},
	}
	for _, tt := range tests {
		u, err := r.Route(tt.dialect, tt.model)
		got := ""
		if err == nil {
			got = u.Name
		} else if gateway.ErrorCode(err) != gateway.CodeInvalid {
			t.Errorf("Route(%s, %q) error code = %v, want invalid_request", tt.dialect, tt.model, gateway.ErrorCode(err))
		}
		if got != tt.want {
			t.Errorf("Route(%s, %q) = %q, want %q", tt.dialect, tt.model, got, tt.want)
		}
	}
}

func TestCredential(t *testing.T) {
	tests := []struct {
		name   string
		header http.Header
		query  string
		want   string
		inURL  bool
	}{
		{"bearer", http.Header{"Authorization": {"Bearer k1"}}, "", "k1", false},
		{"bearer-lowercase-scheme", http.Header{"Authorization": {"bearer k1"}}, "", "k1", false},
		{"basic-is-not-a-key", http.Header{"Authorization": {"Basic abc"}}, "", "", false},
		{"x-api-key", http.Header{"X-Api-Key": {"k2"}}, "", "k2", false},
		{"x-goog-api-key", http.Header{"X-Goog-Api-Key": {"k3"}}, "", "k3", false},
		{"azure-api-key", http.Header{"Api-Key": {"k4"}}, "", "k4", false},
		{"query-key-wins", http.Header{"Authorization": {"Bearer k1"}}, "key=k5", "k5", true},
		{"query-api_key", nil, "alt=sse&api_key=k6", "k6", true},
		{"none", nil, "alt=sse", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, _ := url.ParseQuery(tt.query)
			got, inURL := credential(tt.header, q)
			if got.Reveal() != tt.want || inURL != tt.inURL {
				t.Errorf("credential = %q, %v; want %q, %v", got.Reveal(), inURL, tt.want, tt.inURL)
			}
		})
	}
}

func TestForwardableDropsCredentials(t *testing.T) {
	in := http.Header{
		"Authorization": {"Bearer x"}, "X-Api-Key": {"x"}, "Cookie": {"c"}, "Api-Key": {"x"},
		"Anthropic-Version": {"2023-06-01"}, "X-Stainless-Os": {"Linux"}, "Content-Length": {"9"},
	}
	out := forwardable(in)
	for _, k := range []string{"Authorization", "X-Api-Key", "Cookie", "Api-Key", "Content-Length"} {
		if out.Get(k) != "" {
			t.Errorf("forwardable kept %s", k)
		}
	}
	if out.Get("Anthropic-Version") == "" || out.Get("X-Stainless-Os") == "" {
		t.Errorf("forwardable dropped an allowed header: %v", out)
	}
}
