package gemini_test

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"google.golang.org/genai"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/guard"
	"github.com/aigate-dev/aigate/internal/provider"
	"github.com/aigate-dev/aigate/internal/provider/gemini"
	"github.com/aigate-dev/aigate/internal/upstreamsim"
	"github.com/aigate-dev/aigate/secretscan"
)

// policyGuard returns a guard for newMiniGateway that applies the real
// input guards of a policy compiled from spec.
func policyGuard(t *testing.T, spec guard.PolicySpec) func(*gateway.Request) error {
	t.Helper()
	ps, err := guard.NewPolicies(map[string]guard.PolicySpec{"p": spec}, "p")
	if err != nil {
		t.Fatal(err)
	}
	pg := &guard.PolicyGuard{Policies: ps, Adapters: map[gateway.Dialect]provider.Adapter{gateway.DialectGemini: gemini.Adapter{}}}
	h := pg.Middleware(gateway.HandlerFunc(func(context.Context, *gateway.Request) (*gateway.Response, error) {
		return &gateway.Response{}, nil
	}))
	return func(req *gateway.Request) error {
		_, err := h.Serve(context.Background(), req)
		return err
	}
}

// recordingSim is the simulator with the bodies it received.
type recordingSim struct {
	*httptest.Server
	mu     sync.Mutex
	bodies []string
}

func newRecordingSim(t *testing.T) *recordingSim {
	t.Helper()
	s := &recordingSim{}
	h := upstreamsim.Gemini()
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

func (s *recordingSim) received() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.bodies...)
}

// codeHistory is a conversation whose model turn ran code, with the code
// and the output it printed.
func codeHistory(code, output string) []*genai.Content {
	return []*genai.Content{
		genai.NewContentFromText("Who maintains this service?", genai.RoleUser),
		genai.NewContentFromParts([]*genai.Part{
			{ExecutableCode: &genai.ExecutableCode{Language: genai.LanguagePython, Code: code}},
			{CodeExecutionResult: &genai.CodeExecutionResult{Outcome: genai.OutcomeOK, Output: output}},
			genai.NewPartFromText("Done."),
		}, genai.RoleModel),
		genai.NewContentFromText("Thanks.", genai.RoleUser),
	}
}

// TestSDKCodeExecutionGuarded: code the model ran on an earlier turn and
// what it printed, as the official SDK sends them, reach the input guards:
// a credential in the code is refused with a 400 and nothing goes
// upstream; an e-mail address in the output arrives upstream pseudonymised.
func TestSDKCodeExecutionGuarded(t *testing.T) {
	sc := secretscan.Default()
	rule, ok := sc.Rule("openai-project-key")
	if !ok || rule.Example == nil {
		t.Fatal("no example for openai-project-key")
	}
	pasted := rule.Example(rand.New(rand.NewPCG(5, 6)))
	const email = "jane.roe@example.org"

	t.Run("secret-refused", func(t *testing.T) {
		sim := newRecordingSim(t)
		gw := newMiniGateway(t, sim.URL, policyGuard(t, guard.PolicySpec{}))
		client := newClient(t, gw.URL, "", nil)
		_, err := client.Models.GenerateContent(t.Context(), model, codeHistory("key = '"+pasted+"'\nprint(len(key))", "56\n"), nil)
		var apiErr genai.APIError
		if !errors.As(err, &apiErr) || apiErr.Code != http.StatusBadRequest || !strings.Contains(apiErr.Message, "credential") {
			t.Fatalf("GenerateContent error = %v, want a 400 about a credential", err)
		}
		if strings.Contains(apiErr.Message, pasted) {
			t.Error("the refusal quotes the key")
		}
		if n := len(sim.received()); n != 0 {
			t.Errorf("upstream received %d requests, want none", n)
		}
	})

	t.Run("email-pseudonymised", func(t *testing.T) {
		sim := newRecordingSim(t)
		gw := newMiniGateway(t, sim.URL, policyGuard(t, guard.PolicySpec{PII: map[string]string{"default": "allow", "EMAIL": "pseudonymize"}}))
		client := newClient(t, gw.URL, "", nil)
		if _, err := client.Models.GenerateContent(t.Context(), model, codeHistory("print(open('c.cfg').read())", "owner = "+email+"\n"), nil); err != nil {
			t.Fatal(err)
		}
		got := sim.received()
		if len(got) != 1 {
			t.Fatalf("upstream received %d requests, want 1", len(got))
		}
		if strings.Contains(got[0], email) || !strings.Contains(got[0], `"output":"owner = <EMAIL_1>\n"`) {
			t.Errorf("upstream body holds the address or lacks the pseudonym in the output: %s", got[0])
		}
	})
}
