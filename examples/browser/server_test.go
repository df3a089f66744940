package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/internal/tokens"
)

// fakeMinter stands in for aigate's POST /v1/aigate/tokens: it checks the
// backend's key and records the mint request.
type fakeMinter struct {
	key  string
	last tokens.MintRequest
	n    int
}

func (f *fakeMinter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/aigate/tokens" || r.Method != http.MethodPost {
		http.NotFound(w, r)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+f.key {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"error":{"message":"invalid aigate key","type":"invalid_request_error"}}`)
		return
	}
	f.n++
	f.last = tokens.MintRequest{}
	_ = json.NewDecoder(r.Body).Decode(&f.last)
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(tokens.MintResponse{Token: "agt_test-token", ID: "tk_1", ParentKey: "vk_1",
		User: "demo-user", ExpiresAt: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)})
}

// startExample runs the backend against a fake minter; it returns the
// backend's URL and a client with a cookie jar.
func startExample(t *testing.T, gatewayKey, backendKey string) (string, *fakeMinter, *http.Client) {
	t.Helper()
	f := &fakeMinter{key: gatewayKey}
	gw := httptest.NewServer(f)
	t.Cleanup(gw.Close)
	vendor := t.TempDir()
	for name, body := range map[string]string{"index.mjs": "export {};", "core.js": "'use strict';", "package.json": "{}"} {
		if err := os.WriteFile(filepath.Join(vendor, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewUnstartedServer(nil)
	origin := "http://" + srv.Listener.Addr().String()
	h, err := New(Config{Gateway: gw.URL, Key: backendKey, Origin: origin, Model: "gpt-4o-mini", TTL: 5 * time.Minute, Vendor: vendor})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	return srv.URL, f, &http.Client{Jar: jar}
}

func post(t *testing.T, c *http.Client, url string, h http.Header) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader("{}"))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestTokenNeedsSignIn(t *testing.T) {
	key := "aig-test-" + randomHex(t, 8)
	url, f, c := startExample(t, key, key)
	resp, body := post(t, c, url+"/api/token", nil)
	if resp.StatusCode != http.StatusUnauthorized || f.n != 0 {
		t.Fatalf("token without sign-in: %d %s, %d mints; want 401 and none", resp.StatusCode, body, f.n)
	}
}

func TestTokenForSignedInUser(t *testing.T) {
	key := "aig-test-" + randomHex(t, 8)
	url, f, c := startExample(t, key, key)
	resp, body := post(t, c, url+"/api/login", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login: %d %s", resp.StatusCode, body)
	}
	sc := resp.Cookies()
	if len(sc) != 1 || !sc[0].HttpOnly || sc[0].SameSite != http.SameSiteStrictMode {
		t.Errorf("session cookie %+v, want one HttpOnly SameSite=Strict cookie", sc)
	}

	resp, body = post(t, c, url+"/api/token", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("token: %d %s", resp.StatusCode, body)
	}
	if strings.Contains(body, key) {
		t.Error("the token answer holds the aigate key")
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	var fields []string
	for k := range got {
		fields = append(fields, k)
	}
	slices.Sort(fields)
	if want := []string{"base_url", "expires_at", "model", "token"}; !slices.Equal(fields, want) {
		t.Errorf("token answer fields = %v, want %v", fields, want)
	}
	if got["token"] != "agt_test-token" || !strings.HasSuffix(got["base_url"].(string), "/v1") || got["expires_at"] != "2030-01-02T03:04:05Z" {
		t.Errorf("token answer = %v", got)
	}
	// The mint binds the token to the user, the page's origin and the model.
	if m := f.last; m.User != demoUser || m.Origin != url || !slices.Equal(m.Models, []string{"gpt-4o-mini"}) || string(m.TTL) != `"5m0s"` {
		t.Errorf("mint request = %+v (ttl %s), want user %s, origin %s, model gpt-4o-mini, ttl 5m", m, m.TTL, demoUser, url)
	}
}

func TestCrossOriginRefused(t *testing.T) {
	key := "aig-test-" + randomHex(t, 8)
	url, f, c := startExample(t, key, key)
	post(t, c, url+"/api/login", nil)
	resp, _ := post(t, c, url+"/api/token", http.Header{"Origin": {"https://evil.example"}})
	if resp.StatusCode != http.StatusForbidden || f.n != 0 {
		t.Fatalf("cross-origin token request: %d, %d mints; want 403 and none", resp.StatusCode, f.n)
	}
}

func TestGatewayRefusalNotPassedOn(t *testing.T) {
	url, _, c := startExample(t, "aig-test-"+randomHex(t, 8), "aig-wrong-"+randomHex(t, 8))
	post(t, c, url+"/api/login", nil)
	resp, body := post(t, c, url+"/api/token", nil)
	if resp.StatusCode != http.StatusBadGateway || strings.Contains(body, "agt_") {
		t.Fatalf("a refused mint: %d %s, want 502 without a token", resp.StatusCode, body)
	}
}

func TestServesOnlyScriptsOfTheSDK(t *testing.T) {
	key := "aig-test-" + randomHex(t, 8)
	url, _, c := startExample(t, key, key)
	for path, want := range map[string]int{
		"/vendor/openai/index.mjs":    http.StatusOK,
		"/vendor/openai/core.js":      http.StatusOK,
		"/vendor/openai/package.json": http.StatusNotFound,
		"/vendor/openai/":             http.StatusNotFound,
		"/app.js":                     http.StatusOK,
		"/":                           http.StatusOK,
		"/index.html":                 http.StatusNotFound,
	} {
		resp, err := c.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s = %d, want %d", path, resp.StatusCode, want)
		}
		if want == http.StatusOK && path != "/" && !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") {
			t.Errorf("GET %s: Content-Type %q, want text/javascript", path, resp.Header.Get("Content-Type"))
		}
	}
}
