package secretsfake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Vault speaks the part of Vault's HTTP API the client uses: KV v2 reads
// at /v1/MOUNT/data/PATH with X-Vault-Token, and AppRole login at
// /v1/auth/approle/login.
type Vault struct {
	t testing.TB
	// RoleID and SecretID are the AppRole credentials the fake accepts.
	RoleID   string
	SecretID string
	// Lease is the lease_duration of login tokens, in seconds; set it
	// before the first login.
	Lease int

	mu        sync.Mutex                   // protects the fields below
	tokens    map[string]bool              // valid tokens
	kv        map[string]map[string]string // API path (secret/data/x) → data
	sealed    bool                         // answer 503 to reads
	kv1       bool                         // answer with the KV v1 shape
	logins    int
	namespace []string // X-Vault-Namespace of each read
}

// StartVault starts the fake on 127.0.0.1; it stops when the test ends.
func StartVault(t testing.TB) (*Vault, *httptest.Server) {
	t.Helper()
	f := &Vault{
		t:        t,
		RoleID:   "role-" + MustRandomHex(t, 4),
		SecretID: MustRandomHex(t, 16),
		Lease:    3600,
		tokens:   map[string]bool{},
		kv:       map[string]map[string]string{},
	}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	return f, srv
}

// NewToken returns a fresh valid token.
func (f *Vault) NewToken() string {
	tok := "hvs." + MustRandomHex(f.t, 12)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokens[tok] = true
	return tok
}

// RevokeAll makes every token issued so far invalid.
func (f *Vault) RevokeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokens = map[string]bool{}
}

// Put stores data at the API path apiPath (secret/data/x).
func (f *Vault) Put(apiPath string, data map[string]string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.kv[apiPath] = data
}

// SetSealed makes every read answer 503 "Vault is sealed" (true) or not.
func (f *Vault) SetSealed(v bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sealed = v
}

// SetKV1 makes reads answer with the KV v1 shape (true) or v2.
func (f *Vault) SetKV1(v bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.kv1 = v
}

// Logins returns how many AppRole logins succeeded.
func (f *Vault) Logins() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.logins
}

// Namespaces returns the X-Vault-Namespace header of each read, in order.
func (f *Vault) Namespaces() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.namespace)
}

func vaultErrors(w http.ResponseWriter, status int, msgs ...string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if msgs == nil {
		msgs = []string{}
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": msgs})
}

func (f *Vault) serve(w http.ResponseWriter, r *http.Request) {
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

func (f *Vault) login(w http.ResponseWriter, r *http.Request) {
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
	if in.RoleID != f.RoleID || in.SecretID != f.SecretID {
		vaultErrors(w, http.StatusBadRequest, "invalid role or secret ID")
		return
	}
	tok := f.NewToken()
	f.mu.Lock()
	f.logins++
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"auth": map[string]any{
			"client_token": tok, "accessor": "a", "policies": []string{"default"},
			"lease_duration": f.Lease, "renewable": true,
		},
	})
}
