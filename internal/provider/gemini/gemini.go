// Package gemini speaks the Gemini API (generativelanguage.googleapis.com):
//
//	POST /v1beta/models/{model}:generateContent
//	POST /v1beta/models/{model}:streamGenerateContent   (SSE with ?alt=sse, else a JSON array, read from the provider as SSE)
//	POST /v1beta/models/{model}:countTokens
//	POST /v1beta/models/{model}:embedContent
//	POST /v1beta/models/{model}:batchEmbedContents
//
// and the same under /v1/ (which some SDKs call) and for tunedModels/{name}.
// The model comes from the path; a colon escaped as %3A is accepted.
//
// [Adapter] reads only what the guards need and records where each text
// stands in the body, so the body that goes upstream is the client's body
// byte for byte, with only the texts a guard edited spliced in. Like the
// provider, it accepts both the lowerCamelCase and the snake_case spelling
// of the members it reads, and refuses a body that spells one member both
// ways: the provider might read the copy the guards did not see.
//
// # What counts as text
//
// The text parts of contents (role "user" or absent: [gateway.RoleUser];
// "model": [gateway.RoleAssistant]; "function" or "tool":
// [gateway.RoleTool]), of systemInstruction ([gateway.RoleSystem]), of a
// countTokens generateContentRequest, and of the content (and title) of
// embedding requests. In the history, the values of a functionCall's or a
// server toolCall's args, the code of an executableCode, the text and
// words of a part's audioTranscription and the style of its speechMetadata
// take the content's role; the values of a functionResponse's or toolResponse's
// response and the output of a codeExecutionResult are
// [gateway.RoleTool], in a message of their own. Inline data, files, a
// functionResponse's parts (media) and thought signatures pass untouched.
//
// A member of a part that the adapter does not know (a new kind of part)
// is read, not passed unread: its strings and numbers at any depth, but
// for plainly opaque members (ids, types, signatures, media types, base64
// data), are [gateway.RoleTool] text marked [gateway.Text.ReadOnly], in a
// message of their own, and the member is listed in
// [gateway.Request.Unknown]. The guards check them and may refuse the
// request; an edit of one refuses it too, with a 400 naming the part,
// since aigate does not rewrite content it does not model.
//
// # Usage
//
//	InputTokens       = promptTokenCount + toolUsePromptTokenCount
//	OutputTokens      = candidatesTokenCount + thoughtsTokenCount
//	CachedInputTokens = cachedContentTokenCount (part of promptTokenCount)
//
// Streams report cumulative usage in every chunk.
package gemini

import (
	"encoding/json"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider"
)

// APIVersion is the version every request is sent upstream on: v1beta
// accepts everything v1 does, so clients of either are served alike.
const APIVersion = "v1beta"

// Adapter is the [provider.Adapter] for the Gemini API. The zero value is
// ready to use; it holds no state and no credential.
type Adapter struct{}

// Dialect returns [gateway.DialectGemini].
func (Adapter) Dialect() gateway.Dialect { return gateway.DialectGemini }

// methods maps the method after the colon in the path to the operation.
var methods = map[string]gateway.Operation{
	"generateContent":       gateway.OpGenerateContent,
	"streamGenerateContent": gateway.OpStreamGenerate,
	"countTokens":           gateway.OpGeminiCountTokens,
	"embedContent":          gateway.OpEmbedContent,
	"batchEmbedContents":    gateway.OpGeminiBatchEmbed,
}

// Match recognises POST /{v1beta|v1}/{models|tunedModels}/{name}:{method}.
// model is the name for models/ ("gemini-2.5-flash") and keeps the prefix
// for tunedModels/ ("tunedModels/my-model"), so model patterns written for
// base models never match a tuned one. Names are restricted to letters,
// digits, '.', '-' and '_'.
func (Adapter) Match(r *http.Request) (op gateway.Operation, model string, ok bool) {
	if r.Method != http.MethodPost {
		return "", "", false
	}
	return parsePath(r.URL.Path)
}

func parsePath(p string) (op gateway.Operation, model string, ok bool) {
	rest, found := strings.CutPrefix(p, "/v1beta/")
	if !found {
		if rest, found = strings.CutPrefix(p, "/v1/"); !found {
			return "", "", false
		}
	}
	res, method, found := strings.Cut(rest, ":")
	if !found {
		return "", "", false
	}
	if op, ok = methods[method]; !ok {
		return "", "", false
	}
	coll, name, found := strings.Cut(res, "/")
	if !found || !validName(name) {
		return "", "", false
	}
	switch coll {
	case "models":
		return op, name, true
	case "tunedModels":
		return op, res, true
	}
	return "", "", false
}

func validName(s string) bool {
	if s == "" || len(s) > 256 || s == "." || s == ".." {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// resource returns the path resource of model: "models/NAME" or
// "tunedModels/NAME".
func resource(model string) string {
	if strings.HasPrefix(model, "tunedModels/") {
		return model
	}
	return "models/" + model
}

// opMethod returns the method name of op.
func opMethod(op gateway.Operation) string {
	if m, ok := methodOf[op]; ok {
		return m
	}
	return "generateContent"
}

// Encode returns the body with the guards' edits spliced in; every byte a
// guard did not edit is the client's.
func (Adapter) Encode(req *gateway.Request) ([]byte, error) { return req.EncodeBody() }

// Rewrite points pr.Out at u: the base URL (any path prefix kept), then
// /v1beta/{models|tunedModels}/{name}:{method} built from req.Model and
// req.Operation. Of the request's query only "alt" survives (the key
// parameter never does). Any credential header left on pr.Out is removed
// before the upstream key is set in the header u.Auth names
// (x-goog-api-key unless configured otherwise).
func (Adapter) Rewrite(pr *httputil.ProxyRequest, req *gateway.Request, u *provider.Upstream, key gateway.Secret) {
	out := pr.Out
	out.URL = &url.URL{
		Scheme: u.BaseURL.Scheme,
		Host:   u.BaseURL.Host,
		Path:   strings.TrimSuffix(u.BaseURL.Path, "/") + "/" + APIVersion + "/" + resource(req.Model) + ":" + opMethod(req.Operation),
	}
	if v, ok := req.Query["alt"]; ok {
		out.URL.RawQuery = url.Values{"alt": v}.Encode()
	}
	out.Host = ""

	h := out.Header
	if h == nil {
		h = http.Header{}
		out.Header = h
	}
	provider.SetCredential(h, u.Auth, provider.AuthGoogle, key)

}

// statuses maps codes to the google.rpc status names Gemini writes. The
// HTTP status stays the code's own, even where Google would use another
// (a spent budget is 402 RESOURCE_EXHAUSTED).
var statuses = map[gateway.Code]string{
	gateway.CodeInvalid:          "INVALID_ARGUMENT",
	gateway.CodeUnsupportedMedia: "INVALID_ARGUMENT",
	gateway.CodeTooLarge:         "INVALID_ARGUMENT",
	gateway.CodeUnauthenticated:  "UNAUTHENTICATED",
	gateway.CodeForbidden:        "PERMISSION_DENIED",
	gateway.CodeNotFound:         "NOT_FOUND",
	gateway.CodeRateLimited:      "RESOURCE_EXHAUSTED",
	gateway.CodeBudgetExceeded:   "RESOURCE_EXHAUSTED",
	gateway.CodeUpstream:         "UNAVAILABLE",
	gateway.CodeUnavailable:      "UNAVAILABLE",
	gateway.CodeTimeout:          "DEADLINE_EXCEEDED",
	gateway.CodeInternal:         "INTERNAL",
}

// Status returns the google.rpc status name written for code c.
func Status(c gateway.Code) string {
	if s, ok := statuses[c]; ok {
		return s
	}
	return "INTERNAL"
}

type errorBody struct {
	Error errorDetails `json:"error"`
}

type errorDetails struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Status  string `json:"status"`
}

// WriteError writes e as a Google API error,
// {"error":{"code":400,"message":...,"status":"INVALID_ARGUMENT"}}, with
// the status of e.Code and the headers in e.Header. A nil e is written as
// an internal error.
func (Adapter) WriteError(w http.ResponseWriter, e *gateway.Error) {
	provider.WriteError(w, e, "application/json; charset=UTF-8", func(e *gateway.Error) []byte {
		body, _ := json.Marshal(errorBody{errorDetails{Code: e.Code.Status(), Message: e.Message, Status: Status(e.Code)}}) // cannot fail
		return body
	})
}

var _ provider.Adapter = Adapter{}

// ArrayStream asks the provider for SSE when a streamGenerateContent client
// did not: without alt=sse Gemini streams one JSON array, which the gateway
// rebuilds from the SSE events (see [provider.ArrayStreamer]).
func (Adapter) ArrayStream(req *gateway.Request) bool {
	if req.Operation != gateway.OpStreamGenerate || req.Query.Get("alt") == "sse" {
		return false
	}
	if req.Query == nil {
		req.Query = url.Values{}
	}
	req.Query.Set("alt", "sse")
	return true
}
