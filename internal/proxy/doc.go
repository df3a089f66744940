// Package proxy is aigate's HTTP front door and its way upstream.
//
// [Server] is the http.Handler clients talk to. For each request it
//
//  1. finds the dialect adapter whose route matches, or refuses with 404;
//  2. reads the body under a size limit, checks the content type and that
//     the body is JSON, and decodes it with the adapter;
//  3. takes the caller's credential from Authorization, x-api-key,
//     x-goog-api-key or api-key (noting one sent in the URL query, which the
//     authentication middleware refuses);
//  4. runs the configured [gateway.Handler] chain, which ends in a
//     [Forwarder];
//  5. relays the response, event by event for streams, reading token usage
//     as it goes, and settles the response with [gateway.Response.Finish];
//  6. writes one metadata-only access record and updates the metrics.
//
// Every refusal is written by the dialect's adapter, so the client's SDK
// raises its usual error. Nothing in this package logs a body, a header
// value or a credential.
//
// The configuration a request sees (upstreams, keys, limits, chain) is one
// immutable [State], swapped atomically by [Server.Swap] on reload, so a
// request in flight finishes with the state it started with.
package proxy
