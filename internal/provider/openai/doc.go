// Package openai speaks the OpenAI wire format, which OpenAI, Azure OpenAI
// and the many OpenAI-compatible providers share.
//
// # Routes
//
// [Adapter.Match] recognises the client routes
//
//	POST /v1/chat/completions   gateway.OpChatCompletions
//	POST /v1/responses          gateway.OpResponses
//	POST /v1/embeddings         gateway.OpEmbeddings
//	GET  /v1/models             gateway.OpModels
//
// and nothing else: Azure-style paths are upstream routes, never client
// routes.
//
// # Reading requests
//
// [Adapter.Decode] walks the body with jsonscan and records, for every text
// the guards may read or edit, where its JSON string stands in the body:
// chat messages (string content, or "text"/"input_text" parts, and the
// arguments of an assistant's tool calls), the Responses API's
// instructions, input (a string, or items) and prompt variables, and
// embeddings input strings. The roles "system" and "developer" are
// [gateway.RoleSystem]. Of the Responses input items, messages are text of
// their role; what the model wrote in a call (function and MCP arguments, a
// custom tool's input, shell commands, code, search queries, patches, text
// it typed on a computer, a revised image prompt) is
// [gateway.RoleAssistant]; what a tool returned (function, custom tool,
// shell, code interpreter, file search, patch, program and MCP outputs and
// errors, an MCP server's tool descriptions, the safety checks a computer
// call's output acknowledges) is [gateway.RoleTool]; the reason given for
// an MCP approval is [gateway.RoleUser]. Screenshots, generated images,
// reasoning and compaction items, and a program's fingerprinted code pass
// as they are; a configuration update item passes too, its text.format
// setting [gateway.Request.JSONOutput] like the request's own. An input item or a content part of
// a type the adapter does not know is read, not passed unread: its strings
// and numbers at any depth, but for plainly opaque members (ids, types,
// signatures, encrypted content, media types, base64 data), are
// [gateway.RoleTool] text marked [gateway.Text.ReadOnly], in a message of
// their own, and the item or part is listed in [gateway.Request.Unknown].
// The guards check them and may refuse the request; an edit of one
// refuses it too, with a 400 naming the item, since aigate does not
// rewrite content it does not model. A field of the wrong
// shape, or a modelled field given twice (which providers resolve
// differently), is refused with [gateway.CodeInvalid] and a message naming
// the field, never quoting the request.
//
// # Writing requests
//
// [Adapter.Encode] returns the body as received, with only the guards'
// edits spliced in. One addition: a streaming chat completion whose client
// did not ask for usage gets "stream_options":{"include_usage":true}, so
// aigate can count the tokens; the request is marked
// [gateway.Request.UsageInjected] and [Adapter.Hide] withholds the extra
// usage chunk from the client. Responses API streams always carry usage in
// their response.completed event.
//
// [Adapter.Rewrite] routes the request to the upstream's base URL and sets
// the upstream credential (see its doc for the Azure OpenAI paths).
package openai
