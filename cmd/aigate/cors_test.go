package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/internal/keys"
)

// preflight sends a browser's CORS preflight for a chat request from origin.
func (g *testGateway) preflight(t *testing.T, origin, headers string) *http.Response {
	t.Helper()
	h := http.Header{"Origin": {origin}, "Access-Control-Request-Method": {"POST"}}
	if headers != "" {
		h.Set("Access-Control-Request-Headers", headers)
	}
	resp, _ := g.do(t, "OPTIONS", "/v1/chat/completions", "", h)
	return resp
}

// sdkHeaders are what the OpenAI JS SDK asks for in a browser.
const sdkHeaders = "authorization, content-type, x-stainless-os, x-stainless-lang, x-stainless-package-version, x-stainless-retry-count"

func TestCORSOffByDefault(t *testing.T) {
	g := mustRunGateway(t, "")
	resp := g.preflight(t, "https://app.example", sdkHeaders)
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight with CORS off: %d, ACAO %q; want 403 without CORS headers", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
	}
	if log := g.log.String(); !strings.Contains(log, `"method":"OPTIONS"`) || !strings.Contains(log, `"status":403,"decision":"refused"`) {
		t.Error("the refused preflight is not logged as refused")
	}
	resp, data := g.chatWith(t, g.key, chatBody, http.Header{"Origin": {"https://app.example"}})
	wantRefusal(t, "browser request to a key without CORS origins", resp, data, 403, "origin")
	if resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Error("a refused origin got Access-Control-Allow-Origin")
	}
	resp, data = g.chatWith(t, g.key, chatBody, nil)
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("server request: %d %s, ACAO %q", resp.StatusCode, data, resp.Header.Get("Access-Control-Allow-Origin"))
	}
}

func TestCORSPerKey(t *testing.T) {
	g := mustRunGateway(t, "")
	key, _ := g.mustKey(t, keys.CreateOptions{Name: "web", Owner: "dora", CORSOrigins: []string{"https://App.example"}})
	other, _ := g.mustKey(t, keys.CreateOptions{Name: "shop", Owner: "erin", CORSOrigins: []string{"https://shop.example"}})

	t.Run("preflight", func(t *testing.T) {
		resp := g.preflight(t, "https://app.example", sdkHeaders)
		h := resp.Header
		if resp.StatusCode != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != "https://app.example" ||
			!strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") || h.Get("Access-Control-Max-Age") == "" ||
			!strings.Contains(h.Get("Access-Control-Allow-Headers"), "authorization") || !strings.Contains(strings.Join(h.Values("Vary"), ","), "Origin") {
			t.Errorf("preflight: %d %v", resp.StatusCode, h)
		}
		if h.Get("Access-Control-Allow-Credentials") != "" || h.Get("Access-Control-Allow-Origin") == "*" {
			t.Errorf("preflight allows credentials or a wildcard: %v", h)
		}
		if resp := g.preflight(t, "https://shop.example", sdkHeaders); resp.StatusCode != http.StatusNoContent {
			t.Errorf("preflight from another key's origin: %d, want 204 (the union)", resp.StatusCode)
		}
		for _, c := range []struct{ origin, headers string }{
			{"https://evil.example", sdkHeaders},
			{"null", sdkHeaders},
			{"https://app.example", "authorization, x-evil"},
		} {
			resp := g.preflight(t, c.origin, c.headers)
			if resp.StatusCode != http.StatusForbidden || resp.Header.Get("Access-Control-Allow-Origin") != "" {
				t.Errorf("preflight %s %q: %d ACAO %q, want 403 without it", c.origin, c.headers, resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
			}
		}
		if g.upstream.count() != 0 {
			t.Error("a preflight reached the provider")
		}
	})

	t.Run("requests", func(t *testing.T) {
		resp, data := g.chatWith(t, key, chatBody, http.Header{"Origin": {"https://app.example"}})
		if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example" ||
			!strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "x-request-id") {
			t.Errorf("allowed origin: %d %s %v", resp.StatusCode, data, resp.Header)
		}
		n := g.upstream.count()
		// Allowed by the union, but not by this key: refused before upstream.
		resp, data = g.chatWith(t, other, chatBody, http.Header{"Origin": {"https://app.example"}})
		wantRefusal(t, "origin of another key", resp, data, 403, "origin")
		if resp.Header.Get("Access-Control-Allow-Origin") != "" || g.upstream.count() != n {
			t.Error("a refused origin got ACAO or reached the provider")
		}
		// A refusal before the key is known can be read by the page.
		resp, data = g.chatWith(t, "aig_not-a-key", chatBody, http.Header{"Origin": {"https://app.example"}})
		if resp.StatusCode != 401 || resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example" {
			t.Errorf("401 to a page: %d %s, ACAO %q", resp.StatusCode, data, resp.Header.Get("Access-Control-Allow-Origin"))
		}
	})
}

func TestKeysCommandCORSOrigins(t *testing.T) {
	g := mustRunGateway(t, "")
	ctx := context.Background()
	runOut := func(args ...string) (string, error) {
		var out, errb bytes.Buffer
		err := run(ctx, append(args, "--config", g.cfgPath), strings.NewReader(""), &out, &errb)
		return out.String(), err
	}
	for k, v := range g.env {
		t.Setenv(k, v)
	}
	out, err := runOut("keys", "create", "--name", "web", "--cors-origins", "https://app.example, http://localhost:5173", "--json")
	if err != nil {
		t.Fatalf("keys create --cors-origins: %v", err)
	}
	var created struct {
		ID, Key     string
		CORSOrigins []string `json:"cors_origins"`
	}
	if err := json.Unmarshal([]byte(out), &created); err != nil || len(created.CORSOrigins) != 2 {
		t.Fatalf("keys create --json: %v %v", err, created.CORSOrigins)
	}
	if resp, data := g.chatWith(t, created.Key, chatBody, http.Header{"Origin": {"http://localhost:5173"}}); resp.StatusCode != 200 {
		t.Errorf("listed origin: %d %s", resp.StatusCode, data)
	}
	if _, err := runOut("keys", "update", created.ID, "--cors-origins", ""); err != nil {
		t.Fatalf("keys update --cors-origins '': %v", err)
	}
	// The command's change reaches the gateway within the key cache's TTL.
	deadline := 50
	for ; deadline > 0; deadline-- {
		resp, _ := g.chatWith(t, created.Key, chatBody, http.Header{"Origin": {"http://localhost:5173"}})
		if resp.StatusCode == http.StatusForbidden {
			break
		}
		sleepBriefly()
	}
	if deadline == 0 {
		t.Error("the origin still works after keys update --cors-origins ''")
	}
	for _, bad := range []string{"*,https://app.example", "null", "https://app.example/path", "ftp://x"} {
		if _, err := runOut("keys", "create", "--name", "bad", "--cors-origins", bad); err == nil {
			t.Errorf("keys create --cors-origins %q was accepted", bad)
		}
	}
}

func sleepBriefly() { time.Sleep(50 * time.Millisecond) }
