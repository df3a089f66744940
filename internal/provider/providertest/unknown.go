package providertest

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/jsonscan"
	"github.com/aigate-dev/aigate/internal/provider"
)

// CheckUnknown decodes body (an op request of adapter a) holding content
// of types the adapter does not know, and checks what the decoders promise
// of it: its texts, and only those, are tool text marked
// [gateway.Text.ReadOnly], whose spans hold their values, with the values
// want in order; the pieces listed in Request.Unknown are at paths; the
// body goes upstream byte for byte when nothing is edited; and an edit of
// any read-only text makes Encode refuse the request with a 400 naming the
// piece it stands in and never quoting its value.
func CheckUnknown(t *testing.T, a provider.Adapter, op gateway.Operation, model, body string, want, paths []string) {
	t.Helper()
	decode := func() (*gateway.Request, []*gateway.Text) {
		t.Helper()
		req, err := a.Decode(op, model, []byte(body))
		if err != nil {
			t.Fatalf("Decode = %v", err)
		}
		var ro []*gateway.Text
		for _, m := range req.Messages {
			for _, p := range m.Parts {
				if !p.ReadOnly {
					continue
				}
				if m.Role != gateway.RoleTool {
					t.Errorf("read-only text %q has role %s, want tool", p.Value, m.Role)
				}
				raw := req.Raw[p.Start:p.End]
				if p.Number {
					if string(raw) != p.Value || !json.Valid(raw) {
						t.Errorf("Raw[%d:%d] = %s, want the number %s", p.Start, p.End, raw, p.Value)
					}
				} else if s, err := jsonscan.String(raw); err != nil || s != p.Value {
					t.Errorf("Raw[%d:%d] = %s, want the JSON string %q", p.Start, p.End, raw, p.Value)
				}
				ro = append(ro, p)
			}
		}
		return req, ro
	}
	req, ro := decode()
	var got []string
	for _, p := range ro {
		got = append(got, p.Value)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("read-only texts = %q, want %q", got, want)
	}
	var gotPaths []string
	for _, u := range req.Unknown {
		gotPaths = append(gotPaths, u.Path)
		if s := string(req.Raw[u.Start:u.End]); !json.Valid([]byte(s)) {
			t.Errorf("Unknown %s: Raw[%d:%d] is not one JSON value", u.Path, u.Start, u.End)
		}
	}
	if strings.Join(gotPaths, " ") != strings.Join(paths, " ") {
		t.Errorf("Unknown paths = %q, want %q", gotPaths, paths)
	}
	if out, err := a.Encode(req); err != nil || !bytes.Equal(out, []byte(body)) {
		t.Errorf("unedited Encode = %s, %v; want the body as received", out, err)
	}
	for i := range want {
		req, ro := decode()
		if i >= len(ro) {
			break
		}
		p := ro[i]
		p.Set("<REDACTED>")
		out, err := a.Encode(req)
		var e *gateway.Error
		if out != nil || !errors.As(err, &e) || e.Code.Status() != 400 {
			t.Errorf("Encode after an edit of %q = %s, %v; want a 400 refusal", p.Value, out, err)
			continue
		}
		where := ""
		for _, u := range req.Unknown {
			if u.Within(p) {
				where = u.Path
			}
		}
		if where == "" || !strings.Contains(e.Message, where+" (") {
			t.Errorf("refusal %q does not name %q", e.Message, where)
		}
		if len(want[i]) >= 8 && strings.Contains(err.Error(), want[i]) {
			t.Errorf("refusal quotes the text: %v", err)
		}
	}
}
