package cors

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aigate-dev/aigate/internal/gateway"
)

// AllowedHeaders are the request headers a preflight may ask for: what the
// official OpenAI, Anthropic and Google Gen AI JS SDKs send from a browser.
// A name ending in "*" allows every header with that prefix.
var AllowedHeaders = []string{
	"accept",
	"authorization",
	"content-type",
	"idempotency-key",
	"x-api-key",
	"x-stainless-*", // the OpenAI and Anthropic SDKs' x-stainless-lang, -os, -retry-count, -timeout…
	"openai-organization",
	"openai-project",
	"openai-beta",
	"anthropic-version",
	"anthropic-beta",
	"anthropic-dangerous-direct-browser-access",
	"x-goog-api-key",
	"x-goog-api-client",
	"x-aigate-user",
}

// exposed are the response headers the SDKs read.
var exposed = strings.Join([]string{
	"x-request-id", "request-id", "retry-after", "retry-after-ms", "openai-processing-ms",
	"x-ratelimit-limit-requests", "x-ratelimit-limit-tokens",
	"x-ratelimit-remaining-requests", "x-ratelimit-remaining-tokens",
	"x-ratelimit-reset-requests", "x-ratelimit-reset-tokens",
}, ", ")

const allowedMethods = "GET, POST"

// Config is the file form of a policy.
type Config struct {
	// Origins are the allowed origins, scheme://host[:port], such as
	// https://app.example; ["*"] allows any. Empty: CORS is off.
	Origins []string
	// AllowCredentials sends Access-Control-Allow-Credentials: true, for
	// pages that call with fetch credentials "include" (cookies). The SDKs
	// send their credential in a header and do not need it.
	AllowCredentials bool
	// MaxAge is how long browsers may cache a preflight; zero means 10
	// minutes. Chromium caps it at 2 hours.
	MaxAge time.Duration
}

// Policy is a compiled, immutable [Config]. A nil *Policy is CORS off: it
// allows nothing and sends no headers, only Vary.
type Policy struct {
	origins []string // normalised
	any     bool
	creds   bool
	maxAge  string // seconds
}

// New compiles c. It returns nil, nil when c has no origins (CORS off), and
// an error naming every bad origin.
func New(c Config) (*Policy, error) {
	if len(c.Origins) == 0 {
		return nil, nil
	}
	p := &Policy{creds: c.AllowCredentials}
	maxAge := c.MaxAge
	if maxAge <= 0 {
		maxAge = 10 * time.Minute
	}
	p.maxAge = strconv.Itoa(int(maxAge / time.Second))
	var errs []error
	for i, o := range c.Origins {
		if o == "*" {
			p.any = true
			continue
		}
		n, err := NormalizeOrigin(o)
		if err != nil {
			errs = append(errs, fmt.Errorf("origins[%d]: %w", i, err))
			continue
		}
		if !slices.Contains(p.origins, n) {
			p.origins = append(p.origins, n)
		}
	}
	if p.any && len(c.Origins) > 1 {
		errs = append(errs, errors.New(`origins: "*" must be the only entry`))
	}
	if p.any && p.creds {
		errs = append(errs, errors.New(`origins: "*" cannot be combined with allow_credentials; list the origins`))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return p, nil
}

// Union returns a policy allowing every origin any of ps allows, for
// answering preflights; nil policies are skipped, and the union of none is
// nil. Credentials are allowed if any policy allows them, and the longest
// MaxAge wins.
func Union(ps ...*Policy) *Policy {
	var u *Policy
	for _, p := range ps {
		if p == nil {
			continue
		}
		if u == nil {
			u = &Policy{maxAge: p.maxAge}
		}
		u.any = u.any || p.any
		u.creds = u.creds || p.creds
		for _, o := range p.origins {
			if !slices.Contains(u.origins, o) {
				u.origins = append(u.origins, o)
			}
		}
		if a, b := atoi(p.maxAge), atoi(u.maxAge); a > b {
			u.maxAge = p.maxAge
		}
	}
	if u != nil && u.any && u.creds {
		u.any = false // never a wildcard with credentials: keep the listed origins only
	}
	return u
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// NormalizeOrigin checks that s is a browser origin, scheme://host[:port]
// with no path, and returns it lower-cased. "null" is refused: it is what
// sandboxed frames and file: pages send, and any page can be one.
func NormalizeOrigin(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil ||
		strings.ContainsAny(u.Host, "*, ") {
		return "", fmt.Errorf("origin %q must be scheme://host[:port], such as https://app.example (no patterns)", s)
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), nil
}

// Allows reports whether a request with the Origin header origin may be
// answered with CORS headers. An empty origin is not a CORS request and is
// never "allowed" (see [Policy.Check] for what that means).
func (p *Policy) Allows(origin string) bool {
	if p == nil || origin == "" || origin == "null" {
		return false
	}
	if p.any {
		return true
	}
	o := strings.ToLower(origin)
	return slices.Contains(p.origins, o)
}

// IsPreflight reports whether r is a CORS preflight.
func IsPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Origin") != "" &&
		r.Header.Get("Access-Control-Request-Method") != ""
}

// Preflight answers the preflight r and reports whether the browser may go
// on: 204 with the CORS headers when the origin, the method and every
// requested header are allowed, otherwise 403 without them. The caller
// should check [IsPreflight] first; Preflight never calls the rest of the
// gateway, since a preflight carries no credential.
func (p *Policy) Preflight(w http.ResponseWriter, r *http.Request) bool {
	h := w.Header()
	h.Add("Vary", "Origin")
	h.Add("Vary", "Access-Control-Request-Method")
	h.Add("Vary", "Access-Control-Request-Headers")
	origin := r.Header.Get("Origin")
	method := r.Header.Get("Access-Control-Request-Method")
	headers, ok := requestedHeaders(r.Header.Values("Access-Control-Request-Headers"))
	if !p.Allows(origin) || (method != http.MethodPost && method != http.MethodGet) || !ok {
		w.WriteHeader(http.StatusForbidden)
		return false
	}
	p.allowOrigin(h, origin)
	h.Set("Access-Control-Allow-Methods", allowedMethods)
	if len(headers) > 0 {
		h.Set("Access-Control-Allow-Headers", strings.Join(headers, ", "))
	}
	h.Set("Access-Control-Max-Age", p.maxAge)
	w.WriteHeader(http.StatusNoContent)
	return true
}

// requestedHeaders parses Access-Control-Request-Headers and reports
// whether every header named is allowed.
func requestedHeaders(values []string) ([]string, bool) {
	var out []string
	for _, v := range values {
		for name := range strings.SplitSeq(v, ",") {
			name = strings.ToLower(strings.TrimSpace(name))
			if name == "" {
				continue
			}
			if !headerAllowed(name) {
				return nil, false
			}
			out = append(out, name)
		}
	}
	return out, true
}

func headerAllowed(name string) bool {
	for _, a := range AllowedHeaders {
		if prefix, ok := strings.CutSuffix(a, "*"); ok {
			if strings.HasPrefix(name, prefix) && len(name) > len(prefix) {
				return true
			}
		} else if a == name {
			return true
		}
	}
	return false
}

// Apply adds the CORS headers for a response to a request from origin, if
// p allows it, and always Vary: Origin, so that no cache serves one
// origin's answer to another. It reports whether origin is allowed.
func (p *Policy) Apply(h http.Header, origin string) bool {
	h.Add("Vary", "Origin")
	if !p.Allows(origin) {
		return false
	}
	p.allowOrigin(h, origin)
	h.Set("Access-Control-Expose-Headers", exposed)
	return true
}

func (p *Policy) allowOrigin(h http.Header, origin string) {
	if p.any && !p.creds {
		h.Set("Access-Control-Allow-Origin", "*")
		return
	}
	h.Set("Access-Control-Allow-Origin", origin)
	if p.creds {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
}

// Check refuses, with [gateway.CodeForbidden], a request that carries an
// Origin header the key's policy p does not allow. A request without Origin
// is not from a browser page and passes.
func (p *Policy) Check(origin string) error {
	if origin == "" || p.Allows(origin) {
		return nil
	}
	return &gateway.Error{
		Code:    gateway.CodeForbidden,
		Message: "this aigate key does not accept requests from this web origin; add it to the key's CORS origins",
		Err:     fmt.Errorf("origin %q is not allowed for this key", truncate(origin)),
	}
}

func truncate(s string) string {
	if len(s) > 100 {
		return s[:100] + "…"
	}
	return s
}
