// Package provider defines how aigate speaks each provider's wire format.
//
// An [Adapter] is a stateless translator for one [gateway.Dialect]: it
// recognises the dialect's routes, decodes a native body into the neutral
// [gateway.Request] the guards read, renders the (possibly edited) request
// back, routes it to an [Upstream] with the real credential, reads token
// usage from responses and stream events, and writes refusals in the
// dialect's own error format so the official SDKs raise their usual
// exceptions. Adapters hold no credentials: the key arrives per call.
//
// A [Router] picks the [Upstream] a request goes to from its dialect and
// model.
package provider

import (
	"net/http"
	"net/http/httputil"
	"net/url"

	"github.com/aigate-dev/aigate/internal/gateway"
)

// Type is the kind of a configured provider.
type Type string

// The provider types aigate can forward to.
const (
	TypeOpenAI           Type = "openai"
	TypeAnthropic        Type = "anthropic"
	TypeGemini           Type = "gemini"
	TypeOpenAICompatible Type = "openai-compatible" // Mistral, Groq, DeepSeek, OpenRouter, Ollama, vLLM …
	TypeAzureOpenAI      Type = "azure-openai"
)

// Dialect returns the wire format a provider of type t speaks.
func (t Type) Dialect() gateway.Dialect {
	switch t {
	case TypeAnthropic:
		return gateway.DialectAnthropic
	case TypeGemini:
		return gateway.DialectGemini
	default:
		return gateway.DialectOpenAI
	}
}

// AuthStyle is how an upstream expects its key.
type AuthStyle string

// The credential placements upstreams use.
const (
	AuthBearer  AuthStyle = "bearer"         // Authorization: Bearer KEY (OpenAI and compatibles)
	AuthAPIKey  AuthStyle = "api-key"        // api-key: KEY (Azure OpenAI)
	AuthXAPIKey AuthStyle = "x-api-key"      // x-api-key: KEY (Anthropic)
	AuthGoogle  AuthStyle = "x-goog-api-key" // x-goog-api-key: KEY (Gemini)
	AuthNone    AuthStyle = "none"           // no credential (a local Ollama)
)

// Upstream is one configured provider: where requests go and how the key is
// attached. It holds no secret; the key is passed to [Adapter.Rewrite].
type Upstream struct {
	Name       string
	Type       Type
	BaseURL    *url.URL // scheme, host and any path prefix, e.g. https://api.openai.com
	Auth       AuthStyle
	Models     []string // model patterns routed here; empty routes every model of the dialect
	APIVersion string   // Azure OpenAI api-version; empty uses the /openai/v1 routes
}

// Adapter speaks one dialect. Implementations are stateless and safe for
// concurrent use.
type Adapter interface {
	// Dialect returns the wire format this adapter speaks.
	Dialect() gateway.Dialect

	// Match reports whether r is one of the dialect's routes, returning the
	// operation and, for dialects that carry it in the path, the model.
	Match(r *http.Request) (op gateway.Operation, model string, ok bool)

	// Decode parses a native body into the neutral request. body is valid
	// JSON (or empty for bodiless operations). The returned request has
	// Dialect, Operation, Model, Stream, MaxTokens, User and Messages set,
	// and Raw set to body; the caller fills the rest. A malformed request
	// returns a *gateway.Error with CodeInvalid and a message naming the
	// field.
	Decode(op gateway.Operation, model string, body []byte) (*gateway.Request, error)

	// Encode renders req, guard edits included, into the body sent upstream.
	// Fields aigate does not model are kept byte for byte.
	Encode(req *gateway.Request) ([]byte, error)

	// Rewrite points pr.Out at the upstream u for req and sets the real
	// credential. pr.Out arrives with only forwardable headers and no
	// client credential.
	Rewrite(pr *httputil.ProxyRequest, req *gateway.Request, u *Upstream, key gateway.Secret)

	// Usage reads token counts from a whole response body or from the data
	// of one SSE event. ok is false when data carries no usage. Counts are
	// cumulative where the provider reports them so; the caller keeps the
	// field-wise maximum over a stream.
	Usage(data []byte) (u gateway.Usage, ok bool)

	// WriteError writes e in the dialect's error format with e.Code's
	// status and e.Header.
	WriteError(w http.ResponseWriter, e *gateway.Error)
}

// StreamFilter is implemented by adapters that must hide some upstream
// stream events from the client, such as a usage chunk aigate asked for but
// the client did not.
type StreamFilter interface {
	// Hide reports whether the event with this data is withheld from the
	// client. Usage is still read from it.
	Hide(req *gateway.Request, data []byte) bool
}
