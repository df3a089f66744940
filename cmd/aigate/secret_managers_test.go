package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aigate-dev/aigate/internal/upstreamsim"
)

// TestVaultSecretRotatedOnReload runs the gateway with its admin credential
// in a (fake) Vault KV v2 mount: a rotation in Vault is picked up by a
// reload (SIGHUP) without a restart, and a reload while Vault is down keeps
// the last good credential.
func TestVaultSecretRotatedOnReload(t *testing.T) {
	vaultToken := "hvs." + randomHex(12)
	var mu sync.Mutex
	admin, sealed := "adm-"+randomHex(16), false
	vault := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case sealed:
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"errors":["Vault is sealed"]}`))
		case r.Header.Get("X-Vault-Token") != vaultToken:
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"errors":["permission denied"]}`))
		case r.URL.Path != "/v1/secret/data/aigate":
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"errors":[]}`))
		default:
			_ = json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{
				"data": map[string]string{"admin": admin}, "metadata": map[string]any{"version": 1},
			}})
		}
	}))
	defer vault.Close()
	set := func(f func()) { mu.Lock(); defer mu.Unlock(); f() }

	first := admin
	g := mustRunGatewayWith(t, upstreamsim.New(), "admin_key: vault:secret/aigate#admin\n",
		map[string]string{"VAULT_ADDR": vault.URL, "VAULT_TOKEN": vaultToken})
	status := func(cred string) int {
		resp, _ := g.do(t, "GET", "/admin/keys", "", bearerHeader(cred))
		return resp.StatusCode
	}
	if got := status(first); got != 200 {
		t.Fatalf("admin credential from Vault: %d, want 200", got)
	}

	second := "adm-" + randomHex(16)
	set(func() { admin = second })
	if err := g.Reload(); err != nil {
		t.Fatalf("Reload after rotation in Vault: %v", err)
	}
	if got, old := status(second), status(first); got != 200 || old != 401 {
		t.Errorf("after rotation and reload: new credential %d, old %d; want 200 and 401", got, old)
	}

	set(func() { sealed = true })
	err := g.Reload()
	if err == nil || !strings.Contains(err.Error(), "vault:secret/aigate#admin") || !strings.Contains(err.Error(), "sealed") {
		t.Errorf("Reload with Vault sealed = %v, want an error naming the reference", err)
	}
	if got := status(second); got != 200 {
		t.Errorf("after a failed reload the last good credential gets %d, want 200", got)
	}
	for _, s := range []string{first, second, vaultToken} {
		if strings.Contains(g.log.String(), s) {
			t.Error("a secret reached the log")
		}
	}
}
