package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/aigate-dev/aigate/internal/keys"
	"github.com/aigate-dev/aigate/internal/upstreamsim"
)

// TestAuditRevokeLive runs aigate audit --revoke-live against a real
// gateway with its admin API on, over a directory holding a live key, a
// revoked key, a checksum-valid key the gateway never issued and a
// look-alike with a bad checksum: the live key is revoked (and refused
// afterwards), the others are reported for what they are, the look-alike
// is never sent, and no key appears in the output.
func TestAuditRevokeLive(t *testing.T) {
	adminCred := "adm-" + randomHex(16)
	g := mustRunGatewayWith(t, upstreamsim.New(), "admin_key: env:TEST_ADMIN_KEY\n", map[string]string{"TEST_ADMIN_KEY": adminCred})
	ctx := context.Background()
	live, liveID := g.mustKey(t, keys.CreateOptions{Name: "leaky-app", Owner: "bob"})
	revoked, revokedID := g.mustKey(t, keys.CreateOptions{Name: "old-app", Owner: "bob"})
	if err := g.keys.Revoke(ctx, revokedID, "rotated"); err != nil {
		t.Fatal(err)
	}
	unknownSecret, err := keys.Generate()
	if err != nil {
		t.Fatal(err)
	}
	unknown := unknownSecret.Reveal()
	lookAlike := badChecksum(t, unknown)

	chat := `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`
	if resp, _ := g.do(t, "POST", "/v1/chat/completions", chat, bearerHeader(live)); resp.StatusCode != 200 {
		t.Fatalf("the live key before the audit: %d, want 200", resp.StatusCode)
	}

	dir := t.TempDir()
	mustAuditFile(t, dir, "app/config.py", "AIGATE_API_KEY = '"+live+"'\n")
	mustAuditFile(t, dir, "app/client.py", "import os\n\nkey = '"+live+"'  # the same key again\n")
	mustAuditFile(t, dir, "scripts/old.sh", "export AIGATE_API_KEY="+revoked+"\n")
	mustAuditFile(t, dir, "notes/keys.txt", "unknown: "+unknown+"\n")
	mustAuditFile(t, dir, "docs/example.md", "AIGATE_API_KEY="+lookAlike+"\n")

	// A recording proxy in front of the gateway shows what was sent.
	var mu sync.Mutex
	var bodies []string
	target, _ := url.Parse(g.URL())
	rp := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		mu.Lock()
		bodies = append(bodies, r.Method+" "+r.URL.Path+" "+string(b))
		mu.Unlock()
		rp.ServeHTTP(w, r)
	}))
	defer front.Close()

	t.Setenv("AIGATE_TEST_ADMIN", adminCred)
	stdout, stderr, code := runAuditCmd(t, dir, "--revoke-live", "--admin-url", front.URL, "--admin-key", "env:AIGATE_TEST_ADMIN")
	if code != 1 {
		t.Errorf("exit code %d, want 1 (findings, every revocation answered); stderr:\n%s", code, redactKeys(stderr, live, revoked, unknown, lookAlike))
	}
	for _, want := range []string{
		"revoked " + liveID + " (leaky-app), found at app/c", // app/client.py or app/config.py, whichever is reported first
		"and 1 more place\n",
		"already revoked: " + revokedID + " (old-app), found at scripts/old.sh:1",
		"not a key of this gateway (nothing revoked), found at notes/keys.txt:1",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, redactKeys(stdout, live, revoked, unknown, lookAlike))
		}
	}
	for _, k := range []string{live, revoked, unknown, lookAlike, adminCred} {
		if strings.Contains(stdout+stderr, k) || strings.Contains(g.log.String(), k) {
			t.Error("a key or the admin credential appears in the output or the gateway log")
		}
	}
	mu.Lock()
	sent := strings.Join(bodies, "\n")
	n := len(bodies)
	mu.Unlock()
	if n != 3 || !strings.Contains(sent, "POST /admin/keys/revoke-leaked") {
		t.Errorf("%d requests reached the admin API, want 3 POST /admin/keys/revoke-leaked (one per distinct key)", n)
	}
	if strings.Contains(sent, lookAlike) {
		t.Error("the look-alike with a bad checksum was sent to the admin API")
	}
	if resp, _ := g.do(t, "POST", "/v1/chat/completions", chat, bearerHeader(live)); resp.StatusCode != 401 {
		t.Errorf("the revoked leaked key: status %d, want 401", resp.StatusCode)
	}
	if resp, _ := g.do(t, "POST", "/v1/chat/completions", chat, bearerHeader(g.key)); resp.StatusCode != 200 {
		t.Errorf("a key that was not leaked: status %d, want 200", resp.StatusCode)
	}

	t.Run("second-run-finds-it-already-revoked", func(t *testing.T) {
		stdout, _, _ := runAuditCmd(t, dir, "--revoke-live", "--admin-url", g.URL(), "--admin-key", "env:AIGATE_TEST_ADMIN")
		if !strings.Contains(stdout, "already revoked: "+liveID) {
			t.Errorf("second run output:\n%s", redactKeys(stdout, live, revoked, unknown, lookAlike))
		}
	})
	t.Run("wrong-credential-fails", func(t *testing.T) {
		t.Setenv("AIGATE_TEST_WRONG", "adm-"+randomHex(16))
		stdout, stderr, code := runAuditCmd(t, dir, "--revoke-live", "--admin-url", g.URL(), "--admin-key", "env:AIGATE_TEST_WRONG")
		if code != 2 || !strings.Contains(stdout, "FAILED to revoke") || !strings.Contains(stderr, "could not be revoked") {
			t.Errorf("with a wrong admin credential: exit %d, output:\n%s\n%s", code, redactKeys(stdout, live, revoked, unknown, lookAlike), stderr)
		}
	})
	t.Run("literal-credential-refused", func(t *testing.T) {
		_, stderr, code := runAuditCmd(t, dir, "--revoke-live", "--admin-url", g.URL(), "--admin-key", adminCred)
		if code != 2 || !strings.Contains(stderr, "secret reference") || strings.Contains(stderr, adminCred) {
			t.Errorf("a literal --admin-key: exit %d, stderr %q; want 2 and a message asking for a reference, without the credential",
				code, strings.ReplaceAll(stderr, adminCred, "[credential]"))
		}
	})
	t.Run("plain-http-to-another-host-refused", func(t *testing.T) {
		_, stderr, code := runAuditCmd(t, dir, "--revoke-live", "--admin-url", "http://aigate.example.com", "--admin-key", "env:AIGATE_TEST_ADMIN")
		if code != 2 || !strings.Contains(stderr, "https") {
			t.Errorf("http admin URL: exit %d, stderr %q", code, stderr)
		}
	})
}

// badChecksum returns key with its last checksum character changed: the
// same shape, but not an aigate key.
func badChecksum(t *testing.T, key string) string {
	t.Helper()
	last := key[len(key)-1]
	for _, c := range []byte("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		if c != last {
			if s := key[:len(key)-1] + string(c); !keys.Valid(s) {
				return s
			}
		}
	}
	t.Fatal("no look-alike found")
	return ""
}

// redactKeys replaces keys in s, so a failing test prints none.
func redactKeys(s string, ks ...string) string {
	for _, k := range ks {
		s = strings.ReplaceAll(s, k, "[key]")
	}
	return s
}
