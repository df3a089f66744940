package proxy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/http/httputil"
	"time"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider"
)

// returnHeaders are the provider response headers passed back to the client.
var returnHeaders = []string{
	"Content-Type", "Retry-After", "X-Request-Id", "Request-Id", "Openai-Processing-Ms", "Openai-Version",
	"Anthropic-Organization-Id",
}

// Forwarder is the last handler of the chain: it sends the request to its
// upstream with the provider key and returns the provider's response.
type Forwarder struct {
	// Adapters by dialect.
	Adapters map[gateway.Dialect]provider.Adapter
	Router   *Router
	// Keys are provider keys by upstream name. An upstream with AuthNone
	// needs none.
	Keys map[string]gateway.Secret
	// Transport sends upstream requests. If nil, http.DefaultTransport is used.
	Transport http.RoundTripper
	// Observe, if set, is told how long each provider took to answer.
	Observe func(provider string, d time.Duration)
	Logger  *slog.Logger
}

// Serve implements gateway.Handler.
func (f *Forwarder) Serve(ctx context.Context, req *gateway.Request) (*gateway.Response, error) {
	ad, ok := f.Adapters[req.Dialect]
	if !ok {
		return nil, fmt.Errorf("forward: no adapter for dialect %q", req.Dialect)
	}
	up, err := f.Router.Route(req.Dialect, req.Model)
	if err != nil {
		return nil, err
	}
	if req.Principal != nil && !req.Principal.AllowsProvider(up.Name) {
		return nil, gateway.Errorf(gateway.CodeForbidden, "this aigate key may not use provider %q", up.Name)
	}
	req.Provider = up.Name
	key, ok := f.Keys[up.Name]
	if !ok && up.Auth != provider.AuthNone {
		return nil, fmt.Errorf("forward: no key for provider %q", up.Name)
	}
	body, err := ad.Encode(req)
	if err != nil {
		return nil, err
	}
	out, err := f.outbound(ctx, req, body)
	if err != nil {
		return nil, err
	}
	pr := &httputil.ProxyRequest{In: out.Clone(ctx), Out: out}
	ad.Rewrite(pr, req, up, key)

	t := f.Transport
	if t == nil {
		t = http.DefaultTransport
	}
	start := time.Now()
	resp, err := t.RoundTrip(pr.Out)
	if f.Observe != nil {
		f.Observe(up.Name, time.Since(start))
	}
	if err != nil {
		return nil, upstreamError(ctx, up.Name, err)
	}
	if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
		// The provider refused aigate's own credential. Its message is about
		// the operator's key, not the caller's: keep it out of the reply.
		resp.Body.Close()
		return nil, &gateway.Error{
			Code:    gateway.CodeUpstream,
			Message: fmt.Sprintf("provider %q refused the gateway's credential; the gateway operator must check that provider's key", up.Name),
			Err:     fmt.Errorf("upstream status %d", resp.StatusCode),
		}
	}
	h := http.Header{}
	for _, k := range returnHeaders {
		if v := resp.Header.Values(k); len(v) > 0 {
			h[k] = v
		}
	}
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	return &gateway.Response{
		Status: resp.StatusCode,
		Header: h,
		Body:   resp.Body,
		Stream: ct == "text/event-stream" || (req.Stream && resp.StatusCode < 300),
	}, nil
}

// outbound builds the upstream request with only forwardable headers; the
// adapter's Rewrite sets the URL and the credential.
func (f *Forwarder) outbound(ctx context.Context, req *gateway.Request, body []byte) (*http.Request, error) {
	method := http.MethodPost
	if req.Operation == gateway.OpModels {
		method = http.MethodGet
		body = nil
	}
	out, err := http.NewRequestWithContext(ctx, method, "http://upstream.invalid/", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("forward: %w", err)
	}
	if body == nil {
		out.Body, out.ContentLength = nil, 0
	}
	for k, v := range req.Header {
		out.Header[k] = v
	}
	if body != nil && out.Header.Get("Content-Type") == "" {
		out.Header.Set("Content-Type", "application/json")
	}
	out.URL.RawQuery = req.Query.Encode()
	return out, nil
}

// upstreamError turns a transport failure into a refusal the client can act on.
func upstreamError(ctx context.Context, name string, err error) error {
	if ctx.Err() != nil {
		return &gateway.Error{Code: gateway.CodeUpstream, Message: "the request was cancelled", Err: err}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &gateway.Error{Code: gateway.CodeTimeout, Message: fmt.Sprintf("provider %q did not answer in time; retry later", name), Err: err}
	}
	return &gateway.Error{Code: gateway.CodeUpstream, Message: fmt.Sprintf("provider %q could not be reached; retry later", name), Err: err}
}
