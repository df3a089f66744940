package gateway

import (
	"io"
	"net/http"
	"sync"
)

// Usage is what a call consumed, as reported by the provider.
type Usage struct {
	InputTokens       int64
	OutputTokens      int64
	CachedInputTokens int64 // part of InputTokens served from the provider's cache
}

// Add returns the sum of u and v.
func (u Usage) Add(v Usage) Usage {
	return Usage{
		InputTokens:       u.InputTokens + v.InputTokens,
		OutputTokens:      u.OutputTokens + v.OutputTokens,
		CachedInputTokens: u.CachedInputTokens + v.CachedInputTokens,
	}
}

// Response is the provider's answer on its way back to the client. Body is
// the raw upstream body: a whole JSON document, or an SSE stream when Stream
// is set. Whoever relays the body calls [Response.Finish] exactly once, with
// the usage it read, when the body has ended or the client has gone.
type Response struct {
	Status int
	Header http.Header
	Body   io.ReadCloser
	Stream bool
	// Output, if set, checks and rewrites the generated text on its way to
	// the client; the relay fails closed when it cannot locate that text.
	Output OutputGuard

	mu       sync.Mutex // protects the fields below
	onDone   []func(Usage)
	finished bool
	checks   []func(Usage) error // see Allow; used by the relay's goroutine only
}

// Allow registers check to run while a streamed response is relayed, before
// each event goes to the client, with the usage of the stream so far: what
// the provider has reported, or else an estimate (input from the request,
// output at one token per four characters of streamed text). A non-nil
// error, best a *Error, ends the stream at that event with the error as
// the dialect's error event; the event that crossed is not sent, and the
// response is finished with the usage counted up to and including it.
// Register checks before the response is returned up the chain.
func (r *Response) Allow(check func(Usage) error) {
	r.checks = append(r.checks, check)
}

// Metered reports whether any check was registered with Allow.
func (r *Response) Metered() bool { return len(r.checks) > 0 }

// Within runs the Allow checks with u and returns the first error.
func (r *Response) Within(u Usage) error {
	for _, c := range r.checks {
		if err := c(u); err != nil {
			return err
		}
	}
	return nil
}

// OnDone registers f to run when the response is finished. Callbacks run in
// reverse order of registration, so the middleware closest to the provider
// settles first, like deferred calls.
func (r *Response) OnDone(f func(Usage)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.onDone = append(r.onDone, f)
}

// Finish closes the body and runs the OnDone callbacks with u. Calls after
// the first do nothing.
func (r *Response) Finish(u Usage) {
	r.mu.Lock()
	if r.finished {
		r.mu.Unlock()
		return
	}
	r.finished = true
	fs := r.onDone
	r.onDone = nil
	r.mu.Unlock()
	if r.Body != nil {
		_ = r.Body.Close()
	}
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i](u)
	}
}
