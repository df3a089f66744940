package gateway

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// readOnlyRequest is a body with a text block and a block of an unknown
// type whose one string is a read-only text.
func readOnlyRequest(t *testing.T) (r *Request, plain, ro *Text) {
	t.Helper()
	raw := []byte(`{"messages":[{"role":"user","content":[{"type":"text","text":"hello"},{"type":"foo","note":"mail jane.roe@example.org"}]}]}`)
	at := func(lit string) (int, int) {
		i := bytes.Index(raw, []byte(`"`+lit+`"`))
		if i < 0 {
			t.Fatalf("%q is not in the body", lit)
		}
		return i, i + len(lit) + 2
	}
	s, e := at("hello")
	plain = &Text{Value: "hello", Start: s, End: e}
	s, e = at("mail jane.roe@example.org")
	ro = &Text{Value: "mail jane.roe@example.org", Start: s, End: e, ReadOnly: true}
	blk := bytes.Index(raw, []byte(`{"type":"foo"`))
	r = &Request{
		Raw:      raw,
		Messages: []Message{{Role: RoleTool, Parts: []*Text{ro}}, {Role: RoleUser, Parts: []*Text{plain}}},
		Unknown:  []Unknown{{Span: Span{blk, len(raw) - 4}, Path: "messages[0].content[1]", Type: "foo", Noun: "block"}},
	}
	return r, plain, ro
}

func TestEncodeBodyRefusesReadOnlyEdit(t *testing.T) {
	r, plain, ro := readOnlyRequest(t)
	if got, err := r.EncodeBody(); err != nil || !bytes.Equal(got, r.Raw) {
		t.Fatalf("unedited EncodeBody() = %s, %v; want the raw body", got, err)
	}
	ro.Set(ro.Value) // the same value: not an edit
	plain.Set("hi")
	got, err := r.EncodeBody()
	if err != nil || !bytes.Contains(got, []byte(`"text":"hi"`)) || !bytes.Contains(got, []byte(ro.Value)) {
		t.Fatalf("EncodeBody() with a plain edit = %s, %v; want the edit and the read-only text as sent", got, err)
	}

	ro.Set("mail <EMAIL_1>")
	got, err = r.EncodeBody()
	if got != nil {
		t.Errorf("EncodeBody() after a read-only edit returned a body: %s", got)
	}
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeInvalid || e.Code.Status() != 400 {
		t.Fatalf("EncodeBody() error = %v, want a 400 *Error", err)
	}
	for _, s := range []string{"messages[0].content[1]", `"foo" block`, "remove it"} {
		if !strings.Contains(e.Message, s) {
			t.Errorf("message %q does not say %q", e.Message, s)
		}
	}
	for _, s := range []string{"jane", "EMAIL", "example.org"} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("the error quotes the text (%q): %v", s, err)
		}
	}
}

func TestEncodeBodyNeverQuotesAnOddType(t *testing.T) {
	r, _, ro := readOnlyRequest(t)
	r.Unknown[0].Type = "key sk-not-a-type"
	ro.Set("x")
	_, err := r.EncodeBody()
	if err == nil || strings.Contains(err.Error(), "sk-not") || !strings.Contains(err.Error(), "(a block") {
		t.Errorf("EncodeBody() error = %v, want a refusal naming no type", err)
	}
	r.Unknown = nil // a read-only text outside any listed piece is still refused
	if _, err := r.EncodeBody(); ErrorCode(err) != CodeInvalid {
		t.Errorf("EncodeBody() error = %v, want invalid_request", err)
	}
}

func TestReadOnlyTexts(t *testing.T) {
	long := strings.Repeat("QUJD", 100) // a base64 run of 400 bytes
	ts := []*Text{
		{Value: "type"}, // a key, read
		{Value: "foo", Key: "type"},
		{Value: "blk_1", Key: "id"},
		{Value: "file_1", Key: "file_id"},
		{Value: "f2", Key: "fileId"},
		{Value: "SIG", Key: "signature"},
		{Value: "SIG", Key: "thoughtSignature"},
		{Value: "ENC", Key: "encrypted_content"},
		{Value: "image/png", Key: "media_type"},
		{Value: "image/png", Key: "mimeType"},
		{Value: long, Key: "data"},
		{Value: "data:image/png;base64," + long, Key: "url"},
		{Value: "a short data value", Key: "data"},
		{Value: "ShortB64Token123", Key: "data"},
		{Value: "https://example.org/a.png", Key: "url"},
		{Value: "4111111111111111", Key: "card", Number: true},
		{Value: "note"},
	}
	u := &Unknown{Path: "p", Type: "foo", Noun: "block"}
	got, err := ReadOnlyTexts(u, ts)
	if err != nil {
		t.Fatal(err)
	}
	var vals []string
	for _, t2 := range got {
		if !t2.ReadOnly {
			t.Errorf("%q is not marked read-only", t2.Value)
		}
		vals = append(vals, t2.Value)
	}
	want := []string{"type", "a short data value", "ShortB64Token123", "https://example.org/a.png", "4111111111111111", "note"}
	if strings.Join(vals, "|") != strings.Join(want, "|") {
		t.Errorf("ReadOnlyTexts kept %q, want %q", vals, want)
	}
}

func TestReadOnlyTextsCap(t *testing.T) {
	u := &Unknown{Path: "messages[0].content[0]", Type: "foo", Noun: "block"}
	big := strings.Repeat("x", MaxUnknownBytes/2)
	if _, err := ReadOnlyTexts(u, []*Text{{Value: big}, {Value: big}}); err != nil {
		t.Errorf("ReadOnlyTexts at the byte cap: %v", err)
	}
	_, err := ReadOnlyTexts(u, []*Text{{Value: big}, {Value: big}, {Value: "y"}})
	if ErrorCode(err) != CodeInvalid || !strings.Contains(err.Error(), "messages[0].content[0]") || strings.Contains(err.Error(), "xxx") {
		t.Errorf("ReadOnlyTexts over the byte cap: %v, want an invalid_request naming the block", err)
	}
	many := make([]*Text, MaxUnknownValues+1)
	for i := range many {
		many[i] = &Text{Value: "v"}
	}
	if _, err := ReadOnlyTexts(u, many[:MaxUnknownValues]); err != nil {
		t.Errorf("ReadOnlyTexts at the value cap: %v", err)
	}
	if _, err := ReadOnlyTexts(u, many); ErrorCode(err) != CodeInvalid {
		t.Errorf("ReadOnlyTexts over the value cap: %v, want invalid_request", err)
	}
}
