package anthropic_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	sdk "github.com/anthropics/anthropic-sdk-go/v2"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/guard"
	"github.com/aigate-dev/aigate/internal/provider/anthropic"
	"github.com/aigate-dev/aigate/internal/provider/providertest"
	"github.com/aigate-dev/aigate/internal/upstreamsim"
)

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
	pasted := providertest.Credential(t, "openai-project-key", 3)
	const email = "jane.roe@example.org"

	t.Run("secret-refused", func(t *testing.T) {
		sim := providertest.NewRecordingServer(t, upstreamsim.Anthropic())
		gw := newMiniGateway(t, sim.URL, providertest.PolicyGuard(t, gateway.DialectAnthropic, anthropic.Adapter{}, guard.PolicySpec{}))
		client := newClient(gw.URL)
		_, err := client.Messages.New(t.Context(), serverToolHistory("Status: key "+pasted, "ok"))
		var apiErr *sdk.Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest || !strings.Contains(apiErr.Message, "credential") {
			t.Fatalf("Messages.New error = %v, want a 400 about a credential", err)
		}
		if strings.Contains(apiErr.Message, pasted) {
			t.Error("the refusal quotes the key")
		}
		if n := len(sim.Received()); n != 0 {
			t.Errorf("upstream received %d requests, want none", n)
		}
	})

	t.Run("email-pseudonymised", func(t *testing.T) {
		sim := providertest.NewRecordingServer(t, upstreamsim.Anthropic())
		gw := newMiniGateway(t, sim.URL, providertest.PolicyGuard(t, gateway.DialectAnthropic, anthropic.Adapter{}, guard.PolicySpec{PII: map[string]string{"default": "allow", "EMAIL": "pseudonymize"}}))
		client := newClient(gw.URL)
		if _, err := client.Messages.New(t.Context(), serverToolHistory("Status", "contact: "+email+"\n")); err != nil {
			t.Fatal(err)
		}
		got := sim.Received()
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
