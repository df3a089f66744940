package gemini

import (
	"strings"
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider"
)

// TestOutputKeysNotToolArgs: Gemini hands function-call arguments over
// value by value, decoded, so no key it makes may read as JSON text, for
// any candidate or array index.
func TestOutputKeysNotToolArgs(t *testing.T) {
	resp := func(c int) string {
		return `{"candidates":[{"index":` + string(rune('0'+c)) + `,"content":{"role":"model","parts":[{"text":"hi"},{"functionCall":{"name":"f","args":{"to":"x@example.org","n":[1,2]}}}]}}]}`
	}
	var whole []string
	for i := range 8200 {
		whole = append(whole, resp(i%8))
	}
	spans := Adapter{}.ResponseText(nil, []byte("["+strings.Join(whole, ",")+"]"))
	for c := range 8 {
		spans = append(spans, Adapter{}.ResponseText(nil, []byte(resp(c)))...)
		spans = append(spans, Adapter{}.EventText(nil, []byte(resp(c)))...)
	}
	if len(spans) < 8200*5 {
		t.Fatalf("%d spans", len(spans))
	}
	for _, sp := range spans {
		if gateway.IsToolArgs(sp.Choice) {
			t.Fatalf("span %q keyed %#x, which reads as tool-call arguments in JSON", sp.Value, sp.Choice)
		}
	}
}

// TestJSONOutputKeys: when the request asked for JSON output, the answer
// text is keyed as JSON text, in whole answers, array streams and stream
// events alike, and the decoded argument values still are not.
func TestJSONOutputKeys(t *testing.T) {
	body := `{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"response_mime_type":"application/json"}}`
	req, err := Adapter{}.Decode(gateway.OpGenerateContent, "gemini-2.5-flash", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if !req.JSONOutput {
		t.Fatal("JSONOutput not set for response_mime_type application/json")
	}
	resp := `{"candidates":[{"index":1,"content":{"role":"model","parts":[{"text":"{\"a\":1}"},{"functionCall":{"name":"f","args":{"to":"x@example.org"}}}]}}]}`
	var spans []provider.OutputSpan
	spans = append(spans, Adapter{}.ResponseText(req, []byte(resp))...)
	spans = append(spans, Adapter{}.ResponseText(req, []byte("["+resp+","+resp+"]"))...)
	spans = append(spans, Adapter{}.EventText(req, []byte(resp))...)
	texts := 0
	for _, sp := range spans {
		if (sp.Value == `{"a":1}`) != gateway.IsToolArgs(sp.Choice) {
			t.Errorf("span %q keyed %#x", sp.Value, sp.Choice)
		}
		if sp.Value == `{"a":1}` {
			texts++
		}
	}
	if texts != 4 {
		t.Errorf("%d answer texts, want 4", texts)
	}
	ev := Adapter{}.EventText(req, []byte(resp))
	if len(ev) == 0 || ev[0].Choice != gateway.ToolArgs(1) {
		t.Errorf("stream text keyed %#v, want candidate 1 as JSON text", ev)
	}
}

// TestDecodeJSONOutput: which generationConfig asks for JSON output.
func TestDecodeJSONOutput(t *testing.T) {
	for config, want := range map[string]bool{
		``:                       false,
		`,"generationConfig":{}`: false,
		`,"generationConfig":{"responseMimeType":"text/plain"}`:                                                  false,
		`,"generationConfig":{"responseMimeType":"application/json"}`:                                            true,
		`,"generation_config":{"response_mime_type":"application/json"}`:                                         true,
		`,"generationConfig":{"responseSchema":{"type":"OBJECT"}}`:                                               true,
		`,"generationConfig":{"response_json_schema":{"type":"object"}}`:                                         true,
		`,"generationConfig":{"responseMimeType":"text/x.enum","responseSchema":{"type":"STRING","enum":["a"]}}`: false,
	} {
		body := `{"contents":[{"role":"user","parts":[{"text":"hi"}]}]` + config + `}`
		req, err := Adapter{}.Decode(gateway.OpGenerateContent, "gemini-2.5-flash", []byte(body))
		if err != nil {
			t.Fatalf("%s: %v", config, err)
		}
		if req.JSONOutput != want {
			t.Errorf("%s: JSONOutput %v, want %v", config, req.JSONOutput, want)
		}
	}
}
