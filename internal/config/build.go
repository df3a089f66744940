package config

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/guard"
	"github.com/aigate-dev/aigate/internal/provider"
	"github.com/aigate-dev/aigate/internal/secrets"
)

// Runtime is a validated configuration with its secrets resolved, ready
// for wiring. It is immutable: a reload builds a new one.
type Runtime struct {
	File      File
	Upstreams []*provider.Upstream
	Keys      map[string]gateway.Secret // provider name → key
	AdminKey  gateway.Secret            // zero when the admin API is off
	Policies  *guard.Policies           // compiled policies, with fresh canaries

	// AlertWebhook is the budget alert URL; zero when alerts are logged only.
	AlertWebhook gateway.Secret
	// Tokens are the end-user token signing keys; nil when tokens are off.
	Tokens *TokenKeys
}

// Resolver turns secret references into secrets.
type Resolver struct {
	Env      Env
	ReadFile func(name string) ([]byte, error) // if nil, os.ReadFile is used
	// Secrets reads aws-sm: and vault: references, afresh on every
	// Resolve, so a reload picks up a rotated value; nil refuses them.
	Secrets *secrets.Manager
	// Track resolves every reference, env: and file: included, through
	// Secrets.Add instead: the manager then keeps each value current, and
	// a later Build with the same manager reads nothing, taking the values
	// the manager holds. The gateway builds this way.
	Track bool
}

// Resolve returns the secret ref points at. Errors name the variable or
// file, never a value.
func (r Resolver) Resolve(ref string) (gateway.Secret, error) {
	if r.Track && r.Secrets != nil {
		v, err := r.Secrets.Add(context.Background(), ref)
		if err != nil {
			return gateway.Secret{}, err
		}
		return v.Load(), nil
	}
	switch {
	case strings.HasPrefix(ref, "env:"):
		name := strings.TrimPrefix(ref, "env:")
		v, ok := r.Env(name)
		v = strings.TrimSpace(v)
		if !ok || v == "" {
			return gateway.Secret{}, fmt.Errorf("%s is not set: export it, or pass --env-file FILE", name)
		}
		return gateway.NewSecret(v), nil
	case strings.HasPrefix(ref, "file:"):
		path := strings.TrimPrefix(ref, "file:")
		read := r.ReadFile
		if read == nil {
			read = os.ReadFile
		}
		b, err := read(path)
		if err != nil {
			return gateway.Secret{}, fmt.Errorf("reading secret file %s: %w", path, err)
		}
		v := strings.TrimSpace(string(b))
		if v == "" {
			return gateway.Secret{}, fmt.Errorf("secret file %s is empty", path)
		}
		return gateway.NewSecret(v), nil
	case strings.HasPrefix(ref, "aws-sm:"), strings.HasPrefix(ref, "vault:"):
		if r.Secrets == nil {
			return gateway.Secret{}, fmt.Errorf("aws-sm: and vault: references are not available here")
		}
		return r.Secrets.Resolve(context.Background(), ref)
	default:
		return gateway.Secret{}, fmt.Errorf("unsupported secret reference: write env:NAME, file:/path, aws-sm:NAME[#field] or vault:PATH#FIELD")
	}
}

// Build validates f and resolves its secrets.
func (f File) Build(r Resolver) (*Runtime, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	rt := &Runtime{File: f, Keys: map[string]gateway.Secret{}}
	for i, p := range f.Providers {
		t := provider.Type(p.Type)
		def := typeDefaults[t]
		base := p.BaseURL
		if base == "" {
			base = def.baseURL
		}
		u, err := url.Parse(base)
		if err != nil {
			return nil, fmt.Errorf("providers[%d].base_url: %w", i, err)
		}
		u.Path = strings.TrimSuffix(u.Path, "/")
		for _, v := range []string{"/v1beta", "/v1"} {
			u.Path = strings.TrimSuffix(u.Path, v)
		}
		auth := provider.AuthStyle(p.Auth)
		if auth == "" {
			auth = def.auth
		}
		rt.Upstreams = append(rt.Upstreams, &provider.Upstream{
			Name: p.Name, Type: t, BaseURL: u, Auth: auth, Models: p.Models, APIVersion: p.APIVersion,
		})
		if p.APIKey != "" {
			key, err := r.Resolve(p.APIKey)
			if err != nil {
				return nil, fmt.Errorf("providers[%d].api_key (%s): %w", i, p.Name, err)
			}
			rt.Keys[p.Name] = key
		}
	}
	if f.AdminKey != "" {
		key, err := r.Resolve(f.AdminKey)
		if err != nil {
			return nil, fmt.Errorf("admin_key: %w", err)
		}
		if len(key.Reveal()) < 16 {
			return nil, fmt.Errorf("admin_key: the admin credential must be at least 16 characters; generate one with: openssl rand -hex 24")
		}
		rt.AdminKey = key
	}
	if f.Budgets.AlertWebhook != "" {
		hook, err := r.Resolve(f.Budgets.AlertWebhook)
		if err != nil {
			return nil, fmt.Errorf("budgets.alert_webhook: %w", err)
		}
		rt.AlertWebhook = hook
	}
	toks, err := f.Tokens.Resolve(r)
	if err != nil {
		return nil, err
	}
	rt.Tokens = toks
	ps, err := f.buildPolicies()
	if err != nil {
		return nil, err
	}
	rt.Policies = ps
	return rt, nil
}
