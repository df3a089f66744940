package secrets

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/aigate-dev/aigate/internal/gateway"
)

// Vault reads vault: references from a HashiCorp Vault KV version 2 secrets
// engine over Vault's HTTP API. It authenticates with Token, or, when Token
// is zero, by logging in with AppRole (RoleID and SecretID); the login token
// is kept until most of its lease has run out, and a read refused with 403
// logs in again once.
//
// Use a pointer. Addr and one way to authenticate are required.
type Vault struct {
	Addr      string         // such as https://vault.internal:8200 (VAULT_ADDR)
	Token     gateway.Secret // a Vault token (VAULT_TOKEN); zero to use AppRole
	RoleID    string         // AppRole role_id (VAULT_ROLE_ID)
	SecretID  gateway.Secret // AppRole secret_id (VAULT_SECRET_ID)
	Namespace string         // Vault Enterprise namespace (VAULT_NAMESPACE); empty for none

	// AppRoleMount is where the AppRole auth method is mounted; empty means
	// "approle".
	AppRoleMount string

	// Client sends the requests; nil means http.DefaultClient. Each read is
	// bounded by its context.
	Client *http.Client

	// Now returns the current time; nil means time.Now.
	Now func() time.Time

	mu      sync.Mutex     // protects the fields below
	login   gateway.Secret // the AppRole login token; zero before login
	renewAt time.Time      // when to log in again; zero: never
}

// VaultFromEnv returns a Vault configured from VAULT_ADDR, VAULT_TOKEN,
// VAULT_ROLE_ID, VAULT_SECRET_ID and VAULT_NAMESPACE, as looked up by
// lookup (os.LookupEnv, or the environment overlaid with --env-file).
func VaultFromEnv(lookup func(string) (string, bool)) *Vault {
	get := func(k string) string { v, _ := lookup(k); return strings.TrimSpace(v) }
	return &Vault{
		Addr:      get("VAULT_ADDR"),
		Token:     gateway.NewSecret(get("VAULT_TOKEN")),
		RoleID:    get("VAULT_ROLE_ID"),
		SecretID:  gateway.NewSecret(get("VAULT_SECRET_ID")),
		Namespace: get("VAULT_NAMESPACE"),
	}
}

// maxVaultBody bounds what is read of a Vault response.
const maxVaultBody = 1 << 20

func (v *Vault) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

func (v *Vault) client() *http.Client {
	if v.Client != nil {
		return v.Client
	}
	return http.DefaultClient
}

// Read returns the field ref.Field of the KV v2 secret at ref.Path.
func (v *Vault) Read(ctx context.Context, ref Ref) (gateway.Secret, error) {
	if v.Addr == "" {
		return gateway.Secret{}, errors.New("vault: VAULT_ADDR is not set")
	}
	u, err := v.url(kvDataPath(ref.Path))
	if err != nil {
		return gateway.Secret{}, err
	}
	for attempt := 0; ; attempt++ {
		tok, err := v.token(ctx)
		if err != nil {
			return gateway.Secret{}, err
		}
		s, status, err := v.readKV(ctx, u, tok, ref.Field)
		if status == http.StatusForbidden && v.Token.IsZero() && attempt == 0 {
			v.forget(tok) // the login token may have been revoked or expired early
			continue
		}
		return s, err
	}
}

// kvDataPath turns mount/path into mount/data/path, the KV v2 read path,
// unless the path already names it.
func kvDataPath(p string) string {
	mount, rest, _ := strings.Cut(p, "/")
	if strings.HasPrefix(rest, "data/") {
		return p
	}
	return mount + "/data/" + rest
}

func (v *Vault) url(apiPath string) (string, error) {
	base, err := url.Parse(strings.TrimSuffix(v.Addr, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return "", fmt.Errorf("vault: VAULT_ADDR must be an http or https URL")
	}
	return base.JoinPath("v1", apiPath).String(), nil
}

func (v *Vault) readKV(ctx context.Context, u string, tok gateway.Secret, field string) (gateway.Secret, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return gateway.Secret{}, 0, fmt.Errorf("vault: %w", err)
	}
	req.Header.Set("X-Vault-Token", tok.Reveal())
	status, body, err := v.do(req)
	if err != nil {
		return gateway.Secret{}, status, err
	}
	var out struct {
		Data struct {
			Data map[string]json.RawMessage `json:"data"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.Data.Data == nil {
		return gateway.Secret{}, status, errors.New("vault: the response is not a KV version 2 secret (is the mount KV v1?)")
	}
	s, err := objectField(out.Data.Data, field)
	if err != nil {
		return gateway.Secret{}, status, fmt.Errorf("vault: %w", err)
	}
	return s, status, nil
}

// do sends req with the namespace header and returns the body of a 2xx
// response. Other statuses become errors carrying Vault's error messages,
// which never hold secret values.
func (v *Vault) do(req *http.Request) (int, []byte, error) {
	if v.Namespace != "" {
		req.Header.Set("X-Vault-Namespace", v.Namespace)
	}
	resp, err := v.client().Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("vault: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxVaultBody))
	if err != nil {
		return resp.StatusCode, nil, fmt.Errorf("vault: reading the response: %w", err)
	}
	if resp.StatusCode/100 == 2 {
		return resp.StatusCode, body, nil
	}
	var e struct {
		Errors []string `json:"errors"`
	}
	_ = json.Unmarshal(body, &e)
	msg := strings.Join(e.Errors, "; ")
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	if msg == "" {
		msg = http.StatusText(resp.StatusCode)
	}
	return resp.StatusCode, nil, fmt.Errorf("vault: %s %s: %d %s", req.Method, req.URL.Path, resp.StatusCode, msg)
}

// token returns the token to read with: Token, or a login token.
func (v *Vault) token(ctx context.Context) (gateway.Secret, error) {
	if !v.Token.IsZero() {
		return v.Token, nil
	}
	if v.RoleID == "" || v.SecretID.IsZero() {
		return gateway.Secret{}, errors.New("vault: no credentials: set VAULT_TOKEN, or VAULT_ROLE_ID and VAULT_SECRET_ID for AppRole")
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if !v.login.IsZero() && (v.renewAt.IsZero() || v.now().Before(v.renewAt)) {
		return v.login, nil
	}
	mount := v.AppRoleMount
	if mount == "" {
		mount = "approle"
	}
	u, err := v.url("auth/" + strings.Trim(mount, "/") + "/login")
	if err != nil {
		return gateway.Secret{}, err
	}
	in, err := json.Marshal(map[string]string{"role_id": v.RoleID, "secret_id": v.SecretID.Reveal()})
	if err != nil {
		return gateway.Secret{}, fmt.Errorf("vault: approle login: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(in))
	if err != nil {
		return gateway.Secret{}, fmt.Errorf("vault: approle login: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	_, body, err := v.do(req)
	if err != nil {
		return gateway.Secret{}, fmt.Errorf("approle login: %w", err)
	}
	var out struct {
		Auth struct {
			ClientToken   string `json:"client_token"`
			LeaseDuration int64  `json:"lease_duration"` // seconds; 0: no expiry
		} `json:"auth"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.Auth.ClientToken == "" {
		return gateway.Secret{}, errors.New("vault: approle login: the response holds no client token")
	}
	v.login = gateway.NewSecret(out.Auth.ClientToken)
	v.renewAt = time.Time{}
	if out.Auth.LeaseDuration > 0 {
		// Log in again after 80% of the lease, before the token lapses.
		v.renewAt = v.now().Add(time.Duration(out.Auth.LeaseDuration) * time.Second * 8 / 10)
	}
	return v.login, nil
}

// forget drops the login token tok, if it is still the current one.
func (v *Vault) forget(tok gateway.Secret) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.login.Equal(tok) {
		v.login = gateway.Secret{}
	}
}

var _ Source = (*Vault)(nil)
