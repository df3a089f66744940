package gemini

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/jsonscan"
)

// decoded is the part of a decoded request the tables compare.
type decoded struct {
	Model     string
	Stream    bool
	MaxTokens int64
	Messages  []msg
}

type msg struct {
	Role  gateway.Role
	Texts []string
}

func summarize(req *gateway.Request) decoded {
	d := decoded{Model: req.Model, Stream: req.Stream, MaxTokens: req.MaxTokens}
	for _, m := range req.Messages {
		s := msg{Role: m.Role}
		for _, p := range m.Parts {
			s.Texts = append(s.Texts, p.Value)
		}
		d.Messages = append(d.Messages, s)
	}
	return d
}

// checkSpans fails unless every text's span in Raw is a JSON string that
// decodes to its value.
func checkSpans(t *testing.T, req *gateway.Request) {
	t.Helper()
	for i, m := range req.Messages {
		for j, p := range m.Parts {
			if p.Start < 0 || p.End > len(req.Raw) || p.Start >= p.End {
				t.Fatalf("message %d part %d: span [%d,%d) outside body of %d bytes", i, j, p.Start, p.End, len(req.Raw))
			}
			if p.Number {
				if lit := string(req.Raw[p.Start:p.End]); lit != p.Value || !json.Valid(req.Raw[p.Start:p.End]) || jsonscan.Kind(req.Raw[p.Start:p.End]) == '"' {
					t.Errorf("message %d part %d: Raw[%d:%d] = %s, want the JSON number %s", i, j, p.Start, p.End, lit, p.Value)
				}
				continue
			}
			s, err := jsonscan.String(req.Raw[p.Start:p.End])
			if err != nil || s != p.Value {
				t.Errorf("message %d part %d: Raw[%d:%d] = %s, want the JSON string %q", i, j, p.Start, p.End, req.Raw[p.Start:p.End], p.Value)
			}
		}
	}
}

var decodeTests = []struct {
	name  string
	op    gateway.Operation
	model string
	body  string
	want  decoded
}{
	{
		name:  "generate",
		op:    gateway.OpGenerateContent,
		model: "gemini-2.5-flash",
		body:  `{"contents":[{"parts":[{"text":"Hello"}]}]}`,
		want:  decoded{Model: "gemini-2.5-flash", Messages: []msg{{gateway.RoleUser, []string{"Hello"}}}},
	},
	{
		name:  "stream-every-field",
		op:    gateway.OpStreamGenerate,
		model: "gemini-2.5-pro",
		body: `{"contents":[{"role":"user","parts":[{"text":"a"},{"text":"b"}]},{"role":"model","parts":[{"text":"c"}]},` +
			`{"role":"function","parts":[{"functionResponse":{"name":"f","response":{}}},{"text":"d"}]},{"role":"tool","parts":[{"text":"e"}]}],` +
			`"generationConfig":{"maxOutputTokens":100},"systemInstruction":{"role":"system","parts":[{"text":"sys"}]}}`,
		want: decoded{Model: "gemini-2.5-pro", Stream: true, MaxTokens: 100, Messages: []msg{
			{gateway.RoleSystem, []string{"sys"}},
			{gateway.RoleUser, []string{"a", "b"}},
			{gateway.RoleAssistant, []string{"c"}},
			{gateway.RoleTool, []string{"d"}},
			{gateway.RoleTool, []string{"e"}},
		}},
	},
	{
		name:  "function-call-and-response",
		op:    gateway.OpGenerateContent,
		model: "m",
		body: `{"contents":[{"role":"user","parts":[{"text":"q"}]},{"role":"model","parts":[{"functionCall":{"name":"f","args":{"to":["a@b.example",3]}}}]},` +
			`{"role":"user","parts":[{"function_response":{"name":"f","response":{"r":{"v":"ok"}}}},{"text":"and?"}]}]}`,
		want: decoded{Model: "m", Messages: []msg{
			{gateway.RoleUser, []string{"q"}},
			{gateway.RoleAssistant, []string{"to", "a@b.example", "3"}},
			{gateway.RoleTool, []string{"r", "v", "ok"}},
			{gateway.RoleUser, []string{"and?"}},
		}},
	},
	{
		name:  "function-role-one-message",
		op:    gateway.OpGenerateContent,
		model: "m",
		body:  `{"contents":[{"role":"user","parts":[{"text":"q"}]},{"role":"function","parts":[{"text":"note"},{"functionResponse":{"name":"f","response":{"r":"ok"}}}]}]}`,
		want: decoded{Model: "m", Messages: []msg{
			{gateway.RoleUser, []string{"q"}},
			{gateway.RoleTool, []string{"r", "ok", "note"}},
		}},
	},
	{
		// Code the model ran is its text; what the run printed, and what a
		// server tool returned, are tool text; a server tool call's args
		// are read as a function call's are. A function response's parts
		// are media and pass as they are.
		name:  "code-execution-and-server-tools",
		op:    gateway.OpGenerateContent,
		model: "m",
		body: `{"contents":[{"role":"user","parts":[{"text":"q"}]},{"role":"model","parts":[` +
			`{"executableCode":{"language":"PYTHON","code":"print(1)","id":"c1"}},` +
			`{"codeExecutionResult":{"outcome":"OUTCOME_OK","output":"1\n","id":"c1"}},` +
			`{"executable_code":{"language":"PYTHON"}},{"code_execution_result":{"outcome":"OUTCOME_FAILED","output":null}},` +
			`{"toolCall":{"id":"t1","toolType":"GOOGLE_SEARCH_WEB","args":{"queries":["weather"]}}},` +
			`{"tool_response":{"id":"t1","toolType":"GOOGLE_SEARCH_WEB","response":{"result":"sunny"}}},` +
			`{"text":"It is sunny."}]},` +
			`{"role":"user","parts":[{"functionResponse":{"id":"f1","name":"f","response":{"ok":true},"willContinue":false,"parts":[{"inlineData":{"mimeType":"image/png","data":"AA==","displayName":"a.png"}}]}},{"text":"and?"}]}]}`,
		want: decoded{Model: "m", Messages: []msg{
			{gateway.RoleUser, []string{"q"}},
			{gateway.RoleTool, []string{"1\n", "result", "sunny"}},
			{gateway.RoleAssistant, []string{"print(1)", "queries", "weather", "It is sunny."}},
			{gateway.RoleTool, []string{"ok"}},
			{gateway.RoleUser, []string{"and?"}},
		}},
	},
	{
		name:  "snake-case",
		op:    gateway.OpGenerateContent,
		model: "m",
		body:  `{"system_instruction":{"parts":[{"text":"s"}]},"generation_config":{"max_output_tokens":"64"},"contents":[{"role":"","parts":[{"text":"x"}]}]}`,
		want:  decoded{Model: "m", MaxTokens: 64, Messages: []msg{{gateway.RoleSystem, []string{"s"}}, {gateway.RoleUser, []string{"x"}}}},
	},
	{
		name:  "max-tokens-forms",
		op:    gateway.OpGenerateContent,
		model: "m",
		body:  `{"contents":[],"generationConfig":{"maxOutputTokens":1e3}}`,
		want:  decoded{Model: "m", MaxTokens: 1000},
	},
	{
		name:  "nulls-and-parts-without-text",
		op:    gateway.OpGenerateContent,
		model: "m",
		body:  `{"contents":[{"role":null,"parts":null},{"parts":[{"inlineData":{"mimeType":"image/png","data":"AA=="}},{"text":null}]}],"systemInstruction":null,"generationConfig":{"maxOutputTokens":null}}`,
		want:  decoded{Model: "m", Messages: []msg{{Role: gateway.RoleUser}, {Role: gateway.RoleUser}}},
	},
	{
		name:  "escapes",
		op:    gateway.OpGenerateContent,
		model: "m",
		body:  `{"c\u006fntents":[{"parts":[{"t\u0065xt":"caf\u00e9 \"q\" \n\ud83d\ude00"}]}]}`,
		want:  decoded{Model: "m", Messages: []msg{{gateway.RoleUser, []string{"café \"q\" \n😀"}}}},
	},
	{
		name:  "body-model-matches",
		op:    gateway.OpGenerateContent,
		model: "m",
		body:  `{"model":"models/m","contents":[]}`,
		want:  decoded{Model: "m"},
	},
	{
		name:  "count-tokens-contents",
		op:    gateway.OpGeminiCountTokens,
		model: "m",
		body:  `{"contents":[{"role":"user","parts":[{"text":"count me"}]}]}`,
		want:  decoded{Model: "m", Messages: []msg{{gateway.RoleUser, []string{"count me"}}}},
	},
	{
		name:  "count-tokens-generate-request",
		op:    gateway.OpGeminiCountTokens,
		model: "m",
		body:  `{"generateContentRequest":{"model":"models/m","contents":[{"parts":[{"text":"q"}]}],"systemInstruction":{"parts":[{"text":"s"}]}}}`,
		want:  decoded{Model: "m", Messages: []msg{{gateway.RoleSystem, []string{"s"}}, {gateway.RoleUser, []string{"q"}}}},
	},
	{
		name:  "count-tokens-empty",
		op:    gateway.OpGeminiCountTokens,
		model: "m",
		body:  `{}`,
		want:  decoded{Model: "m"},
	},
	{
		name:  "embed",
		op:    gateway.OpEmbedContent,
		model: "gemini-embedding-001",
		body:  `{"model":"models/gemini-embedding-001","content":{"parts":[{"text":"embed me"}]},"taskType":"RETRIEVAL_DOCUMENT","title":"A title"}`,
		want:  decoded{Model: "gemini-embedding-001", Messages: []msg{{gateway.RoleUser, []string{"A title", "embed me"}}}},
	},
	{
		name:  "batch-embed",
		op:    gateway.OpGeminiBatchEmbed,
		model: "tunedModels/t1",
		body:  `{"requests":[{"model":"tunedModels/t1","content":{"parts":[{"text":"one"}]}},{"content":{"parts":[{"text":"two"},{"text":"three"}]}}]}`,
		want:  decoded{Model: "tunedModels/t1", Messages: []msg{{gateway.RoleUser, []string{"one"}}, {gateway.RoleUser, []string{"two", "three"}}}},
	},
}

var decodeErrorTests = []struct {
	name  string
	op    gateway.Operation
	model string
	body  string
	want  string
}{
	{"no-model", gateway.OpGenerateContent, "", `{"contents":[]}`, "model: is required in the path"},
	{"empty-body", gateway.OpGenerateContent, "m", ``, "request body: must be a JSON object"},
	{"array-body", gateway.OpGenerateContent, "m", `[{}]`, "request body: must be a JSON object"},
	{"truncated", gateway.OpGenerateContent, "m", `{"contents":[`, "request body: must be a JSON object"},
	{"no-contents", gateway.OpGenerateContent, "m", `{}`, "contents: is required"},
	{"contents-object", gateway.OpStreamGenerate, "m", `{"contents":{}}`, "contents: must be an array of contents"},
	{"content-string", gateway.OpGenerateContent, "m", `{"contents":["hi"]}`, "contents[0]: must be an object"},
	{"role-system", gateway.OpGenerateContent, "m", `{"contents":[{"role":"system","parts":[]}]}`, `contents[0].role: must be "user" or "model"`},
	{"role-number", gateway.OpGenerateContent, "m", `{"contents":[{"role":1}]}`, "contents[0].role: must be a string"},
	{"parts-object", gateway.OpGenerateContent, "m", `{"contents":[{"parts":{"text":"x"}}]}`, "contents[0].parts: must be an array of parts"},
	{"part-string", gateway.OpGenerateContent, "m", `{"contents":[{"parts":["x"]}]}`, "contents[0].parts[0]: must be an object"},
	{"text-number", gateway.OpGenerateContent, "m", `{"contents":[{"parts":[{"text":"ok"}]},{"parts":[{"text":1}]}]}`, "contents[1].parts[0].text: must be a string"},
	{"code-number", gateway.OpGenerateContent, "m", `{"contents":[{"role":"model","parts":[{"executableCode":{"code":1}}]}]}`, "contents[0].parts[0].executableCode.code: must be a string"},
	{"code-not-object", gateway.OpGenerateContent, "m", `{"contents":[{"role":"model","parts":[{"executableCode":"print(1)"}]}]}`, "contents[0].parts[0].executableCode: must be an object"},
	{"output-array", gateway.OpGenerateContent, "m", `{"contents":[{"role":"model","parts":[{"codeExecutionResult":{"output":["x"]}}]}]}`, "contents[0].parts[0].codeExecutionResult.output: must be a string"},
	{"output-twice", gateway.OpGenerateContent, "m", `{"contents":[{"role":"model","parts":[{"codeExecutionResult":{"output":"a","output":"b"}}]}]}`, "contents[0].parts[0].codeExecutionResult.output: appears more than once"},
	{"code-both-spellings", gateway.OpGenerateContent, "m", `{"contents":[{"role":"model","parts":[{"executableCode":{"code":"a"},"executable_code":{"code":"b"}}]}]}`, "contents[0].parts[0].executableCode: appears more than once"},
	{"tool-call-args-array", gateway.OpGenerateContent, "m", `{"contents":[{"role":"model","parts":[{"toolCall":{"args":["x"]}}]}]}`, "contents[0].parts[0].toolCall.args: must be an object"},
	{"tool-response-twice", gateway.OpGenerateContent, "m", `{"contents":[{"role":"model","parts":[{"toolResponse":{"response":{}},"tool_response":{"response":{}}}]}]}`, "contents[0].parts[0].toolResponse: appears more than once"},
	{"text-twice", gateway.OpGenerateContent, "m", `{"contents":[{"parts":[{"text":"a","text":"b"}]}]}`, "contents[0].parts[0].text: appears more than once"},
	{"contents-twice", gateway.OpGenerateContent, "m", `{"contents":[],"contents":[{"parts":[{"text":"unseen"}]}]}`, "contents: appears more than once"},
	{"system-both-spellings", gateway.OpGenerateContent, "m", `{"contents":[],"systemInstruction":{},"system_instruction":{}}`, "systemInstruction: appears more than once"},
	{"system-string", gateway.OpGenerateContent, "m", `{"contents":[],"systemInstruction":"s"}`, "systemInstruction: must be an object"},
	{"config-array", gateway.OpGenerateContent, "m", `{"contents":[],"generationConfig":[]}`, "generationConfig: must be an object"},
	{"max-tokens-negative", gateway.OpGenerateContent, "m", `{"contents":[],"generationConfig":{"maxOutputTokens":-5}}`, "generationConfig.maxOutputTokens: must be a non-negative integer"},
	{"max-tokens-word", gateway.OpGenerateContent, "m", `{"contents":[],"generationConfig":{"maxOutputTokens":"lots"}}`, "generationConfig.maxOutputTokens: must be a non-negative integer"},
	{"max-tokens-both-spellings", gateway.OpGenerateContent, "m", `{"contents":[],"generationConfig":{"maxOutputTokens":1,"max_output_tokens":2}}`, "generationConfig.maxOutputTokens: appears more than once"},
	{"body-model-differs", gateway.OpGenerateContent, "gemini-flash", `{"model":"models/gemini-pro","contents":[]}`, "model: must name the model in the request path"},
	{"count-request-not-object", gateway.OpGeminiCountTokens, "m", `{"generateContentRequest":[]}`, "generateContentRequest: must be an object"},
	{"count-request-no-contents", gateway.OpGeminiCountTokens, "m", `{"generateContentRequest":{}}`, "generateContentRequest.contents: is required"},
	{"count-request-other-model", gateway.OpGeminiCountTokens, "m", `{"generateContentRequest":{"model":"models/x","contents":[]}}`, "generateContentRequest.model: must name the model in the request path"},
	{"embed-no-content", gateway.OpEmbedContent, "m", `{"taskType":"x"}`, "content: is required"},
	{"embed-title-number", gateway.OpEmbedContent, "m", `{"content":{"parts":[]},"title":3}`, "title: must be a string"},
	{"batch-no-requests", gateway.OpGeminiBatchEmbed, "m", `{}`, "requests: is required"},
	{"batch-requests-object", gateway.OpGeminiBatchEmbed, "m", `{"requests":{}}`, "requests: must be an array of embedding requests"},
	{"batch-other-model", gateway.OpGeminiBatchEmbed, "m", `{"requests":[{"model":"models/m","content":{}},{"model":"models/other","content":{}}]}`, "requests[1].model: must name the model in the request path"},
	{"batch-part-text-number", gateway.OpGeminiBatchEmbed, "m", `{"requests":[{"content":{"parts":[{"text":false}]}}]}`, "requests[0].content.parts[0].text: must be a string"},
}

func TestDecode(t *testing.T) {
	for _, tt := range decodeTests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := Adapter{}.Decode(tt.op, tt.model, []byte(tt.body))
			if err != nil {
				t.Fatalf("Decode(%s) = %v", tt.body, err)
			}
			if req.Dialect != gateway.DialectGemini || req.Operation != tt.op {
				t.Errorf("Decode: dialect, operation = %q, %q; want gemini, %q", req.Dialect, req.Operation, tt.op)
			}
			if !bytes.Equal(req.Raw, []byte(tt.body)) {
				t.Errorf("Decode: Raw is not the body")
			}
			if diff := cmp.Diff(tt.want, summarize(req)); diff != "" {
				t.Errorf("Decode(%s) mismatch (-want +got):\n%s", tt.body, diff)
			}
			checkSpans(t, req)
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, tt := range decodeErrorTests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := Adapter{}.Decode(tt.op, tt.model, []byte(tt.body))
			if err == nil {
				t.Fatalf("Decode(%s) = %+v, nil; want error %q", tt.body, summarize(req), tt.want)
			}
			e := gateway.AsError(err)
			if e.Code != gateway.CodeInvalid || e.Message != tt.want {
				t.Errorf("Decode(%s) = %v, %q; want %v, %q", tt.body, e.Code, e.Message, gateway.CodeInvalid, tt.want)
			}
			if strings.Contains(e.Error(), "unseen") {
				t.Errorf("Decode error quotes request text: %v", e)
			}
		})
	}
}

func TestDecodeUnknownOperation(t *testing.T) {
	_, err := Adapter{}.Decode(gateway.OpMessages, "m", []byte(`{}`))
	if gateway.ErrorCode(err) != gateway.CodeNotFound {
		t.Errorf("Decode(messages) = %v, want not_found", err)
	}
}

func TestEncodeFidelity(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "requests", "generate_content", "fidelity.json"))
	if err != nil {
		t.Fatal(err)
	}
	req, err := Adapter{}.Decode(gateway.OpGenerateContent, "gemini-2.5-flash", body)
	if err != nil {
		t.Fatalf("Decode(fidelity.json) = %v", err)
	}
	checkSpans(t, req)
	if req.MaxTokens != 2048 {
		t.Errorf("MaxTokens = %d, want 2048 (from a string)", req.MaxTokens)
	}
	want := decoded{Model: "gemini-2.5-flash", MaxTokens: 2048, Messages: []msg{
		{gateway.RoleSystem, []string{"You are helpful. Answer in élégant prose."}},
		{gateway.RoleUser, []string{"First question: café? 😀 \"quoted\" / slash"}},
		// A functionCall's args and a functionResponse's response are read
		// value by value, keys included.
		{gateway.RoleAssistant, []string{"An answer.", "text", "not guarded"}},
		{gateway.RoleTool, []string{"result", "42"}},
		{gateway.RoleUser, []string{"Second <b>question</b> with\ttab and \u2028 separator"}},
	}}
	if diff := cmp.Diff(want, summarize(req)); diff != "" {
		t.Errorf("Decode(fidelity.json) mismatch (-want +got):\n%s", diff)
	}

	got, err := Adapter{}.Encode(req)
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("Encode(unedited) changed the body (err %v):\n%s", err, got)
	}

	edited := req.UserText()[1]
	edited.Set(`[REDACTED] "quoted" <tag> é`)
	got, err = Adapter{}.Encode(req)
	if err != nil {
		t.Fatal(err)
	}
	wantBody := string(body[:edited.Start]) + `"[REDACTED] \"quoted\" <tag> é"` + string(body[edited.End:])
	if string(got) != wantBody {
		t.Errorf("Encode(edited) =\n%s\nwant\n%s", got, wantBody)
	}
	if !json.Valid(got) {
		t.Errorf("Encode(edited) is not valid JSON")
	}
	again, err := Adapter{}.Decode(gateway.OpGenerateContent, "gemini-2.5-flash", got)
	if err != nil {
		t.Fatalf("Decode(edited) = %v", err)
	}
	if diff := cmp.Diff(summarize(req), summarize(again)); diff != "" {
		t.Errorf("re-decoded edited body differs (-edited request +re-decoded):\n%s", diff)
	}
}

var fuzzOps = []gateway.Operation{
	gateway.OpGenerateContent, gateway.OpStreamGenerate, gateway.OpGeminiCountTokens,
	gateway.OpEmbedContent, gateway.OpGeminiBatchEmbed,
}

func FuzzDecode(f *testing.F) {
	for _, tt := range decodeTests {
		f.Add([]byte(tt.body))
	}
	for _, tt := range decodeErrorTests {
		f.Add([]byte(tt.body))
	}
	if b, err := os.ReadFile(filepath.Join("testdata", "requests", "generate_content", "fidelity.json")); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, op := range fuzzOps {
			req, err := Adapter{}.Decode(op, "m", body)
			if err != nil {
				if gateway.ErrorCode(err) != gateway.CodeInvalid {
					t.Fatalf("Decode(%s, %q) = %v, want invalid_request", op, body, err)
				}
				continue
			}
			if !json.Valid(body) {
				continue // the contract promises valid JSON; only "no panic" holds here
			}
			checkSpans(t, req)
			if got, _ := (Adapter{}).Encode(req); !bytes.Equal(got, body) {
				t.Fatalf("Encode(unedited) changed %q", body)
			}
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	body, err := os.ReadFile(filepath.Join("testdata", "bench.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (Adapter{}).Decode(gateway.OpStreamGenerate, "gemini-2.5-flash", body); err != nil {
			b.Fatal(err)
		}
	}
}
