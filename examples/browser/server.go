package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	"sync"
	"time"
)

//go:embed static
var static embed.FS

// Config is what the backend needs.
type Config struct {
	// Gateway is aigate's base URL as the browser reaches it, such as
	// http://127.0.0.1:8080. The backend mints tokens there and hands the
	// page Gateway+"/v1" as the SDK's baseURL.
	Gateway string
	// Key is the backend's aigate key. It is sent to the gateway only, and
	// never to the browser.
	Key string
	// Origin is the page's origin, such as http://127.0.0.1:3000: tokens
	// are bound to it, so a token copied to another site is refused.
	Origin string
	// Model is the one model a token may use.
	Model string
	// TTL is a token's lifetime; aigate accepts 1s to 1h.
	TTL time.Duration
	// Vendor is the directory of the openai npm package, served at
	// /vendor/openai/: its ES modules import only each other, so the page
	// loads them as they are, with no bundler and no CDN.
	Vendor string
	// Logger receives what went wrong, never a key or a token.
	Logger *slog.Logger
	// Client calls the gateway; nil means a client with a 10s timeout.
	Client *http.Client
}

// demoUser is who "Sign in" signs in: a real app would use its own login.
const demoUser = "demo-user"

// sessionCookie holds the demo session id: HttpOnly, so the page's
// JavaScript cannot read it.
const sessionCookie = "demo_session"

// sessionTTL is how long a demo sign-in lasts.
const sessionTTL = time.Hour

type server struct {
	cfg      Config
	base     *url.URL // cfg.Gateway, parsed
	page     []byte   // static/index.html
	sessions sync.Map // session id -> session
}

type session struct {
	user    string
	expires time.Time
}

// New returns the backend's handler.
func New(cfg Config) (http.Handler, error) {
	if cfg.Key == "" {
		return nil, errors.New("set AIGATE_KEY to an aigate key (aigate keys create --cors-origins ORIGIN)")
	}
	base, err := url.Parse(strings.TrimSuffix(cfg.Gateway, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" || base.RawQuery != "" {
		return nil, fmt.Errorf("gateway %q: want a base URL such as http://127.0.0.1:8080", cfg.Gateway)
	}
	if u, err := url.Parse(cfg.Origin); err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") {
		return nil, fmt.Errorf("origin %q: want scheme://host[:port], such as http://127.0.0.1:3000", cfg.Origin)
	}
	cfg.Origin = strings.TrimSuffix(cfg.Origin, "/")
	if cfg.Model == "" || cfg.TTL < time.Second || cfg.TTL > time.Hour {
		return nil, errors.New("a model and a token lifetime between 1s and 1h are required")
	}
	if _, err := os.Stat(path.Join(cfg.Vendor, "index.mjs")); err != nil {
		return nil, fmt.Errorf("the openai package is missing under %s: run npm ci in examples/browser", cfg.Vendor)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second}
	}
	page, err := static.ReadFile("static/index.html")
	if err != nil {
		return nil, err
	}
	s := &server{cfg: cfg, base: base, page: page}
	assets, err := fs.Sub(static, "static")
	if err != nil {
		return nil, err
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.index)
	mux.Handle("GET /app.js", http.FileServerFS(assets))
	mux.Handle("GET /vendor/openai/", http.StripPrefix("/vendor/openai/", modulesOnly(http.FileServerFS(os.DirFS(cfg.Vendor)))))
	mux.HandleFunc("POST /api/login", s.login)
	mux.HandleFunc("POST /api/logout", s.logout)
	mux.HandleFunc("POST /api/token", s.token)
	return mux, nil
}

// index serves the page with a Content-Security-Policy that lets it run
// only its own scripts and connect only to itself and the gateway.
func (s *server) index(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", fmt.Sprintf("default-src 'self'; connect-src 'self' %s://%s; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
		s.base.Scheme, s.base.Host))
	h.Set("Referrer-Policy", "no-referrer")
	_, _ = w.Write(s.page)
}

// modulesOnly serves the SDK's scripts and nothing else of the package
// directory: its ES modules (.mjs), and the .js files they import, which
// are CommonJS guarded to do nothing when a browser loads them as modules.
func modulesOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, ".mjs") && !strings.HasSuffix(r.URL.Path, ".js") {
			http.NotFound(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// login signs the demo user in with a fresh random session id.
func (s *server) login(w http.ResponseWriter, r *http.Request) {
	if !s.sameOrigin(w, r) {
		return
	}
	var b [32]byte
	_, _ = rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	s.sessions.Store(id, session{user: demoUser, expires: time.Now().Add(sessionTTL)})
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", MaxAge: int(sessionTTL / time.Second),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: strings.HasPrefix(s.cfg.Origin, "https:")})
	writeJSON(w, http.StatusOK, map[string]string{"user": demoUser})
}

func (s *server) logout(w http.ResponseWriter, r *http.Request) {
	if !s.sameOrigin(w, r) {
		return
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.sessions.Delete(c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	w.WriteHeader(http.StatusNoContent)
}

// user returns the signed-in user of r, if any.
func (s *server) user(r *http.Request) (string, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return "", false
	}
	v, ok := s.sessions.Load(c.Value)
	if !ok {
		return "", false
	}
	sess := v.(session)
	if time.Now().After(sess.expires) {
		s.sessions.Delete(c.Value)
		return "", false
	}
	return sess.user, true
}

// sameOrigin refuses a state-changing request that another site's page
// sent (the SameSite cookie already keeps the session out of it; this says
// so plainly).
func (s *server) sameOrigin(w http.ResponseWriter, r *http.Request) bool {
	if o := r.Header.Get("Origin"); o != "" && !strings.EqualFold(o, s.cfg.Origin) {
		writeJSON(w, http.StatusForbidden, map[string]string{"error": "cross-origin request refused"})
		return false
	}
	return true
}

// TokenResponse is what the page gets from POST /api/token: a token for
// its user, and where to use it. Nothing else, and never the aigate key.
type TokenResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	BaseURL   string    `json:"base_url"`
	Model     string    `json:"model"`
}

// token mints a token for the signed-in user at the gateway, bound to the
// user, the page's origin and the one model, and hands it to the page.
func (s *server) token(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if !s.sameOrigin(w, r) {
		return
	}
	user, ok := s.user(r)
	if !ok {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "sign in first"})
		return
	}
	tok, err := s.mint(r.Context(), user)
	if err != nil {
		s.cfg.Logger.Error("minting a token failed", "user", user, "err", err)
		writeJSON(w, http.StatusBadGateway, map[string]string{"error": "the gateway did not mint a token; see the backend's log"})
		return
	}
	writeJSON(w, http.StatusOK, tok)
}

// mint calls the gateway's POST /v1/aigate/tokens with the aigate key.
func (s *server) mint(ctx context.Context, user string) (*TokenResponse, error) {
	body, err := json.Marshal(map[string]any{
		"user":   user,
		"ttl":    s.cfg.TTL.String(),
		"models": []string{s.cfg.Model},
		"origin": s.cfg.Origin,
	})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.base.String()+"/v1/aigate/tokens", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+s.cfg.Key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.cfg.Client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusCreated {
		// The gateway's refusal is in OpenAI's error format; its message
		// says what to do and holds no secret.
		var e struct {
			Error struct {
				Message string `json:"message"`
			} `json:"error"`
		}
		_ = json.Unmarshal(data, &e)
		return nil, fmt.Errorf("gateway answered %s: %s", resp.Status, e.Error.Message)
	}
	var m struct {
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	if err := json.Unmarshal(data, &m); err != nil || m.Token == "" {
		return nil, fmt.Errorf("the gateway's answer holds no token (%v)", err)
	}
	return &TokenResponse{Token: m.Token, ExpiresAt: m.ExpiresAt, BaseURL: s.base.String() + "/v1", Model: s.cfg.Model}, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
