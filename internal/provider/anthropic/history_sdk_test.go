package anthropic_test

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

	sdk "github.com/anthropics/anthropic-sdk-go/v2"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/guard"
	"github.com/aigate-dev/aigate/internal/provider"
	"github.com/aigate-dev/aigate/internal/provider/anthropic"
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
	pg := &guard.PolicyGuard{Policies: ps, Adapters: map[gateway.Dialect]provider.Adapter{gateway.DialectAnthropic: anthropic.Adapter{}}}
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
	h := upstreamsim.Anthropic()
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

// serverToolHistory is a conversation whose assistant turn holds a web
// search's results, with title in the first, and a bash run's output.
func serverToolHistory(title, stdout string) sdk.MessageNewParams {
	return sdk.MessageNewParams{
		Model:     "claude-sim-1",
		MaxTokens: 256,
		Messages: []sdk.MessageParam{
			sdk.NewUserMessage(sdk.NewTextBlock("What does the status page say?")),
			sdk.NewAssistantMessage(
				sdk.ContentBlockParamUnion{OfServerToolUse: &sdk.ServerToolUseBlockParam{ID: "srvtoolu_1", Name: sdk.ServerToolUseBlockParamNameWebSearch, Input: map[string]any{"query": "status page"}}},
				sdk.ContentBlockParamUnion{OfWebSearchToolResult: &sdk.WebSearchToolResultBlockParam{ToolUseID: "srvtoolu_1",
					Content: sdk.WebSearchToolResultBlockParamContentUnion{OfWebSearchToolResultBlockItem: []sdk.WebSearchResultBlockParam{
						{Title: title, URL: "https://status.example/", EncryptedContent: "EqgfCioIARgBIiQ3"},
					}}}},
				sdk.ContentBlockParamUnion{OfServerToolUse: &sdk.ServerToolUseBlockParam{ID: "srvtoolu_2", Name: sdk.ServerToolUseBlockParamNameBashCodeExecution, Input: map[string]any{"command": "cat contacts.txt"}}},
				sdk.ContentBlockParamUnion{OfBashCodeExecutionToolResult: &sdk.BashCodeExecutionToolResultBlockParam{ToolUseID: "srvtoolu_2",
					Content: sdk.BashCodeExecutionToolResultBlockParamContentUnion{OfRequestBashCodeExecutionResultBlock: &sdk.BashCodeExecutionResultBlockParam{
						Stdout: stdout, Content: []sdk.BashCodeExecutionOutputBlockParam{},
					}}}},
				sdk.NewTextBlock("All systems operational."),
			),
			sdk.NewUserMessage(sdk.NewTextBlock("Thanks.")),
		},
	}
}

// TestSDKServerToolResultsGuarded: what server tools returned on an
// earlier turn, as the official SDK sends it, reaches the input guards: a
// credential in a web search result's title is refused with a 400 and
// nothing goes upstream; an e-mail address in a bash run's output arrives
// upstream pseudonymised.
func TestSDKServerToolResultsGuarded(t *testing.T) {
	sc := secretscan.Default()
	rule, ok := sc.Rule("openai-project-key")
	if !ok || rule.Example == nil {
		t.Fatal("no example for openai-project-key")
	}
	pasted := rule.Example(rand.New(rand.NewPCG(3, 4)))
	const email = "jane.roe@example.org"

	t.Run("secret-refused", func(t *testing.T) {
		sim := newRecordingSim(t)
		gw := newMiniGateway(t, sim.URL, policyGuard(t, guard.PolicySpec{}))
		client := newClient(gw.URL)
		_, err := client.Messages.New(t.Context(), serverToolHistory("Status: key "+pasted, "ok"))
		var apiErr *sdk.Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest || !strings.Contains(apiErr.Message, "credential") {
			t.Fatalf("Messages.New error = %v, want a 400 about a credential", err)
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
		client := newClient(gw.URL)
		if _, err := client.Messages.New(t.Context(), serverToolHistory("Status", "contact: "+email+"\n")); err != nil {
			t.Fatal(err)
		}
		got := sim.received()
		if len(got) != 1 {
			t.Fatalf("upstream received %d requests, want 1", len(got))
		}
		if strings.Contains(got[0], email) || !strings.Contains(got[0], `"stdout":"contact: <EMAIL_1>\n"`) {
			t.Errorf("upstream body holds the address or lacks the pseudonym in stdout: %s", got[0])
		}
	})
}

// TestSDKJSONOutput: a structured-output request, as the official SDK
// sends it, is decoded as asking for JSON output.
func TestSDKJSONOutput(t *testing.T) {
	sim := httptest.NewServer(upstreamsim.Anthropic())
	defer sim.Close()
	var (
		mu   sync.Mutex
		seen []bool
	)
	gw := newMiniGateway(t, sim.URL, func(req *gateway.Request) error {
		mu.Lock()
		seen = append(seen, req.JSONOutput)
		mu.Unlock()
		return nil
	})
	p := question
	p.OutputConfig = sdk.OutputConfigParam{Format: sdk.JSONOutputFormatParam{Schema: map[string]any{
		"type": "object", "properties": map[string]any{"answer": map[string]any{"type": "string"}},
	}}}
	client := newClient(gw.URL)
	if _, err := client.Messages.New(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Messages.New(t.Context(), question); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 2 || !seen[0] || seen[1] {
		t.Errorf("JSONOutput per request = %v, want [true false]", seen)
	}
}
