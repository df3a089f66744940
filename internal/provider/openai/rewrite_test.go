package openai

import (
	"crypto/rand"
	"encoding/hex"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider"
)

// testKey returns a key-shaped value made at run time, so no key-looking
// literal sits in the repository.
func testKey(t *testing.T) string {
	t.Helper()
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "test-" + hex.EncodeToString(b)
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestRewrite(t *testing.T) {
	key := testKey(t)
	tests := []struct {
		name      string
		op        gateway.Operation
		model     string
		up        provider.Upstream
		wantURL   string
		wantAuth  string // Authorization
		wantAPIKy string // api-key
	}{
		{
			name: "openai-chat", op: gateway.OpChatCompletions, model: "gpt-4o",
			up:      provider.Upstream{Type: provider.TypeOpenAI, BaseURL: mustURL(t, "https://api.openai.com"), Auth: provider.AuthBearer},
			wantURL: "https://api.openai.com/v1/chat/completions", wantAuth: "Bearer " + key,
		},
		{
			name: "openai-default-auth-is-bearer", op: gateway.OpResponses, model: "gpt-4o",
			up:      provider.Upstream{Type: provider.TypeOpenAI, BaseURL: mustURL(t, "https://api.openai.com/")},
			wantURL: "https://api.openai.com/v1/responses", wantAuth: "Bearer " + key,
		},
		{
			name: "openai-base-url-with-v1", op: gateway.OpEmbeddings, model: "e",
			up:      provider.Upstream{Type: provider.TypeOpenAI, BaseURL: mustURL(t, "https://api.openai.com/v1/")},
			wantURL: "https://api.openai.com/v1/embeddings", wantAuth: "Bearer " + key,
		},
		{
			name: "compatible-with-prefix", op: gateway.OpChatCompletions, model: "llama",
			up:      provider.Upstream{Type: provider.TypeOpenAICompatible, BaseURL: mustURL(t, "https://api.groq.com/openai"), Auth: provider.AuthBearer},
			wantURL: "https://api.groq.com/openai/v1/chat/completions", wantAuth: "Bearer " + key,
		},
		{
			name: "compatible-prefix-ending-in-v1", op: gateway.OpModels,
			up:      provider.Upstream{Type: provider.TypeOpenAICompatible, BaseURL: mustURL(t, "https://openrouter.ai/api/v1")},
			wantURL: "https://openrouter.ai/api/v1/models", wantAuth: "Bearer " + key,
		},
		{
			name: "compatible-no-auth", op: gateway.OpChatCompletions, model: "llama3",
			up:      provider.Upstream{Type: provider.TypeOpenAICompatible, BaseURL: mustURL(t, "http://127.0.0.1:11434"), Auth: provider.AuthNone},
			wantURL: "http://127.0.0.1:11434/v1/chat/completions",
		},
		{
			name: "azure-deployment-chat", op: gateway.OpChatCompletions, model: "my-gpt4o",
			up:      provider.Upstream{Type: provider.TypeAzureOpenAI, BaseURL: mustURL(t, "https://res.openai.azure.com"), APIVersion: "2024-10-21"},
			wantURL: "https://res.openai.azure.com/openai/deployments/my-gpt4o/chat/completions?api-version=2024-10-21", wantAPIKy: key,
		},
		{
			name: "azure-deployment-embeddings", op: gateway.OpEmbeddings, model: "emb",
			up:      provider.Upstream{Type: provider.TypeAzureOpenAI, BaseURL: mustURL(t, "https://res.openai.azure.com/openai"), Auth: provider.AuthAPIKey, APIVersion: "2024-10-21"},
			wantURL: "https://res.openai.azure.com/openai/deployments/emb/embeddings?api-version=2024-10-21", wantAPIKy: key,
		},
		{
			name: "azure-dated-responses", op: gateway.OpResponses, model: "gpt-4.1",
			up:      provider.Upstream{Type: provider.TypeAzureOpenAI, BaseURL: mustURL(t, "https://res.openai.azure.com"), APIVersion: "2025-04-01-preview"},
			wantURL: "https://res.openai.azure.com/openai/responses?api-version=2025-04-01-preview", wantAPIKy: key,
		},
		{
			name: "azure-dated-models", op: gateway.OpModels,
			up:      provider.Upstream{Type: provider.TypeAzureOpenAI, BaseURL: mustURL(t, "https://res.openai.azure.com"), APIVersion: "2024-10-21"},
			wantURL: "https://res.openai.azure.com/openai/models?api-version=2024-10-21", wantAPIKy: key,
		},
		{
			name: "azure-deployment-name-escaped", op: gateway.OpChatCompletions, model: "../../admin?x=1#y",
			up:      provider.Upstream{Type: provider.TypeAzureOpenAI, BaseURL: mustURL(t, "https://res.openai.azure.com"), APIVersion: "v"},
			wantURL: "https://res.openai.azure.com/openai/deployments/..%2F..%2Fadmin%3Fx=1%23y/chat/completions?api-version=v", wantAPIKy: key,
		},
		{
			name: "azure-dot-segment-escaped", op: gateway.OpChatCompletions, model: "..",
			up:      provider.Upstream{Type: provider.TypeAzureOpenAI, BaseURL: mustURL(t, "https://res.openai.azure.com"), APIVersion: "v"},
			wantURL: "https://res.openai.azure.com/openai/deployments/%2E%2E/chat/completions?api-version=v", wantAPIKy: key,
		},
		{
			name: "azure-v1", op: gateway.OpChatCompletions, model: "my-gpt4o",
			up:      provider.Upstream{Type: provider.TypeAzureOpenAI, BaseURL: mustURL(t, "https://res.openai.azure.com")},
			wantURL: "https://res.openai.azure.com/openai/v1/chat/completions", wantAPIKy: key,
		},
		{
			name: "azure-v1-base-with-path", op: gateway.OpResponses, model: "my-gpt4o",
			up:      provider.Upstream{Type: provider.TypeAzureOpenAI, BaseURL: mustURL(t, "https://res.openai.azure.com/openai/v1/")},
			wantURL: "https://res.openai.azure.com/openai/v1/responses", wantAPIKy: key,
		},
		{
			name: "azure-entra-bearer", op: gateway.OpEmbeddings, model: "emb",
			up:      provider.Upstream{Type: provider.TypeAzureOpenAI, BaseURL: mustURL(t, "https://res.openai.azure.com"), Auth: provider.AuthBearer},
			wantURL: "https://res.openai.azure.com/openai/v1/embeddings", wantAuth: "Bearer " + key,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := httptest.NewRequest("POST", "http://aigate.local/v1/whatever?key=leak&x=1", nil)
			out := in.Clone(in.Context())
			// Whatever the client sent must not reach the upstream.
			out.Header.Set("Authorization", "Bearer client-credential")
			out.Header.Set("Api-Key", "client-credential")
			out.Header.Set("X-Api-Key", "client-credential")
			out.Header.Set("X-Goog-Api-Key", "client-credential")
			out.Header.Set("OpenAI-Beta", "assistants=v2")
			pr := &httputil.ProxyRequest{In: in, Out: out}
			req := &gateway.Request{Operation: tt.op, Model: tt.model}

			Adapter{}.Rewrite(pr, req, &tt.up, gateway.NewSecret(key))

			if got := out.URL.String(); got != tt.wantURL {
				t.Errorf("URL = %s, want %s", got, tt.wantURL)
			}
			if out.Host != tt.up.BaseURL.Host {
				t.Errorf("Host = %q, want %q", out.Host, tt.up.BaseURL.Host)
			}
			if got := out.Header.Get("Authorization"); got != tt.wantAuth {
				t.Errorf("Authorization = %q, want %q", redact(got, key), redact(tt.wantAuth, key))
			}
			if got := out.Header.Get("Api-Key"); got != tt.wantAPIKy {
				t.Errorf("api-key = %q, want %q", redact(got, key), redact(tt.wantAPIKy, key))
			}
			for _, h := range []string{"X-Api-Key", "X-Goog-Api-Key"} {
				if v := out.Header.Get(h); v != "" {
					t.Errorf("%s = %q, want it removed", h, v)
				}
			}
			if out.Header.Get("OpenAI-Beta") != "assistants=v2" {
				t.Error("Rewrite dropped a header that is not a credential")
			}
			if in.URL.String() != "http://aigate.local/v1/whatever?key=leak&x=1" || in.Header.Get("Authorization") != "" {
				t.Error("Rewrite modified the inbound request")
			}
		})
	}
}

func TestRewriteOtherAuthStyles(t *testing.T) {
	key := testKey(t)
	for _, tt := range []struct {
		auth   provider.AuthStyle
		header string
	}{{provider.AuthXAPIKey, "X-Api-Key"}, {provider.AuthGoogle, "X-Goog-Api-Key"}} {
		out := httptest.NewRequest("POST", "http://aigate.local/v1/chat/completions", nil)
		pr := &httputil.ProxyRequest{In: out.Clone(out.Context()), Out: out}
		up := provider.Upstream{Type: provider.TypeOpenAICompatible, BaseURL: mustURL(t, "https://example.com"), Auth: tt.auth}
		Adapter{}.Rewrite(pr, &gateway.Request{Operation: gateway.OpChatCompletions, Model: "m"}, &up, gateway.NewSecret(key))
		if out.Header.Get(tt.header) != key || out.Header.Get("Authorization") != "" {
			t.Errorf("auth %s: %s set %v, Authorization set %v", tt.auth, tt.header, out.Header.Get(tt.header) == key, out.Header.Get("Authorization") != "")
		}
	}
}

func TestRewriteNoKeySetsNoCredential(t *testing.T) {
	out := httptest.NewRequest("POST", "http://aigate.local/v1/chat/completions", nil)
	out.Header.Set("Authorization", "Bearer client-credential")
	pr := &httputil.ProxyRequest{In: out.Clone(out.Context()), Out: out}
	up := provider.Upstream{Type: provider.TypeOpenAI, BaseURL: mustURL(t, "https://api.openai.com")}
	Adapter{}.Rewrite(pr, &gateway.Request{Operation: gateway.OpChatCompletions, Model: "m"}, &up, gateway.Secret{})
	if h := out.Header.Get("Authorization"); h != "" {
		t.Errorf("Authorization = %q, want none", h)
	}
}

// redact hides the test key in failure messages.
func redact(s, key string) string {
	if key != "" && len(s) >= len(key) && s[len(s)-len(key):] == key {
		return s[:len(s)-len(key)] + gateway.Redacted
	}
	return s
}
