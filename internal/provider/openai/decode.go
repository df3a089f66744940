package openai

import (
	"bytes"
	"math"
	"strconv"
	"strings"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/jsonscan"
)

// Decode parses a native OpenAI request body; see the package doc for what
// it reads. Errors are *gateway.Error with CodeInvalid, naming the field.
func (Adapter) Decode(op gateway.Operation, model string, body []byte) (*gateway.Request, error) {
	req := &gateway.Request{
		Dialect:   gateway.DialectOpenAI,
		Operation: op,
		Model:     model,
		Raw:       body,
	}
	switch op {
	case gateway.OpModels:
		return req, nil // a GET: any body is ignored upstream
	case gateway.OpChatCompletions, gateway.OpResponses, gateway.OpEmbeddings:
	default:
		return nil, gateway.Errorf(gateway.CodeNotFound, "the OpenAI API has no operation %q", op)
	}
	if jsonscan.Kind(body) != '{' {
		return nil, invalid("request body must be a JSON object")
	}
	d := decoder{req: req, op: op}
	var err error
	scanErr := jsonscan.EachMember(body, func(key jsonscan.Key, v []byte, off int) bool {
		err = d.member(key, v, off)
		return err == nil
	})
	if err != nil {
		return nil, err
	}
	if scanErr != nil {
		return nil, invalid("request body is not valid JSON")
	}
	if req.Model == "" && op != gateway.OpResponses {
		// The Responses API can take the model from a stored prompt.
		return nil, invalid("model: is required")
	}
	switch op {
	case gateway.OpChatCompletions:
		if !d.seenName("messages") {
			return nil, invalid("messages: is required")
		}
		req.MaxTokens = max(d.maxTokens, d.maxCompletionTokens)
	case gateway.OpEmbeddings:
		if !d.seenName("input") {
			return nil, invalid("input: is required")
		}
		req.Stream = false
	case gateway.OpResponses:
		if d.instructions != nil {
			req.Messages = append([]gateway.Message{{Role: gateway.RoleSystem, Parts: d.parts(d.instructions)}}, req.Messages...)
		}
		// Which of text.format and a configuration update's format wins
		// is not documented: JSON if either asks for it, so JSON answer
		// text is never read (and edited) as plain text.
		req.JSONOutput = req.JSONOutput || d.updateJSON
	}
	if req.User == "" {
		req.User = d.safetyID
	}
	return req, nil
}

// decoder holds the state of one Decode.
type decoder struct {
	req  *gateway.Request
	op   gateway.Operation
	keys uint32 // bit i: topKeys[i] seen, to refuse duplicates

	maxTokens, maxCompletionTokens int64
	instructions                   *gateway.Text
	safetyID                       string
	// updateJSON is set when the last configuration_update input item
	// that sets a text.format asks for JSON: the answer then follows it.
	updateJSON bool

	// Texts and their pointers are allocated in blocks: a body holds many
	// small texts, and one allocation each was most of Decode's cost.
	textBlock []gateway.Text
	ptrs      []*gateway.Text
}

// newText returns a new Text from the current block.
func (d *decoder) newText(t gateway.Text) *gateway.Text {
	if len(d.textBlock) == cap(d.textBlock) {
		d.textBlock = make([]gateway.Text, 0, 16)
	}
	d.textBlock = append(d.textBlock, t)
	return &d.textBlock[len(d.textBlock)-1]
}

// mark returns the current end of the pointer block; parts appended after
// it are returned by partsSince.
func (d *decoder) mark() int { return len(d.ptrs) }

// partsSince returns the parts added since mark m, capped so that appending
// to them never writes into the shared block.
func (d *decoder) partsSince(m int) []*gateway.Text {
	if len(d.ptrs) == m {
		return nil
	}
	return d.ptrs[m:len(d.ptrs):len(d.ptrs)]
}

// parts returns a parts slice holding t.
func (d *decoder) parts(t *gateway.Text) []*gateway.Text {
	m := d.mark()
	d.ptrs = append(d.ptrs, t)
	return d.partsSince(m)
}

// topKeys are the top-level keys the decoder reads (for some operations);
// a bit of decoder.keys stands for each.
var topKeys = [...]string{"model", "stream", "user", "safety_identifier", "stream_options", "max_tokens",
	"max_completion_tokens", "messages", "max_output_tokens", "instructions", "prompt", "input", "response_format", "text"}

// topKey returns the index of key in topKeys, or -1.
func topKey(key jsonscan.Key) int {
	for i, name := range topKeys {
		if key.Is(name) {
			return i
		}
	}
	return -1
}

// seen reports whether the top-level key topKeys[i] has been read.
func (d *decoder) seen(i int) bool { return d.keys&(1<<i) != 0 }

// seenName is seen for a key by name.
func (d *decoder) seenName(name string) bool {
	for i, n := range topKeys {
		if n == name {
			return d.seen(i)
		}
	}
	return false
}

func invalid(format string, args ...any) *gateway.Error {
	return gateway.Errorf(gateway.CodeInvalid, format, args...)
}

// errDuplicate refuses a modelled key given twice: providers differ on which
// one wins, so the guards could read one text and the model another.
func errDuplicate(p path) *gateway.Error {
	return invalid("%s: appears more than once", p)
}

// path names a field for error messages, such as messages[2].content[0].text.
// It is a value built up as the decoder descends and formatted only when an
// error needs it, so decoding a valid body spends nothing on it.
type path struct {
	n    int
	segs [5]pathSeg
}

type pathSeg struct {
	key   string // "" for an index
	index int
}

func at(key string) path { return path{}.key(key) }

// key returns p followed by .key.
func (p path) key(k string) path {
	if p.n < len(p.segs) {
		p.segs[p.n] = pathSeg{key: k}
		p.n++
	}
	return p
}

// at returns p followed by [i].
func (p path) at(i int) path {
	if p.n < len(p.segs) {
		p.segs[p.n] = pathSeg{index: i}
		p.n++
	}
	return p
}

func (p path) String() string {
	var b strings.Builder
	for i, s := range p.segs[:p.n] {
		switch {
		case s.key == "":
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
		case i > 0:
			b.WriteByte('.')
			fallthrough
		default:
			b.WriteString(s.key)
		}
	}
	return b.String()
}

// plain returns the content of the JSON string v, without allocating when
// it has no escapes, for comparing against known names; ok is false when v
// is not a string.
func plain(v []byte) (b []byte, ok bool) {
	if jsonscan.Kind(v) != '"' || len(v) < 2 {
		return nil, false
	}
	if inner := v[1 : len(v)-1]; bytes.IndexByte(inner, '\\') < 0 {
		return inner, true
	}
	s, err := jsonscan.String(v)
	if err != nil {
		return nil, false
	}
	return []byte(s), true
}

// member reads one top-level member whose value v starts at off in the body.
func (d *decoder) member(k jsonscan.Key, v []byte, off int) error {
	i := topKey(k)
	if i < 0 {
		return nil // not modelled: forwarded as is
	}
	key, op := topKeys[i], d.op
	switch {
	case key == "model", key == "stream", key == "user", key == "safety_identifier",
		key == "stream_options" && op == gateway.OpChatCompletions,
		key == "max_tokens" && op == gateway.OpChatCompletions,
		key == "max_completion_tokens" && op == gateway.OpChatCompletions,
		key == "messages" && op == gateway.OpChatCompletions,
		key == "max_output_tokens" && op == gateway.OpResponses,
		key == "instructions" && op == gateway.OpResponses,
		key == "prompt" && op == gateway.OpResponses,
		key == "input" && (op == gateway.OpResponses || op == gateway.OpEmbeddings),
		key == "response_format" && op == gateway.OpChatCompletions,
		key == "text" && op == gateway.OpResponses:
	default:
		return nil // not modelled: forwarded as is
	}
	if d.seen(i) {
		return errDuplicate(at(key))
	}
	d.keys |= 1 << i

	var err error
	switch key {
	case "model":
		if jsonscan.Kind(v) != '"' {
			return invalid("model: must be a string")
		}
		m, err := jsonscan.String(v)
		if err != nil {
			return invalid("model: must be a string")
		}
		if d.req.Model == "" {
			d.req.Model = m
		}
	case "stream":
		d.req.Stream, err = boolValue(key, v)
	case "user":
		d.req.User, err = optString(key, v)
	case "safety_identifier":
		d.safetyID, err = optString(key, v)
	case "stream_options":
		if k := jsonscan.Kind(v); k != '{' && k != 'n' {
			return invalid("stream_options: must be an object")
		}
	case "max_tokens":
		d.maxTokens, err = intValue(key, v)
	case "max_completion_tokens":
		d.maxCompletionTokens, err = intValue(key, v)
	case "max_output_tokens":
		d.req.MaxTokens, err = intValue(key, v)
	case "messages":
		err = d.chatMessages(v, off)
	case "instructions":
		if jsonscan.Kind(v) == 'n' {
			return nil
		}
		d.instructions, err = d.text(at("instructions"), v, off)
	case "prompt":
		d.req.StoredPrompt = jsonscan.Kind(v) == '{'
		err = d.promptVariables(v, off)
	case "response_format":
		d.req.JSONOutput = jsonFormat(v)
	case "text":
		if f, _, ok := jsonscan.Get(v, "format"); ok && jsonscan.Kind(v) == '{' {
			d.req.JSONOutput = jsonFormat(f)
		}
	case "input":
		if d.op == gateway.OpEmbeddings {
			err = d.embeddingsInput(v, off)
		} else {
			err = d.responsesInput(v, off)
		}
	}
	return err
}

// jsonFormat reports whether the response format f (a chat completion's
// response_format, a Responses text.format) asks for JSON output. Anything
// else, malformed included, is left for the provider to judge.
func jsonFormat(f []byte) bool {
	if jsonscan.Kind(f) != '{' {
		return false
	}
	t, _, ok := jsonscan.Get(f, "type")
	if !ok || jsonscan.Kind(t) != '"' {
		return false
	}
	s, err := jsonscan.String(t)
	return err == nil && (s == "json_object" || s == "json_schema")
}

// chatMessages reads the messages of a chat completion.
func (d *decoder) chatMessages(v []byte, off int) error {
	if jsonscan.Kind(v) != '[' {
		return invalid("messages: must be an array of messages")
	}
	var err error
	scanErr := jsonscan.Array(v, func(i int, m []byte, moff int) bool {
		err = d.chatMessage(at("messages").at(i), m, off+moff)
		return err == nil
	})
	return firstErr(err, scanErr, at("messages"))
}

func (d *decoder) chatMessage(p path, m []byte, off int) error {
	if jsonscan.Kind(m) != '{' {
		return invalid("%s: must be an object", p)
	}
	var ms [4]jsonscan.Member
	err := members(p, m, []string{"role", "content", "tool_calls", "function_call"}, ms[:])
	if err != nil {
		return err
	}
	role, content := ms[0], ms[1]
	if !role.Found() {
		return invalid("%s: is required", p.key("role"))
	}
	msg := gateway.Message{}
	r, _ := plain(role.Value)
	switch string(r) {
	case "system", "developer":
		msg.Role = gateway.RoleSystem
	case "user":
		msg.Role = gateway.RoleUser
	case "assistant":
		msg.Role = gateway.RoleAssistant
	case "tool", "function":
		msg.Role = gateway.RoleTool
	default:
		return invalid("%s: must be one of system, developer, user, assistant, tool", p.key("role"))
	}
	if content.Found() {
		if msg.Parts, err = d.contentParts(p.key("content"), content.Value, off+content.Off); err != nil {
			return err
		}
	}
	if ms[2].Found() || ms[3].Found() {
		if msg.Parts, err = d.callArgs(p, ms[2], ms[3], off, msg.Parts); err != nil {
			return err
		}
	}
	d.req.Messages = append(d.req.Messages, msg)
	return nil
}

// callArgs appends to parts the arguments of the tool calls an assistant
// message of the history holds (tool_calls[].function.arguments, and the
// legacy function_call.arguments): JSON text the model wrote, which may
// carry a pseudonym restored on its way to the client, read as text of the
// message's role.
func (d *decoder) callArgs(p path, calls, legacy jsonscan.Member, off int, parts []*gateway.Text) ([]*gateway.Text, error) {
	parts = parts[:len(parts):len(parts)] // never append into the shared block
	fnArgs := func(p path, fn []byte, foff int, field string) error {
		if jsonscan.Kind(fn) != '{' {
			return invalid("%s: must be an object", p)
		}
		var ms [1]jsonscan.Member
		if err := members(p, fn, []string{field}, ms[:]); err != nil {
			return err
		}
		if !ms[0].Found() || jsonscan.Kind(ms[0].Value) == 'n' {
			return nil
		}
		t, err := d.text(p.key(field), ms[0].Value, foff+ms[0].Off)
		if err == nil {
			parts = append(parts, t)
			if field == "arguments" {
				d.req.Structured = append(d.req.Structured, gateway.Span{Start: t.Start, End: t.End})
			}
		}
		return err
	}
	if calls.Found() && jsonscan.Kind(calls.Value) != 'n' {
		cp := p.key("tool_calls")
		if jsonscan.Kind(calls.Value) != '[' {
			return nil, invalid("%s: must be an array", cp)
		}
		var err error
		scanErr := jsonscan.Array(calls.Value, func(i int, c []byte, coff int) bool {
			if jsonscan.Kind(c) != '{' {
				err = invalid("%s: must be an object", cp.at(i))
				return false
			}
			var ms [2]jsonscan.Member // a function's arguments, a custom tool's input
			if err = members(cp.at(i), c, []string{"function", "custom"}, ms[:]); err == nil && ms[0].Found() {
				err = fnArgs(cp.at(i).key("function"), ms[0].Value, off+calls.Off+coff+ms[0].Off, "arguments")
			}
			if err == nil && ms[1].Found() {
				err = fnArgs(cp.at(i).key("custom"), ms[1].Value, off+calls.Off+coff+ms[1].Off, "input")
			}
			return err == nil
		})
		if err = firstErr(err, scanErr, cp); err != nil {
			return nil, err
		}
	}
	if legacy.Found() && jsonscan.Kind(legacy.Value) != 'n' {
		if err := fnArgs(p.key("function_call"), legacy.Value, off+legacy.Off, "arguments"); err != nil {
			return nil, err
		}
	}
	return parts, nil
}

// contentParts reads message content: null, a string, or an array of
// content parts whose text parts are kept.
func (d *decoder) contentParts(p path, v []byte, off int) ([]*gateway.Text, error) {
	switch jsonscan.Kind(v) {
	case 'n':
		return nil, nil
	case '"':
		t, err := d.text(p, v, off)
		if err != nil {
			return nil, err
		}
		return d.parts(t), nil
	case '[':
	default:
		return nil, invalid("%s: must be a string or an array of content parts", p)
	}
	var err error
	m := d.mark()
	scanErr := jsonscan.Array(v, func(j int, e []byte, eoff int) bool {
		var t *gateway.Text
		t, err = d.contentPart(p.at(j), e, off+eoff)
		if t != nil {
			d.ptrs = append(d.ptrs, t)
		}
		return err == nil
	})
	if err = firstErr(err, scanErr, p); err != nil {
		return nil, err
	}
	return d.partsSince(m), nil
}

// contentPart reads one content part, returning its text when it is a text
// part ("text", "input_text" or "output_text") and nil for other kinds
// (images, audio, files, refusals). A part of a type Decode does not know
// is read as read-only text (see unknown).
func (d *decoder) contentPart(p path, e []byte, off int) (*gateway.Text, error) {
	if jsonscan.Kind(e) != '{' {
		return nil, invalid("%s: must be an object", p)
	}
	var ms [2]jsonscan.Member
	if err := members(p, e, []string{"type", "text"}, ms[:]); err != nil {
		return nil, err
	}
	typ, txt := ms[0], ms[1]
	if !typ.Found() {
		return nil, invalid("%s: is required", p.key("type"))
	}
	t, ok := plain(typ.Value)
	if !ok {
		return nil, invalid("%s: must be a string", p.key("type"))
	}
	switch string(t) {
	case "text", "input_text", "output_text":
	case "image_url", "input_image", "input_audio", "file", "input_file", "refusal",
		"summary_text", "reasoning_text":
		return nil, nil // media, files, and what the model wrote that is not sent back as text
	default:
		return nil, d.unknown(p, "part", t, e, off)
	}
	if !txt.Found() {
		return nil, invalid("%s: is required", p.key("text"))
	}
	return d.text(p.key("text"), txt.Value, off+txt.Off)
}

// responsesInput reads the Responses API input: a string, or an array of
// items of which messages, tool calls and tool outputs carry text (see
// responsesItem and builtinItem).
func (d *decoder) responsesInput(v []byte, off int) error {
	switch jsonscan.Kind(v) {
	case '"':
		t, err := d.text(at("input"), v, off)
		if err != nil {
			return err
		}
		d.req.Messages = append(d.req.Messages, gateway.Message{Role: gateway.RoleUser, Parts: d.parts(t)})
		return nil
	case '[':
	default:
		return invalid("input: must be a string or an array of input items")
	}
	var err error
	scanErr := jsonscan.Array(v, func(i int, item []byte, ioff int) bool {
		err = d.responsesItem(at("input").at(i), item, off+ioff)
		return err == nil
	})
	return firstErr(err, scanErr, at("input"))
}

func (d *decoder) responsesItem(p path, item []byte, off int) error {
	if jsonscan.Kind(item) != '{' {
		return invalid("%s: must be an object", p)
	}
	var ms [6]jsonscan.Member
	err := members(p, item, []string{"type", "role", "content", "output", "arguments", "input"}, ms[:])
	if err != nil {
		return err
	}
	typ, role, content, output := ms[0], ms[1], ms[2], ms[3]
	kind := []byte("message") // an item with a role and no type is a message
	if typ.Found() {
		var ok bool
		if kind, ok = plain(typ.Value); !ok {
			return invalid("%s: must be a string", p.key("type"))
		}
	}
	switch string(kind) {
	case "message":
		if !role.Found() {
			return invalid("%s: is required", p.key("role"))
		}
		msg := gateway.Message{}
		r, _ := plain(role.Value)
		switch string(r) {
		case "system", "developer":
			msg.Role = gateway.RoleSystem
		case "user":
			msg.Role = gateway.RoleUser
		case "assistant":
			msg.Role = gateway.RoleAssistant
		default:
			return invalid("%s: must be one of system, developer, user, assistant", p.key("role"))
		}
		if content.Found() {
			if msg.Parts, err = d.contentParts(p.key("content"), content.Value, off+content.Off); err != nil {
				return err
			}
		}
		d.req.Messages = append(d.req.Messages, msg)
	case "function_call", "custom_tool_call", "mcp_call":
		// A call the model made on an earlier turn: its arguments (JSON
		// text) or a custom tool's input are assistant text; an MCP call
		// carries its server's output too.
		args, name := ms[4], "arguments"
		if string(kind) == "custom_tool_call" {
			args, name = ms[5], "input"
		}
		if args.Found() {
			t, err := d.text(p.key(name), args.Value, off+args.Off)
			if err != nil {
				return err
			}
			if name == "arguments" {
				d.req.Structured = append(d.req.Structured, gateway.Span{Start: t.Start, End: t.End})
			}
			d.assistantText(t)
		}
		if string(kind) == "mcp_call" && output.Found() && jsonscan.Kind(output.Value) == '"' {
			t, err := d.text(p.key("output"), output.Value, off+output.Off)
			if err != nil {
				return err
			}
			d.req.Messages = append(d.req.Messages, gateway.Message{Role: gateway.RoleTool, Parts: d.parts(t)})
		}
		if string(kind) == "mcp_call" {
			return d.builtinItem(p, kind, item, off) // its error
		}
	case "function_call_output", "custom_tool_call_output", "local_shell_call_output":
		msg := gateway.Message{Role: gateway.RoleTool}
		if output.Found() {
			if msg.Parts, err = d.contentParts(p.key("output"), output.Value, off+output.Off); err != nil {
				return err
			}
		}
		d.req.Messages = append(d.req.Messages, msg)
	default:
		return d.builtinItem(p, kind, item, off)
	}
	return nil
}

// assistantText adds t to the assistant message the input ends with, or to
// a new one: the calls of one turn are one message, as in a chat
// completion, so they count once against the message limit.
func (d *decoder) assistantText(t *gateway.Text) {
	ms := d.req.Messages
	if n := len(ms); n > 0 && ms[n-1].Role == gateway.RoleAssistant {
		parts := ms[n-1].Parts
		ms[n-1].Parts = append(parts[:len(parts):len(parts)], t)
		return
	}
	d.req.Messages = append(ms, gateway.Message{Role: gateway.RoleAssistant, Parts: d.parts(t)})
}

// promptVariables reads the variables of a Responses API prompt template:
// strings and input_text parts are text the model will read.
func (d *decoder) promptVariables(v []byte, off int) error {
	switch jsonscan.Kind(v) {
	case 'n':
		return nil
	case '{':
	default:
		return invalid("prompt: must be an object")
	}
	var ms [1]jsonscan.Member
	if err := members(at("prompt"), v, []string{"variables"}, ms[:]); err != nil {
		return err
	}
	vars := ms[0].Value
	if !ms[0].Found() || jsonscan.Kind(vars) == 'n' {
		return nil
	}
	p := at("prompt").key("variables")
	if jsonscan.Kind(vars) != '{' {
		return invalid("%s: must be an object", p)
	}
	off += ms[0].Off
	var err error
	m := d.mark()
	scanErr := jsonscan.Object(vars, func(_ string, val []byte, o int) bool {
		var t *gateway.Text
		switch jsonscan.Kind(val) {
		case '"':
			t, err = d.text(p, val, off+o)
		case '{':
			t, err = d.contentPart(p, val, off+o)
		default:
			err = invalid("%s: each value must be a string or an input part", p)
		}
		if t != nil {
			d.ptrs = append(d.ptrs, t)
		}
		return err == nil
	})
	if err = firstErr(err, scanErr, p); err != nil {
		return err
	}
	if parts := d.partsSince(m); parts != nil {
		d.req.Messages = append(d.req.Messages, gateway.Message{Role: gateway.RoleUser, Parts: parts})
	}
	return nil
}

// embeddingsInput reads the input of an embeddings request: a string, an
// array of strings, or token ids (which carry no text the guards can read).
func (d *decoder) embeddingsInput(v []byte, off int) error {
	switch jsonscan.Kind(v) {
	case '"':
		t, err := d.text(at("input"), v, off)
		if err != nil {
			return err
		}
		d.req.Messages = append(d.req.Messages, gateway.Message{Role: gateway.RoleUser, Parts: d.parts(t)})
		return nil
	case '[':
	default:
		return invalid("input: must be a string or an array")
	}
	var err error
	m := d.mark()
	scanErr := jsonscan.Array(v, func(i int, e []byte, eoff int) bool {
		p := at("input").at(i)
		switch k := jsonscan.Kind(e); {
		case k == '"':
			var t *gateway.Text
			if t, err = d.text(p, e, off+eoff); err == nil {
				d.ptrs = append(d.ptrs, t)
			}
		case k == '-' || (k >= '0' && k <= '9'):
		case k == '[':
			scanErr := jsonscan.Array(e, func(_ int, n []byte, _ int) bool {
				if k := jsonscan.Kind(n); k != '-' && (k < '0' || k > '9') {
					err = invalid("%s: must be an array of token ids", p)
				}
				return err == nil
			})
			err = firstErr(err, scanErr, p)
		default:
			err = invalid("%s: must be a string, a token id or an array of token ids", p)
		}
		return err == nil
	})
	if err = firstErr(err, scanErr, at("input")); err != nil {
		return err
	}
	d.req.Messages = append(d.req.Messages, gateway.Message{Role: gateway.RoleUser, Parts: d.partsSince(m)})
	return nil
}

// text returns the JSON string v, found at off in the body, as a Text.
func (d *decoder) text(p path, v []byte, off int) (*gateway.Text, error) {
	if jsonscan.Kind(v) != '"' {
		return nil, invalid("%s: must be a string", p)
	}
	s, err := jsonscan.String(v)
	if err != nil {
		return nil, invalid("%s: is not a valid JSON string", p)
	}
	return d.newText(gateway.Text{Value: s, Start: off, End: off + len(v)}), nil
}

func boolValue(name string, v []byte) (bool, error) {
	switch string(v) {
	case "true":
		return true, nil
	case "false", "null":
		return false, nil
	}
	return false, invalid("%s: must be a boolean", name)
}

func optString(name string, v []byte) (string, error) {
	if string(v) == "null" {
		return "", nil
	}
	if jsonscan.Kind(v) != '"' {
		return "", invalid("%s: must be a string", name)
	}
	s, err := jsonscan.String(v)
	if err != nil {
		return "", invalid("%s: must be a string", name)
	}
	return s, nil
}

// intValue reads a non-negative integer; null reads as 0 (absent). An
// integral number written with a fraction or exponent (100.0, 1e3) is
// accepted, as JSON does not tell them apart.
func intValue(name string, v []byte) (int64, error) {
	if string(v) == "null" {
		return 0, nil
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(string(v), 64)
		if ferr != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
			return 0, invalid("%s: must be an integer", name)
		}
		n = int64(f)
	}
	if n < 0 {
		return 0, invalid("%s: must not be negative", name)
	}
	return n, nil
}

// members finds the members names of the object v at p into out,
// refusing a member given twice and a malformed object.
func members(p path, v []byte, names []string, out []jsonscan.Member) error {
	dup, err := jsonscan.Members(v, names, out)
	if dup != "" {
		return errDuplicate(p.key(dup))
	}
	return firstErr(nil, err, p)
}

// firstErr returns err, or an invalid-JSON error for p when only the scan
// failed.
func firstErr(err, scanErr error, p path) error {
	if err != nil {
		return err
	}
	if scanErr != nil {
		return invalid("%s: is not valid JSON", p)
	}
	return nil
}
