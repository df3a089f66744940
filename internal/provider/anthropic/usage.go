package anthropic

import (
	"strconv"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/jsonscan"
)

// Usage reads token counts from a whole Message body ("usage"), from the
// data of a message_start event ("message.usage") or of a message_delta
// event ("usage", whose counts are cumulative). ok is false for data
// without usage, such as a count_tokens answer (counting is free), other
// stream events and errors. Cache creation and cache reads are counted as
// input; see the package documentation.
func (Adapter) Usage(data []byte) (u gateway.Usage, ok bool) {
	if jsonscan.Kind(data) != '{' {
		return u, false
	}
	var usage, message []byte
	_ = jsonscan.EachMember(data, func(k jsonscan.Key, v []byte, _ int) bool {
		switch {
		case k.Is("usage"):
			usage = v
		case k.Is("message"):
			message = v
		}
		return true
	})
	if usage == nil && jsonscan.Kind(message) == '{' {
		usage, _, _ = jsonscan.Get(message, "usage")
	}
	if jsonscan.Kind(usage) != '{' {
		return u, false
	}
	var created, read int64
	_ = jsonscan.Object(usage, func(k string, v []byte, _ int) bool {
		n, isNum := number(v)
		switch k {
		case "input_tokens":
			u.InputTokens, ok = n, ok || isNum
		case "output_tokens":
			u.OutputTokens, ok = n, ok || isNum
		case "cache_creation_input_tokens":
			created, ok = n, ok || isNum
		case "cache_read_input_tokens":
			read, ok = n, ok || isNum
		}
		return true
	})
	u.InputTokens += created + read
	u.CachedInputTokens = read
	return u, ok
}

// number reads a non-negative integer; anything else (null included) is 0.
func number(v []byte) (int64, bool) {
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}
