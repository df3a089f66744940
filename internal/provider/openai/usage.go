package openai

import (
	"strconv"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/jsonscan"
)

// Usage reads token counts from a response body or one stream event's data:
//
//   - chat completions and embeddings: usage.prompt_tokens,
//     usage.completion_tokens, usage.prompt_tokens_details.cached_tokens
//     (the last chunk of a stream that asked for usage);
//   - the Responses API: usage.input_tokens, usage.output_tokens,
//     usage.input_tokens_details.cached_tokens, at the top level of a
//     response object or in the "response" of a response.completed (or
//     response.incomplete, response.failed) event.
//
// ok is false for data without a usage object, such as "[DONE]", a chunk
// with "usage": null or a response.created event.
func (Adapter) Usage(data []byte) (gateway.Usage, bool) {
	if jsonscan.Kind(data) != '{' {
		return gateway.Usage{}, false
	}
	var usage, response []byte
	_ = jsonscan.EachMember(data, func(k jsonscan.Key, v []byte, _ int) bool {
		switch {
		case k.Is("usage"):
			usage = v
		case k.Is("response"):
			response = v
		}
		return true
	})
	if jsonscan.Kind(usage) != '{' && jsonscan.Kind(response) == '{' {
		usage, _, _ = jsonscan.Get(response, "usage")
	}
	if jsonscan.Kind(usage) != '{' {
		return gateway.Usage{}, false
	}
	var (
		u  gateway.Usage
		ok bool
	)
	_ = jsonscan.Object(usage, func(k string, v []byte, _ int) bool {
		switch k {
		case "prompt_tokens", "input_tokens":
			u.InputTokens, ok = count(v), true
		case "completion_tokens", "output_tokens":
			u.OutputTokens, ok = count(v), true
		case "prompt_tokens_details", "input_tokens_details":
			if jsonscan.Kind(v) == '{' {
				if c, _, found := jsonscan.Get(v, "cached_tokens"); found {
					u.CachedInputTokens = count(c)
				}
			}
		}
		return true
	})
	return u, ok
}

// count reads a token count; anything but a non-negative integer reads as 0.
func count(v []byte) int64 {
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}
