// Package upstreamsim simulates the AI providers aigate forwards to: OpenAI,
// Anthropic and Gemini, each an [net/http.Handler] speaking the provider's
// real wire format, streaming included. `aigate demo` runs the gateway
// against them, so it needs no key and no network, and tests use them as
// upstreams the official SDKs can parse.
//
// Answers are deterministic and never repeat the prompt: a sentence naming
// the model and the length of the last user message, with token counts of
// ceil(characters/4). Each simulator checks that a credential is present (any
// non-empty key passes), so a test can tell whether the gateway attached
// one, and records nothing.
package upstreamsim
