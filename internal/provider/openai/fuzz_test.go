package openai

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
)

var fuzzOps = []gateway.Operation{gateway.OpChatCompletions, gateway.OpResponses, gateway.OpEmbeddings, gateway.OpModels}

func FuzzDecode(f *testing.F) {
	paths, _ := filepath.Glob("testdata/requests/*/*.json")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		for i, op := range fuzzOps {
			if string(op) == filepath.Base(filepath.Dir(p)) {
				f.Add(b, uint8(i))
			}
		}
	}
	f.Add([]byte(`{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"a"}]}],"stream":true}`), uint8(0))
	f.Add([]byte(`{"input":[{"role":"user","content":"x"},{"type":"function_call_output","output":"y"}],"instructions":"z"}`), uint8(1))
	f.Add([]byte(`{"model":"e","input":["a",[1,2],3]}`), uint8(2))
	f.Add([]byte(`{"input":[{"type":"future_item","id":"i","note":"n","body":{"n":[1,"x\u0041"]}},{"role":"user","content":[{"type":"future_part","k":"v"}]}]}`), uint8(1))
	f.Fuzz(func(t *testing.T, body []byte, opIndex uint8) {
		op := fuzzOps[int(opIndex)%len(fuzzOps)]
		a := Adapter{}
		req, err := a.Decode(op, "", body)
		if err != nil {
			if gateway.ErrorCode(err) != gateway.CodeInvalid {
				t.Fatalf("Decode error %v is not CodeInvalid", err)
			}
			return
		}
		if !json.Valid(body) {
			return // outside Decode's contract: only "no panic" holds
		}
		var n int
		for _, m := range req.Messages {
			for _, p := range m.Parts {
				n++
				if p.Number { // a number in content of an unknown type
					if !p.ReadOnly || string(body[p.Start:p.End]) != p.Value {
						t.Fatalf("span [%d:%d] = %s, not the number %s of unknown content", p.Start, p.End, body[p.Start:p.End], p.Value)
					}
					continue
				}
				var v string
				if err := json.Unmarshal(body[p.Start:p.End], &v); err != nil || v != p.Value {
					t.Fatalf("span [%d:%d] = %s, not the JSON string of %q", p.Start, p.End, body[p.Start:p.End], p.Value)
				}
			}
		}
		out, err := a.Encode(req)
		if err != nil {
			t.Fatalf("Encode = %v", err)
		}
		if !req.UsageInjected && string(out) != string(body) {
			t.Fatalf("Encode changed an unedited body:\n got %s\nwant %s", out, body)
		}
		if !json.Valid(out) {
			t.Fatalf("Encode output is not JSON: %s", out)
		}
		// Edit every text but the read-only ones: the result decodes again,
		// to the new values.
		var readOnly *gateway.Text
		for _, m := range req.Messages {
			for _, p := range m.Parts {
				if p.ReadOnly {
					readOnly = p
					continue
				}
				p.Set("«" + p.Value + "»")
			}
		}
		edited, err := a.Encode(req)
		if err != nil {
			t.Fatalf("Encode after edits = %v", err)
		}
		if readOnly != nil {
			// An edit of a read-only text refuses the request. (The value is
			// put back for the comparison below.)
			v := readOnly.Value
			readOnly.Set(v + "»")
			if out, err := a.Encode(req); out != nil || gateway.ErrorCode(err) != gateway.CodeInvalid {
				t.Fatalf("Encode after a read-only edit = %s, %v; want invalid_request", out, err)
			}
			readOnly.Set(v)
		}
		again, err := a.Decode(op, "", edited)
		if err != nil {
			t.Fatalf("Decode of edited body = %v\n%s", err, edited)
		}
		var m int
		for i, msg := range again.Messages {
			for j, p := range msg.Parts {
				if want := req.Messages[i].Parts[j].Value; p.Value != want {
					t.Fatalf("edited text = %q, want %q", p.Value, want)
				}
				m++
			}
		}
		if m != n {
			t.Fatalf("edited body has %d texts, want %d", m, n)
		}
	})
}
