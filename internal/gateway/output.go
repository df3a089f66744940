package gateway

// An OutputGuard checks and rewrites the text a model generates before the
// client sees it: pseudonyms restored, leaks of the pinned system prompt
// stopped, personal data or secrets flagged or redacted. A middleware sets
// one on [Response.Output]; whoever relays the response feeds it the
// generated text, which the dialect's adapter locates.
//
// Text arrives as pieces of separate streams named by a choice key (an
// OpenAI choice, an Anthropic content block, a Gemini candidate): for a
// streamed answer, the deltas of one choice in order; for a whole answer,
// each text field as a stream of its own, followed by Flush. A key made by
// [ToolArgs] says the text is JSON: tool-call arguments, or the answer of a
// request that asked for JSON output ([Request.JSONOutput]).
//
// An OutputGuard serves one response and is used from one goroutine. It
// cannot take back bytes already sent: once a stream has been relayed in
// part, a refusal can only end it with an error event.
type OutputGuard interface {
	// Text takes the next piece of the choice's text and returns the text to
	// send in its place. It may hold back a tail that could still turn out to
	// be something to rewrite (a placeholder cut in two) and release it with
	// a later piece or Flush. A non-nil error refuses the rest of the
	// response; it should be an *Error whose message names no text.
	Text(choice int, piece string) (string, error)
	// Flush returns the text still held back for the choice, at the end of
	// its text or before an event that carries none.
	Flush(choice int) (string, error)
}

// A FieldGuard is an [OutputGuard] that reads a whole value better for
// knowing the name of the JSON member it is the value of: bare digits
// under "phone" are a phone number, under "created_at" a timestamp.
// Adapters hand such values over as whole texts with [Text.Key] set.
type FieldGuard interface {
	// Field checks value, the whole value of the member named key, as a
	// choice of its own, and returns the text to send in its place: what
	// Text and then Flush would return, read in the key's context.
	Field(choice int, key, value string) (string, error)
}

// jsonArgs is the bit of a choice key that ToolArgs sets.
const jsonArgs = 1 << 29

// ToolArgs returns the choice key under which an adapter hands an
// [OutputGuard] the arguments of a tool call written as JSON text (OpenAI's
// arguments string, the fragments of Anthropic's input_json_delta), given
// the key it would use otherwise. The guard then reads the values the JSON
// spells rather than its escapes ("\u0040" is an "@"), and keeps what it
// returns valid JSON. Arguments handed over value by value, each string
// decoded, need no such key. Other keys must stay below the mark (1<<29).
func ToolArgs(choice int) int { return choice | jsonArgs }

// IsToolArgs reports whether choice was made by [ToolArgs].
func IsToolArgs(choice int) bool { return choice&jsonArgs != 0 }
