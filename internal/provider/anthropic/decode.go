package anthropic

import (
	"math"
	"strconv"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/jsonscan"
	"github.com/aigate-dev/aigate/internal/provider"
)

// Decode reads a Messages or count_tokens body. It fails with
// [gateway.CodeInvalid], naming the field, when a member the guards read has
// the wrong shape, when model or messages is missing, when a message role
// is neither user nor assistant, and when a member it reads appears twice
// (the provider might read the copy the guards did not see).
//
// Request.JSONOutput is set when output_config.format (or the beta's
// output_format) asks for json_schema output: the answer's text blocks are
// then JSON.
func (Adapter) Decode(op gateway.Operation, _ string, body []byte) (*gateway.Request, error) {
	if op != gateway.OpMessages && op != gateway.OpCountTokens {
		return nil, gateway.Errorf(gateway.CodeNotFound, "anthropic: no such operation")
	}
	req := &gateway.Request{Dialect: gateway.DialectAnthropic, Operation: op, Raw: body}
	if jsonscan.Kind(body) != '{' {
		return nil, invalid("request body: must be a JSON object")
	}
	var (
		d       decoder
		derr    *gateway.Error
		seen    members
		system  parts
		msgsRaw []byte
		msgsOff int
	)
	err := jsonscan.Object(body, func(k string, v []byte, off int) bool {
		if !seen.first(k) {
			derr = invalid("%s: appears more than once", k)
			return false
		}
		switch k {
		case "model":
			req.Model, derr = str(v, "model")
		case "stream":
			req.Stream, derr = boolean(v, "stream")
		case "max_tokens":
			req.MaxTokens, derr = count(v, "max_tokens")
		case "metadata":
			req.User, derr = userID(v)
		case "system":
			system, derr = d.system(v, off)
		case "messages":
			msgsRaw, msgsOff = v, off
		case "output_config":
			var j bool
			j, derr = outputConfig(v)
			req.JSONOutput = req.JSONOutput || j
		case "output_format":
			var j bool
			j, derr = jsonFormat(v, "output_format")
			req.JSONOutput = req.JSONOutput || j
		}
		return derr == nil
	})
	if derr != nil {
		return nil, derr
	}
	if err != nil {
		return nil, invalid("request body: must be a JSON object").WithErr(err)
	}
	if req.Model == "" {
		return nil, invalid("model: is required")
	}
	if msgsRaw == nil {
		return nil, invalid("messages: is required")
	}
	if system.tool != nil { // blocks of unknown types: see unknownBlock
		req.Messages = append(req.Messages, gateway.Message{Role: gateway.RoleTool, Parts: system.tool})
	}
	if system.own != nil {
		req.Messages = append(req.Messages, gateway.Message{Role: gateway.RoleSystem, Parts: system.own})
	}
	msgs, derr := d.messages(msgsRaw, msgsOff)
	if derr != nil {
		return nil, derr
	}
	req.Messages = append(req.Messages, msgs...)
	req.Structured = d.structured
	req.Unknown = d.unknown
	return req, nil
}

// members records which of the top-level members the decoder reads have
// been seen, to refuse duplicates.
type members uint8

// first marks k as seen and reports whether it was new. Members the decoder
// does not read are always new.
func (m *members) first(k string) bool {
	var b members
	switch k {
	case "model":
		b = 1
	case "stream":
		b = 2
	case "max_tokens":
		b = 4
	case "metadata":
		b = 8
	case "system":
		b = 16
	case "messages":
		b = 32
	case "output_config":
		b = 64
	case "output_format":
		b = 128
	}
	if *m&b != 0 {
		return false
	}
	*m |= b
	return true
}

// decoder walks one body. Every offset it records is into the whole body,
// so each decoding step is given the offset of the value it reads.
type decoder struct {
	structured []gateway.Span    // tool_use inputs, for Request.Structured
	unknown    []gateway.Unknown // blocks of unknown types, for Request.Unknown
}

func invalid(format string, args ...any) *gateway.Error {
	return gateway.Errorf(gateway.CodeInvalid, format, args...)
}

func isNull(v []byte) bool { return jsonscan.Kind(v) == 'n' }

func str(v []byte, field string) (string, *gateway.Error) {
	s, err := jsonscan.String(v)
	if err != nil {
		return "", invalid("%s: must be a string", field)
	}
	return s, nil
}

func boolean(v []byte, field string) (bool, *gateway.Error) {
	switch string(v) {
	case "true":
		return true, nil
	case "false", "null":
		return false, nil
	}
	return false, invalid("%s: must be a boolean", field)
}

func count(v []byte, field string) (int64, *gateway.Error) {
	if isNull(v) {
		return 0, nil
	}
	n, ok := integer(v)
	if !ok {
		return 0, invalid("%s: must be a non-negative integer", field)
	}
	return n, nil
}

// integer reads a non-negative JSON number with no fractional part, such
// as 1024, 1024.0 or 1e3.
func integer(v []byte) (int64, bool) {
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

func userID(v []byte) (string, *gateway.Error) {
	switch jsonscan.Kind(v) {
	case 'n':
		return "", nil
	case '{':
	default:
		return "", invalid("metadata: must be an object")
	}
	var (
		id   string
		derr *gateway.Error
		n    int
	)
	err := jsonscan.Object(v, func(k string, mv []byte, _ int) bool {
		if k != "user_id" {
			return true
		}
		if n++; n > 1 {
			derr = invalid("metadata.user_id: appears more than once")
			return false
		}
		if !isNull(mv) {
			id, derr = str(mv, "metadata.user_id")
		}
		return derr == nil
	})
	if derr != nil {
		return "", derr
	}
	if err != nil {
		return "", invalid("metadata: must be an object")
	}
	return id, nil
}

// outputConfig reports whether output_config v asks for JSON output
// through its format.
func outputConfig(v []byte) (bool, *gateway.Error) {
	if jsonscan.Kind(v) != '{' {
		return false, nil // null, or a shape the provider refuses
	}
	var ms [1]jsonscan.Member
	dup, err := jsonscan.Members(v, []string{"format"}, ms[:])
	if dup != "" {
		return false, invalid("output_config.%s: appears more than once", dup)
	}
	if err != nil || !ms[0].Found() {
		return false, nil
	}
	return jsonFormat(ms[0].Value, "output_config.format")
}

// jsonFormat reports whether the output format f, named path, asks for
// JSON output: an object of type "json_schema". A type given twice is
// refused, since the guards could read the answer as text when the
// provider writes JSON; any other shape is left for the provider to judge.
func jsonFormat(f []byte, path string) (bool, *gateway.Error) {
	if jsonscan.Kind(f) != '{' {
		return false, nil
	}
	var ms [1]jsonscan.Member
	dup, err := jsonscan.Members(f, []string{"type"}, ms[:])
	if dup != "" {
		return false, invalid("%s.%s: appears more than once", path, dup)
	}
	if err != nil || jsonscan.Kind(ms[0].Value) != '"' {
		return false, nil
	}
	t, err := jsonscan.String(ms[0].Value)
	return err == nil && t == "json_schema", nil
}

// text returns the JSON string v at offset off in the body as a Text.
func text(v []byte, off int, field string) (*gateway.Text, *gateway.Error) {
	s, err := jsonscan.String(v)
	if err != nil {
		return nil, invalid("%s: must be a string", field)
	}
	return &gateway.Text{Value: s, Start: off, End: off + len(v)}, nil
}

// system reads the system prompt: its texts in own, and those of blocks of
// unknown types in tool.
func (d *decoder) system(v []byte, off int) (parts, *gateway.Error) {
	var p parts
	switch jsonscan.Kind(v) {
	case 'n':
		return p, nil
	case '"':
		t, derr := text(v, off, "system")
		p.own = []*gateway.Text{t}
		return p, derr
	case '[':
		derr := d.blocks("system", v, off, gateway.RoleSystem, &p, false)
		return p, derr
	}
	return p, invalid("system: must be a string or an array of text blocks")
}

func (d *decoder) messages(v []byte, off int) ([]gateway.Message, *gateway.Error) {
	if jsonscan.Kind(v) != '[' {
		return nil, invalid("messages: must be an array of messages")
	}
	var (
		out  []gateway.Message
		derr *gateway.Error
	)
	err := jsonscan.Array(v, func(i int, mv []byte, moff int) bool {
		out, derr = d.message(out, i, mv, off+moff)
		return derr == nil
	})
	if derr != nil {
		return nil, derr
	}
	if err != nil {
		return nil, invalid("messages: must be an array of messages")
	}
	return out, nil
}

// message decodes messages[i], at offset off, and appends it to out.
func (d *decoder) message(out []gateway.Message, i int, v []byte, off int) ([]gateway.Message, *gateway.Error) {
	if jsonscan.Kind(v) != '{' {
		return out, invalid("messages[%d]: must be an object", i)
	}
	var ms [2]jsonscan.Member
	dup, err := jsonscan.Members(v, []string{"role", "content"}, ms[:])
	if dup != "" {
		return out, invalid("messages[%d].%s: appears more than once", i, dup)
	}
	if err != nil {
		return out, invalid("messages[%d]: must be an object", i)
	}
	roleRaw, content, contentOff := ms[0].Value, ms[1].Value, off+ms[1].Off
	var role gateway.Role
	switch s, _ := jsonscan.String(roleRaw); s {
	case "user":
		role = gateway.RoleUser
	case "assistant":
		role = gateway.RoleAssistant
	default:
		if roleRaw == nil {
			return out, invalid("messages[%d].role: is required", i)
		}
		return out, invalid(`messages[%d].role: must be "user" or "assistant"`, i)
	}
	path := "messages[" + strconv.Itoa(i) + "].content"
	var p parts
	switch jsonscan.Kind(content) {
	case '"':
		t, derr := text(content, contentOff, path)
		if derr != nil {
			return out, derr
		}
		p.own = append(p.own, t)
	case '[':
		if derr := d.blocks(path, content, contentOff, role, &p, false); derr != nil {
			return out, derr
		}
	case 0:
		return out, invalid("%s: is required", path)
	default:
		return out, invalid("%s: must be a string or an array of content blocks", path)
	}
	if len(p.tool) > 0 {
		out = append(out, gateway.Message{Role: gateway.RoleTool, Parts: p.tool})
		if len(p.own) == 0 {
			return out, nil
		}
	}
	return append(out, gateway.Message{Role: role, Parts: p.own}), nil
}

// parts collects the texts of one message: those in its own role and those
// returned by tools.
type parts struct {
	own, tool []*gateway.Text
}

func (p *parts) add(role gateway.Role, t *gateway.Text) {
	if role == gateway.RoleTool {
		p.tool = append(p.tool, t)
	} else {
		p.own = append(p.own, t)
	}
}

// blocks decodes the array of content blocks v, at offset off, whose texts
// have role. inTool is set inside a tool_result, where another tool_result
// is refused rather than walked.
func (d *decoder) blocks(path string, v []byte, off int, role gateway.Role, p *parts, inTool bool) *gateway.Error {
	var derr *gateway.Error
	err := jsonscan.Array(v, func(i int, bv []byte, boff int) bool {
		derr = d.block(path+"["+strconv.Itoa(i)+"]", bv, off+boff, role, p, inTool)
		return derr == nil
	})
	if derr != nil {
		return derr
	}
	if err != nil {
		return invalid("%s: must be an array of content blocks", path)
	}
	return nil
}

// block decodes one content block. Known types without text pass
// untouched; a block type Decode does not know is read as read-only text
// (see unknownBlock).
func (d *decoder) block(path string, v []byte, off int, role gateway.Role, p *parts, inTool bool) *gateway.Error {
	if jsonscan.Kind(v) != '{' {
		return invalid("%s: must be a content block object", path)
	}
	var ms [7]jsonscan.Member
	dup, err := jsonscan.Members(v, []string{"type", "text", "content", "source", "input", "title", "context"}, ms[:])
	if dup != "" {
		return invalid("%s.%s: appears more than once", path, dup)
	}
	if err != nil {
		return invalid("%s: must be a content block object", path)
	}
	typ, txt, content, source, input, title, context := ms[0], ms[1], ms[2], ms[3], ms[4], ms[5], ms[6]
	if !typ.Found() {
		return invalid("%s.type: is required", path)
	}
	t, derr := str(typ.Value, path+".type")
	if derr != nil {
		return derr
	}
	switch t {
	case "text":
		if !txt.Found() {
			return invalid("%s.text: is required", path)
		}
		tx, derr := text(txt.Value, off+txt.Off, path+".text")
		if derr != nil {
			return derr
		}
		p.add(role, tx)
	case "tool_result", "mcp_tool_result":
		if inTool {
			return invalid("%s: a tool_result cannot hold another tool_result", path)
		}
		return d.nested(path+".content", content.Value, off+content.Off, gateway.RoleTool, p, true)
	case "search_result":
		// A search result's title and source (a URL or a name) are read
		// as well as its text.
		for _, f := range [...]struct {
			m    jsonscan.Member
			name string
		}{{title, "title"}, {source, "source"}} {
			if derr := optText(path+"."+f.name, f.m, off, role, p); derr != nil {
				return derr
			}
		}
		return d.nested(path+".content", content.Value, off+content.Off, role, p, inTool)
	case "document":
		for _, f := range [...]struct {
			m    jsonscan.Member
			name string
		}{{title, "title"}, {context, "context"}} {
			if derr := optText(path+"."+f.name, f.m, off, role, p); derr != nil {
				return derr
			}
		}
		return d.document(path+".source", source.Value, off+source.Off, role, p, inTool)
	case "tool_use", "server_tool_use", "mcp_tool_use":
		// The arguments of a call the model made on an earlier turn: an
		// object whose values the guards read (and edit) one by one.
		if input.Found() && jsonscan.Kind(input.Value) != '{' {
			return invalid("%s.input: must be an object", path)
		}
		if input.Found() {
			d.structured = append(d.structured, gateway.Span{Start: off + input.Off, End: off + input.Off + len(input.Value)})
		}
		for _, t := range provider.ArgTexts(input.Value, off+input.Off, nil) {
			p.add(role, t)
		}
	case "web_search_tool_result", "web_fetch_tool_result", "code_execution_tool_result",
		"bash_code_execution_tool_result", "text_editor_code_execution_tool_result", "advisor_tool_result":
		// What a server tool returned on an earlier turn: tool text,
		// whatever the message's role.
		return d.serverResult(path+".content", content.Value, off+content.Off, p)
	case "mcp_tool_listing":
		// The tools an MCP server listed on an earlier turn: their
		// descriptions, and those in their input schemas (where a poisoned
		// tool hides instructions in a parameter's description), are tool
		// text, as the MCP server wrote them; their names, which
		// the model's calls use, are not read.
		if derr := d.objectsText(path, v, off, "tools", p, "description"); derr != nil {
			return derr
		}
		return schemasText(v, off, p)
	case "browser_state":
		// A browser tool's tabs and downloads after a call: the pages'
		// titles and URLs, the downloads' URLs, paths and errors are
		// tool text; tab and download ids are not read.
		if derr := d.objectsText(path, v, off, "tabs", p, "title", "url"); derr != nil {
			return derr
		}
		return d.objectsText(path, v, off, "state_changes", p, "url", "path", "error")
	case "tool_search_tool_result", "tool_reference", "thinking", "redacted_thinking",
		"image", "container_upload", "compaction":
		// Tool search results and references name tools the request
		// declares, thinking and redacted_thinking are signed and must
		// come back unchanged, and images, container uploads and
		// compaction blocks carry no text the guards read.
	default:
		return d.unknownBlock(path, t, v, off, p, "block")
	}
	return nil
}

// unknownBlock reads a block (or what noun names: a document's source) of
// type typ that Decode does not know, at off, named path: every string and number in it, at any depth, but for
// opaque members (see gateway.ReadOnlyTexts), becomes a read-only text.
// It is tool text, whatever the message's role: the guards check tool
// text under every policy, and a block type aigate does not know is
// rarely what the person typed (new server tools' results, documents,
// content the provider generated). An edit of one refuses the request
// (gateway.Request.EncodeBody): the block may be signed, and its format
// is not aigate's to rewrite.
func (d *decoder) unknownBlock(path, typ string, v []byte, off int, p *parts, noun string) *gateway.Error {
	u := gateway.Unknown{Span: gateway.Span{Start: off, End: off + len(v)}, Path: path, Type: typ, Noun: noun}
	ts, derr := gateway.ReadOnlyTexts(&u, provider.ArgTexts(v, off, nil))
	if derr != nil {
		return derr
	}
	d.unknown = append(d.unknown, u)
	for _, t := range ts {
		p.add(gateway.RoleTool, t)
	}
	return nil
}

// objectsText reads the array member name of the block v at off, named
// path: the string members fields of each of its objects are tool text.
// An absent or null array holds none.
func (d *decoder) objectsText(path string, v []byte, off int, name string, p *parts, fields ...string) *gateway.Error {
	var ms [1]jsonscan.Member
	dup, err := jsonscan.Members(v, []string{name}, ms[:])
	if dup != "" {
		return invalid("%s.%s: appears more than once", path, dup)
	}
	if err != nil {
		return invalid("%s: must be a content block object", path)
	}
	a := ms[0]
	if !a.Found() || isNull(a.Value) {
		return nil
	}
	path += "." + name
	if jsonscan.Kind(a.Value) != '[' {
		return invalid("%s: must be an array of objects", path)
	}
	var derr *gateway.Error
	var fs [3]jsonscan.Member
	err = jsonscan.Array(a.Value, func(i int, e []byte, eoff int) bool {
		ep := path + "[" + strconv.Itoa(i) + "]"
		if jsonscan.Kind(e) != '{' {
			derr = invalid("%s: must be an object", ep)
			return false
		}
		dup, err := jsonscan.Members(e, fields, fs[:len(fields)])
		if dup != "" {
			derr = invalid("%s.%s: appears more than once", ep, dup)
			return false
		}
		if err != nil {
			derr = invalid("%s: must be an object", ep)
			return false
		}
		for j, f := range fields {
			if derr = optText(ep+"."+f, fs[j], off+a.Off+eoff, gateway.RoleTool, p); derr != nil {
				return false
			}
		}
		return true
	})
	if derr != nil {
		return derr
	}
	if err != nil {
		return invalid("%s: must be an array of objects", path)
	}
	return nil
}

// schemasText adds the descriptions and titles in the input_schema of each
// tool in the tools array of the block v at off as tool text (see
// provider.SchemaTexts). objectsText has checked the array's shape.
func schemasText(v []byte, off int, p *parts) *gateway.Error {
	tools, toolsOff, ok := jsonscan.Get(v, "tools")
	if !ok || jsonscan.Kind(tools) != '[' {
		return nil
	}
	_ = jsonscan.Array(tools, func(_ int, e []byte, eoff int) bool {
		// Every copy of a repeated input_schema is read: readers differ on
		// which one wins.
		_ = jsonscan.Object(e, func(k string, schema []byte, soff int) bool {
			if k == "input_schema" {
				for _, t := range provider.SchemaTexts(schema, off+toolsOff+eoff+soff, nil) {
					p.add(gateway.RoleTool, t)
				}
			}
			return true
		})
		return true
	})
	return nil
}

// optText adds the string member m of the block at off, named path, as
// text of role; an absent or null member adds nothing.
func optText(path string, m jsonscan.Member, off int, role gateway.Role, p *parts) *gateway.Error {
	if !m.Found() || isNull(m.Value) {
		return nil
	}
	t, derr := text(m.Value, off+m.Off, path)
	if derr != nil {
		return derr
	}
	p.add(role, t)
	return nil
}

// serverResult decodes the content of a server tool's result block: one
// result object (code execution, text editor, web fetch, advisor, or an
// error), or an array of them (web search), at off, named path.
func (d *decoder) serverResult(path string, v []byte, off int, p *parts) *gateway.Error {
	switch jsonscan.Kind(v) {
	case 0, 'n':
		return nil
	case '{':
		return d.resultItem(path, v, off, p)
	case '[':
	default:
		return invalid("%s: must be an object or an array of results", path)
	}
	var derr *gateway.Error
	err := jsonscan.Array(v, func(i int, e []byte, eoff int) bool {
		derr = d.resultItem(path+"["+strconv.Itoa(i)+"]", e, off+eoff, p)
		return derr == nil
	})
	if derr != nil {
		return derr
	}
	if err != nil {
		return invalid("%s: must be an object or an array of results", path)
	}
	return nil
}

// resultItem decodes one result of a server tool, at off, named path. Its
// text is tool text: a web search result's title and URL, a fetched page's
// URL and document, code's stdout and stderr, a file the text editor
// viewed or the lines it replaced, an error message, an advisor's answer.
// Encrypted content (a search result's page, encrypted stdout, a redacted
// advisor result) is opaque to the guards and passes as it is, as do file
// ids and error codes. A result of a type Decode does not know is read as
// read-only text (see unknownBlock).
func (d *decoder) resultItem(path string, v []byte, off int, p *parts) *gateway.Error {
	if jsonscan.Kind(v) != '{' {
		return invalid("%s: must be an object", path)
	}
	names := []string{"type", "title", "url", "content", "stdout", "stderr", "lines", "text", "error_message"}
	var ms [9]jsonscan.Member
	dup, err := jsonscan.Members(v, names, ms[:])
	if dup != "" {
		return invalid("%s.%s: appears more than once", path, dup)
	}
	if err != nil {
		return invalid("%s: must be an object", path)
	}
	t, _ := jsonscan.String(ms[0].Value)
	var read []int // indexes into names of the string members to read
	switch t {
	case "web_search_result":
		read = []int{1, 2}
	case "web_fetch_result":
		if derr := optText(path+".url", ms[2], off, gateway.RoleTool, p); derr != nil {
			return derr
		}
		if c := ms[3]; c.Found() && !isNull(c.Value) {
			return d.block(path+".content", c.Value, off+c.Off, gateway.RoleTool, p, true)
		}
		return nil
	case "code_execution_result", "bash_code_execution_result", "encrypted_code_execution_result":
		read = []int{4, 5}
	case "text_editor_code_execution_view_result":
		read = []int{3}
	case "text_editor_code_execution_str_replace_result":
		return stringArray(path+".lines", ms[6], off, p)
	case "advisor_result":
		read = []int{7}
	case "text_editor_code_execution_tool_result_error":
		read = []int{8} // the other errors carry a code only
	case "web_search_tool_result_error", "web_fetch_tool_result_error", "code_execution_tool_result_error",
		"bash_code_execution_tool_result_error", "advisor_tool_result_error",
		"text_editor_code_execution_create_result", "advisor_redacted_result":
	default:
		return d.unknownBlock(path, t, v, off, p, "result")
	}
	for _, i := range read {
		if derr := optText(path+"."+names[i], ms[i], off, gateway.RoleTool, p); derr != nil {
			return derr
		}
	}
	return nil
}

// stringArray adds each string of the array member m of the object at
// off, named path, as tool text; absent or null adds nothing.
func stringArray(path string, m jsonscan.Member, off int, p *parts) *gateway.Error {
	if !m.Found() || isNull(m.Value) {
		return nil
	}
	if jsonscan.Kind(m.Value) != '[' {
		return invalid("%s: must be an array of strings", path)
	}
	var derr *gateway.Error
	err := jsonscan.Array(m.Value, func(i int, e []byte, eoff int) bool {
		var t *gateway.Text
		if t, derr = text(e, off+m.Off+eoff, path+"["+strconv.Itoa(i)+"]"); derr == nil {
			p.add(gateway.RoleTool, t)
		}
		return derr == nil
	})
	if derr != nil {
		return derr
	}
	if err != nil {
		return invalid("%s: must be an array of strings", path)
	}
	return nil
}

// nested decodes a content member that is absent, null, a string, or an
// array of content blocks.
func (d *decoder) nested(path string, v []byte, off int, role gateway.Role, p *parts, inTool bool) *gateway.Error {
	switch jsonscan.Kind(v) {
	case 0, 'n':
		return nil
	case '"':
		t, derr := text(v, off, path)
		if derr != nil {
			return derr
		}
		p.add(role, t)
		return nil
	case '[':
		return d.blocks(path, v, off, role, p, inTool)
	}
	return invalid("%s: must be a string or an array of content blocks", path)
}

// document decodes a document block's source: plain text ("data" of a
// source of type "text") and text content ("content" of type "content")
// are text; base64, URL and file sources are not; a source of a type
// Decode does not know is read as read-only text (see unknownBlock).
func (d *decoder) document(path string, v []byte, off int, role gateway.Role, p *parts, inTool bool) *gateway.Error {
	if jsonscan.Kind(v) != '{' {
		return invalid("%s: must be an object", path)
	}
	var ms [3]jsonscan.Member
	dup, err := jsonscan.Members(v, []string{"type", "data", "content"}, ms[:])
	if dup != "" {
		return invalid("%s.%s: appears more than once", path, dup)
	}
	if err != nil {
		return invalid("%s: must be an object", path)
	}
	typ, data, content := ms[0], ms[1], ms[2]
	st, _ := jsonscan.String(typ.Value)
	switch st {
	case "text":
		if !data.Found() {
			return invalid("%s.data: is required", path)
		}
		t, derr := text(data.Value, off+data.Off, path+".data")
		if derr != nil {
			return derr
		}
		p.add(role, t)
	case "content":
		return d.nested(path+".content", content.Value, off+content.Off, role, p, inTool)
	case "base64", "url", "file":
		// Bytes, a link or a file id: nothing the guards read.
	default:
		return d.unknownBlock(path, st, v, off, p, "document source")
	}
	return nil
}
