// Package gateway is aigate's domain: the neutral [Request] the guards read,
// the [Response] that flows back, the [Principal] a request acts for, the
// [Error] type every refusal is made of, and the two shapes the pipeline is
// built from.
//
// # Guards and middleware
//
// A [Guard] looks at a request and may deny it or edit its text. A
// [Middleware] wraps the rest of the chain, so work that must be undone
// (a budget reservation, a concurrency slot) is undone where it was done:
//
//	reserve → next.Serve → commit on success, release on failure
//
// [Chain] composes middleware around the [Handler] that finally sends the
// request upstream.
//
// # Failing closed
//
// Any error returned by a Guard, a Middleware or a Handler denies the request.
// Use *[Error] to choose the code and the message the client sees; any other
// error is reported to the client as an internal error and its text is only
// logged.
//
// Package gateway imports nothing else of aigate's: every other internal
// package points inward to it.
package gateway
