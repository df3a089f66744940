package cors

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/internal/gateway"
)

func mustPolicy(t *testing.T, c Config) *Policy {
	t.Helper()
	p, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The headers the SDKs ask for in their preflights, as browsers send them
// (lower-case, comma-separated, sorted).
const (
	openaiHeaders    = "authorization,content-type,x-stainless-arch,x-stainless-lang,x-stainless-os,x-stainless-package-version,x-stainless-retry-count,x-stainless-runtime,x-stainless-runtime-version,x-stainless-timeout"
	anthropicHeaders = "anthropic-dangerous-direct-browser-access,anthropic-version,content-type,x-api-key,x-stainless-lang,x-stainless-retry-count"
	geminiHeaders    = "content-type,x-goog-api-client,x-goog-api-key"
)

func preflight(origin, method, headers string) *http.Request {
	r := httptest.NewRequest(http.MethodOptions, "/v1/chat/completions", nil)
	if origin != "" {
		r.Header.Set("Origin", origin)
	}
	if method != "" {
		r.Header.Set("Access-Control-Request-Method", method)
	}
	if headers != "" {
		r.Header.Set("Access-Control-Request-Headers", headers)
	}
	return r
}

func TestPreflight(t *testing.T) {
	app := mustPolicy(t, Config{Origins: []string{"https://App.Example", "http://localhost:5173"}, MaxAge: time.Hour})
	creds := mustPolicy(t, Config{Origins: []string{"https://app.example"}, AllowCredentials: true})
	star := mustPolicy(t, Config{Origins: []string{"*"}})
	tests := []struct {
		name        string
		p           *Policy
		req         *http.Request
		wantOK      bool
		wantOrigin  string
		wantHeaders string
		wantCreds   string
	}{
		{"openai-sdk", app, preflight("https://app.example", "POST", openaiHeaders), true, "https://app.example", strings.ReplaceAll(openaiHeaders, ",", ", "), ""},
		{"anthropic-sdk", app, preflight("https://app.example", "POST", anthropicHeaders), true, "https://app.example", strings.ReplaceAll(anthropicHeaders, ",", ", "), ""},
		{"gemini-sdk", app, preflight("http://localhost:5173", "POST", geminiHeaders), true, "http://localhost:5173", strings.ReplaceAll(geminiHeaders, ",", ", "), ""},
		{"origin-case-insensitive", app, preflight("HTTPS://APP.EXAMPLE", "POST", "content-type"), true, "HTTPS://APP.EXAMPLE", "content-type", ""},
		{"get-models", app, preflight("https://app.example", "GET", "authorization"), true, "https://app.example", "authorization", ""},
		{"other-origin", app, preflight("https://evil.example", "POST", "authorization"), false, "", "", ""},
		{"null-origin", app, preflight("null", "POST", "authorization"), false, "", "", ""},
		{"other-scheme", app, preflight("http://app.example", "POST", "authorization"), false, "", "", ""},
		{"method-put", app, preflight("https://app.example", "PUT", "authorization"), false, "", "", ""},
		{"unknown-header", app, preflight("https://app.example", "POST", "authorization,x-forwarded-for"), false, "", "", ""},
		{"bare-prefix-header", app, preflight("https://app.example", "POST", "x-stainless-"), false, "", "", ""},
		{"off", nil, preflight("https://app.example", "POST", "authorization"), false, "", "", ""},
		{"wildcard", star, preflight("https://any.example", "POST", "authorization"), true, "*", "authorization", ""},
		{"credentials-echo-origin", creds, preflight("https://app.example", "POST", "authorization"), true, "https://app.example", "authorization", "true"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			if !IsPreflight(tt.req) {
				t.Fatal("IsPreflight = false")
			}
			ok := tt.p.Preflight(w, tt.req)
			h := w.Result().Header
			if ok != tt.wantOK {
				t.Fatalf("Preflight = %v, want %v", ok, tt.wantOK)
			}
			wantStatus := http.StatusForbidden
			if tt.wantOK {
				wantStatus = http.StatusNoContent
			}
			if w.Code != wantStatus {
				t.Errorf("status = %d, want %d", w.Code, wantStatus)
			}
			if got := h.Get("Access-Control-Allow-Origin"); got != tt.wantOrigin {
				t.Errorf("Access-Control-Allow-Origin = %q, want %q", got, tt.wantOrigin)
			}
			if got := h.Get("Access-Control-Allow-Headers"); got != tt.wantHeaders {
				t.Errorf("Access-Control-Allow-Headers = %q, want %q", got, tt.wantHeaders)
			}
			if got := h.Get("Access-Control-Allow-Credentials"); got != tt.wantCreds {
				t.Errorf("Access-Control-Allow-Credentials = %q, want %q", got, tt.wantCreds)
			}
			if !slices.Contains(h.Values("Vary"), "Origin") {
				t.Errorf("Vary = %q, want Origin", h.Values("Vary"))
			}
			if tt.wantOK {
				if got := h.Get("Access-Control-Allow-Methods"); got != "GET, POST" {
					t.Errorf("Access-Control-Allow-Methods = %q", got)
				}
				if got, want := h.Get("Access-Control-Max-Age"), map[*Policy]string{app: "3600"}[tt.p]; want != "" && got != want {
					t.Errorf("Access-Control-Max-Age = %q, want %q", got, want)
				}
			}
		})
	}
	t.Run("not-preflights", func(t *testing.T) {
		for _, r := range []*http.Request{
			preflight("", "POST", ""),
			preflight("https://app.example", "", ""),
			httptest.NewRequest(http.MethodPost, "/", nil),
		} {
			if IsPreflight(r) {
				t.Errorf("IsPreflight(%s Origin=%q ACRM=%q) = true", r.Method, r.Header.Get("Origin"), r.Header.Get("Access-Control-Request-Method"))
			}
		}
	})
}

func TestApply(t *testing.T) {
	key := mustPolicy(t, Config{Origins: []string{"https://app.example"}})
	tests := []struct {
		name       string
		p          *Policy
		origin     string
		wantOK     bool
		wantOrigin string
	}{
		{"allowed", key, "https://app.example", true, "https://app.example"},
		{"other", key, "https://evil.example", false, ""},
		{"no-origin", key, "", false, ""},
		{"off", nil, "https://app.example", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if got := tt.p.Apply(h, tt.origin); got != tt.wantOK {
				t.Errorf("Apply = %v, want %v", got, tt.wantOK)
			}
			if got := h.Get("Access-Control-Allow-Origin"); got != tt.wantOrigin {
				t.Errorf("Access-Control-Allow-Origin = %q, want %q", got, tt.wantOrigin)
			}
			if h.Get("Vary") != "Origin" {
				t.Errorf("Vary = %q, want Origin on every response", h.Get("Vary"))
			}
			if tt.wantOK && !strings.Contains(h.Get("Access-Control-Expose-Headers"), "x-request-id") {
				t.Errorf("Access-Control-Expose-Headers = %q, want the request id exposed", h.Get("Access-Control-Expose-Headers"))
			}
			if h.Get("Access-Control-Allow-Credentials") != "" {
				t.Error("credentials allowed without AllowCredentials")
			}
		})
	}
}

func TestCheck(t *testing.T) {
	key := mustPolicy(t, Config{Origins: []string{"https://app.example"}})
	for _, tt := range []struct {
		name   string
		p      *Policy
		origin string
		want   gateway.Code // empty: allowed
	}{
		{"allowed", key, "https://app.example", ""},
		{"no-origin-server-client", key, "", ""},
		{"no-origin-cors-off", nil, "", ""},
		{"other-origin", key, "https://evil.example", gateway.CodeForbidden},
		{"any-origin-cors-off", nil, "https://app.example", gateway.CodeForbidden},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Check(tt.origin)
			if tt.want == "" {
				if err != nil {
					t.Errorf("Check(%q) = %v, want nil", tt.origin, err)
				}
				return
			}
			if gateway.ErrorCode(err) != tt.want {
				t.Errorf("Check(%q) = %v, want %s", tt.origin, err, tt.want)
			}
		})
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name string
		c    Config
		want string
	}{
		{"wildcard-with-credentials", Config{Origins: []string{"*"}, AllowCredentials: true}, "cannot be combined"},
		{"wildcard-and-list", Config{Origins: []string{"*", "https://a.example"}}, "only entry"},
		{"null", Config{Origins: []string{"null"}}, `origins[0]: origin "null"`},
		{"path", Config{Origins: []string{"https://a.example/app"}}, "origins[0]"},
		{"no-scheme", Config{Origins: []string{"https://ok.example", "app.example"}}, "origins[1]"},
		{"pattern", Config{Origins: []string{"https://*.example"}}, "origins[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.c); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New(%+v) = %v, want an error containing %q", tt.c, err, tt.want)
			}
		})
	}
	t.Run("off-by-default", func(t *testing.T) {
		p, err := New(Config{})
		if p != nil || err != nil {
			t.Errorf("New(Config{}) = %v, %v; want nil, nil (CORS off)", p, err)
		}
	})
}

func TestUnion(t *testing.T) {
	a := mustPolicy(t, Config{Origins: []string{"https://a.example"}})
	b := mustPolicy(t, Config{Origins: []string{"https://b.example", "https://a.example"}, MaxAge: time.Hour})
	u := Union(nil, a, b)
	for origin, want := range map[string]bool{"https://a.example": true, "https://b.example": true, "https://c.example": false} {
		if got := u.Allows(origin); got != want {
			t.Errorf("Union.Allows(%q) = %v, want %v", origin, got, want)
		}
	}
	if u.maxAge != "3600" {
		t.Errorf("Union max age = %s, want the longest, 3600", u.maxAge)
	}
	if Union(nil, nil) != nil {
		t.Error("Union of nothing is not nil (CORS off)")
	}
	star := mustPolicy(t, Config{Origins: []string{"*"}})
	creds := mustPolicy(t, Config{Origins: []string{"https://c.example"}, AllowCredentials: true})
	h := http.Header{}
	Union(star, creds).Apply(h, "https://c.example")
	if h.Get("Access-Control-Allow-Origin") != "https://c.example" {
		t.Errorf("Union(*, credentials) sent %q, want the origin echoed, never * with credentials", h.Get("Access-Control-Allow-Origin"))
	}
}

// TestHandler runs the intended wiring on a real server: preflights are
// answered by the union policy without reaching the gateway; real requests
// get per-key headers after authentication.
func TestHandler(t *testing.T) {
	keys := map[string]*Policy{
		"Bearer key-a": mustPolicy(t, Config{Origins: []string{"https://a.example"}}),
		"Bearer key-b": mustPolicy(t, Config{Origins: []string{"https://b.example"}}),
	}
	pre := Union(keys["Bearer key-a"], keys["Bearer key-b"])
	reached := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if IsPreflight(r) {
			pre.Preflight(w, r)
			return
		}
		reached++
		key, ok := keys[r.Header.Get("Authorization")]
		if !ok {
			pre.Apply(w.Header(), origin)
			http.Error(w, "unauthenticated", http.StatusUnauthorized)
			return
		}
		if err := key.Check(origin); err != nil {
			key.Apply(w.Header(), origin)
			http.Error(w, "forbidden", gateway.ErrorCode(err).Status())
			return
		}
		key.Apply(w.Header(), origin)
		_, _ = w.Write([]byte("ok"))
	}))
	defer srv.Close()
	do := func(method, origin, auth string, extra map[string]string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+"/v1/chat/completions", nil)
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		for k, v := range extra {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for _, tt := range []struct {
		name, method, origin, auth string
		extra                      map[string]string
		status                     int
		allowOrigin                string
	}{
		{"preflight-b", "OPTIONS", "https://b.example", "", map[string]string{"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type"}, 204, "https://b.example"},
		{"key-a-from-a", "POST", "https://a.example", "Bearer key-a", nil, 200, "https://a.example"},
		{"key-a-from-b", "POST", "https://b.example", "Bearer key-a", nil, 403, ""},
		{"key-a-server", "POST", "", "Bearer key-a", nil, 200, ""},
		{"bad-key-readable-error", "POST", "https://a.example", "Bearer nope", nil, 401, "https://a.example"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp := do(tt.method, tt.origin, tt.auth, tt.extra)
			if resp.StatusCode != tt.status {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.status)
			}
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != tt.allowOrigin {
				t.Errorf("Access-Control-Allow-Origin = %q, want %q", got, tt.allowOrigin)
			}
		})
	}
	if reached != 4 {
		t.Errorf("the gateway handled %d requests, want 4 (preflights never reach it)", reached)
	}
}
