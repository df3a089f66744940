// Package providertest is the conformance suite every [provider.Adapter]
// runs: [Run] checks, on the adapter's own fixtures, the promises the
// gateway relies on, so each adapter's tests only add what is particular to
// its dialect.
//
// What Run checks:
//
//   - routes: Match gives the operation and model listed in [Case.Routes];
//   - decode: every fixture decodes, keeps Raw as received, and every Text
//     points at the JSON string holding its value;
//   - fidelity: an unedited request comes out of Encode byte for byte, or,
//     when the adapter asked for stream usage (UsageInjected), changed in
//     one place only; Encode gives the same bytes when called again;
//   - edits: setting one Text changes exactly that JSON string, and with
//     every Text set the body still decodes, to the new values;
//   - robustness: Decode never panics on truncated or reshaped fixtures,
//     refuses them only with a CodeInvalid *gateway.Error, and never quotes
//     request text in the message;
//   - usage: Usage reads each fixture in [Case.Usage], and no usage from
//     data without any;
//   - errors: WriteError uses each code's status, copies e.Header, writes
//     JSON, never leaks e.Err, and (with [Case.ParseError]) writes what the
//     dialect's SDK parses back to the same message.
package providertest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider"
)

// Case is what an adapter brings to the suite.
type Case struct {
	Adapter provider.Adapter

	// Routes are requests Match must recognise (or, with OK false, refuse).
	Routes []Route

	// Requests are native request bodies, usually read with ReadFixtures.
	// Use unknown fields, odd spacing and escapes: they must survive.
	Requests []Fixture

	// Usage are response bodies and stream event data with the usage they
	// carry.
	Usage []UsageFixture

	// ParseError, if set, parses an error response the way the dialect's
	// official SDK does and returns the message it found.
	ParseError func(status int, header http.Header, body []byte) (message string, err error)
}

// Route is one request for Match.
type Route struct {
	Method, Path string
	Op           gateway.Operation
	Model        string
	OK           bool
}

// Fixture is one native request body.
type Fixture struct {
	Name  string
	Op    gateway.Operation
	Model string // the model from the path, for dialects that carry it there
	Body  []byte
}

// UsageFixture is a response body or event data and the usage in it.
type UsageFixture struct {
	Name string
	Data []byte
	Want gateway.Usage
}

// ReadFixtures reads dir/OPERATION/NAME.json files as fixtures of that
// operation, named OPERATION/NAME.
func ReadFixtures(t testing.TB, dir string) []Fixture {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("ReadFixtures(%q): no fixtures (%v)", dir, err)
	}
	var fs []Fixture
	for _, p := range paths {
		op := filepath.Base(filepath.Dir(p))
		name := strings.TrimSuffix(filepath.Base(p), ".json")
		fs = append(fs, Fixture{Name: op + "/" + name, Op: gateway.Operation(op), Body: MustRead(t, p)})
	}
	return fs
}

// MustRead returns the content of the file at path.
func MustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Run runs the suite.
func Run(t *testing.T, c Case) {
	t.Run("routes", func(t *testing.T) { testRoutes(t, c) })
	for _, f := range c.Requests {
		t.Run("decode/"+f.Name, func(t *testing.T) { testDecode(t, c.Adapter, f) })
		t.Run("fidelity/"+f.Name, func(t *testing.T) { testFidelity(t, c.Adapter, f) })
		t.Run("edit/"+f.Name, func(t *testing.T) { testEdit(t, c.Adapter, f) })
		t.Run("garbage/"+f.Name, func(t *testing.T) { testGarbage(t, c.Adapter, f) })
	}
	t.Run("usage", func(t *testing.T) { testUsage(t, c) })
	t.Run("write-error", func(t *testing.T) { testWriteError(t, c) })
}

func testRoutes(t *testing.T, c Case) {
	for _, r := range c.Routes {
		req := httptest.NewRequest(r.Method, r.Path, nil)
		op, model, ok := c.Adapter.Match(req)
		if ok != r.OK || (ok && (op != r.Op || model != r.Model)) {
			t.Errorf("Match(%s %s) = %q, %q, %v; want %q, %q, %v", r.Method, r.Path, op, model, ok, r.Op, r.Model, r.OK)
		}
	}
}

func mustDecode(t *testing.T, a provider.Adapter, f Fixture) *gateway.Request {
	t.Helper()
	req, err := a.Decode(f.Op, f.Model, f.Body)
	if err != nil {
		t.Fatalf("Decode(%s) = %v", f.Name, err)
	}
	if req == nil {
		t.Fatalf("Decode(%s) = nil request, nil error", f.Name)
	}
	return req
}

func mustEncode(t *testing.T, a provider.Adapter, req *gateway.Request) []byte {
	t.Helper()
	b, err := a.Encode(req)
	if err != nil {
		t.Fatalf("Encode = %v", err)
	}
	return b
}

func texts(req *gateway.Request) []*gateway.Text {
	var ts []*gateway.Text
	for _, m := range req.Messages {
		ts = append(ts, m.Parts...)
	}
	return ts
}

func testDecode(t *testing.T, a provider.Adapter, f Fixture) {
	req := mustDecode(t, a, f)
	if !bytes.Equal(req.Raw, f.Body) {
		t.Errorf("Decode: Raw differs from the body")
	}
	if req.Dialect != a.Dialect() || req.Operation != f.Op {
		t.Errorf("Decode: dialect, operation = %q, %q; want %q, %q", req.Dialect, req.Operation, a.Dialect(), f.Op)
	}
	prevEnd := -1
	for i, tx := range texts(req) {
		if tx.Start < 0 || tx.Start > tx.End || tx.End > len(req.Raw) {
			t.Errorf("text %d: span [%d:%d] out of the body (%d bytes)", i, tx.Start, tx.End, len(req.Raw))
			continue
		}
		if tx.Number {
			var n json.Number
			if err := json.Unmarshal(req.Raw[tx.Start:tx.End], &n); err != nil || string(req.Raw[tx.Start:tx.End]) != tx.Value {
				t.Errorf("text %d: Raw[%d:%d] = %s, which is not the JSON number %s (%v)", i, tx.Start, tx.End, req.Raw[tx.Start:tx.End], tx.Value, err)
			}
		} else {
			var v string
			if err := json.Unmarshal(req.Raw[tx.Start:tx.End], &v); err != nil || v != tx.Value {
				t.Errorf("text %d: Raw[%d:%d] = %s, which is not the JSON string of %q (%v)", i, tx.Start, tx.End, req.Raw[tx.Start:tx.End], tx.Value, err)
			}
		}
		if tx.Start < prevEnd {
			// Not required to be in body order, but spans must not overlap.
			for _, o := range texts(req)[:i] {
				if tx.Start < o.End && o.Start < tx.End {
					t.Errorf("text %d: span [%d:%d] overlaps [%d:%d]", i, tx.Start, tx.End, o.Start, o.End)
				}
			}
		}
		prevEnd = tx.End
	}
}

func testFidelity(t *testing.T, a provider.Adapter, f Fixture) {
	req := mustDecode(t, a, f)
	got := mustEncode(t, a, req)
	if !bytes.Equal(got, f.Body) {
		if !req.UsageInjected {
			t.Fatalf("Encode of an unedited request changed it:\n got %s\nwant %s", got, f.Body)
		}
		if !json.Valid(got) {
			t.Fatalf("Encode with usage injected is not valid JSON: %s", got)
		}
		if !oneRegion(got, f.Body) {
			t.Errorf("Encode with usage injected changed more than one place:\n got %s\nwant %s", got, f.Body)
		}
	}
	again := mustEncode(t, a, req)
	if !bytes.Equal(again, got) {
		t.Errorf("Encode called twice differs:\nfirst  %s\nsecond %s", got, again)
	}
}

// oneRegion reports whether a and b differ in one contiguous region.
func oneRegion(a, b []byte) bool {
	p := commonPrefix(a, b)
	s := commonSuffix(a[p:], b[p:])
	return p+s <= len(a) && p+s <= len(b)
}

func commonPrefix(a, b []byte) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

func commonSuffix(a, b []byte) int {
	n := 0
	for n < len(a) && n < len(b) && a[len(a)-1-n] == b[len(b)-1-n] {
		n++
	}
	return n
}

// editValue needs escaping in JSON and is unlike any fixture text.
const editValue = "edited \"quoted\" \\ é 🙂 <b>&\n\ttab \u2028"

func testEdit(t *testing.T, a provider.Adapter, f Fixture) {
	base := mustEncode(t, a, mustDecode(t, a, f))
	n := len(texts(mustDecode(t, a, f)))
	quoted := gateway.QuoteJSON(editValue)
	for i := range n {
		req := mustDecode(t, a, f)
		tx := texts(req)[i]
		span := req.Raw[tx.Start:tx.End]

		tx.Set(tx.Value) // same value: no edit
		if got := mustEncode(t, a, req); !bytes.Equal(got, base) {
			t.Errorf("text %d: Set to its own value changed the body", i)
		}

		tx.Set(editValue)
		got := mustEncode(t, a, req)
		if !json.Valid(got) {
			t.Fatalf("text %d: edited body is not valid JSON: %s", i, got)
		}
		if !replacedOnce(base, got, span, quoted) {
			t.Errorf("text %d: edit did not replace exactly %s:\n got %s\nbase %s", i, span, got, base)
		}
	}

	// Every text edited at once: the body still decodes, to the new values.
	req := mustDecode(t, a, f)
	var want []string
	for i, tx := range texts(req) {
		v := fmt.Sprintf("%s #%d", editValue, i)
		tx.Set(v)
		want = append(want, v)
	}
	got := mustEncode(t, a, req)
	again, err := a.Decode(f.Op, f.Model, got)
	if err != nil {
		t.Fatalf("Decode of the edited body = %v; body %s", err, got)
	}
	var have []string
	for _, tx := range texts(again) {
		have = append(have, tx.Value)
	}
	if strings.Join(have, "|") != strings.Join(want, "|") {
		t.Errorf("texts after editing all and decoding again = %q, want %q", have, want)
	}
}

// replacedOnce reports whether got is base with one occurrence of span
// replaced by repl.
func replacedOnce(base, got, span, repl []byte) bool {
	for i := 0; i <= len(base); {
		j := bytes.Index(base[i:], span)
		if j < 0 {
			return false
		}
		at := i + j
		want := append(append(append([]byte(nil), base[:at]...), repl...), base[at+len(span):]...)
		if bytes.Equal(got, want) {
			return true
		}
		i = at + 1
	}
	return false
}

func testGarbage(t *testing.T, a provider.Adapter, f Fixture) {
	req := mustDecode(t, a, f)
	var secrets []string // text that must never appear in an error message
	for _, tx := range texts(req) {
		if len(tx.Value) >= 6 {
			secrets = append(secrets, tx.Value)
		}
	}
	check := func(what string, body []byte) {
		t.Helper()
		defer func() {
			if p := recover(); p != nil {
				t.Fatalf("Decode(%s) panicked: %v\nbody %q", what, p, body)
			}
		}()
		r, err := a.Decode(f.Op, f.Model, body)
		if err != nil {
			var e *gateway.Error
			if !errors.As(err, &e) || e.Code != gateway.CodeInvalid {
				t.Errorf("Decode(%s) = %v, want a *gateway.Error with CodeInvalid", what, err)
				return
			}
			for _, s := range secrets {
				if strings.Contains(e.Message, s) || strings.Contains(e.Error(), s) {
					t.Errorf("Decode(%s): error %q quotes request text", what, e.Message)
				}
			}
			return
		}
		if r == nil {
			t.Errorf("Decode(%s) = nil, nil", what)
			return
		}
		for _, tx := range texts(r) {
			if tx.Start < 0 || tx.Start > tx.End || tx.End > len(body) {
				t.Errorf("Decode(%s): span [%d:%d] out of the body", what, tx.Start, tx.End)
			}
		}
	}
	// Every truncation (a sample of them for large bodies).
	step := max(1, len(f.Body)/512)
	for i := 0; i < len(f.Body); i += step {
		check(fmt.Sprintf("truncated at %d", i), f.Body[:i])
	}
	// Every text replaced by a value of another shape.
	for i, tx := range texts(req) {
		for _, repl := range []string{`1`, `true`, `null`, `{}`, `[]`, `[1]`, `{"a":1}`, `[{"type":1}]`} {
			body := gateway.Splice(f.Body, []gateway.Edit{{Start: tx.Start, End: tx.End, Insert: []byte(repl)}})
			check(fmt.Sprintf("text %d replaced by %s", i, repl), body)
		}
	}
	for _, body := range []string{``, `null`, `[]`, `"x"`, `1`, `{}`, `{"a":`, `{"model":1}`, `{"messages":1}`,
		`{"contents":1}`, `{"input":{}}`, `{"messages":[1]}`, `{"messages":[{"role":1,"content":{}}]}`} {
		check(fmt.Sprintf("%q", body), []byte(body))
	}
}

func testUsage(t *testing.T, c Case) {
	for _, u := range c.Usage {
		got, ok := c.Adapter.Usage(u.Data)
		if !ok || got != u.Want {
			t.Errorf("Usage(%s) = %+v, %v; want %+v, true", u.Name, got, ok, u.Want)
		}
	}
	for _, data := range []string{``, `[DONE]`, `null`, `{}`, `{"usage":null}`, `[1,2]`, `{"usage":`} {
		if got, ok := c.Adapter.Usage([]byte(data)); ok {
			t.Errorf("Usage(%q) = %+v, true; want ok false", data, got)
		}
	}
}

// codes are every code a refusal can carry.
var codes = []gateway.Code{
	gateway.CodeInvalid, gateway.CodeUnauthenticated, gateway.CodeForbidden, gateway.CodeNotFound,
	gateway.CodeTooLarge, gateway.CodeUnsupportedMedia, gateway.CodeRateLimited, gateway.CodeBudgetExceeded,
	gateway.CodeUpstream, gateway.CodeUnavailable, gateway.CodeTimeout, gateway.CodeInternal,
}

func testWriteError(t *testing.T, c Case) {
	const hidden = "detail-for-the-log-only"
	for _, code := range codes {
		t.Run(string(code), func(t *testing.T) {
			msg := fmt.Sprintf("refused (%s): see \"docs\" <here> & retry", code)
			e := &gateway.Error{
				Code:    code,
				Message: msg,
				Err:     errors.New(hidden),
				Header:  http.Header{"Retry-After": {"7"}},
			}
			rec := httptest.NewRecorder()
			c.Adapter.WriteError(rec, e)
			res := rec.Result()
			body := rec.Body.Bytes()
			if res.StatusCode != code.Status() {
				t.Errorf("status = %d, want %d", res.StatusCode, code.Status())
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			if got := res.Header.Get("Retry-After"); got != "7" {
				t.Errorf("Retry-After = %q, want 7", got)
			}
			if !json.Valid(body) {
				t.Errorf("body is not JSON: %s", body)
			}
			if bytes.Contains(body, []byte(hidden)) {
				t.Errorf("body leaks e.Err: %s", body)
			}
			if c.ParseError != nil {
				got, err := c.ParseError(res.StatusCode, res.Header, body)
				if err != nil || got != msg {
					t.Errorf("SDK parse = %q, %v; want %q", got, err, msg)
				}
			}
		})
	}
}

// CheckStructured decodes body with a and compares the body spans Decode
// lists in Request.Structured with want, in order.
func CheckStructured(t *testing.T, a provider.Adapter, op gateway.Operation, model, body string, want ...string) {
	t.Helper()
	req, err := a.Decode(op, model, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range req.Structured {
		got = append(got, string(req.Raw[s.Start:s.End]))
	}
	if len(got) != len(want) {
		t.Fatalf("Structured = %q, want %q", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("Structured[%d] = %s, want %s", i, got[i], want[i])
		}
	}
}
