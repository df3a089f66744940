package gemini

import (
	"strconv"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/jsonscan"
)

// Usage reads token counts from the usageMetadata of a whole
// GenerateContentResponse, of one SSE chunk (counts are cumulative), or of
// every element of a streamGenerateContent body sent as a JSON array
// (without alt=sse), keeping the field-wise maximum. ok is false for data
// without usage, such as countTokens and embedding answers and errors.
func (Adapter) Usage(data []byte) (u gateway.Usage, ok bool) {
	switch jsonscan.Kind(data) {
	case '{':
		return usage(data)
	case '[':
		_ = jsonscan.Array(data, func(_ int, v []byte, _ int) bool {
			if c, cok := usage(v); cok {
				ok = true
				u.InputTokens = max(u.InputTokens, c.InputTokens)
				u.OutputTokens = max(u.OutputTokens, c.OutputTokens)
				u.CachedInputTokens = max(u.CachedInputTokens, c.CachedInputTokens)
			}
			return true
		})
	}
	return u, ok
}

func usage(resp []byte) (u gateway.Usage, ok bool) {
	if jsonscan.Kind(resp) != '{' {
		return u, false
	}
	md, _, found := jsonscan.Get(resp, "usageMetadata")
	if !found {
		md, _, _ = jsonscan.Get(resp, "usage_metadata")
	}
	if jsonscan.Kind(md) != '{' {
		return u, false
	}
	_ = jsonscan.Object(md, func(k string, v []byte, _ int) bool {
		n, isNum := number(v)
		switch k {
		case "promptTokenCount", "prompt_token_count",
			"toolUsePromptTokenCount", "tool_use_prompt_token_count":
			u.InputTokens += n
		case "candidatesTokenCount", "candidates_token_count",
			"thoughtsTokenCount", "thoughts_token_count":
			u.OutputTokens += n
		case "cachedContentTokenCount", "cached_content_token_count":
			u.CachedInputTokens = n
		case "totalTokenCount", "total_token_count":
		default:
			return true
		}
		ok = ok || isNum
		return true
	})
	return u, ok
}

// number reads a non-negative integer written as a number or, as proto
// JSON allows, a string; anything else is 0.
func number(v []byte) (int64, bool) {
	if jsonscan.Kind(v) == '"' && len(v) >= 2 {
		v = v[1 : len(v)-1]
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}
