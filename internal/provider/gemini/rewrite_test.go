package gemini

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider"
)

// testKey returns a key-shaped value made at run time, so no key-like
// string is committed.
func testKey(t testing.TB, prefix string) string {
	t.Helper()
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestMatch(t *testing.T) {
	tests := []struct {
		method, target string
		op             gateway.Operation
		model          string
		ok             bool
	}{
		{"POST", "/v1beta/models/gemini-2.5-flash:generateContent", gateway.OpGenerateContent, "gemini-2.5-flash", true},
		{"POST", "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", gateway.OpStreamGenerate, "gemini-2.5-flash", true},
		{"POST", "/v1beta/models/gemini-2.5-flash:streamGenerateContent", gateway.OpStreamGenerate, "gemini-2.5-flash", true},
		{"POST", "/v1beta/models/gemini-2.5-flash:countTokens", gateway.OpGeminiCountTokens, "gemini-2.5-flash", true},
		{"POST", "/v1beta/models/gemini-embedding-001:embedContent", gateway.OpEmbedContent, "gemini-embedding-001", true},
		{"POST", "/v1beta/models/gemini-embedding-001:batchEmbedContents", gateway.OpGeminiBatchEmbed, "gemini-embedding-001", true},
		{"POST", "/v1/models/gemini-2.0-flash:generateContent", gateway.OpGenerateContent, "gemini-2.0-flash", true},
		{"POST", "/v1beta/models/gemini-2.5-flash%3AgenerateContent", gateway.OpGenerateContent, "gemini-2.5-flash", true},
		{"POST", "/v1beta/tunedModels/my_model-7:generateContent", gateway.OpGenerateContent, "tunedModels/my_model-7", true},
		{"GET", "/v1beta/models/gemini-2.5-flash:generateContent", "", "", false},
		{"POST", "/v1beta/models/gemini-2.5-flash:predict", "", "", false},
		{"POST", "/v1beta/models/gemini-2.5-flash", "", "", false},
		{"POST", "/v1beta/models/:generateContent", "", "", false},
		{"POST", "/v1beta/models/a%2Fb:generateContent", "", "", false},
		{"POST", "/v1beta/models/a/b:generateContent", "", "", false},
		{"POST", "/v1beta/models/..:generateContent", "", "", false},
		{"POST", "/v1beta/models/a%20b:generateContent", "", "", false},
		{"POST", "/v1beta/cachedContents/x:generateContent", "", "", false},
		{"POST", "/v1beta1/models/g:generateContent", "", "", false},
		{"POST", "/v2/models/g:generateContent", "", "", false},
		{"POST", "/v1beta/models/g:generateContent:x", "", "", false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(tt.method, "http://aigate.local"+tt.target, nil)
		op, model, ok := Adapter{}.Match(r)
		if op != tt.op || model != tt.model || ok != tt.ok {
			t.Errorf("Match(%s %s) = %q, %q, %v; want %q, %q, %v", tt.method, tt.target, op, model, ok, tt.op, tt.model, tt.ok)
		}
	}
}

func TestRewrite(t *testing.T) {
	key := testKey(t, "AIzaTEST")
	clientKey := testKey(t, "agk_")
	tests := []struct {
		name       string
		op         gateway.Operation
		model      string
		target     string
		header     http.Header
		base       string
		auth       provider.AuthStyle
		wantURL    string
		wantHeader http.Header
	}{
		{
			name:       "generate",
			op:         gateway.OpGenerateContent,
			model:      "gemini-2.5-flash",
			target:     "/v1beta/models/gemini-2.5-flash:generateContent",
			base:       "https://generativelanguage.googleapis.com",
			auth:       provider.AuthGoogle,
			wantURL:    "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent",
			wantHeader: http.Header{"X-Goog-Api-Key": {key}, "Authorization": nil},
		},
		{
			name:   "stream-sse-key-dropped-v1-to-v1beta",
			op:     gateway.OpStreamGenerate,
			model:  "gemini-2.5-flash",
			target: "/v1/models/gemini-2.5-flash:streamGenerateContent?key=" + clientKey + "&alt=sse&prettyPrint=false",
			header: http.Header{
				"X-Goog-Api-Key": {clientKey}, "Authorization": {"Bearer " + clientKey},
				"X-Goog-Api-Client": {"google-genai-sdk/1.0"},
			},
			base:       "http://127.0.0.1:8089/gemini/",
			wantURL:    "http://127.0.0.1:8089/gemini/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
			wantHeader: http.Header{"X-Goog-Api-Key": {key}, "Authorization": nil, "X-Goog-Api-Client": {"google-genai-sdk/1.0"}},
		},
		{
			name:       "tuned-batch-embed-bearer",
			op:         gateway.OpGeminiBatchEmbed,
			model:      "tunedModels/t-1",
			target:     "/v1beta/tunedModels/t-1:batchEmbedContents",
			header:     http.Header{"X-Goog-Api-Key": {clientKey}},
			base:       "https://gemini-proxy.internal",
			auth:       provider.AuthBearer,
			wantURL:    "https://gemini-proxy.internal/v1beta/tunedModels/t-1:batchEmbedContents",
			wantHeader: http.Header{"Authorization": {"Bearer " + key}, "X-Goog-Api-Key": nil},
		},
		{
			name:       "count-tokens-model-from-request",
			op:         gateway.OpGeminiCountTokens,
			model:      "gemini-2.5-pro", // a guard may have changed the model
			target:     "/v1beta/models/gemini-2.5-flash%3AcountTokens",
			base:       "https://generativelanguage.googleapis.com",
			auth:       provider.AuthNone,
			wantURL:    "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:countTokens",
			wantHeader: http.Header{"X-Goog-Api-Key": nil, "Authorization": nil},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := httptest.NewRequest(http.MethodPost, "http://aigate.local"+tt.target, strings.NewReader("{}"))
			for k, v := range tt.header {
				in.Header[k] = v
			}
			pr := &httputil.ProxyRequest{In: in, Out: in.Clone(t.Context())}
			u := &provider.Upstream{Name: "gemini", Type: provider.TypeGemini, BaseURL: mustURL(t, tt.base), Auth: tt.auth}
			req := &gateway.Request{Operation: tt.op, Model: tt.model, Query: url.Values{}}
			if v, ok := in.URL.Query()["alt"]; ok { // as the front door does
				req.Query["alt"] = v
			}
			Adapter{}.Rewrite(pr, req, u, gateway.NewSecret(key))

			if got := pr.Out.URL.String(); got != tt.wantURL {
				t.Errorf("Rewrite URL = %s, want %s", got, tt.wantURL)
			}
			if pr.Out.Host != "" {
				t.Errorf("Rewrite Host = %q, want empty (taken from the URL)", pr.Out.Host)
			}
			for k, want := range tt.wantHeader {
				if got := pr.Out.Header.Values(k); !cmp.Equal(got, []string(want)) {
					t.Errorf("Rewrite header %s = %q, want %q", k, got, want)
				}
			}
			for k, vs := range pr.Out.Header {
				for _, v := range vs {
					if strings.Contains(v, clientKey) {
						t.Errorf("Rewrite kept the client credential in header %s", k)
					}
				}
			}
			if strings.Contains(pr.Out.URL.String(), clientKey) || pr.Out.URL.Query().Has("key") {
				t.Errorf("Rewrite kept the key query parameter")
			}
		})
	}
}

func TestWriteError(t *testing.T) {
	tests := []struct {
		code   gateway.Code
		status int
		rpc    string
	}{
		{gateway.CodeInvalid, 400, "INVALID_ARGUMENT"},
		{gateway.CodeUnsupportedMedia, 415, "INVALID_ARGUMENT"},
		{gateway.CodeTooLarge, 413, "INVALID_ARGUMENT"},
		{gateway.CodeUnauthenticated, 401, "UNAUTHENTICATED"},
		{gateway.CodeForbidden, 403, "PERMISSION_DENIED"},
		{gateway.CodeNotFound, 404, "NOT_FOUND"},
		{gateway.CodeRateLimited, 429, "RESOURCE_EXHAUSTED"},
		{gateway.CodeBudgetExceeded, 402, "RESOURCE_EXHAUSTED"},
		{gateway.CodeUpstream, 502, "UNAVAILABLE"},
		{gateway.CodeUnavailable, 503, "UNAVAILABLE"},
		{gateway.CodeTimeout, 504, "DEADLINE_EXCEEDED"},
		{gateway.CodeInternal, 500, "INTERNAL"},
		{gateway.Code("made_up"), 500, "INTERNAL"},
	}
	for _, tt := range tests {
		t.Run(string(tt.code), func(t *testing.T) {
			rec := httptest.NewRecorder()
			e := &gateway.Error{Code: tt.code, Message: `limit "reached" <soon>`, Err: errorString("log-only detail"), Header: http.Header{"Retry-After": {"7"}}}
			Adapter{}.WriteError(rec, e)
			if rec.Code != tt.status {
				t.Errorf("WriteError(%s) status = %d, want %d", tt.code, rec.Code, tt.status)
			}
			if ra := rec.Header().Get("Retry-After"); ra != "7" {
				t.Errorf("Retry-After = %q, want 7", ra)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q", ct)
			}
			var body struct {
				Error struct {
					Code    int    `json:"code"`
					Message string `json:"message"`
					Status  string `json:"status"`
				} `json:"error"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %s: %v", rec.Body, err)
			}
			if body.Error.Code != tt.status || body.Error.Status != tt.rpc || body.Error.Message != e.Message {
				t.Errorf("WriteError body = %s; want code %d, status %s and the message", rec.Body, tt.status, tt.rpc)
			}
			if strings.Contains(rec.Body.String(), "log-only") {
				t.Errorf("WriteError sent Err to the client: %s", rec.Body)
			}
		})
	}
}

func TestWriteErrorNil(t *testing.T) {
	rec := httptest.NewRecorder()
	Adapter{}.WriteError(rec, nil)
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), `"INTERNAL"`) {
		t.Errorf("WriteError(nil) = %d %s; want 500 INTERNAL", rec.Code, rec.Body)
	}
}

type errorString string

func (e errorString) Error() string { return string(e) }
