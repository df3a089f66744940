package anthropic

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
	b := make([]byte, 24)
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
		ok             bool
	}{
		{"POST", "/v1/messages", gateway.OpMessages, true},
		{"POST", "/v1/messages?beta=true", gateway.OpMessages, true},
		{"POST", "/v1/messages/count_tokens", gateway.OpCountTokens, true},
		{"GET", "/v1/messages", "", false},
		{"POST", "/v1/messages/", "", false},
		{"POST", "/v1/messages/batches", "", false},
		{"POST", "/v1/complete", "", false},
		{"POST", "/v1/chat/completions", "", false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(tt.method, tt.target, nil)
		op, model, ok := Adapter{}.Match(r)
		if op != tt.op || model != "" || ok != tt.ok {
			t.Errorf("Match(%s %s) = %q, %q, %v; want %q, \"\", %v", tt.method, tt.target, op, model, ok, tt.op, tt.ok)
		}
	}
}

func TestRewrite(t *testing.T) {
	key := testKey(t, "sk-ant-test-")
	clientKey := testKey(t, "agk_")
	tests := []struct {
		name       string
		op         gateway.Operation
		target     string // inbound request
		header     http.Header
		base       string
		auth       provider.AuthStyle
		wantURL    string
		wantHeader http.Header // expected values; "" means absent
	}{
		{
			name:    "x-api-key",
			op:      gateway.OpMessages,
			target:  "/v1/messages",
			base:    "https://api.anthropic.com",
			auth:    provider.AuthXAPIKey,
			wantURL: "https://api.anthropic.com/v1/messages",
			wantHeader: http.Header{
				"X-Api-Key": {key}, "Authorization": nil, "Anthropic-Version": {DefaultVersion},
			},
		},
		{
			name:    "zero-auth-is-x-api-key",
			op:      gateway.OpCountTokens,
			target:  "/v1/messages/count_tokens",
			base:    "https://api.anthropic.com/",
			wantURL: "https://api.anthropic.com/v1/messages/count_tokens",
			wantHeader: http.Header{
				"X-Api-Key": {key}, "Anthropic-Version": {DefaultVersion},
			},
		},
		{
			name:   "bearer-prefix-and-client-version",
			op:     gateway.OpCountTokens,
			target: "/v1/messages/count_tokens?beta=true&key=" + clientKey,
			header: http.Header{
				"Anthropic-Version": {"2024-01-01"}, "Anthropic-Beta": {"token-counting-2024-11-01"},
				"X-Api-Key": {clientKey}, "Authorization": {"Bearer " + clientKey},
			},
			base:    "http://llm-proxy.internal:8080/anthropic/",
			auth:    provider.AuthBearer,
			wantURL: "http://llm-proxy.internal:8080/anthropic/v1/messages/count_tokens?beta=true",
			wantHeader: http.Header{
				"Authorization": {"Bearer " + key}, "X-Api-Key": nil,
				"Anthropic-Version": {"2024-01-01"}, "Anthropic-Beta": {"token-counting-2024-11-01"},
			},
		},
		{
			name:    "none",
			op:      gateway.OpMessages,
			target:  "/v1/messages",
			header:  http.Header{"X-Api-Key": {clientKey}, "X-Goog-Api-Key": {clientKey}, "Api-Key": {clientKey}},
			base:    "http://127.0.0.1:9000",
			auth:    provider.AuthNone,
			wantURL: "http://127.0.0.1:9000/v1/messages",
			wantHeader: http.Header{
				"X-Api-Key": nil, "Authorization": nil, "X-Goog-Api-Key": nil, "Api-Key": nil,
				"Anthropic-Version": {DefaultVersion},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := httptest.NewRequest(http.MethodPost, "http://aigate.local"+tt.target, strings.NewReader("{}"))
			for k, v := range tt.header {
				in.Header[k] = v
			}
			pr := &httputil.ProxyRequest{In: in, Out: in.Clone(t.Context())}
			u := &provider.Upstream{Name: "anthropic", Type: provider.TypeAnthropic, BaseURL: mustURL(t, tt.base), Auth: tt.auth}
			Adapter{}.Rewrite(pr, &gateway.Request{Operation: tt.op}, u, gateway.NewSecret(key))

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
			if strings.Contains(pr.Out.URL.RawQuery, clientKey) {
				t.Errorf("Rewrite kept the client credential in the query")
			}
			if in.URL.Path != strings.SplitN(tt.target, "?", 2)[0] {
				t.Errorf("Rewrite changed the inbound request")
			}
		})
	}
}

func TestWriteError(t *testing.T) {
	tests := []struct {
		code   gateway.Code
		status int
		typ    string
	}{
		{gateway.CodeInvalid, 400, "invalid_request_error"},
		{gateway.CodeUnsupportedMedia, 415, "invalid_request_error"},
		{gateway.CodeUnauthenticated, 401, "authentication_error"},
		{gateway.CodeForbidden, 403, "permission_error"},
		{gateway.CodeNotFound, 404, "not_found_error"},
		{gateway.CodeTooLarge, 413, "request_too_large"},
		{gateway.CodeRateLimited, 429, "rate_limit_error"},
		{gateway.CodeBudgetExceeded, 402, "billing_error"},
		{gateway.CodeUpstream, 502, "api_error"},
		{gateway.CodeUnavailable, 503, "overloaded_error"},
		{gateway.CodeTimeout, 504, "timeout_error"},
		{gateway.CodeInternal, 500, "api_error"},
		{gateway.Code("made_up"), 500, "api_error"},
	}
	for _, tt := range tests {
		t.Run(string(tt.code), func(t *testing.T) {
			rec := httptest.NewRecorder()
			e := &gateway.Error{
				Code:    tt.code,
				Message: `limit "reached" <soon>`,
				Err:     errorString("log-only detail"),
				Header:  http.Header{"Retry-After": {"7"}},
			}
			Adapter{}.WriteError(rec, e)
			if rec.Code != tt.status {
				t.Errorf("WriteError(%s) status = %d, want %d", tt.code, rec.Code, tt.status)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			if ra := rec.Header().Get("Retry-After"); ra != "7" {
				t.Errorf("Retry-After = %q, want 7", ra)
			}
			var body struct {
				Type  string `json:"type"`
				Error struct {
					Type    string `json:"type"`
					Message string `json:"message"`
				} `json:"error"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %s: %v", rec.Body, err)
			}
			if body.Type != "error" || body.Error.Type != tt.typ || body.Error.Message != e.Message {
				t.Errorf("WriteError body = %s; want type error, error.type %s and the message", rec.Body, tt.typ)
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
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), `"api_error"`) {
		t.Errorf("WriteError(nil) = %d %s; want 500 api_error", rec.Code, rec.Body)
	}
}

type errorString string

func (e errorString) Error() string { return string(e) }
