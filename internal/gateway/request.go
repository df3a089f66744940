package gateway

import (
	"errors"
	"fmt"
	"math/bits"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Dialect is the wire format a client speaks: it decides how requests are
// read and how errors are written back.
type Dialect string

// The dialects aigate speaks.
const (
	DialectOpenAI    Dialect = "openai"
	DialectAnthropic Dialect = "anthropic"
	DialectGemini    Dialect = "gemini"
)

// Operation names the API call within a dialect, such as "chat.completions".
type Operation string

// The operations aigate routes.
const (
	OpChatCompletions   Operation = "chat.completions"
	OpResponses         Operation = "responses"
	OpEmbeddings        Operation = "embeddings"
	OpModels            Operation = "models.list"
	OpMessages          Operation = "messages"
	OpCountTokens       Operation = "count_tokens"
	OpGenerateContent   Operation = "generate_content"
	OpStreamGenerate    Operation = "stream_generate_content"
	OpEmbedContent      Operation = "embed_content"
	OpGeminiCountTokens Operation = "gemini.count_tokens"
	OpGeminiBatchEmbed  Operation = "batch_embed_contents"
)

// Role is the author of a message, normalised across dialects (Gemini's
// "model" is RoleAssistant).
type Role string

// The roles guards distinguish.
const (
	RoleSystem    Role = "system" // includes OpenAI "developer", Anthropic "system", Gemini systemInstruction
	RoleUser      Role = "user"
	RoleAssistant Role = "assistant"
	RoleTool      Role = "tool"
)

// Request is the neutral view of one API call that the guards read. The
// body as received stays in Raw, untouched; guards change text only through
// [Text.Set] and [Request.Insert], and [Request.Body] renders the body that
// goes upstream by splicing those edits into Raw, so every field aigate does
// not model reaches the provider byte for byte.
type Request struct {
	ID        string
	Received  time.Time
	Dialect   Dialect
	Operation Operation
	Model     string // from the body, or the path for Gemini
	Stream    bool
	MaxTokens int64  // output cap asked for; 0 when absent
	User      string // end-user id claimed by the app (OpenAI user, Anthropic metadata.user_id, X-Aigate-User)
	Messages  []Message
	// Structured are the tool-call arguments and tool results of the
	// history that are JSON: an object whose strings are texts of Messages
	// one by one (Anthropic tool_use input, Gemini functionCall args and
	// functionResponse response), or a Text whose value is JSON text
	// (OpenAI function arguments), which has the same span. A guard that
	// cuts one down (the field allow-list) edits an object through
	// [Request.Insert] and drops from Messages the texts it removed.
	Structured []Span
	// StoredPrompt is set when the request names a prompt template stored
	// at the provider (OpenAI Responses prompt.id): instructions aigate
	// cannot read, so a policy treats them as client system content.
	StoredPrompt bool
	// ArrayStream is set when the client reads the stream as one JSON array
	// (Gemini without alt=sse) while the provider is asked for SSE: the
	// relay writes each event's data as an element of the array.
	ArrayStream bool
	// JSONOutput is set when the client asked for the answer as JSON
	// (OpenAI response_format or Responses text.format json_object or
	// json_schema, Gemini responseMimeType application/json, Anthropic
	// output_config.format json_schema): the answer
	// text is then JSON text, which output guards read like tool-call
	// arguments (see [ToolArgs]).
	JSONOutput bool

	// Header holds the client headers that may be forwarded upstream; the
	// front door allow-lists them, so it never holds a credential.
	Header http.Header
	// Query holds the query parameters that may be forwarded (Gemini's alt).
	Query url.Values

	Credential      Secret // the aigate credential presented in a header
	CredentialInURL bool   // a credential was presented in the URL query: always refused
	ClientIP        string
	// Origin is the browser's Origin header ("https://app.example"); empty
	// for servers and CLIs. Tokens bound to an origin and per-key CORS
	// check it.
	Origin string

	Principal *Principal // set by authentication
	Provider  string     // name of the provider the request is routed to

	// UsageInjected is set by an adapter that asked the provider for stream
	// usage the client did not ask for; the extra event is hidden from the
	// client.
	UsageInjected bool

	// Findings are the guards' decisions on this request and its response,
	// metadata only; see [Request.AddFinding].
	Findings []Finding

	// Unknown are the pieces of content (blocks, input items, parts) of a
	// type the decoder does not know: their texts are in Messages, marked
	// [Text.ReadOnly], and an edit of one is refused naming the piece.
	Unknown []Unknown

	Raw   []byte // the body as received; never modified
	edits []Edit
}

// Unknown is a piece of content of a type the decoder does not know: the
// guards read its strings and numbers (see [ReadOnlyTexts]) but aigate
// does not edit it.
type Unknown struct {
	Span        // the piece in Raw
	Path string // where it stands, as decode errors name it: "messages[2].content[0]"
	Type string // its type as the client wrote it ("foo", or a Gemini part's member name)
	Noun string // what the dialect calls it: "block", "item", "part"
}

// describe returns "a \"foo\" block", quoting the type only when it is a
// plain identifier, so a client message never echoes request text.
func (u *Unknown) describe() string {
	noun := u.Noun
	if noun == "" {
		noun = "piece of content"
	}
	if !identifier(u.Type) {
		return "a " + noun
	}
	return "a " + strconv.Quote(u.Type) + " " + noun
}

// identifier reports whether s is a short name of ASCII letters, digits,
// '_', '-' and '.': a type name, not free text.
func identifier(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// The most a decoder reads of one piece of unknown content: its strings'
// and numbers' bytes, and how many there are. A piece with more is
// refused rather than read in part: what is not read would reach the
// provider unchecked.
const (
	MaxUnknownBytes  = 64 << 10
	MaxUnknownValues = 4096
)

// ReadOnlyTexts keeps, of the texts ts found in the piece of unknown
// content u (every string and number at any depth, as provider.ArgTexts
// finds them), those the guards should read, marks them [Text.ReadOnly] and
// returns them, reusing ts's backing array. It skips what is plainly
// opaque: the values of members named type, id, *_id (or *Id), signature,
// *_signature, encrypted_*, mime_type and media_type (in either case
// style), a "data" that is a long base64 run, and any data: URL. A piece holding more than
// [MaxUnknownBytes] or [MaxUnknownValues] of the rest is refused with
// [CodeInvalid]; the message names u.Path, never a value.
func ReadOnlyTexts(u *Unknown, ts []*Text) ([]*Text, *Error) {
	out := ts[:0]
	n := 0
	for _, t := range ts {
		if opaqueKey(t.Key) || opaqueValue(t.Key, t.Value) {
			continue
		}
		n += len(t.Value)
		t.ReadOnly = true
		out = append(out, t)
	}
	if n > MaxUnknownBytes || len(out) > MaxUnknownValues {
		return nil, Errorf(CodeInvalid, "%s: %s that aigate does not know holds more than %d KiB or %d values of text, more than this gateway checks in content it cannot edit; send that content as text", u.Path, u.describe(), MaxUnknownBytes>>10, MaxUnknownValues)
	}
	return out, nil
}

// opaqueKey reports whether the values of members named k are opaque to
// the guards: types, ids, signatures, encrypted content, media types.
func opaqueKey(k string) bool {
	switch k {
	case "type", "id", "signature", "mime_type", "mimeType", "media_type", "mediaType":
		return true
	}
	return strings.HasSuffix(k, "_id") || strings.HasSuffix(k, "Id") ||
		strings.HasSuffix(k, "_signature") || strings.HasSuffix(k, "Signature") ||
		strings.HasPrefix(k, "encrypted")
}

// opaqueValue reports whether v, the value of a member named k, is a
// payload rather than text: a data: URL, or a "data" member that is a
// base64 run of 256 bytes or more (shorter ones, which could be a
// credential, are read).
func opaqueValue(k, v string) bool {
	if strings.HasPrefix(v, "data:") && strings.Contains(v[:min(len(v), 256)], ";base64,") {
		return true
	}
	if k != "data" || len(v) < 256 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '=' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// EncodeBody is [Request.Body] for the body that goes upstream: adapters'
// Encode call it. It refuses, with [CodeInvalid], a request in which a
// guard changed a [Text.ReadOnly] text (personal data to redact in content
// aigate does not know, say): sending it unchanged would leak what the
// policy removes, and sending the edit could break a signature or a
// format aigate does not model. The message names where the content
// stands, never its value.
func (r *Request) EncodeBody() ([]byte, error) {
	for _, m := range r.Messages {
		for _, p := range m.Parts {
			if p.ReadOnly && p.edited {
				return nil, r.readOnlyError(p)
			}
		}
	}
	return r.Body(), nil
}

// readOnlyError is the refusal of an edit of the read-only text t.
func (r *Request) readOnlyError(t *Text) *Error {
	u := &Unknown{}
	for i := range r.Unknown {
		if r.Unknown[i].Within(t) {
			u = &r.Unknown[i]
			break
		}
	}
	where := "the request"
	if u.Path != "" {
		where = u.Path
	}
	return &Error{
		Code: CodeInvalid,
		Message: fmt.Sprintf("%s (%s that aigate does not know, so it checks it but cannot edit it) holds text this gateway's policy would change, such as personal data or a secret to redact; remove it, or send that content as text",
			where, u.describe()),
		Err: errors.New("a guard edited a read-only text"),
	}
}

// Message is one turn of a conversation.
type Message struct {
	Role  Role
	Parts []*Text
}

// Text is one piece of text in the request body, with where it stands in
// [Request.Raw] so an edit can replace exactly that JSON string.
type Text struct {
	Value string
	Start int // offset of the opening quote of the JSON string in Raw (a Number's first byte)
	End   int // offset just past the closing quote (past a Number's last byte)
	// Number is set when Raw[Start:End] is a JSON number, not a string: a
	// number in the arguments of a tool call, which can be a card or phone
	// number. Value is its literal, so the guards read its digits; an edit
	// writes the new value as a JSON string in place of the whole number,
	// so the body stays valid JSON.
	Number bool
	// Key is the name of the object member whose value this is, for the
	// values of a tool call's argument object (an array's elements carry
	// the key of the member the array is); empty otherwise. The guards read
	// it as context: bare digits under "phone" are a phone number, under
	// "created_at" a timestamp.
	Key string
	// ReadOnly marks a text the guards check but aigate must not edit: a
	// string or number inside content of a type the decoder does not know
	// (see [Unknown]), which may be signed or opaque to aigate and must
	// reach the provider as the client sent it. A guard may still call
	// Set on it; the request is then refused by [Request.EncodeBody], not
	// sent with the edit nor without it.
	ReadOnly bool
	edited   bool
}

// Set replaces the text; [Request.Body] writes the new value, as a JSON
// string, in place of the original JSON string (or number).
func (t *Text) Set(v string) {
	if v == t.Value {
		return
	}
	t.Value = v
	t.edited = true
}

// Edited reports whether Set changed the text.
func (t *Text) Edited() bool { return t.edited }

// Edit replaces Raw[Start:End] with Insert. Start == End inserts.
type Edit struct {
	Start, End int
	Insert     []byte
}

// Insert records a raw edit of the body, such as adding a pinned system
// prompt. Edits must not overlap each other or an edited [Text].
func (r *Request) Insert(e Edit) { r.edits = append(r.edits, e) }

// UserText returns the text of user messages, in order.
func (r *Request) UserText() []*Text {
	var ts []*Text
	for _, m := range r.Messages {
		if m.Role == RoleUser {
			ts = append(ts, m.Parts...)
		}
	}
	return ts
}

// InputChars counts the characters (code points) of all message text.
func (r *Request) InputChars() int {
	n := 0
	for _, m := range r.Messages {
		for _, p := range m.Parts {
			n += len([]rune(p.Value))
		}
	}
	return n
}

// Edited reports whether any guard changed the body.
func (r *Request) Edited() bool {
	if len(r.edits) > 0 {
		return true
	}
	for _, m := range r.Messages {
		for _, p := range m.Parts {
			if p.edited {
				return true
			}
		}
	}
	return false
}

// Body returns the body to send upstream: Raw itself when nothing was edited,
// otherwise Raw with every edit spliced in. It writes an edit of a
// [Text.ReadOnly] text too: what goes upstream is built by
// [Request.EncodeBody], which refuses one. Edited texts are quoted straight
// into the new body, which is allocated once.
func (r *Request) Body() []byte {
	if !r.Edited() {
		return r.Raw
	}
	// The raw edits first, then the texts in message order, each with its
	// JSON string's span: the order Splice would apply them in.
	var buf [8]bodyEdit
	edits := buf[:0]
	n := len(r.Raw)
	for _, e := range r.edits {
		edits = append(edits, bodyEdit{start: e.Start, end: e.End, insert: e.Insert})
		n += len(e.Insert) - (e.End - e.Start)
	}
	for _, m := range r.Messages {
		for _, p := range m.Parts {
			if p.edited {
				edits = append(edits, bodyEdit{start: p.Start, end: p.End, text: p})
				n += len(p.Value) + 2 + len(p.Value)/16 - (p.End - p.Start)
			}
		}
	}
	slices.SortStableFunc(edits, func(a, b bodyEdit) int { return a.start - b.start })
	out := make([]byte, 0, n)
	at := 0
	for _, e := range edits {
		out = append(out, r.Raw[at:e.start]...)
		if e.text != nil {
			out = AppendQuoteJSON(out, e.text.Value)
		} else {
			out = append(out, e.insert...)
		}
		at = e.end
	}
	return append(out, r.Raw[at:]...)
}

// bodyEdit is one replacement Body makes: a raw edit's insert, or, when
// text is set, that text quoted as JSON.
type bodyEdit struct {
	start, end int
	insert     []byte
	text       *Text
}

// Splice applies non-overlapping edits to src and returns a new slice.
func Splice(src []byte, edits []Edit) []byte {
	n := len(src)
	for _, e := range edits {
		n += len(e.Insert) - (e.End - e.Start)
	}
	return AppendSplice(make([]byte, 0, n), src, edits)
}

// AppendSplice is [Splice] appending the result to dst, which must not
// overlap src or the edits' inserts.
func AppendSplice(dst, src []byte, edits []Edit) []byte {
	slices.SortStableFunc(edits, func(a, b Edit) int { return a.Start - b.Start })
	out := dst
	at := 0
	for _, e := range edits {
		out = append(out, src[at:e.Start]...)
		out = append(out, e.Insert...)
		at = e.End
	}
	return append(out, src[at:]...)
}

// QuoteJSON returns s as a JSON string literal, without HTML escaping,
// byte for byte as an encoding/json Encoder with SetEscapeHTML(false)
// writes it: \" \\ \b \f \n \r \t, \u00XX for other control bytes,
// \u2028 and \u2029, and \ufffd for each invalid UTF-8 byte.
func QuoteJSON(s string) []byte {
	return AppendQuoteJSON(make([]byte, 0, len(s)+2+len(s)/16), s)
}

// AppendQuoteJSON appends s as a JSON string literal, as [QuoteJSON]
// writes it, to b.
func AppendQuoteJSON(b []byte, s string) []byte {
	b = append(b, '"')
	const hex = "0123456789abcdef"
	at := 0 // s[at:i] is still to copy
	for i := 0; i < len(s); {
		if i&7 == 0 { // at most one word test per 8 bytes of non-ASCII text
			i = plainRun(s, i)
			if i == len(s) {
				break
			}
		}
		c := s[i]
		if plainByte[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[at:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			at = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:min(i+utf8.UTFMax, len(s))])
		if r == utf8.RuneError && n == 1 {
			b = append(b, s[at:i]...)
			b = append(b, `\ufffd`...)
			i++
			at = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[at:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += n
			at = i
			continue
		}
		i += n
	}
	b = append(b, s[at:]...)
	return append(b, '"')
}

// plainByte marks the bytes a JSON string holds as they are: ASCII other
// than control bytes, '"' and '\\'.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// plainRun returns the offset of the first byte at or after i that a JSON
// string cannot hold as it is (a control byte, '"', '\\' or a non-ASCII
// byte), testing eight bytes at a time; when every byte is plain it stops
// where fewer than eight are left. In each word's test a borrow only runs
// upward from a byte that matched, so the lowest marked byte is exact.
//
// jsonscan has the same function. It is repeated here, not imported,
// because the domain depends on nothing of aigate's (see
// internal/conventions); keep the two in step.
func plainRun(s string, i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; i+8 <= len(s); i += 8 {
		w := s[i : i+8]
		x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		ctl := (x - ones*0x20) & ^x // a byte below 0x20 (high bytes: x itself)
		q := x ^ (ones * '"')       // a zero byte where x has '"'
		bs := x ^ (ones * '\\')     // a zero byte where x has '\\'
		if m := (ctl | (q-ones)&^q | (bs-ones)&^bs | x) & highs; m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	return i
}

// Principal is who a request acts for, as established by authentication.
type Principal struct {
	KeyID     string // public id of the aigate key, safe to log
	KeyName   string
	Owner     string
	Team      string
	User      string   // end user that limits apply to
	Models    []string // allowed model patterns ("gpt-4o-mini", "claude-*"); empty allows all
	Providers []string // allowed provider names; empty allows all
	Policy    string
	Limits    Limits // the key's own limits; zero fields use the configured defaults
	// CORSOrigins are the browser origins the key accepts requests from;
	// empty: none.
	CORSOrigins []string
}

// Limits are the per-key settings the rate-limit, budget and validation
// steps read. A zero field means "the configured default".
type Limits struct {
	RequestsPerMinute   int
	RequestsPerDay      int
	TokensPerMinute     int
	Concurrent          int
	BudgetMicros        int64  // cap in millionths of a US dollar; 0: no key budget
	BudgetPeriod        string // day, week, month or none
	MaxUserMessageChars int
	// ActsForUsers allows the app to name its end users (OpenAI user,
	// Anthropic metadata.user_id, X-Aigate-User); limits then apply to each.
	ActsForUsers bool
}

// AllowsModel reports whether the principal may call model. A pattern
// ending in "*" matches by prefix; "*" alone matches everything.
func (p *Principal) AllowsModel(model string) bool {
	if len(p.Models) == 0 {
		return true
	}
	for _, pat := range p.Models {
		if MatchModel(pat, model) {
			return true
		}
	}
	return false
}

// AllowsProvider reports whether the principal may use the named provider.
func (p *Principal) AllowsProvider(name string) bool {
	return len(p.Providers) == 0 || slices.Contains(p.Providers, name)
}

// MatchModel reports whether model matches pat: exact, or by prefix when pat
// ends in "*".
func MatchModel(pat, model string) bool {
	if prefix, ok := strings.CutSuffix(pat, "*"); ok {
		return strings.HasPrefix(model, prefix)
	}
	return pat == model
}
