package secrets

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// fakeVault speaks the part of Vault's HTTP API the client uses: KV v2 reads
// at /v1/MOUNT/data/PATH with X-Vault-Token, and AppRole login at
// /v1/auth/approle/login.
type fakeVault struct {
	t        *testing.T
	roleID   string
	secretID string
	lease    int // lease_duration of login tokens, seconds

	mu        sync.Mutex                   // protects the fields below
	tokens    map[string]bool              // valid tokens
	kv        map[string]map[string]string // API path (secret/data/x) → data
	sealed    bool                         // answer 503 to reads
	kv1       bool                         // answer with the KV v1 shape
	logins    int
	namespace []string // X-Vault-Namespace of each read
}

func startFakeVault(t *testing.T) (*fakeVault, *httptest.Server) {
	t.Helper()
	f := &fakeVault{
		t:        t,
		roleID:   "role-" + mustRandomHex(t, 4),
		secretID: mustRandomHex(t, 16),
		lease:    3600,
		tokens:   map[string]bool{},
		kv:       map[string]map[string]string{},
	}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	return f, srv
}

// newToken returns a fresh valid token.
func (f *fakeVault) newToken() string {
	tok := "hvs." + mustRandomHex(f.t, 12)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokens[tok] = true
	return tok
}

func (f *fakeVault) revokeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokens = map[string]bool{}
}

func (f *fakeVault) put(apiPath string, data map[string]string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.kv[apiPath] = data
}

func (f *fakeVault) setSealed(v bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sealed = v
}

func vaultErrors(w http.ResponseWriter, status int, msgs ...string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if msgs == nil {
		msgs = []string{}
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": msgs})
}

func (f *fakeVault) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/v1/auth/approle/login" {
		f.login(w, r)
		return
	}
	if r.Method != http.MethodGet {
		vaultErrors(w, http.StatusMethodNotAllowed)
		return
	}
	p, ok := strings.CutPrefix(r.URL.Path, "/v1/")
	if !ok {
		vaultErrors(w, http.StatusNotFound)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.namespace = append(f.namespace, r.Header.Get("X-Vault-Namespace"))
	if f.sealed {
		vaultErrors(w, http.StatusServiceUnavailable, "Vault is sealed")
		return
	}
	if !f.tokens[r.Header.Get("X-Vault-Token")] {
		vaultErrors(w, http.StatusForbidden, "permission denied")
		return
	}
	data, ok := f.kv[p]
	if !ok {
		vaultErrors(w, http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if f.kv1 {
		_ = json.NewEncoder(w).Encode(map[string]any{"data": data})
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{
		"request_id": "r-1", "lease_id": "", "renewable": false, "lease_duration": 0,
		"data": map[string]any{
			"data":     data,
			"metadata": map[string]any{"created_time": "2026-01-01T00:00:00Z", "version": 3, "destroyed": false},
		},
	})
}

func (f *fakeVault) login(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		vaultErrors(w, http.StatusMethodNotAllowed)
		return
	}
	var in struct {
		RoleID   string `json:"role_id"`
		SecretID string `json:"secret_id"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		vaultErrors(w, http.StatusBadRequest, "failed to parse JSON input")
		return
	}
	if in.RoleID != f.roleID || in.SecretID != f.secretID {
		vaultErrors(w, http.StatusBadRequest, "invalid role or secret ID")
		return
	}
	tok := f.newToken()
	f.mu.Lock()
	f.logins++
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"auth": map[string]any{
			"client_token": tok, "accessor": "a", "policies": []string{"default"},
			"lease_duration": f.lease, "renewable": true,
		},
	})
}
