// Package anthropic speaks the Anthropic Messages API: POST /v1/messages
// (streaming or not) and POST /v1/messages/count_tokens.
//
// [Adapter] reads only what the guards need (model, stream, max_tokens,
// metadata.user_id, the system prompt and the text of every message) and
// records where each text stands in the body, so the body that goes upstream
// is the client's body byte for byte, with only the texts a guard edited
// spliced in.
//
// # What counts as text
//
// The system prompt (a string or text blocks) is [gateway.RoleSystem]. In
// messages, text blocks, the text, title and context of document blocks
// (source type "text" or "content"), and the text, title and source of
// search_result blocks take the message's role, and so do the values of the
// input objects of tool_use, server_tool_use and mcp_tool_use blocks (the
// calls the model made), read one by one. The text of tool_result and
// mcp_tool_result blocks is [gateway.RoleTool]: it comes from a tool, not
// from the person typing, and is placed in its own message just before the
// text of the same turn. So is what server tools returned: web search
// results' titles and URLs, a fetched page's URL and document, code
// execution's stdout and stderr, the text editor's file views, replaced
// lines and error messages, an advisor's answer; and the descriptions of
// the tools in an mcp_tool_listing block (names and schemas are not read,
// like the request's own tools), the titles and URLs of a browser_state
// block's tabs and the URLs, paths and errors of its downloads. Images, file ids,
// encrypted content (search result pages, encrypted stdout, redacted
// advisor results), and thinking blocks (signed, so they must come back
// unchanged) are not text to the guards and pass through untouched.
//
// A block (or a document source, or a result inside a server tool's
// result block) of a type the adapter does not know is
// read, not passed unread: its strings and numbers at any depth, but for
// plainly opaque members (ids, types, signatures, encrypted content, media
// types, base64 data), are tool text marked [gateway.Text.ReadOnly], and
// the block is listed in [gateway.Request.Unknown]. The guards check them and may refuse the
// request; an edit of one (a redaction, a pseudonym) refuses it too, with
// a 400 naming the block, since aigate does not rewrite content it does
// not model. A block with more than [gateway.MaxUnknownBytes] of such text
// is refused.
//
// A request whose output_config.format (or the beta's output_format) is of
// type json_schema asks for the answer as JSON: [gateway.Request.JSONOutput]
// is set and the answer's text blocks are handed to output guards as JSON
// text ([provider.TextKey]).
//
// # Usage
//
// Anthropic reports input_tokens net of prompt caching. [Adapter.Usage]
// reports everything the provider read as input:
//
//	InputTokens       = input_tokens + cache_creation_input_tokens + cache_read_input_tokens
//	CachedInputTokens = cache_read_input_tokens
//
// Cache writes are billed above the base input rate and cache reads below
// it; pricing that cares applies the rates to the parts.
package anthropic

import (
	"encoding/json"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider"
)

// DefaultVersion is the anthropic-version header sent upstream when the
// client did not send one.
const DefaultVersion = "2023-06-01"

// The routes of the dialect.
const (
	pathMessages    = "/v1/messages"
	pathCountTokens = "/v1/messages/count_tokens"
)

// Adapter is the [provider.Adapter] for the Anthropic Messages API. The zero
// value is ready to use; it holds no state and no credential.
type Adapter struct{}

// Dialect returns [gateway.DialectAnthropic].
func (Adapter) Dialect() gateway.Dialect { return gateway.DialectAnthropic }

// Match recognises POST /v1/messages ([gateway.OpMessages]) and POST
// /v1/messages/count_tokens ([gateway.OpCountTokens]). The model is in the
// body, so model is always empty.
func (Adapter) Match(r *http.Request) (op gateway.Operation, model string, ok bool) {
	if r.Method != http.MethodPost {
		return "", "", false
	}
	switch r.URL.Path {
	case pathMessages:
		return gateway.OpMessages, "", true
	case pathCountTokens:
		return gateway.OpCountTokens, "", true
	}
	return "", "", false
}

// Encode returns the body with the guards' edits spliced in; every byte a
// guard did not edit is the client's.
// An edit of a read-only text is refused (see [gateway.Request.EncodeBody]).
func (Adapter) Encode(req *gateway.Request) ([]byte, error) { return req.EncodeBody() }

// Rewrite points pr.Out at u: the upstream's base URL (any path prefix
// kept) followed by the operation's path. Of the client's query only "beta"
// (sent by the SDKs' beta clients) survives. Any credential header left on
// pr.Out is removed before the upstream key is set in the header u.Auth
// names (x-api-key unless configured otherwise). anthropic-version keeps
// the client's value, or is set to [DefaultVersion].
func (Adapter) Rewrite(pr *httputil.ProxyRequest, req *gateway.Request, u *provider.Upstream, key gateway.Secret) {
	path := pathMessages
	if req.Operation == gateway.OpCountTokens {
		path = pathCountTokens
	}
	out := pr.Out
	out.URL = &url.URL{
		Scheme: u.BaseURL.Scheme,
		Host:   u.BaseURL.Host,
		Path:   strings.TrimSuffix(u.BaseURL.Path, "/") + path,
	}
	if pr.In != nil {
		if v, ok := pr.In.URL.Query()["beta"]; ok {
			out.URL.RawQuery = url.Values{"beta": v}.Encode()
		}
	}
	out.Host = ""

	h := out.Header
	if h == nil {
		h = http.Header{}
		out.Header = h
	}
	provider.SetCredential(h, u.Auth, provider.AuthXAPIKey, key)

	if h.Get("Anthropic-Version") == "" {
		h.Set("Anthropic-Version", DefaultVersion)
	}
}

// errorTypes maps codes to Anthropic error types. Types the SDKs know are
// preferred: a spent budget is a billing_error (402), a dependency of
// aigate being down is overloaded_error, which SDKs retry.
var errorTypes = map[gateway.Code]string{
	gateway.CodeInvalid:          "invalid_request_error",
	gateway.CodeUnsupportedMedia: "invalid_request_error",
	gateway.CodeUnauthenticated:  "authentication_error",
	gateway.CodeForbidden:        "permission_error",
	gateway.CodeNotFound:         "not_found_error",
	gateway.CodeTooLarge:         "request_too_large",
	gateway.CodeRateLimited:      "rate_limit_error",
	gateway.CodeBudgetExceeded:   "billing_error",
	gateway.CodeUpstream:         "api_error",
	gateway.CodeUnavailable:      "overloaded_error",
	gateway.CodeTimeout:          "timeout_error",
	gateway.CodeInternal:         "api_error",
}

// ErrorType returns the Anthropic error type written for code c.
func ErrorType(c gateway.Code) string {
	if t, ok := errorTypes[c]; ok {
		return t
	}
	return "api_error"
}

type errorBody struct {
	Type  string       `json:"type"`
	Error errorDetails `json:"error"`
}

type errorDetails struct {
	Type    string `json:"type"`
	Message string `json:"message"`
}

// WriteError writes e as an Anthropic error,
// {"type":"error","error":{"type":...,"message":...}}, with the status of
// e.Code and the headers in e.Header. A nil e is written as an internal
// error.
func (Adapter) WriteError(w http.ResponseWriter, e *gateway.Error) {
	provider.WriteError(w, e, "application/json", func(e *gateway.Error) []byte {
		body, _ := json.Marshal(errorBody{ // a struct of strings always marshals
			Type:  "error",
			Error: errorDetails{Type: ErrorType(e.Code), Message: e.Message},
		})
		return body
	})
}

var _ provider.Adapter = Adapter{}
