package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestBodySplicesOnlyEdits(t *testing.T) {
	raw := []byte(`{"z":1,  "messages":[{"role":"user","content":"call me at a@b.co"}],"extra":{"keep":"\u00e9"}}`)
	start := bytes.Index(raw, []byte(`"call`))
	end := bytes.Index(raw, []byte(`co"`)) + 3
	txt := &Text{Value: "call me at a@b.co", Start: start, End: end}
	r := &Request{Raw: raw, Messages: []Message{{Role: RoleUser, Parts: []*Text{txt}}}}
	if got := r.Body(); !bytes.Equal(got, raw) {
		t.Fatalf("unedited Body() = %s, want the raw body", got)
	}
	txt.Set(`call me at [EMAIL] "now"`)
	want := `{"z":1,  "messages":[{"role":"user","content":"call me at [EMAIL] \"now\""}],"extra":{"keep":"\u00e9"}}`
	if got := string(r.Body()); got != want {
		t.Errorf("edited Body() =\n%s\nwant\n%s", got, want)
	}
	if !json.Valid(r.Body()) {
		t.Error("edited body is not valid JSON")
	}
	r.Insert(Edit{Start: 1, End: 1, Insert: []byte(`"pinned":true,`)})
	if got := string(r.Body()); !strings.HasPrefix(got, `{"pinned":true,"z":1,`) {
		t.Errorf("insert: Body() = %s", got)
	}
}

// TestBodyMatchesSplice checks Body against splicing every raw edit and
// every edited text's quoted value into Raw, with more edits than Body's
// stack buffer holds and inserts at the same offsets as texts.
func TestBodyMatchesSplice(t *testing.T) {
	var raw bytes.Buffer
	raw.WriteString(`{"messages":[`)
	var texts []*Text
	for i := range 12 {
		if i > 0 {
			raw.WriteByte(',')
		}
		raw.WriteString(`{"role":"user","content":`)
		v := fmt.Sprintf("text %d \u00e9", i)
		start := raw.Len()
		raw.WriteString(`"` + v + `"`)
		texts = append(texts, &Text{Value: fmt.Sprintf("text %d é", i), Start: start, End: raw.Len()})
		raw.WriteByte('}')
	}
	raw.WriteString(`]}`)
	r := &Request{Raw: raw.Bytes(), Messages: []Message{{Role: RoleUser, Parts: texts}}}
	var want []Edit
	for i, e := range []Edit{{Start: 1, End: 1, Insert: []byte(`"a":1,`)}, {Start: texts[3].Start, End: texts[3].Start}} {
		if i == 1 {
			e.Insert = []byte(`"x"+`) // not JSON; only the order matters here
		}
		r.Insert(e)
		want = append(want, e)
	}
	for i, p := range texts {
		if i%4 == 0 {
			continue
		}
		p.Set(fmt.Sprintf("edited \"%d\"\n\u2028 \xff", i))
		want = append(want, Edit{Start: p.Start, End: p.End, Insert: QuoteJSON(p.Value)})
	}
	if got, w := string(r.Body()), string(Splice(r.Raw, want)); got != w {
		t.Errorf("Body() =\n%s\nwant\n%s", got, w)
	}
}

func TestSecretNeverPrints(t *testing.T) {
	s := NewSecret("hunter2-canary")
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "s", s)
	b, _ := json.Marshal(struct{ S Secret }{s})
	for _, out := range []string{fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q", s, s, s, s, s), buf.String(), string(b)} {
		if strings.Contains(out, "hunter2") {
			t.Errorf("secret leaked: %s", out)
		}
	}
	if !s.Equal(NewSecret("hunter2-canary")) || s.Equal(NewSecret("other")) {
		t.Error("Equal is wrong")
	}
}

func TestChainOrderAndFinish(t *testing.T) {
	var trace []string
	mw := func(name string) Middleware {
		return func(next Handler) Handler {
			return HandlerFunc(func(ctx context.Context, r *Request) (*Response, error) {
				trace = append(trace, name+">")
				resp, err := next.Serve(ctx, r)
				trace = append(trace, "<"+name)
				if resp != nil {
					resp.OnDone(func(Usage) { trace = append(trace, "done "+name) })
				}
				return resp, err
			})
		}
	}
	h := Chain(HandlerFunc(func(context.Context, *Request) (*Response, error) {
		trace = append(trace, "h")
		return &Response{}, nil
	}), mw("a"), mw("b"))
	resp, err := h.Serve(context.Background(), &Request{})
	if err != nil {
		t.Fatal(err)
	}
	resp.Finish(Usage{})
	resp.Finish(Usage{}) // second call does nothing
	want := "a> b> h <b <a done a done b"
	if got := strings.Join(trace, " "); got != want {
		t.Errorf("trace = %q, want %q", got, want)
	}
}

func TestGuardsStopAtFirstError(t *testing.T) {
	deny := GuardFunc(func(context.Context, *Request) error { return Errorf(CodeForbidden, "no") })
	called := false
	h := Chain(HandlerFunc(func(context.Context, *Request) (*Response, error) { called = true; return &Response{}, nil }), Guards(deny))
	_, err := h.Serve(context.Background(), &Request{})
	if ErrorCode(err) != CodeForbidden || called {
		t.Errorf("Serve = %v (handler called: %v), want forbidden before the handler", err, called)
	}
}

func TestErrors(t *testing.T) {
	plain := errors.New("db exploded")
	if got := AsError(fmt.Errorf("wrap: %w", plain)); got.Code != CodeInternal || strings.Contains(got.Message, "exploded") || !errors.Is(got, plain) {
		t.Errorf("AsError(plain) = %+v: want internal, generic message, wrapping the cause", got)
	}
	e := Errorf(CodeRateLimited, "slow down")
	if got := AsError(fmt.Errorf("ctx: %w", e)); got != e {
		t.Errorf("AsError did not find the wrapped *Error")
	}
	for code, status := range map[Code]int{CodeInvalid: 400, CodeUnauthenticated: 401, CodeBudgetExceeded: 402, CodeRateLimited: 429, CodeUpstream: 502, Code("bogus"): 500} {
		if code.Status() != status {
			t.Errorf("%s.Status() = %d, want %d", code, code.Status(), status)
		}
	}
}

func TestMatchModel(t *testing.T) {
	for _, tt := range []struct {
		pat, model string
		want       bool
	}{{"gpt-4o", "gpt-4o", true}, {"gpt-4o", "gpt-4o-mini", false}, {"gpt-*", "gpt-4o-mini", true}, {"*", "x", true}, {"claude-*", "gpt-4o", false}} {
		if got := MatchModel(tt.pat, tt.model); got != tt.want {
			t.Errorf("MatchModel(%q, %q) = %v, want %v", tt.pat, tt.model, got, tt.want)
		}
	}
}

// A Number text's edit replaces the whole number with a JSON string, so a
// card number redacted in a tool call's arguments leaves valid JSON; an
// unedited number stays as sent.
func TestBodyReplacesNumberWithString(t *testing.T) {
	raw := []byte(`{"input":{"card":4111111111111111,"qty":-2.5e3}}`)
	text := func(lit string) *Text {
		i := bytes.Index(raw, []byte(lit))
		return &Text{Value: lit, Start: i, End: i + len(lit), Number: true}
	}
	card, qty := text("4111111111111111"), text("-2.5e3")
	r := &Request{Raw: raw, Messages: []Message{{Role: RoleAssistant, Parts: []*Text{card, qty}}}}
	qty.Set(qty.Value)
	if got := r.Body(); !bytes.Equal(got, raw) {
		t.Fatalf("unedited Body() = %s, want the raw body", got)
	}
	card.Set("[CREDIT_CARD]")
	want := `{"input":{"card":"[CREDIT_CARD]","qty":-2.5e3}}`
	if got := string(r.Body()); got != want || !json.Valid(r.Body()) {
		t.Errorf("Body() = %s, want %s", got, want)
	}
}
