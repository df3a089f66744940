package provider

import (
	"net/http"

	"github.com/aigate-dev/aigate/internal/gateway"
)

// WriteError writes a refusal for an adapter's WriteError: the headers in
// e.Header, contentType, nosniff, e.Code's status and body(e), the
// dialect's own error JSON. A nil e is written as an internal error. Only
// e.Message may reach body's output, never e.Err.
func WriteError(w http.ResponseWriter, e *gateway.Error, contentType string, body func(*gateway.Error) []byte) {
	if e == nil {
		e = gateway.Errorf(gateway.CodeInternal, "aigate hit an internal error")
	}
	h := w.Header()
	for k, vs := range e.Header {
		h[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	h.Del("Content-Length")
	h.Set("Content-Type", contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	b := body(e)
	w.WriteHeader(e.Code.Status())
	_, _ = w.Write(b)
}
