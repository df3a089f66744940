package proxy

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aigate-dev/aigate/internal/cors"
	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/metrics"
	"github.com/aigate-dev/aigate/internal/provider"
)

// State is the configuration a request is served with. It is immutable once
// passed to [Server.Swap].
type State struct {
	// Adapters are tried in order to match a request's route.
	Adapters []provider.Adapter
	// Handler is the chain that checks and forwards a request.
	Handler gateway.Handler
	// MaxBodyBytes caps a request body; larger bodies are refused with 413.
	MaxBodyBytes int64
	// Preflight returns the CORS policy that preflights, and refusals made
	// before a key is known, are answered with: the union of every key's
	// allow-list. Nil, or a nil policy, is CORS off. Answers to
	// authenticated requests use the key's own list (Principal.CORSOrigins).
	Preflight func() *cors.Policy
}

// Server is the gateway's http.Handler for provider routes.
type Server struct {
	Logger  *slog.Logger
	Metrics *metrics.Metrics // if nil, nothing is measured
	// Now returns the current time. If nil, time.Now is used.
	Now func() time.Time

	state atomic.Pointer[State]
}

// NewServer returns a Server serving st.
func NewServer(st *State, logger *slog.Logger, m *metrics.Metrics) *Server {
	s := &Server{Logger: logger, Metrics: m}
	s.Swap(st)
	return s
}

// Swap makes st the state new requests are served with. Requests in flight
// finish with the state they started with.
func (s *Server) Swap(st *State) { s.state.Store(st) }

// clientHeaders may reach a provider; everything else, credentials and
// cookies included, is dropped. An allow-list fails closed when a client
// sends a header nobody foresaw.
var clientHeaders = []string{
	"Accept", "User-Agent", "Anthropic-Version", "Anthropic-Beta", "Openai-Beta", "Idempotency-Key", "X-Goog-Api-Client",
}

// clientHeaderPrefixes are prefixes of SDK telemetry headers that may reach a provider.
var clientHeaderPrefixes = []string{"X-Stainless-"}

// clientQuery are the query parameters that may reach a provider.
var clientQuery = []string{"alt"}

// urlCredentialParams are query parameters that carry a credential.
var urlCredentialParams = []string{"key", "api_key", "apikey", "api-key", "access_token", "token"}

// maxResponseBytes bounds how much of a non-streaming response is held to
// read its usage; larger bodies are relayed without usage.
const maxResponseBytes = 32 << 20

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	st := s.state.Load()
	rec := &record{start: s.now(), id: newRequestID(), method: r.Method, path: r.URL.Path}
	w.Header().Set("X-Request-Id", rec.id)
	ad := errorAdapter(st.Adapters, r)
	if cors.IsPreflight(r) {
		// No credential comes with a preflight: answered here, before
		// authentication, from the union of the keys' allow-lists.
		ok := s.preflight(st).Preflight(w, r)
		rec.status, rec.wroteHeader = http.StatusNoContent, true
		if !ok {
			rec.status = http.StatusForbidden
			rec.err = gateway.Errorf(gateway.CodeForbidden, "preflight from an origin, method or header no key allows")
		}
		s.finish(rec)
		return
	}
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.Logger.Error("panic serving request", "request_id", rec.id, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if !rec.wroteHeader {
				s.refuse(w, ad, rec, gateway.AsError(errors.New("panic")))
			}
			s.finish(rec)
		}
	}()

	req, err := s.read(w, r, st, rec)
	if req != nil {
		ad = adapterFor(st.Adapters, req.Dialect)
		rec.req = req
	}
	if err != nil {
		s.corsHeaders(w, r, st, nil)
		s.refuse(w, ad, rec, gateway.AsError(err))
		s.finish(rec)
		return
	}
	resp, err := st.Handler.Serve(r.Context(), req)
	s.corsHeaders(w, r, st, req.Principal)
	if err != nil {
		s.refuse(w, ad, rec, gateway.AsError(err))
		s.finish(rec)
		return
	}
	s.relay(w, r, ad, req, resp, rec)
	s.finish(rec)
}

func (s *Server) preflight(st *State) *cors.Policy {
	if st.Preflight == nil {
		return nil
	}
	return st.Preflight()
}

// corsHeaders adds the CORS headers of the answer to a browser's request:
// by the key's allow-list once a key is known, else (a refusal before
// authentication) by the preflight policy, so the page's SDK can read the
// error. Whether the key accepts the origin at all is checked in the chain
// ([cors.Policy.Check]), before anything goes upstream.
func (s *Server) corsHeaders(w http.ResponseWriter, r *http.Request, st *State, p *gateway.Principal) {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return
	}
	if p == nil {
		s.preflight(st).Apply(w.Header(), origin)
		return
	}
	KeyCORS(p).Apply(w.Header(), origin)
}

// KeyCORS returns the CORS policy of the key behind p; nil when it allows
// no origin. Its origins were checked when the key was saved.
func KeyCORS(p *gateway.Principal) *cors.Policy {
	if p == nil || len(p.CORSOrigins) == 0 {
		return nil
	}
	pol, err := cors.New(cors.Config{Origins: p.CORSOrigins})
	if err != nil {
		return nil
	}
	return pol
}

// CheckCORS is the guard that refuses, with 403, a browser request from an
// origin the authenticated key does not allow; requests without Origin
// pass. It belongs right after authentication.
func CheckCORS(_ context.Context, req *gateway.Request) error {
	if req.Origin == "" {
		return nil
	}
	return KeyCORS(req.Principal).Check(req.Origin)
}

// read matches the route, reads and decodes the body, and collects what the
// chain needs from the HTTP request.
func (s *Server) read(w http.ResponseWriter, r *http.Request, st *State, rec *record) (*gateway.Request, error) {
	var (
		ad    provider.Adapter
		op    gateway.Operation
		model string
	)
	for _, a := range st.Adapters {
		if o, m, ok := a.Match(r); ok {
			ad, op, model = a, o, m
			break
		}
	}
	if ad == nil {
		return nil, gateway.Errorf(gateway.CodeNotFound, "aigate does not serve %s %s; point your SDK's base URL at the gateway and use a supported API", r.Method, r.URL.Path)
	}
	var body []byte
	if op != gateway.OpModels {
		ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || ct != "application/json" {
			return nil, gateway.Errorf(gateway.CodeUnsupportedMedia, "Content-Type must be application/json")
		}
		body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, st.MaxBodyBytes))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, gateway.Errorf(gateway.CodeTooLarge, "request body is larger than this gateway's limit of %s; send less context or ask the operator to raise validation.max_body_bytes", formatBytes(st.MaxBodyBytes))
			}
			return nil, gateway.Errorf(gateway.CodeInvalid, "could not read the request body").WithErr(err)
		}
		if !json.Valid(body) {
			return nil, gateway.Errorf(gateway.CodeInvalid, "request body is not valid JSON")
		}
	}
	req, err := ad.Decode(op, model, body)
	if err != nil {
		return nil, err
	}
	req.ID = rec.id
	req.Received = rec.start
	req.Header = forwardable(r.Header)
	req.Query = url.Values{}
	q := r.URL.Query()
	for _, k := range clientQuery {
		if v, ok := q[k]; ok {
			req.Query[k] = v
		}
	}
	if as, ok := ad.(provider.ArrayStreamer); ok && req.Stream {
		req.ArrayStream = as.ArrayStream(req)
	}
	req.Credential, req.CredentialInURL = credential(r.Header, q)
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		req.ClientIP = host
	}
	req.Origin = r.Header.Get("Origin")
	if u := r.Header.Get("X-Aigate-User"); u != "" && req.User == "" {
		req.User = u
	}
	return req, nil
}

// Credential returns the aigate credential r presents, and whether it came
// in the URL query, where it must be refused; see credential.
func Credential(r *http.Request) (gateway.Secret, bool) {
	return credential(r.Header, r.URL.Query())
}

// credential returns the credential the client presented, and whether it
// came in the URL query (which is always refused). A URL credential wins,
// so that it is reported even when a header is also present.
func credential(h http.Header, q url.Values) (gateway.Secret, bool) {
	for _, k := range urlCredentialParams {
		if v := q.Get(k); v != "" {
			return gateway.NewSecret(v), true
		}
	}
	if v := h.Get("Authorization"); v != "" {
		if scheme, tok, ok := strings.Cut(v, " "); ok && strings.EqualFold(scheme, "Bearer") {
			return gateway.NewSecret(strings.TrimSpace(tok)), false
		}
	}
	for _, k := range []string{"X-Api-Key", "X-Goog-Api-Key", "Api-Key"} {
		if v := h.Get(k); v != "" {
			return gateway.NewSecret(strings.TrimSpace(v)), false
		}
	}
	return gateway.Secret{}, false
}

func forwardable(in http.Header) http.Header {
	out := http.Header{}
	for _, k := range clientHeaders {
		if v := in.Values(k); len(v) > 0 {
			out[k] = v
		}
	}
	for k, v := range in {
		for _, p := range clientHeaderPrefixes {
			if strings.HasPrefix(k, p) {
				out[k] = v
			}
		}
	}
	return out
}

// refuse writes e in the dialect's format.
func (s *Server) refuse(w http.ResponseWriter, ad provider.Adapter, rec *record, e *gateway.Error) {
	rec.err = e
	rec.status = e.Code.Status()
	rec.wroteHeader = true
	ad.WriteError(w, e)
}

// adapterFor returns the adapter of dialect d.
func adapterFor(as []provider.Adapter, d gateway.Dialect) provider.Adapter {
	for _, a := range as {
		if a.Dialect() == d {
			return a
		}
	}
	return as[0]
}

// errorAdapter guesses the dialect of a request no route matched, so even a
// 404 arrives in a format the caller's SDK parses.
func errorAdapter(as []provider.Adapter, r *http.Request) provider.Adapter {
	d := gateway.DialectOpenAI
	switch {
	case strings.HasPrefix(r.URL.Path, "/v1beta/") || strings.Contains(r.URL.Path, ":") || r.Header.Get("X-Goog-Api-Key") != "":
		d = gateway.DialectGemini
	case strings.HasPrefix(r.URL.Path, "/v1/messages") || r.Header.Get("Anthropic-Version") != "":
		d = gateway.DialectAnthropic
	}
	return adapterFor(as, d)
}

func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "req_" + hex.EncodeToString(b[:])
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
