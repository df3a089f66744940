package providertest

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/guard"
	"github.com/aigate-dev/aigate/internal/provider"
	"github.com/aigate-dev/aigate/secretscan"
)

// PolicyGuard returns a check that runs the real input guards of a policy
// compiled from spec on a request that adapter a, of dialect d, decoded:
// what an adapter's end-to-end tests put between Decode and Encode.
func PolicyGuard(t testing.TB, d gateway.Dialect, a provider.Adapter, spec guard.PolicySpec) func(*gateway.Request) error {
	t.Helper()
	ps, err := guard.NewPolicies(map[string]guard.PolicySpec{"p": spec}, "p")
	if err != nil {
		t.Fatal(err)
	}
	pg := &guard.PolicyGuard{Policies: ps, Adapters: map[gateway.Dialect]provider.Adapter{d: a}}
	h := pg.Middleware(gateway.HandlerFunc(func(context.Context, *gateway.Request) (*gateway.Response, error) {
		return &gateway.Response{}, nil
	}))
	return func(req *gateway.Request) error {
		_, err := h.Serve(context.Background(), req)
		return err
	}
}

// RecordingServer serves a handler, typically a simulated provider, and
// keeps the bodies of the requests it received.
type RecordingServer struct {
	*httptest.Server
	mu     sync.Mutex
	bodies []string
}

// NewRecordingServer starts a RecordingServer for h, closed when the test
// ends.
func NewRecordingServer(t testing.TB, h http.Handler) *RecordingServer {
	t.Helper()
	s := &RecordingServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.bodies = append(s.bodies, string(b))
		s.mu.Unlock()
		r.Body = io.NopCloser(strings.NewReader(string(b)))
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// Received returns the bodies received so far, in order.
func (s *RecordingServer) Received() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.bodies...)
}

// Credential returns a credential of the secretscan rule with this id,
// generated from seed with the rule's own example generator: the right
// shape and checksum, never issued by anyone.
func Credential(t testing.TB, rule string, seed uint64) string {
	t.Helper()
	r, ok := secretscan.Default().Rule(rule)
	if !ok || r.Example == nil {
		t.Fatalf("secretscan has no example generator for %s", rule)
	}
	return r.Example(rand.New(rand.NewPCG(seed, seed+1)))
}

// RandomKey returns prefix and 48 random hex digits: a key that is made up
// at run time, as the tests' aigate and provider keys must be.
func RandomKey(prefix string) string {
	b := make([]byte, 24)
	_, _ = crand.Read(b)
	return prefix + hex.EncodeToString(b)
}
