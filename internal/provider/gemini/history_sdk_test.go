package gemini_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/genai"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/guard"
	"github.com/aigate-dev/aigate/internal/provider/gemini"
	"github.com/aigate-dev/aigate/internal/provider/providertest"
	"github.com/aigate-dev/aigate/internal/upstreamsim"
)

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
	pasted := providertest.Credential(t, "openai-project-key", 5)
	const email = "jane.roe@example.org"

	t.Run("secret-refused", func(t *testing.T) {
		sim := providertest.NewRecordingServer(t, upstreamsim.Gemini())
		gw := newMiniGateway(t, sim.URL, providertest.PolicyGuard(t, gateway.DialectGemini, gemini.Adapter{}, guard.PolicySpec{}))
		client := newClient(t, gw.URL, "", nil)
		_, err := client.Models.GenerateContent(t.Context(), model, codeHistory("key = '"+pasted+"'\nprint(len(key))", "56\n"), nil)
		var apiErr genai.APIError
		if !errors.As(err, &apiErr) || apiErr.Code != http.StatusBadRequest || !strings.Contains(apiErr.Message, "credential") {
			t.Fatalf("GenerateContent error = %v, want a 400 about a credential", err)
		}
		if strings.Contains(apiErr.Message, pasted) {
			t.Error("the refusal quotes the key")
		}
		if n := len(sim.Received()); n != 0 {
			t.Errorf("upstream received %d requests, want none", n)
		}
	})

	t.Run("email-pseudonymised", func(t *testing.T) {
		sim := providertest.NewRecordingServer(t, upstreamsim.Gemini())
		gw := newMiniGateway(t, sim.URL, providertest.PolicyGuard(t, gateway.DialectGemini, gemini.Adapter{}, guard.PolicySpec{PII: map[string]string{"default": "allow", "EMAIL": "pseudonymize"}}))
		client := newClient(t, gw.URL, "", nil)
		if _, err := client.Models.GenerateContent(t.Context(), model, codeHistory("print(open('c.cfg').read())", "owner = "+email+"\n"), nil); err != nil {
			t.Fatal(err)
		}
		got := sim.Received()
		if len(got) != 1 {
			t.Fatalf("upstream received %d requests, want 1", len(got))
		}
		if strings.Contains(got[0], email) || !strings.Contains(got[0], `"output":"owner = <EMAIL_1>\n"`) {
			t.Errorf("upstream body holds the address or lacks the pseudonym in the output: %s", got[0])
		}
	})
}
