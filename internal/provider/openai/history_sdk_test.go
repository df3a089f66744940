package openai_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	randv2 "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/responses"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/guard"
	"github.com/aigate-dev/aigate/internal/provider"
	aiopenai "github.com/aigate-dev/aigate/internal/provider/openai"
	"github.com/aigate-dev/aigate/internal/upstreamsim"
	"github.com/aigate-dev/aigate/secretscan"
)

func runtimeKey(prefix string) string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// guardedGateway is the adapter's part of the gateway with the real input
// guards of a policy compiled from spec: Match, Decode, the guards,
// Encode, Rewrite onto upstream. It returns the gateway's URL.
func guardedGateway(t *testing.T, upstream string, spec guard.PolicySpec) string {
	t.Helper()
	base, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := guard.NewPolicies(map[string]guard.PolicySpec{"p": spec}, "p")
	if err != nil {
		t.Fatal(err)
	}
	ad := aiopenai.Adapter{}
	pg := &guard.PolicyGuard{Policies: ps, Adapters: map[gateway.Dialect]provider.Adapter{gateway.DialectOpenAI: ad}}
	check := pg.Middleware(gateway.HandlerFunc(func(context.Context, *gateway.Request) (*gateway.Response, error) {
		return &gateway.Response{}, nil
	}))
	up := &provider.Upstream{Name: "openai", Type: provider.TypeOpenAI, BaseURL: base, Auth: provider.AuthBearer}
	key := gateway.NewSecret(runtimeKey("sk-upstream-"))
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op, model, ok := ad.Match(r)
		if !ok {
			ad.WriteError(w, gateway.Errorf(gateway.CodeNotFound, "no such route"))
			return
		}
		body, _ := io.ReadAll(r.Body)
		req, err := ad.Decode(op, model, body)
		if err == nil {
			_, err = check.Serve(r.Context(), req)
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

// recordingSim is the simulator with the bodies it received.
type recordingSim struct {
	*httptest.Server
	mu     sync.Mutex
	bodies []string
}

func newRecordingSim(t *testing.T) *recordingSim {
	t.Helper()
	s := &recordingSim{}
	h := upstreamsim.OpenAI()
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.bodies = append(s.bodies, string(b))
		s.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(b))
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
	sc := secretscan.Default()
	rule, ok := sc.Rule("openai-project-key")
	if !ok || rule.Example == nil {
		t.Fatal("no example for openai-project-key")
	}
	pasted := rule.Example(randv2.New(randv2.NewPCG(7, 8)))
	const email = "jane.roe@example.org"
	newClient := func(base string) openai.Client {
		return openai.NewClient(option.WithBaseURL(base+"/v1"), option.WithAPIKey(runtimeKey("agk_test_")), option.WithMaxRetries(0))
	}

	t.Run("secret-refused", func(t *testing.T) {
		sim := newRecordingSim(t)
		client := newClient(guardedGateway(t, sim.URL, guard.PolicySpec{}))
		_, err := client.Responses.New(t.Context(), shellHistory("OPENAI_API_KEY="+pasted+" git log -1", "commit 1"))
		var apiErr *openai.Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest || !strings.Contains(apiErr.Message, "credential") {
			t.Fatalf("Responses.New error = %v, want a 400 about a credential", err)
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
		client := newClient(guardedGateway(t, sim.URL, guard.PolicySpec{PII: map[string]string{"default": "allow", "EMAIL": "pseudonymize"}}))
		if _, err := client.Responses.New(t.Context(), shellHistory("git log -1 --format=%ae", email+"\n")); err != nil {
			t.Fatal(err)
		}
		got := sim.received()
		if len(got) != 1 {
			t.Fatalf("upstream received %d requests, want 1", len(got))
		}
		if strings.Contains(got[0], email) || !strings.Contains(got[0], `"stdout":"<EMAIL_1>\n"`) {
			t.Errorf("upstream body holds the address or lacks the pseudonym in stdout: %s", got[0])
		}
	})
}
