package provider

import "github.com/aigate-dev/aigate/internal/gateway"

// SystemPinner is implemented by adapters that can place a system prompt
// held by the gateway in the dialect's native place: the first system
// message of an OpenAI chat completion, instructions of a Responses call,
// Anthropic's system, Gemini's systemInstruction.
type SystemPinner interface {
	// PinSystem makes prompt the request's system prompt, ahead of any the
	// client sent. With strip, the client's own system (and developer)
	// content is removed from the body and from req.Messages; without it
	// that content stays, after the pinned prompt. It edits the body only
	// through [gateway.Request.Insert] and [gateway.Text.Set], so every
	// other byte reaches the provider as sent. Operations without a system
	// prompt (embeddings, model lists) are left alone and return nil.
	//
	// PinSystem must run before any guard edits a system text, and at most
	// once per request.
	PinSystem(req *gateway.Request, prompt string, strip bool) error
}

// OutputSpan is one piece of generated text in a response body or in the
// data of one stream event.
type OutputSpan struct {
	// Choice keys the stream of text the piece belongs to: OpenAI's choice
	// index, Anthropic's content block index, Gemini's candidate index.
	Choice int
	// Whole is set for text that is complete in itself rather than the next
	// delta of Choice (a Responses API "done" event repeating the full
	// text); it is checked as a stream of its own.
	Whole bool
	gateway.Text
}

// OutputText is implemented by adapters that can locate the text a model
// generated, so output guards can read it and rewrite it in place (with
// [gateway.Splice] and [gateway.QuoteJSON] over the spans).
type OutputText interface {
	// ResponseText returns the generated text in a whole response body of
	// req (for Gemini's JSON-array stream, the whole array), in order.
	ResponseText(req *gateway.Request, body []byte) []OutputSpan
	// EventText returns the generated text in the data of one stream event.
	EventText(req *gateway.Request, data []byte) []OutputSpan
}

// StreamErrorer is implemented by adapters that can end a stream, once
// bytes of it have been sent, with an error event the dialect's SDKs raise.
type StreamErrorer interface {
	// StreamError returns the event name (empty for none) and data that
	// carry e. e.Message reaches the client; e.Err never does.
	StreamError(e *gateway.Error) (name string, data []byte)
}
