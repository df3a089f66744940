package gemini

import (
	"math"
	"strconv"
	"strings"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/jsonscan"
	"github.com/aigate-dev/aigate/internal/provider"
)

// Decode reads the body of op for the model from the path. It fails with
// [gateway.CodeInvalid], naming the field, when a member the guards read has
// the wrong shape, when a required member is missing, when a role is not
// one Gemini knows, when a model named in the body differs from the path's,
// and when a member it reads appears twice (in either spelling).
func (Adapter) Decode(op gateway.Operation, model string, body []byte) (*gateway.Request, error) {
	if _, ok := methodOf[op]; !ok {
		return nil, gateway.Errorf(gateway.CodeNotFound, "gemini: no such operation")
	}
	if model == "" {
		return nil, invalid("model: is required in the path")
	}
	if jsonscan.Kind(body) != '{' {
		return nil, invalid("request body: must be a JSON object")
	}
	req := &gateway.Request{
		Dialect:   gateway.DialectGemini,
		Operation: op,
		Model:     model,
		Stream:    op == gateway.OpStreamGenerate,
		Raw:       body,
	}
	var derr *gateway.Error
	switch op {
	case gateway.OpGenerateContent, gateway.OpStreamGenerate:
		derr = generateRequest(req, "", body, 0, true)
	case gateway.OpGeminiCountTokens:
		derr = countTokensRequest(req, body)
	case gateway.OpEmbedContent:
		derr = embedRequest(req, "", body, 0)
	case gateway.OpGeminiBatchEmbed:
		derr = batchEmbedRequest(req, body)
	}
	if derr != nil {
		return nil, derr
	}
	return req, nil
}

// methodOf is the reverse of methods, for checking operations.
var methodOf = func() map[gateway.Operation]string {
	m := make(map[gateway.Operation]string, len(methods))
	for k, v := range methods {
		m[v] = k
	}
	return m
}()

func invalid(format string, args ...any) *gateway.Error {
	return gateway.Errorf(gateway.CodeInvalid, format, args...)
}

// canonical returns the lowerCamelCase name of the members Decode reads
// when k is their snake_case spelling, and k otherwise.
func canonical(k string) string {
	switch k {
	case "system_instruction":
		return "systemInstruction"
	case "generation_config":
		return "generationConfig"
	case "max_output_tokens":
		return "maxOutputTokens"
	case "response_mime_type":
		return "responseMimeType"
	case "response_schema":
		return "responseSchema"
	case "response_json_schema":
		return "responseJsonSchema"
	case "generate_content_request":
		return "generateContentRequest"
	case "function_call":
		return "functionCall"
	case "function_response":
		return "functionResponse"
	case "executable_code":
		return "executableCode"
	case "code_execution_result":
		return "codeExecutionResult"
	case "tool_call":
		return "toolCall"
	case "tool_response":
		return "toolResponse"
	case "audio_transcription":
		return "audioTranscription"
	case "speech_metadata":
		return "speechMetadata"
	}
	return k
}

// member is one member of an object, found by [object].
type member struct {
	v   []byte
	off int // offset of v in the whole body
}

// maxKeys is the most members [object] looks for in one object.
const maxKeys = 9

// object walks the object v at offset off and returns the members named
// in keys (at most maxKeys, by canonical name) at the same indexes,
// refusing duplicates. path names v in errors.
func object(path string, v []byte, off int, keys ...string) ([maxKeys]member, *gateway.Error) {
	var found [maxKeys]member
	if jsonscan.Kind(v) != '{' {
		return found, invalid("%s", notObject(path))
	}
	var ms [maxKeys]jsonscan.Member
	dup, err := jsonscan.MembersFunc(v, canonical, keys, ms[:])
	if dup != "" {
		return found, invalid("%s: appears more than once", join(path, dup))
	}
	if err != nil {
		return found, invalid("%s", notObject(path))
	}
	for i, m := range ms {
		found[i] = member{m.Value, off + m.Off}
	}
	return found, nil
}

// notObject is the error message for a value at path that is not an object.
func notObject(path string) string {
	if path == "" {
		return "request body: must be a JSON object"
	}
	return path + ": must be an object"
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

func present(m member) bool { return m.v != nil && jsonscan.Kind(m.v) != 'n' }

// generateRequest reads a GenerateContentRequest at v (the body, or a
// countTokens generateContentRequest). contentsRequired is false for the
// latter only when the caller checks it.
func generateRequest(req *gateway.Request, path string, v []byte, off int, contentsRequired bool) *gateway.Error {
	ms, derr := object(path, v, off, "contents", "systemInstruction", "generationConfig", "model")
	if derr != nil {
		return derr
	}
	contents, system, config, model := ms[0], ms[1], ms[2], ms[3]
	if derr := sameModel(req, join(path, "model"), model); derr != nil {
		return derr
	}
	if present(system) {
		p := join(path, "systemInstruction")
		parts, _, derr := content(p, system.v, system.off, false, nil, req)
		if derr != nil {
			return derr
		}
		req.Messages = append(req.Messages, gateway.Message{Role: gateway.RoleSystem, Parts: parts})
	}
	if !present(contents) {
		if contentsRequired {
			return invalid("%s: is required", join(path, "contents"))
		}
	} else if derr := contentList(req, join(path, "contents"), contents); derr != nil {
		return derr
	}
	if present(config) {
		p := join(path, "generationConfig")
		cs, derr := object(p, config.v, config.off, "maxOutputTokens", "responseMimeType", "responseSchema", "responseJsonSchema")
		if derr != nil {
			return derr
		}
		if present(cs[0]) {
			n, ok := integer(cs[0].v)
			if !ok {
				return invalid("%s.maxOutputTokens: must be a non-negative integer", p)
			}
			req.MaxTokens = n
		}
		req.JSONOutput = jsonOutput(cs[1], cs[2], cs[3])
	}
	return nil
}

// jsonOutput reports whether a generationConfig's responseMimeType and
// response schemas ask for the answer as JSON: the mime type
// application/json, or a schema without a mime type (text/x.enum answers
// with a plain value).
func jsonOutput(mime, schema, jsonSchema member) bool {
	if !present(mime) {
		return present(schema) || present(jsonSchema)
	}
	if jsonscan.Kind(mime.v) != '"' {
		return false
	}
	s, err := jsonscan.String(mime.v)
	return err == nil && strings.EqualFold(strings.TrimSpace(s), "application/json")
}

// contentList reads an array of Content as conversation turns.
func contentList(req *gateway.Request, path string, m member) *gateway.Error {
	if jsonscan.Kind(m.v) != '[' {
		return invalid("%s: must be an array of contents", path)
	}
	var derr *gateway.Error
	err := jsonscan.Array(m.v, func(i int, cv []byte, coff int) bool {
		var tool []*gateway.Text
		parts, role, e := content(index(path, i), cv, m.off+coff, true, &tool, req)
		if e != nil {
			derr = e
			return false
		}
		if len(tool) > 0 && role == gateway.RoleTool {
			parts = append(tool, parts...)
		} else if len(tool) > 0 {
			// Function responses are tool text, whatever the content's
			// role: a message of their own, ahead of any text beside them.
			req.Messages = append(req.Messages, gateway.Message{Role: gateway.RoleTool, Parts: tool})
			if len(parts) == 0 {
				return true
			}
		}
		req.Messages = append(req.Messages, gateway.Message{Role: role, Parts: parts})
		return true
	})
	if derr != nil {
		return derr
	}
	if err != nil {
		return invalid("%s: must be an array of contents", path)
	}
	return nil
}

// content reads one Content object: its role (when withRole) and the text
// of its parts. The values of function calls' args are text of the
// content's role; those of function responses go to *tool when tool is not
// nil, and are text of the content's role otherwise. The spans of those
// objects are appended to req.Structured, and parts' members of unknown
// kinds are read into req (see unknownMember).
func content(path string, v []byte, off int, withRole bool, tool *[]*gateway.Text, req *gateway.Request) ([]*gateway.Text, gateway.Role, *gateway.Error) {
	ms, derr := object(path, v, off, "role", "parts")
	if derr != nil {
		return nil, "", derr
	}
	roleM, partsM := ms[0], ms[1]
	role := gateway.RoleUser
	if withRole && present(roleM) {
		s, err := jsonscan.String(roleM.v)
		if err != nil {
			return nil, "", invalid("%s.role: must be a string", path)
		}
		switch s {
		case "user", "":
		case "model":
			role = gateway.RoleAssistant
		case "function", "tool":
			role = gateway.RoleTool
		default:
			return nil, "", invalid(`%s.role: must be "user" or "model"`, path)
		}
	}
	if !present(partsM) {
		return nil, role, nil
	}
	pp := join(path, "parts")
	if jsonscan.Kind(partsM.v) != '[' {
		return nil, "", invalid("%s: must be an array of parts", pp)
	}
	var texts, tools []*gateway.Text
	err := jsonscan.Array(partsM.v, func(i int, pv []byte, poff int) bool {
		texts, tools, derr = part(index(pp, i), pv, partsM.off+poff, texts, tools, req)
		return derr == nil
	})
	if tool != nil {
		*tool = tools
	} else {
		texts = append(texts, tools...)
	}
	if derr != nil {
		return nil, "", derr
	}
	if err != nil {
		return nil, "", invalid("%s: must be an array of parts", pp)
	}
	return texts, role, nil
}

// part appends the text of one Part to own: its text, the code of an
// executableCode, or the values of a functionCall's or a server toolCall's
// args (a call the model made on an earlier turn), the text and words of an
// audioTranscription (what the part's audio says), the style of a part's
// speechMetadata (an instruction for the voice; its speaker names a voice
// the request's config declares, and is not read); and to tool the values
// of a functionResponse's or a toolResponse's response and the output of a
// codeExecutionResult. Each value of those objects is a text of its own
// (see provider.ArgTexts), so an edit keeps the body valid JSON.
//
// A functionResponse's parts (multimodal function responses) are media:
// inline bytes or file URIs, passed as they are, like a part's inlineData
// and fileData. A member of a kind Decode does not know is read as
// read-only text (see unknownMember).
func part(path string, v []byte, off int, own, tool []*gateway.Text, req *gateway.Request) ([]*gateway.Text, []*gateway.Text, *gateway.Error) {
	ms, derr := object(path, v, off, "text", "functionCall", "functionResponse", "executableCode", "codeExecutionResult", "toolCall", "toolResponse",
		"audioTranscription", "speechMetadata")
	if derr != nil {
		return own, tool, derr
	}
	txt, call, resp, code, result, tcall, tresp, transcript, speech := ms[0], ms[1], ms[2], ms[3], ms[4], ms[5], ms[6], ms[7], ms[8]
	if present(txt) {
		t, derr := text(path, "text", txt)
		if derr != nil {
			return own, tool, derr
		}
		own = append(own, t)
	}
	if present(call) {
		if own, derr = objectValues(join(path, "functionCall"), call, "args", own, &req.Structured); derr != nil {
			return own, tool, derr
		}
	}
	if present(tcall) {
		if own, derr = objectValues(join(path, "toolCall"), tcall, "args", own, &req.Structured); derr != nil {
			return own, tool, derr
		}
	}
	if present(code) {
		if own, derr = stringMember(join(path, "executableCode"), code, "code", own); derr != nil {
			return own, tool, derr
		}
	}
	if present(transcript) {
		if own, derr = transcription(join(path, "audioTranscription"), transcript, own); derr != nil {
			return own, tool, derr
		}
	}
	if present(speech) {
		if own, derr = stringMember(join(path, "speechMetadata"), speech, "style", own); derr != nil {
			return own, tool, derr
		}
	}
	if present(resp) {
		if tool, derr = objectValues(join(path, "functionResponse"), resp, "response", tool, &req.Structured); derr != nil {
			return own, tool, derr
		}
	}
	if present(tresp) {
		if tool, derr = objectValues(join(path, "toolResponse"), tresp, "response", tool, &req.Structured); derr != nil {
			return own, tool, derr
		}
	}
	if present(result) {
		if tool, derr = stringMember(join(path, "codeExecutionResult"), result, "output", tool); derr != nil {
			return own, tool, derr
		}
	}
	var uerr *gateway.Error
	_ = jsonscan.Object(v, func(k string, mv []byte, moff int) bool { // object above checked v
		if !knownPartMember(k) && jsonscan.Kind(mv) != 'n' {
			uerr = unknownMember(req, path, k, mv, off+moff)
		}
		return uerr == nil
	})
	return own, tool, uerr
}

// knownPartMember reports whether k, in either case style, is a member of
// a Part that Decode knows: those part reads, and those that carry no text
// (media, a thought's flag and signature, metadata).
func knownPartMember(k string) bool {
	switch canonical(k) {
	case "text", "functionCall", "functionResponse", "executableCode", "codeExecutionResult", "toolCall", "toolResponse",
		"inlineData", "inline_data", "fileData", "file_data", "thought", "thoughtSignature", "thought_signature",
		"videoMetadata", "video_metadata", "partMetadata", "part_metadata", "mediaResolution", "media_resolution",
		"mediaProcessing", "media_processing", "audioTranscription", "speechMetadata":
		return true
	}
	return false
}

// unknownMember reads the member k of the part at path, of a kind Decode
// does not know, at off: every string and number in it, at any depth, but
// for opaque members (see gateway.ReadOnlyTexts), becomes a read-only text
// in a tool message of its own, ahead of the content's message. It is tool
// text whatever the content's role: the guards check tool text under
// every policy, and a part kind aigate does not know is rarely what the
// person typed. An edit of one refuses the request
// (gateway.Request.EncodeBody): the part may be signed, and its format is
// not aigate's to rewrite.
func unknownMember(req *gateway.Request, path, k string, v []byte, off int) *gateway.Error {
	u := gateway.Unknown{Span: gateway.Span{Start: off, End: off + len(v)}, Path: path, Type: k, Noun: "part"}
	ts, derr := gateway.ReadOnlyTexts(&u, provider.ArgTexts(v, off, nil))
	if derr != nil {
		return derr
	}
	req.Unknown = append(req.Unknown, u)
	if len(ts) > 0 {
		req.Messages = append(req.Messages, gateway.Message{Role: gateway.RoleTool, Parts: ts})
	}
	return nil
}

// stringMember appends the string member field of the object m at path (an
// executableCode's code, a codeExecutionResult's output), when present.
func stringMember(path string, m member, field string, out []*gateway.Text) ([]*gateway.Text, *gateway.Error) {
	ms, derr := object(path, m.v, m.off, field)
	if derr != nil {
		return out, derr
	}
	if !present(ms[0]) {
		return out, nil
	}
	t, derr := text(path, field, ms[0])
	if derr != nil {
		return out, derr
	}
	return append(out, t), nil
}

// transcription appends the text of the audioTranscription m at path and
// the word of each of its words, when present. Its language, speaker label,
// offsets and flag carry no text.
func transcription(path string, m member, out []*gateway.Text) ([]*gateway.Text, *gateway.Error) {
	ms, derr := object(path, m.v, m.off, "text", "words")
	if derr != nil {
		return out, derr
	}
	if present(ms[0]) {
		t, derr := text(path, "text", ms[0])
		if derr != nil {
			return out, derr
		}
		out = append(out, t)
	}
	words := ms[1]
	if !present(words) {
		return out, nil
	}
	wp := join(path, "words")
	if jsonscan.Kind(words.v) != '[' {
		return out, invalid("%s: must be an array of words", wp)
	}
	err := jsonscan.Array(words.v, func(i int, wv []byte, woff int) bool {
		out, derr = stringMember(index(wp, i), member{wv, words.off + woff}, "word", out)
		return derr == nil
	})
	if derr != nil {
		return out, derr
	}
	if err != nil {
		return out, invalid("%s: must be an array of words", wp)
	}
	return out, nil
}

// objectValues appends the values of the object member field of the object
// m at path (a functionCall's or toolCall's args, a functionResponse's or
// toolResponse's response), and its span to *objs.
func objectValues(path string, m member, field string, out []*gateway.Text, objs *[]gateway.Span) ([]*gateway.Text, *gateway.Error) {
	ms, derr := object(path, m.v, m.off, field)
	if derr != nil {
		return out, derr
	}
	f := ms[0]
	if !present(f) {
		return out, nil
	}
	if jsonscan.Kind(f.v) != '{' {
		return out, invalid("%s: must be an object", join(path, field))
	}
	*objs = append(*objs, gateway.Span{Start: f.off, End: f.off + len(f.v)})
	return provider.ArgTexts(f.v, f.off, out), nil
}

// text returns the JSON string member field of the object at path as a
// Text. The field's path is only built for an error.
func text(path, field string, m member) (*gateway.Text, *gateway.Error) {
	s, err := jsonscan.String(m.v)
	if err != nil {
		return nil, invalid("%s: must be a string", join(path, field))
	}
	return &gateway.Text{Value: s, Start: m.off, End: m.off + len(m.v)}, nil
}

// sameModel refuses a model named in the body that is not the path's.
func sameModel(req *gateway.Request, path string, m member) *gateway.Error {
	if !present(m) {
		return nil
	}
	s, err := jsonscan.String(m.v)
	if err != nil {
		return invalid("%s: must be a string", path)
	}
	if s != resource(req.Model) && s != req.Model {
		return invalid("%s: must name the model in the request path", path)
	}
	return nil
}

// countTokensRequest reads {"contents": [...]} or
// {"generateContentRequest": {...}}.
func countTokensRequest(req *gateway.Request, body []byte) *gateway.Error {
	ms, derr := object("", body, 0, "contents", "generateContentRequest")
	if derr != nil {
		return derr
	}
	if present(ms[0]) {
		if derr := contentList(req, "contents", ms[0]); derr != nil {
			return derr
		}
	}
	if present(ms[1]) {
		return generateRequest(req, "generateContentRequest", ms[1].v, ms[1].off, true)
	}
	return nil
}

// embedRequest reads an EmbedContentRequest: its content and title are
// user text.
func embedRequest(req *gateway.Request, path string, v []byte, off int) *gateway.Error {
	ms, derr := object(path, v, off, "content", "title", "model")
	if derr != nil {
		return derr
	}
	c, title, model := ms[0], ms[1], ms[2]
	if derr := sameModel(req, join(path, "model"), model); derr != nil {
		return derr
	}
	if !present(c) {
		return invalid("%s: is required", join(path, "content"))
	}
	parts, _, derr := content(join(path, "content"), c.v, c.off, false, nil, req)
	if derr != nil {
		return derr
	}
	if present(title) {
		t, derr := text(path, "title", title)
		if derr != nil {
			return derr
		}
		parts = append([]*gateway.Text{t}, parts...)
	}
	req.Messages = append(req.Messages, gateway.Message{Role: gateway.RoleUser, Parts: parts})
	return nil
}

// batchEmbedRequest reads {"requests": [EmbedContentRequest, ...]}, one
// user message per request.
func batchEmbedRequest(req *gateway.Request, body []byte) *gateway.Error {
	ms, derr := object("", body, 0, "requests")
	if derr != nil {
		return derr
	}
	rs := ms[0]
	if !present(rs) {
		return invalid("requests: is required")
	}
	if jsonscan.Kind(rs.v) != '[' {
		return invalid("requests: must be an array of embedding requests")
	}
	err := jsonscan.Array(rs.v, func(i int, v []byte, off int) bool {
		derr = embedRequest(req, index("requests", i), v, rs.off+off)
		return derr == nil
	})
	if derr != nil {
		return derr
	}
	if err != nil {
		return invalid("requests: must be an array of embedding requests")
	}
	return nil
}

// integer reads a non-negative integer written as a JSON number with no
// fractional part (1024, 1024.0, 1e3) or, as proto JSON allows, as a
// decimal string ("1024").
func integer(v []byte) (int64, bool) {
	if jsonscan.Kind(v) == '"' {
		s, err := jsonscan.String(v)
		if err != nil {
			return 0, false
		}
		v = []byte(s)
	}
	if n, err := strconv.ParseInt(string(v), 10, 64); err == nil {
		return n, n >= 0
	}
	if k := jsonscan.Kind(v); k != '-' && (k < '0' || k > '9') {
		return 0, false // ParseFloat would take "Inf" and "NaN"
	}
	f, err := strconv.ParseFloat(string(v), 64)
	if err != nil || f < 0 || f > 1<<53 || f != math.Trunc(f) {
		return 0, false
	}
	return int64(f), true
}
