package openai

import (
	"encoding/json"
	"net/http"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider"
)

// errorKinds maps a code to the OpenAI error type and error code a client
// sees. Where OpenAI has a well-known code for the same condition
// (invalid_api_key, rate_limit_exceeded, insufficient_quota) it is used, so
// code written against OpenAI keeps working; otherwise the code is aigate's.
var errorKinds = map[gateway.Code]struct{ typ, code string }{
	gateway.CodeInvalid:          {"invalid_request_error", string(gateway.CodeInvalid)},
	gateway.CodeUnauthenticated:  {"authentication_error", "invalid_api_key"},
	gateway.CodeForbidden:        {"permission_error", string(gateway.CodeForbidden)},
	gateway.CodeNotFound:         {"invalid_request_error", "unknown_url"},
	gateway.CodeTooLarge:         {"invalid_request_error", string(gateway.CodeTooLarge)},
	gateway.CodeUnsupportedMedia: {"invalid_request_error", string(gateway.CodeUnsupportedMedia)},
	gateway.CodeRateLimited:      {"rate_limit_error", "rate_limit_exceeded"},
	gateway.CodeBudgetExceeded:   {"insufficient_quota", "insufficient_quota"},
	gateway.CodeUpstream:         {"api_error", string(gateway.CodeUpstream)},
	gateway.CodeUnavailable:      {"api_error", string(gateway.CodeUnavailable)},
	gateway.CodeTimeout:          {"api_error", string(gateway.CodeTimeout)},
	gateway.CodeInternal:         {"api_error", string(gateway.CodeInternal)},
}

// errorBody is OpenAI's error envelope.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"` // always null: messages name the field instead
	Code    string  `json:"code"`
}

// errorJSON renders e in OpenAI's error format. e.Err is never included.
func errorJSON(e *gateway.Error) []byte {
	k, ok := errorKinds[e.Code]
	if !ok {
		k = errorKinds[gateway.CodeInternal]
	}
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Code.Status())
	}
	b, err := json.Marshal(errorBody{errorDetail{Message: msg, Type: k.typ, Code: k.code}})
	if err != nil { // cannot happen: every field is a string
		return []byte(`{"error":{"message":"internal error","type":"api_error","param":null,"code":"internal"}}`)
	}
	return b
}

// WriteError writes e as {"error":{"message","type","param","code"}} with
// e.Code's status and e.Header. Only e.Message reaches the client, never
// e.Err.
func (Adapter) WriteError(w http.ResponseWriter, e *gateway.Error) {
	provider.WriteError(w, e, "application/json", errorJSON)
}

// StreamError returns the event that ends a stream with e once response
// bytes have been sent: a data-only event holding the same JSON as
// [Adapter.WriteError], which the OpenAI SDKs raise as an error for chat
// completion and Responses API streams alike. Write it with
// sse.Writer.WriteEvent(name, data).
func (Adapter) StreamError(e *gateway.Error) (name string, data []byte) {
	return "", errorJSON(e)
}
