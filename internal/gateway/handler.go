package gateway

import "context"

// A Guard inspects a request before it goes upstream and may edit its text
// (redaction). A non-nil error denies the request: use *[Error] to choose
// the code and the client-visible message; any other error is reported to the
// client as internal. Guards may be called concurrently for different
// requests; a request is only ever seen by one guard at a time.
type Guard interface {
	Check(ctx context.Context, req *Request) error
}

// GuardFunc adapts a function to a [Guard].
type GuardFunc func(ctx context.Context, req *Request) error

// Check calls f.
func (f GuardFunc) Check(ctx context.Context, req *Request) error { return f(ctx, req) }

// A Handler serves a checked request, normally by sending it upstream. It
// returns either a response or an error, never both. When it returns a
// response, the caller owns it and must call [Response.Finish].
type Handler interface {
	Serve(ctx context.Context, req *Request) (*Response, error)
}

// HandlerFunc adapts a function to a [Handler].
type HandlerFunc func(ctx context.Context, req *Request) (*Response, error)

// Serve calls f.
func (f HandlerFunc) Serve(ctx context.Context, req *Request) (*Response, error) { return f(ctx, req) }

// Middleware wraps a Handler.
type Middleware func(next Handler) Handler

// Chain returns h wrapped by mw. mw[0] is outermost: it sees the request
// first and the response last. Chain(h, a, b) serves a request as
//
//	a → b → h → b → a
func Chain(h Handler, mw ...Middleware) Handler {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}

// Guards returns a Middleware that runs gs in order and stops at the first
// error, which denies the request.
func Guards(gs ...Guard) Middleware {
	return func(next Handler) Handler {
		return HandlerFunc(func(ctx context.Context, req *Request) (*Response, error) {
			for _, g := range gs {
				if err := g.Check(ctx, req); err != nil {
					return nil, err
				}
			}
			return next.Serve(ctx, req)
		})
	}
}
