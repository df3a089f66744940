// Package cors answers browsers' cross-origin checks for the gateway, so a
// web page can call aigate with a short-lived token and the official JS
// SDKs, and no other page can.
//
// CORS is off unless configured: with no [Policy], the gateway sends no
// CORS header and browsers refuse every cross-origin call.
//
// # Two decisions, two policies
//
// A preflight (OPTIONS with Access-Control-Request-Method) carries no
// credential: the browser sends it before the real request, without the
// Authorization header, so the gateway cannot know which key it is for.
// Preflights are therefore answered by one policy whose origins are the
// union of every key's allow-list (and the global list). That leaks
// nothing and grants nothing: a positive preflight only lets the browser
// send the real request, which is authenticated.
//
// The real request is decided per key, after authentication: the
// principal's own allow-list decides whether Access-Control-Allow-Origin
// is sent ([Policy.Apply]), and a request whose Origin the key does not
// allow is refused outright ([Policy.Check], 403), so a token copied to
// another site's page cannot spend the key's budget even though the
// browser would hide the answer. Requests without an Origin header
// (servers, CLIs) are not affected. Refusals written before a key is known
// (a 401) use the preflight policy, so the SDK in the page can read the
// error instead of seeing a network failure.
//
// # What is sent
//
// The allowed origin is echoed, never "*", unless the list is exactly "*"
// and credentials are off; "*" with AllowCredentials is a configuration
// error, and so is the origin "null". Every response carries
// Vary: Origin. Preflights allow the methods GET and POST, the request
// headers the OpenAI, Anthropic and Gemini JS SDKs send (see
// [AllowedHeaders]), and are cached by the browser for MaxAge. Responses
// expose the request-id, retry and rate-limit headers the SDKs read.
package cors
