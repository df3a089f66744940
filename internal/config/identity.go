package config

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// IdentityProvider lets an aigate key accept the JWTs an application's own
// identity provider issues to its users ("bring your own identity"):
//
//	identity_providers:
//	  - name: acme-auth
//	    key: web-app                  # the aigate key (name or vk_ id) whose limits, budgets, CORS origins and policy apply
//	    issuer: https://id.example.com/
//	    audience: aigate
//	    jwks_url: https://id.example.com/.well-known/jwks.json
//	    policy_claim: aigate_policy   # optional: the claim that selects the policy
//	    policies: [support, sales]    # the policies that claim may select
//
// A token is matched to a provider by its iss, verified against the JWKS
// (RS256, ES256 or EdDSA only), and stands for the key with sub as the end
// user.
type IdentityProvider struct {
	// Name names the provider in the log.
	Name string `yaml:"name"`
	// Key is the aigate key the tokens stand for: its vk_ id, or its name
	// (the live key of that name that was not rotated away, so a rotation
	// carries over).
	Key string `yaml:"key"`
	// Issuer is the exact iss of the provider's tokens.
	Issuer string `yaml:"issuer"`
	// Audience is a value the tokens' aud must contain.
	Audience string `yaml:"audience"`
	// JWKSURL is where the provider publishes its signing keys; https, or
	// http on a loopback address only.
	JWKSURL string `yaml:"jwks_url"`
	// PolicyClaim names a string claim that selects the policy; empty: the
	// key's policy always applies.
	PolicyClaim string `yaml:"policy_claim"`
	// Policies are the only policies PolicyClaim may select (a token naming
	// another is refused with 403); required with policy_claim.
	Policies []string `yaml:"policies"`
}

// validateIdentityProviders reports problems under identity_providers[i].
func (f *File) validateIdentityProviders(add func(path, format string, args ...any)) {
	names, issuers := map[string]bool{}, map[string]int{}
	for i, p := range f.IdentityProviders {
		path := fmt.Sprintf("identity_providers[%d]", i)
		switch {
		case p.Name == "":
			add(path+".name", "is required")
		case !validPolicyName(p.Name):
			add(path+".name", "is 1-128 letters, digits, '-', '_' or '.'")
		case names[p.Name]:
			add(path+".name", "%q is used by another identity provider", p.Name)
		}
		names[p.Name] = true
		if p.Key == "" {
			add(path+".key", "is required: the name or vk_ id of the aigate key whose limits, budgets and policy apply")
		} else if len(p.Key) > 256 || strings.ContainsFunc(p.Key, unicode.IsControl) {
			add(path+".key", "must be the name or vk_ id of an aigate key")
		}
		if p.Issuer == "" {
			add(path+".issuer", "is required: the exact iss claim of the provider's tokens")
		} else if j, dup := issuers[p.Issuer]; dup {
			add(path+".issuer", "is also the issuer of identity_providers[%d]; a token's iss must select one provider", j)
		} else {
			issuers[p.Issuer] = i
		}
		if p.Audience == "" {
			add(path+".audience", "is required: a value the tokens' aud claim must contain")
		}
		if err := checkJWKSURL(p.JWKSURL); err != nil {
			add(path+".jwks_url", "%v", err)
		}
		switch {
		case p.PolicyClaim != "" && len(p.Policies) == 0:
			add(path+".policies", "is required with policy_claim: list the policies the claim may select")
		case p.PolicyClaim == "" && len(p.Policies) > 0:
			add(path+".policy_claim", "is required with policies: name the claim that selects one")
		}
		for j, name := range p.Policies {
			if _, ok := f.Policies[name]; !ok {
				add(fmt.Sprintf("%s.policies[%d]", path, j), "%q is not one of the policies defined", name)
			}
		}
	}
}

// checkJWKSURL requires an absolute https URL without credentials; plain
// http is allowed only to loopback hosts (tests, a local provider), as
// jwtauth itself requires.
func checkJWKSURL(s string) error {
	if s == "" {
		return fmt.Errorf("is required: where the provider publishes its keys, such as https://id.example.com/.well-known/jwks.json")
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return fmt.Errorf("must be an absolute URL such as https://id.example.com/.well-known/jwks.json")
	}
	if u.User != nil {
		return fmt.Errorf("must not carry credentials")
	}
	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && isLoopback(u.Hostname()):
		return nil
	}
	return fmt.Errorf("must use https (http is allowed only for localhost)")
}
