package openai

import (
	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/jsonscan"
	"github.com/aigate-dev/aigate/internal/provider"
)

// builtinItem reads a Responses input item of one of OpenAI's built-in
// tools, an MCP server's, or an output of them. What the model wrote (a
// shell command, code, a search query, a patch, text it typed on a
// computer, an image prompt it revised, MCP arguments awaiting approval) is
// assistant text; what a tool returned (shell and code output, file search
// hits, an MCP server's tool list or error, a patch's or a program's
// result) is tool text, one message per item; the reason a user gave when
// answering an MCP approval request is user text. The messages of the
// safety checks a computer call's output acknowledges (OpenAI's, echoed
// back) are tool text too. A configuration update item carries settings,
// not text: its text.format, when it asks for JSON, sets
// Request.JSONOutput as the request's own text.format does (see
// decoder.updateJSON).
//
// Items without text pass as they are: a computer call output's screenshot
// (an image), image generation results (base64), reasoning and compaction
// items (the model's own, encrypted or signed, resent as returned), a
// program's code (replayed against its fingerprint), tool search calls and
// outputs and additional tools (tools, like the request's own), compaction
// triggers, item references. An item
// of a type Decode does not know is read as read-only text (see
// decoder.unknown).
func (d *decoder) builtinItem(p path, kind []byte, item []byte, off int) error {
	names := itemFields(kind)
	if names == nil {
		switch string(kind) {
		case "reasoning", "compaction", "compaction_trigger", "program",
			"tool_search_call", "tool_search_output", "additional_tools", "item_reference":
			return nil
		}
		return d.unknown(p, "input item", kind, item, off)
	}
	var ms [3]jsonscan.Member
	if err := members(p, item, names, ms[:len(names)]); err != nil {
		return err
	}
	for i := range names {
		ms[i].Off += off // offsets into the whole body from here on
	}
	f := func(i int) (path, jsonscan.Member) { return p.key(names[i]), ms[i] }
	var tool []*gateway.Text
	toolText := func(t *gateway.Text) { tool = append(tool, t) }
	var err error
	switch string(kind) {
	case "local_shell_call":
		err = d.fields(p.key("action"), ms[0], d.assistantText, field{"command", readStrings}, field{"env", readValues}, field{"working_directory", readText})
	case "shell_call":
		err = d.fields(p.key("action"), ms[0], d.assistantText, field{"commands", readStrings})
	case "apply_patch_call":
		err = d.fields(p.key("operation"), ms[0], d.assistantText, field{"diff", readText})
	case "computer_call":
		// The text a "type" action typed, in the single action or the
		// batched actions.
		if err = d.typedText(p.key("action"), ms[0]); err == nil {
			err = d.each(p.key("actions"), ms[1], d.typedText)
		}
	case "web_search_call":
		err = d.searchAction(p.key("action"), ms[0])
	case "code_interpreter_call":
		if err = d.read(readText, d.assistantText)(f(0)); err == nil {
			err = d.each(p.key("outputs"), ms[1], func(p path, o jsonscan.Member) error {
				if t, _ := jsonscan.String(get(o.Value, "type")); t != "logs" {
					return nil // an image's URL
				}
				return d.fields(p, o, toolText, field{"logs", readText})
			})
		}
	case "file_search_call":
		if err = d.read(readStrings, d.assistantText)(f(0)); err == nil {
			err = d.each(p.key("results"), ms[1], func(p path, r jsonscan.Member) error {
				return d.fields(p, r, toolText, field{"text", readText})
			})
		}
	case "image_generation_call", "mcp_approval_request":
		err = d.read(readText, d.assistantText)(f(0))
		if err == nil && string(kind) == "mcp_approval_request" && ms[0].Found() && jsonscan.Kind(ms[0].Value) == '"' {
			d.req.Structured = append(d.req.Structured, gateway.Span{Start: ms[0].Off, End: ms[0].Off + len(ms[0].Value)})
		}
	case "mcp_approval_response":
		var reason []*gateway.Text
		err = d.read(readText, func(t *gateway.Text) { reason = append(reason, t) })(f(0))
		if err == nil && reason != nil {
			d.req.Messages = append(d.req.Messages, gateway.Message{Role: gateway.RoleUser, Parts: reason})
		}
	case "shell_call_output":
		err = d.each(p.key("output"), ms[0], func(p path, o jsonscan.Member) error {
			return d.fields(p, o, toolText, field{"stdout", readText}, field{"stderr", readText})
		})
	case "mcp_list_tools":
		err = d.each(p.key("tools"), ms[0], func(p path, tl jsonscan.Member) error {
			return d.fields(p, tl, toolText, field{"description", readText}, field{"input_schema", readSchema})
		})
		if err == nil {
			err = d.read(readText, toolText)(f(1))
		}
	case "mcp_call":
		err = d.mcpError(p.key("error"), ms[0], toolText)
	case "apply_patch_call_output", "program_output":
		err = d.read(readText, toolText)(f(0))
	case "computer_call_output":
		err = d.each(p.key("acknowledged_safety_checks"), ms[0], func(p path, c jsonscan.Member) error {
			return d.fields(p, c, toolText, field{"message", readText})
		})
	case "configuration_update":
		// Each update holds until a later one: the last that sets a
		// format is the one the answer follows.
		if t := ms[0]; jsonscan.Kind(t.Value) == '{' {
			if f, _, ok := jsonscan.Get(t.Value, "format"); ok {
				d.updateJSON = jsonFormat(f)
			}
		}
	}
	if err != nil {
		return err
	}
	if tool != nil {
		d.req.Messages = append(d.req.Messages, gateway.Message{Role: gateway.RoleTool, Parts: tool})
	}
	return nil
}

// unknown reads the content v at off, named p, of type typ that Decode does
// not know (noun says what it is: an input item, a content part): every
// string and number in it, at any depth, but for opaque members (see
// gateway.ReadOnlyTexts), becomes a read-only text in a tool message of
// its own. It is tool text whatever the role around it: the guards check
// tool text under every policy, and a type aigate does not know is rarely
// what the person typed. An edit of one refuses the request
// (gateway.Request.EncodeBody): the content may be signed, and its format
// is not aigate's to rewrite.
func (d *decoder) unknown(p path, noun string, typ []byte, v []byte, off int) error {
	u := gateway.Unknown{Span: gateway.Span{Start: off, End: off + len(v)}, Path: p.String(), Type: string(typ), Noun: noun}
	ts, err := gateway.ReadOnlyTexts(&u, provider.ArgTexts(v, off, nil))
	if err != nil {
		return err
	}
	d.req.Unknown = append(d.req.Unknown, u)
	if len(ts) > 0 {
		d.req.Messages = append(d.req.Messages, gateway.Message{Role: gateway.RoleTool, Parts: ts})
	}
	return nil
}

// itemFields returns the members builtinItem reads of an item of kind, or
// nil for a kind it does not read.
func itemFields(kind []byte) []string {
	switch string(kind) {
	case "local_shell_call", "shell_call", "web_search_call":
		return []string{"action"}
	case "apply_patch_call":
		return []string{"operation"}
	case "computer_call":
		return []string{"action", "actions"}
	case "code_interpreter_call":
		return []string{"code", "outputs"}
	case "file_search_call":
		return []string{"queries", "results"}
	case "image_generation_call":
		return []string{"revised_prompt"}
	case "mcp_approval_request":
		return []string{"arguments"}
	case "mcp_approval_response":
		return []string{"reason"}
	case "shell_call_output", "apply_patch_call_output":
		return []string{"output"}
	case "mcp_list_tools":
		return []string{"tools", "error"}
	case "mcp_call":
		return []string{"error"}
	case "program_output":
		return []string{"result"}
	case "computer_call_output":
		return []string{"acknowledged_safety_checks"}
	case "configuration_update":
		return []string{"text"}
	}
	return nil
}

// reader reads the member at p and hands each text it finds to add.
type reader func(d *decoder, p path, m jsonscan.Member, add func(*gateway.Text)) error

// field is a member of an object and how to read it.
type field struct {
	name string
	read reader
}

// read returns r bound to add, for a member found by builtinItem.
func (d *decoder) read(r reader, add func(*gateway.Text)) func(path, jsonscan.Member) error {
	return func(p path, m jsonscan.Member) error { return r(d, p, m, add) }
}

// fields reads the named fields of the object o at p, handing their texts
// to add. An absent or null o holds none; any other value that is not an
// object is refused.
func (d *decoder) fields(p path, o jsonscan.Member, add func(*gateway.Text), fs ...field) error {
	if !o.Found() || jsonscan.Kind(o.Value) == 'n' {
		return nil
	}
	if jsonscan.Kind(o.Value) != '{' {
		return invalid("%s: must be an object", p)
	}
	var names [3]string
	var ms [3]jsonscan.Member
	for i, f := range fs {
		names[i] = f.name
	}
	if err := members(p, o.Value, names[:len(fs)], ms[:len(fs)]); err != nil {
		return err
	}
	for i, f := range fs {
		m := ms[i]
		m.Off += o.Off
		if err := f.read(d, p.key(f.name), m, add); err != nil {
			return err
		}
	}
	return nil
}

// each calls read for each element of the array a at p; an absent or null
// a has none.
func (d *decoder) each(p path, a jsonscan.Member, read func(path, jsonscan.Member) error) error {
	if !a.Found() || jsonscan.Kind(a.Value) == 'n' {
		return nil
	}
	if jsonscan.Kind(a.Value) != '[' {
		return invalid("%s: must be an array", p)
	}
	var err error
	scanErr := jsonscan.Array(a.Value, func(i int, e []byte, eoff int) bool {
		err = read(p.at(i), jsonscan.Member{Value: e, Off: a.Off + eoff})
		return err == nil
	})
	return firstErr(err, scanErr, p)
}

// readText reads a string member; absent or null holds no text.
func readText(d *decoder, p path, m jsonscan.Member, add func(*gateway.Text)) error {
	if !m.Found() || jsonscan.Kind(m.Value) == 'n' {
		return nil
	}
	t, err := d.text(p, m.Value, m.Off)
	if err == nil {
		add(t)
	}
	return err
}

// readSchema reads the descriptions and titles of a JSON Schema, at any
// depth (see provider.SchemaTexts): a listed tool's input schema, where a
// poisoned tool hides instructions in a parameter's description.
func readSchema(_ *decoder, _ path, m jsonscan.Member, add func(*gateway.Text)) error {
	if !m.Found() {
		return nil
	}
	for _, t := range provider.SchemaTexts(m.Value, m.Off, nil) {
		add(t)
	}
	return nil
}

// readStrings reads an array of strings.
func readStrings(d *decoder, p path, m jsonscan.Member, add func(*gateway.Text)) error {
	return d.each(p, m, func(p path, e jsonscan.Member) error {
		if jsonscan.Kind(e.Value) != '"' {
			return invalid("%s: must be a string", p)
		}
		return readText(d, p, e, add)
	})
}

// readValues reads the string values of an object (a shell's environment).
func readValues(d *decoder, p path, m jsonscan.Member, add func(*gateway.Text)) error {
	if !m.Found() || jsonscan.Kind(m.Value) == 'n' {
		return nil
	}
	if jsonscan.Kind(m.Value) != '{' {
		return invalid("%s: must be an object", p)
	}
	var err error
	scanErr := jsonscan.Object(m.Value, func(_ string, v []byte, voff int) bool {
		err = readText(d, p, jsonscan.Member{Value: v, Off: m.Off + voff}, add)
		return err == nil
	})
	return firstErr(err, scanErr, p)
}

// typedText reads the text of a computer action of type "type"; other
// actions (clicks, keys, scrolls) carry none.
func (d *decoder) typedText(p path, a jsonscan.Member) error {
	if jsonscan.Kind(a.Value) != '{' {
		return d.fields(p, a, d.assistantText) // refuses what is not an object or null
	}
	if t, _ := jsonscan.String(get(a.Value, "type")); t != "type" {
		return nil
	}
	return d.fields(p, a, d.assistantText, field{"text", readText})
}

// searchAction reads what a web search call searched for: the queries of
// a search and the URLs of its sources, the URL of a page it opened, the
// pattern it looked for in one.
func (d *decoder) searchAction(p path, a jsonscan.Member) error {
	if jsonscan.Kind(a.Value) != '{' {
		return d.fields(p, a, d.assistantText)
	}
	switch t, _ := jsonscan.String(get(a.Value, "type")); t {
	case "search":
		return d.fields(p, a, d.assistantText, field{"query", readText}, field{"queries", readStrings}, field{"sources", readSources})
	case "open_page":
		return d.fields(p, a, d.assistantText, field{"url", readText})
	case "find_in_page", "find":
		return d.fields(p, a, d.assistantText, field{"pattern", readText}, field{"url", readText})
	}
	return nil
}

// readSources reads the URLs of a web search's sources.
func readSources(d *decoder, p path, m jsonscan.Member, add func(*gateway.Text)) error {
	return d.each(p, m, func(p path, s jsonscan.Member) error {
		return d.fields(p, s, add, field{"url", readText})
	})
}

// mcpError reads an MCP call's error, handing its texts to add: a string,
// or an object with a message or the content the tool returned.
func (d *decoder) mcpError(p path, e jsonscan.Member, add func(*gateway.Text)) error {
	switch jsonscan.Kind(e.Value) {
	case '"':
		return readText(d, p, e, add)
	case '{':
	default:
		return nil
	}
	return d.fields(p, e, add, field{"message", readText}, field{"content", func(d *decoder, p path, m jsonscan.Member, add func(*gateway.Text)) error {
		if k := jsonscan.Kind(m.Value); k != '"' && k != '[' {
			return nil // any other JSON: left as it is
		}
		parts, err := d.contentParts(p, m.Value, m.Off)
		for _, t := range parts {
			add(t)
		}
		return err
	}})
}

// get returns the member k of the object v, or nil.
func get(v []byte, k string) []byte {
	m, _, ok := jsonscan.Get(v, k)
	if !ok {
		return nil
	}
	return m
}
