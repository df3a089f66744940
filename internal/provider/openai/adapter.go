package openai

import (
	"bytes"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/jsonscan"
	"github.com/aigate-dev/aigate/internal/provider"
)

// Adapter speaks the OpenAI dialect. The zero value is ready to use; it
// holds no state and is safe for concurrent use.
type Adapter struct{}

// Dialect returns gateway.DialectOpenAI.
func (Adapter) Dialect() gateway.Dialect { return gateway.DialectOpenAI }

// Match recognises the four client routes listed in the package doc. The
// model always comes from the body, so the returned model is empty.
func (Adapter) Match(r *http.Request) (gateway.Operation, string, bool) {
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v1/chat/completions":
		return gateway.OpChatCompletions, "", true
	case r.Method == http.MethodPost && r.URL.Path == "/v1/responses":
		return gateway.OpResponses, "", true
	case r.Method == http.MethodPost && r.URL.Path == "/v1/embeddings":
		return gateway.OpEmbeddings, "", true
	case r.Method == http.MethodGet && r.URL.Path == "/v1/models":
		return gateway.OpModels, "", true
	}
	return "", "", false
}

// includeUsage is the stream_options object added to streaming chat
// completions that do not ask for usage.
const includeUsage = `"include_usage":true`

// Encode returns req.Body(): the body as received with the guards' edits.
// For a streaming chat completion whose client did not set
// stream_options.include_usage to true, it also asks for usage (adding
// stream_options, or include_usage within it, or turning false or null to
// true) and sets req.UsageInjected so that [Adapter.Hide] keeps the extra
// chunk from the client. Encode can be called again (for a retry) with the
// same result.
func (Adapter) Encode(req *gateway.Request) ([]byte, error) {
	body, err := req.EncodeBody() // refuses an edit of a read-only text
	if err != nil {
		return nil, err
	}
	if req.Operation != gateway.OpChatCompletions || !req.Stream {
		return body, nil
	}
	edit, ok, err := usageEdit(body)
	if err != nil {
		return nil, err
	}
	if !ok {
		return body, nil
	}
	req.UsageInjected = true
	return gateway.Splice(body, []gateway.Edit{edit}), nil
}

// usageEdit returns the edit that makes body ask for stream usage, or ok
// false when it already does.
func usageEdit(body []byte) (e gateway.Edit, ok bool, err error) {
	var (
		so    []byte
		soOff int
		found bool
		last  = -1 // offset just past the last member
	)
	if scanErr := jsonscan.Object(body, func(k string, v []byte, off int) bool {
		if k == "stream_options" {
			so, soOff, found = v, off, true
		}
		last = off + len(v)
		return true
	}); scanErr != nil {
		return e, false, invalid("request body is not valid JSON")
	}
	if !found {
		member := `"stream_options":{` + includeUsage + `}`
		if last < 0 { // an empty object
			at := bytes.IndexByte(body, '{') + 1
			return gateway.Edit{Start: at, End: at, Insert: []byte(member)}, true, nil
		}
		// After the last member, so the usual key order stays readable.
		return gateway.Edit{Start: last, End: last, Insert: []byte("," + member)}, true, nil
	}
	switch jsonscan.Kind(so) {
	case 'n':
		return gateway.Edit{Start: soOff, End: soOff + len(so), Insert: []byte(`{` + includeUsage + `}`)}, true, nil
	case '{':
	default:
		return e, false, invalid("stream_options: must be an object")
	}
	var (
		iu     []byte
		iuOff  int
		hasIU  bool
		member bool
	)
	if scanErr := jsonscan.Object(so, func(k string, v []byte, off int) bool {
		member = true
		if k == "include_usage" {
			iu, iuOff, hasIU = v, off, true
		}
		return true
	}); scanErr != nil {
		return e, false, invalid("stream_options: is not valid JSON")
	}
	if hasIU {
		if string(iu) == "true" {
			return e, false, nil
		}
		at := soOff + iuOff
		return gateway.Edit{Start: at, End: at + len(iu), Insert: []byte("true")}, true, nil
	}
	insert := includeUsage
	if member {
		insert += ","
	}
	return gateway.Edit{Start: soOff + 1, End: soOff + 1, Insert: []byte(insert)}, true, nil
}

// Hide withholds the usage-only chunk (no choices, a usage object) of a
// streaming chat completion whose usage aigate asked for on the client's
// behalf. Everything else reaches the client.
func (Adapter) Hide(req *gateway.Request, data []byte) bool {
	if !req.UsageInjected || req.Operation != gateway.OpChatCompletions || jsonscan.Kind(data) != '{' {
		return false
	}
	var usage, choicesEmpty = false, true
	_ = jsonscan.EachMember(data, func(k jsonscan.Key, v []byte, _ int) bool {
		switch {
		case k.Is("usage"):
			usage = jsonscan.Kind(v) == '{'
		case k.Is("choices"):
			if jsonscan.Kind(v) != 'n' {
				_ = jsonscan.Array(v, func(int, []byte, int) bool {
					choicesEmpty = false
					return false
				})
			}
		}
		return choicesEmpty // a chunk with choices is never hidden: stop
	})
	return usage && choicesEmpty
}

// Rewrite points pr.Out at u and sets key in the header u.Auth names
// (bearer when empty, or api-key for Azure OpenAI).
//
// The path is the client's route under u.BaseURL's path. For Azure OpenAI
// with an APIVersion the deployment routes are used,
//
//	/openai/deployments/{model}/chat/completions?api-version=V
//	/openai/deployments/{model}/embeddings?api-version=V
//	/openai/responses?api-version=V
//	/openai/models?api-version=V
//
// and without one the v1 routes (/openai/v1/chat/completions, …). A base
// URL may already end with the start of the route, as SDK base URLs do:
// https://api.openai.com/v1 and https://api.openai.com both reach
// https://api.openai.com/v1/chat/completions. The client's query string is
// never forwarded.
func (Adapter) Rewrite(pr *httputil.ProxyRequest, req *gateway.Request, u *provider.Upstream, key gateway.Secret) {
	out := pr.Out
	segs, query := route(req, u)
	base := u.BaseURL
	prefix := strings.Split(strings.Trim(base.Path, "/"), "/")
	if prefix[0] == "" {
		prefix = nil
	}
	rawPrefix := strings.Split(strings.Trim(base.EscapedPath(), "/"), "/")
	if rawPrefix[0] == "" || len(rawPrefix) != len(prefix) {
		rawPrefix = nil
	}
	k := overlap(prefix, segs)
	var path, rawPath strings.Builder
	for i, s := range prefix {
		path.WriteString("/" + s)
		if rawPrefix != nil {
			rawPath.WriteString("/" + rawPrefix[i])
		} else {
			rawPath.WriteString("/" + url.PathEscape(s))
		}
	}
	for _, s := range segs[k:] {
		path.WriteString("/" + s)
		rawPath.WriteString("/" + escapeSegment(s))
	}

	out.URL.Scheme = base.Scheme
	out.URL.Host = base.Host
	out.URL.Path = path.String()
	out.URL.RawPath = rawPath.String()
	out.URL.RawQuery = query
	out.URL.Fragment, out.URL.RawFragment = "", ""
	out.Host = base.Host

	def := provider.AuthBearer
	if u.Type == provider.TypeAzureOpenAI {
		def = provider.AuthAPIKey
	}
	provider.SetCredential(out.Header, u.Auth, def, key)
}

// route returns the upstream path segments (unescaped) and query for req.
func route(req *gateway.Request, u *provider.Upstream) ([]string, string) {
	var op []string
	switch req.Operation {
	case gateway.OpChatCompletions:
		op = []string{"chat", "completions"}
	case gateway.OpResponses:
		op = []string{"responses"}
	case gateway.OpEmbeddings:
		op = []string{"embeddings"}
	default:
		op = []string{"models"}
	}
	if u.Type != provider.TypeAzureOpenAI {
		return append([]string{"v1"}, op...), ""
	}
	if u.APIVersion == "" {
		return append([]string{"openai", "v1"}, op...), ""
	}
	q := "api-version=" + url.QueryEscape(u.APIVersion)
	switch req.Operation {
	case gateway.OpChatCompletions, gateway.OpEmbeddings:
		return append([]string{"openai", "deployments", req.Model}, op...), q
	}
	return append([]string{"openai"}, op...), q
}

// overlap returns the largest k such that the last k segments of prefix are
// the first k of segs.
func overlap(prefix, segs []string) int {
	for k := min(len(prefix), len(segs)); k > 0; k-- {
		if equal(prefix[len(prefix)-k:], segs[:k]) {
			return k
		}
	}
	return 0
}

func equal(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// escapeSegment escapes one path segment, including "/" and dot segments,
// so a model name cannot climb out of /openai/deployments/.
func escapeSegment(s string) string {
	e := url.PathEscape(s)
	if strings.Trim(e, ".") == "" {
		e = strings.ReplaceAll(e, ".", "%2E")
	}
	return e
}

var (
	_ provider.Adapter      = Adapter{}
	_ provider.StreamFilter = Adapter{}
)
