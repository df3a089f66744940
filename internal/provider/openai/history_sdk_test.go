package openai_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/responses"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/guard"
	"github.com/aigate-dev/aigate/internal/provider"
	aiopenai "github.com/aigate-dev/aigate/internal/provider/openai"
	"github.com/aigate-dev/aigate/internal/provider/providertest"
	"github.com/aigate-dev/aigate/internal/upstreamsim"
)

// guardedGateway is the adapter's part of the gateway with the real input
// guards of a policy compiled from spec: Match, Decode, the guards,
// Encode, Rewrite onto upstream. It returns the gateway's URL.
func guardedGateway(t *testing.T, upstream string, spec guard.PolicySpec) string {
	t.Helper()
	base, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	ad := aiopenai.Adapter{}
	guarded := providertest.PolicyGuard(t, gateway.DialectOpenAI, ad, spec)
	up := &provider.Upstream{Name: "openai", Type: provider.TypeOpenAI, BaseURL: base, Auth: provider.AuthBearer}
	key := gateway.NewSecret(providertest.RandomKey("sk-upstream-"))
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op, model, ok := ad.Match(r)
		if !ok {
			ad.WriteError(w, gateway.Errorf(gateway.CodeNotFound, "no such route"))
			return
		}
		body, _ := io.ReadAll(r.Body)
		req, err := ad.Decode(op, model, body)
		if err == nil {
			err = guarded(req)
		}
		var out []byte
		if err == nil {
			out, err = ad.Encode(req)
		}
		if err != nil {
			ad.WriteError(w, gateway.AsError(err))
			return
		}
		rp := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.Body = io.NopCloser(bytes.NewReader(out))
			pr.Out.ContentLength = int64(len(out))
			pr.Out.Header.Del("Authorization") // the client's credential
			ad.Rewrite(pr, req, up, key)
		}}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(gw.Close)
	return gw.URL
}

// shellHistory is a Responses conversation whose history holds a shell
// call running command and its output, stdout.
func shellHistory(command, stdout string) responses.ResponseNewParams {
	return responses.ResponseNewParams{
		Model: "gpt-sim-1",
		Input: responses.ResponseNewParamsInputUnion{OfInputItemList: responses.ResponseInputParam{
			responses.ResponseInputItemParamOfMessage("Who owns this repository?", responses.EasyInputMessageRoleUser),
			responses.ResponseInputItemParamOfShellCall(responses.ResponseInputItemShellCallActionParam{Commands: []string{command}}, "call_1"),
			responses.ResponseInputItemParamOfShellCallOutput("call_1", []responses.ResponseFunctionShellCallOutputContentParam{{
				Stdout:  stdout,
				Outcome: responses.ResponseFunctionShellCallOutputContentOutcomeUnionParam{OfExit: &responses.ResponseFunctionShellCallOutputContentOutcomeExitParam{ExitCode: 0}},
			}}),
			responses.ResponseInputItemParamOfMessage("Thanks.", responses.EasyInputMessageRoleUser),
		}},
	}
}

// TestSDKShellItemsGuarded: a shell call and its output in the Responses
// history, as the official SDK sends them, reach the input guards: a
// credential in the command is refused with a 400 and nothing goes
// upstream; an e-mail address in the output arrives upstream
// pseudonymised.
func TestSDKShellItemsGuarded(t *testing.T) {
	pasted := providertest.Credential(t, "openai-project-key", 7)
	const email = "jane.roe@example.org"
	newClient := func(base string) openai.Client {
		return openai.NewClient(option.WithBaseURL(base+"/v1"), option.WithAPIKey(providertest.RandomKey("agk_test_")), option.WithMaxRetries(0))
	}

	t.Run("secret-refused", func(t *testing.T) {
		sim := providertest.NewRecordingServer(t, upstreamsim.OpenAI())
		client := newClient(guardedGateway(t, sim.URL, guard.PolicySpec{}))
		_, err := client.Responses.New(t.Context(), shellHistory("OPENAI_API_KEY="+pasted+" git log -1", "commit 1"))
		var apiErr *openai.Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest || !strings.Contains(apiErr.Message, "credential") {
			t.Fatalf("Responses.New error = %v, want a 400 about a credential", err)
		}
		if strings.Contains(apiErr.Message, pasted) {
			t.Error("the refusal quotes the key")
		}
		if n := len(sim.Received()); n != 0 {
			t.Errorf("upstream received %d requests, want none", n)
		}
	})

	t.Run("email-pseudonymised", func(t *testing.T) {
		sim := providertest.NewRecordingServer(t, upstreamsim.OpenAI())
		client := newClient(guardedGateway(t, sim.URL, guard.PolicySpec{PII: map[string]string{"default": "allow", "EMAIL": "pseudonymize"}}))
		if _, err := client.Responses.New(t.Context(), shellHistory("git log -1 --format=%ae", email+"\n")); err != nil {
			t.Fatal(err)
		}
		got := sim.Received()
		if len(got) != 1 {
			t.Fatalf("upstream received %d requests, want 1", len(got))
		}
		if strings.Contains(got[0], email) || !strings.Contains(got[0], `"stdout":"<EMAIL_1>\n"`) {
			t.Errorf("upstream body holds the address or lacks the pseudonym in stdout: %s", got[0])
		}
	})
}
