package guard

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider"
	"github.com/aigate-dev/aigate/internal/provider/anthropic"
	"github.com/aigate-dev/aigate/internal/provider/gemini"
	"github.com/aigate-dev/aigate/internal/provider/openai"
	"github.com/aigate-dev/aigate/pii"
)

// decodeNumbers decodes JSON with numbers kept as written.
func decodeNumbers(t *testing.T, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("not valid JSON: %s: %v", b, err)
	}
	return v
}

// The allow-list keeps what pii.FieldFilter keeps, and what it keeps is
// the JSON as written.
func TestFieldTreeMatchesFieldFilter(t *testing.T) {
	tests := []struct {
		paths []string
		in    string
		want  string // byte for byte; "" to skip
	}{
		{[]string{"question"}, `{"question":"why?","email":"a@example.com"}`, `{"question":"why?"}`},
		{[]string{"customer.plan", "order.total"}, `{"customer":{"name":"Ana","plan":"pro"},"order":{"total":12.50,"card":"x"}}`, `{"customer":{"plan":"pro"},"order":{"total":12.50}}`},
		{[]string{"items.sku"}, `{"items":[{"sku":"A1","owner":"Bo"},{"sku":"B2"},{"owner":"Cy"}]}`, `{"items":[{"sku":"A1"},{"sku":"B2"}]}`},
		{[]string{"meta"}, `{"meta":{"a":1,"b":[1,2]},"x":2}`, `{"meta":{"a":1,"b":[1,2]}}`},
		{[]string{"id"}, `[{"id":1,"n":"x"},{"n":"y"}]`, `[{"id":1}]`},
		{[]string{"zzz"}, `{"a":1}`, `{}`},
		{[]string{"b"}, ` { "a" : 1 , "b" : "x\"y" , "c" : [ ] } `, ` {"b" : "x\"y"} `},
		{[]string{"a", "c"}, `{"a":1,"b":2,"c":3,"d":4}`, `{"a":1,"c":3}`},
		{[]string{"a\"b"}, `{"x":1,"a\"b":2}`, `{"a\"b":2}`},
		{[]string{"a.b"}, `{"a":{"c":1},"b":2}`, `{}`},
		{[]string{"a.b"}, `{"a":[[{"b":1,"c":2}],3],"e":"\u0040"}`, `{"a":[[{"b":1}]]}`},
		{[]string{"a"}, `{"a":"kept"}`, `{"a":"kept"}`},
	}
	for _, tt := range tests {
		tree, err := newFieldTree(tt.paths)
		if err != nil {
			t.Fatal(err)
		}
		doc := strings.TrimSpace(tt.in)
		lead := strings.Index(tt.in, doc)
		got := string(gateway.Splice([]byte(tt.in), tree.cutDoc([]byte(doc), lead, nil)))
		if tt.want != "" && got != tt.want {
			t.Errorf("%v %s = %s, want %s", tt.paths, tt.in, got, tt.want)
		}
		f, _ := pii.NewFieldFilter(tt.paths...)
		ref, err := f.Filter([]byte(tt.in))
		if err != nil {
			t.Fatal(err)
		}
		if a, b := decodeNumbers(t, []byte(got)), decodeNumbers(t, ref); !reflect.DeepEqual(a, b) {
			t.Errorf("%v %s = %s, pii.FieldFilter keeps %s", tt.paths, tt.in, got, ref)
		}
	}
}

// filterRequest decodes body with ad, applies a policy with the allow-list
// paths and an e-mail rule, and returns the request and the body it sends.
func filterRequest(t *testing.T, ad provider.Adapter, op gateway.Operation, model, body string, paths ...string) (*gateway.Request, []byte) {
	t.Helper()
	p, err := NewPolicy("t", PolicySpec{ContextFields: paths, PII: map[string]string{"default": "allow", "EMAIL": "redact"}})
	if err != nil {
		t.Fatal(err)
	}
	req, err := ad.Decode(op, model, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.checkInput(req, ad); err != nil {
		t.Fatal(err)
	}
	out := req.Body()
	if !json.Valid(out) {
		t.Fatalf("body is not valid JSON: %s", out)
	}
	return req, out
}

func TestContextFieldsInRequests(t *testing.T) {
	// a@x.example is kept (and redacted by the guard that follows, at the
	// place it was found); b@x.example is cut.
	const rec = `{"order":{"id":"A1","contact":"a@x.example"},"owner":{"email":"b@x.example"}}`
	recText := string(mustJSONString(rec))
	tests := []struct {
		name  string
		ad    provider.Adapter
		op    gateway.Operation
		model string
		body  string
		want  []string // in the body sent, in order
	}{
		{"openai-chat", openai.Adapter{}, gateway.OpChatCompletions, "",
			`{"model":"m","messages":[{"role":"user","content":` + recText + `},{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":` + recText + `}}]},{"role":"tool","tool_call_id":"c","content":` + recText + `},{"role":"assistant","content":` + recText + `}]}`,
			[]string{`"content":"{\"order\":{\"id\":\"A1\",\"contact\":\"[EMAIL]\"}}"`, `"arguments":"{\"order\":{\"id\":\"A1\",\"contact\":\"[EMAIL]\"}}"`, `"content":"{\"order\":{\"id\":\"A1\",\"contact\":\"[EMAIL]\"}}"`,
				// assistant prose that happens to be JSON is not context: only redacted
				`"content":"{\"order\":{\"id\":\"A1\",\"contact\":\"[EMAIL]\"},\"owner\":{\"email\":\"[EMAIL]\"}}"`}},
		{"openai-responses", openai.Adapter{}, gateway.OpResponses, "",
			`{"model":"m","input":[{"role":"user","content":"hi"},{"type":"function_call","call_id":"c","name":"f","arguments":` + recText + `},{"type":"function_call_output","call_id":"c","output":` + recText + `}]}`,
			[]string{`"arguments":"{\"order\":{\"id\":\"A1\",\"contact\":\"[EMAIL]\"}}"`, `"output":"{\"order\":{\"id\":\"A1\",\"contact\":\"[EMAIL]\"}}"`}},
		{"anthropic", anthropic.Adapter{}, gateway.OpMessages, "",
			`{"model":"m","max_tokens":10,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":` + rec + `}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":` + recText + `}]}]}`,
			[]string{`"input":{"order":{"id":"A1","contact":"[EMAIL]"}}}`, `"content":"{\"order\":{\"id\":\"A1\",\"contact\":\"[EMAIL]\"}}"`}},
		{"gemini", gemini.Adapter{}, gateway.OpGenerateContent, "gemini-2.5-flash",
			`{"contents":[{"role":"user","parts":[{"text":"hi"}]},{"role":"model","parts":[{"functionCall":{"name":"f","args":` + rec + `}}]},{"role":"user","parts":[{"functionResponse":{"name":"f","response":` + rec + `}}]}]}`,
			[]string{`"args":{"order":{"id":"A1","contact":"[EMAIL]"}}}`, `"response":{"order":{"id":"A1","contact":"[EMAIL]"}}}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, out := filterRequest(t, tt.ad, tt.op, tt.model, tt.body, "order.id", "order.contact")
			rest := string(out)
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("body sent lacks %s (in order):\n%s", w, out)
				}
				rest = rest[i+len(w):]
			}
			if strings.Contains(string(out), "b@x.example") {
				t.Errorf("body sent holds a field that is not allowed: %s", out)
			}
			var f *gateway.Finding
			for i := range req.Findings {
				if req.Findings[i].Guard == "fields" {
					f = &req.Findings[i]
				}
			}
			if f == nil || f.Count < 2 || f.Action != "filter" {
				t.Errorf("findings = %+v, want a fields finding counting the texts cut", req.Findings)
			}
		})
	}
}

// Text that is not a JSON document is left alone; so is everything when
// every field is allowed.
func TestContextFieldsLeaveOtherText(t *testing.T) {
	body := `{"model":"m","messages":[{"role":"user","content":"order {\"id\":1, \"x\":2} please"},{"role":"tool","tool_call_id":"c","content":"{\"id\":1}"}]}`
	req, out := filterRequest(t, openai.Adapter{}, gateway.OpChatCompletions, "", body, "id")
	if string(out) != body || req.Edited() {
		t.Errorf("body changed: %s", out)
	}
	if len(req.Findings) != 0 {
		t.Errorf("findings = %+v, want none", req.Findings)
	}
}

func TestContextFieldsValidated(t *testing.T) {
	if err := (PolicySpec{ContextFields: []string{"a..b"}}).Validate(); err == nil || !strings.Contains(err.Error(), "context_fields") {
		t.Errorf("Validate(a..b) = %v, want a context_fields error", err)
	}
	if err := (PolicySpec{ContextFields: []string{"order.id", "items.sku"}}).Validate(); err != nil {
		t.Errorf("Validate = %v", err)
	}
}

func mustJSONString(s string) []byte {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return b
}

// FuzzFieldTree: for any JSON object or array, the allow-list's cut is
// valid JSON holding what pii.FieldFilter keeps.
func FuzzFieldTree(f *testing.F) {
	for _, s := range []string{`{"a":1,"b":{"c":[1,{"d":2,"a":3}]}}`, `[{"a":"x"},{"b":"y"},[{"a":1}]]`, ` { "b" : { } , "a" : [ ] } `, `{"a":{"c":"\u0040","d":null},"a.c":1}`} {
		f.Add(s)
	}
	paths := []string{"a", "b.c.d", "b.e"}
	tree, err := newFieldTree(paths)
	if err != nil {
		f.Fatal(err)
	}
	ref, _ := pii.NewFieldFilter(paths...)
	f.Fuzz(func(t *testing.T, in string) {
		doc := strings.TrimSpace(in)
		if doc == "" || doc[0] != '{' && doc[0] != '[' || !json.Valid([]byte(in)) {
			return
		}
		lead := strings.Index(in, doc)
		got := gateway.Splice([]byte(in), tree.cutDoc([]byte(doc), lead, nil))
		if !json.Valid(got) {
			t.Fatalf("cut %s = %s, not valid JSON", in, got)
		}
		want, err := ref.Filter([]byte(in))
		if err != nil {
			t.Fatal(err)
		}
		if a, b := decodeNumbers(t, got), decodeNumbers(t, want); !reflect.DeepEqual(a, b) {
			t.Fatalf("cut %s = %s, pii.FieldFilter keeps %s", in, got, want)
		}
	})
}
