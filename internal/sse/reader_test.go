package sse

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

// ev is the comparable part of an Event.
type ev struct {
	Raw          string
	Name         string
	Data         string
	HasData      bool
	ID           string
	Unterminated bool
}

func readAll(t testing.TB, r io.Reader, max int) ([]ev, error) {
	t.Helper()
	sr := NewReader(r)
	sr.MaxEventSize = max
	var out []ev
	for {
		e, err := sr.Next()
		if err != nil {
			if err == io.EOF {
				return out, nil
			}
			return out, err
		}
		out = append(out, ev{string(e.Raw), e.Name, string(e.Data), e.HasData, e.ID, e.Unterminated})
	}
}

func TestReader(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []ev
	}{
		{"empty", "", nil},
		{
			"one-data-event",
			"data: {\"a\":1}\n\n",
			[]ev{{Raw: "data: {\"a\":1}\n\n", Data: `{"a":1}`, HasData: true}},
		},
		{
			"openai-chunks-and-done",
			"data: {\"x\":1}\n\ndata: [DONE]\n\n",
			[]ev{
				{Raw: "data: {\"x\":1}\n\n", Data: `{"x":1}`, HasData: true},
				{Raw: "data: [DONE]\n\n", Data: "[DONE]", HasData: true},
			},
		},
		{
			"named-event",
			"event: response.completed\ndata: {}\n\n",
			[]ev{{Raw: "event: response.completed\ndata: {}\n\n", Name: "response.completed", Data: "{}", HasData: true}},
		},
		{
			"multi-line-data",
			"data: a\ndata:b\ndata:  c\n\n",
			[]ev{{Raw: "data: a\ndata:b\ndata:  c\n\n", Data: "a\nb\n c", HasData: true}},
		},
		{
			"empty-data-dispatches",
			"data:\n\n",
			[]ev{{Raw: "data:\n\n", Data: "", HasData: true}},
		},
		{
			"field-without-colon",
			"data\n\n",
			[]ev{{Raw: "data\n\n", Data: "", HasData: true}},
		},
		{
			"comment-only-block",
			": keep-alive\n\ndata: x\n\n",
			[]ev{
				{Raw: ": keep-alive\n\n"},
				{Raw: "data: x\n\n", Data: "x", HasData: true},
			},
		},
		{
			"comment-inside-event",
			"data: a\n: note\ndata: b\n\n",
			[]ev{{Raw: "data: a\n: note\ndata: b\n\n", Data: "a\nb", HasData: true}},
		},
		{
			"crlf",
			"event: e\r\ndata: x\r\n\r\ndata: y\r\n\r\n",
			[]ev{
				{Raw: "event: e\r\ndata: x\r\n\r\n", Name: "e", Data: "x", HasData: true},
				{Raw: "data: y\r\n\r\n", Data: "y", HasData: true},
			},
		},
		{
			"cr-only",
			"data: x\rdata: y\r\rdata: z\r\r",
			[]ev{
				{Raw: "data: x\rdata: y\r\r", Data: "x\ny", HasData: true},
				{Raw: "data: z\r\r", Data: "z", HasData: true},
			},
		},
		{
			"mixed-endings",
			"data: a\r\ndata: b\ndata: c\r\n",
			[]ev{{Raw: "data: a\r\ndata: b\ndata: c\r\n", Data: "a\nb\nc", HasData: true, Unterminated: true}},
		},
		{
			"last-event-without-blank-line",
			"data: a\n\ndata: b",
			[]ev{
				{Raw: "data: a\n\n", Data: "a", HasData: true},
				{Raw: "data: b", Data: "b", HasData: true, Unterminated: true},
			},
		},
		{
			"last-event-without-any-newline-after-line",
			"data: a\n",
			[]ev{{Raw: "data: a\n", Data: "a", HasData: true, Unterminated: true}},
		},
		{
			"extra-blank-lines",
			"\n\ndata: a\n\n\n",
			[]ev{
				{Raw: "\n\ndata: a\n\n", Data: "a", HasData: true},
				{Raw: "\n"},
			},
		},
		{
			"id-and-unknown-fields",
			"id: 7\nretry: 100\nfoo: bar\ndata: x\n\n",
			[]ev{{Raw: "id: 7\nretry: 100\nfoo: bar\ndata: x\n\n", ID: "7", Data: "x", HasData: true}},
		},
		{
			"id-with-nul-ignored",
			"id: a\x00b\ndata: x\n\n",
			[]ev{{Raw: "id: a\x00b\ndata: x\n\n", Data: "x", HasData: true}},
		},
		{
			"bom-at-start",
			"\xEF\xBB\xBFdata: x\n\n",
			[]ev{{Raw: "\xEF\xBB\xBFdata: x\n\n", Data: "x", HasData: true}},
		},
		{
			"bom-later-is-not-special",
			"data: a\n\n\xEF\xBB\xBFdata: x\n\n",
			[]ev{
				{Raw: "data: a\n\n", Data: "a", HasData: true},
				{Raw: "\xEF\xBB\xBFdata: x\n\n"},
			},
		},
		{
			"event-name-without-data",
			"event: ping\n\n",
			[]ev{{Raw: "event: ping\n\n", Name: "ping"}},
		},
		{
			"only-one-leading-space-stripped",
			"event:  two\ndata:\tx\n\n",
			[]ev{{Raw: "event:  two\ndata:\tx\n\n", Name: " two", Data: "\tx", HasData: true}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readAll(t, strings.NewReader(tt.in), 0)
			if err != nil {
				t.Fatalf("Next: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("events of %q (-want +got):\n%s", tt.in, diff)
			}
			// Byte at a time: same fields (only where a CR's LF falls may move).
			slow, err := readAll(t, iotest.OneByteReader(strings.NewReader(tt.in)), 0)
			if err != nil {
				t.Fatalf("Next (one byte reads): %v", err)
			}
			if diff := cmp.Diff(fields(tt.want), fields(slow)); diff != "" {
				t.Errorf("events of %q read a byte at a time (-want +got):\n%s", tt.in, diff)
			}
			if raw := concatRaw(slow); raw != tt.in {
				t.Errorf("raw of %q read a byte at a time = %q", tt.in, raw)
			}
		})
	}
}

// fields drops Raw and events without content, which depend on read sizes
// only where a lone LF after CR is placed.
func fields(es []ev) []ev {
	var out []ev
	for _, e := range es {
		e.Raw = ""
		if e == (ev{}) {
			continue
		}
		out = append(out, e)
	}
	return out
}

func concatRaw(es []ev) string {
	var b strings.Builder
	for _, e := range es {
		b.WriteString(e.Raw)
	}
	return b.String()
}

func TestReaderCRDoesNotBlock(t *testing.T) {
	// An event ended by a lone CR must be returned without waiting for the
	// next byte, which may be a LF or may never come.
	pr, pw := io.Pipe()
	defer pw.Close()
	go func() { _, _ = pw.Write([]byte("data: x\r\r")) }()
	r := NewReader(pr)
	e, err := r.Next()
	if err != nil || string(e.Data) != "x" {
		t.Fatalf("Next() = %q, %v; want data x", e.Data, err)
	}
	go func() { _, _ = pw.Write([]byte("\ndata: y\n\n")) }()
	e, err = r.Next()
	if err != nil || string(e.Data) != "y" || string(e.Raw) != "\ndata: y\n\n" {
		t.Fatalf("Next() = raw %q data %q, %v; want the LF kept in raw and data y", e.Raw, e.Data, err)
	}
}

func TestReaderTooLarge(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{"long-line", "data: " + strings.Repeat("x", 100) + "\n\n"},
		{"long-line-no-newline", "data: " + strings.Repeat("x", 100)},
		{"many-lines", strings.Repeat("data: xx\n", 20) + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := "data: ok\n\n" + tt.in
			got, err := readAll(t, strings.NewReader(in), 64)
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("Next() error = %v, want ErrTooLarge", err)
			}
			if len(got) != 1 || got[0].Data != "ok" {
				t.Errorf("events before the error = %v, want the first one", got)
			}
			if !strings.Contains(err.Error(), "64 bytes") {
				t.Errorf("error %q does not say the limit", err)
			}
		})
	}
}

func TestReaderReadError(t *testing.T) {
	boom := errors.New("connection reset")
	r := NewReader(io.MultiReader(strings.NewReader("data: a\n\ndata: b\n"), iotest.ErrReader(boom)))
	e, err := r.Next()
	if err != nil || string(e.Data) != "a" {
		t.Fatalf("Next() = %q, %v; want a", e.Data, err)
	}
	e, err = r.Next()
	if err != nil || string(e.Data) != "b" || !e.Unterminated {
		t.Fatalf("Next() = %+v, %v; want unterminated b", e, err)
	}
	if _, err = r.Next(); !errors.Is(err, boom) {
		t.Fatalf("Next() error = %v, want %v", err, boom)
	}
}

func TestReaderDoesNotReuseSlices(t *testing.T) {
	r := NewReader(strings.NewReader("data: a\n\ndata: b\ndata: c\n\ndata: d\n\n"))
	var evs []Event
	for {
		e, err := r.Next()
		if err != nil {
			break
		}
		evs = append(evs, e)
	}
	var got []string
	for _, e := range evs {
		got = append(got, string(e.Data))
	}
	if diff := cmp.Diff([]string{"a", "b\nc", "d"}, got); diff != "" {
		t.Errorf("data after reading all (-want +got):\n%s", diff)
	}
}

// reference parses a whole stream the simple way the standard describes,
// dispatching a final event cut short by the end of the stream too.
func reference(in []byte) []ev {
	in = bytes.TrimPrefix(in, []byte("\xEF\xBB\xBF"))
	s := strings.ReplaceAll(string(in), "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	lines := strings.Split(s, "\n")
	var out []ev
	var cur ev
	var data []string
	dispatch := func() {
		if len(data) > 0 {
			cur.Data = strings.Join(data, "\n")
			cur.HasData = true
			out = append(out, cur)
		}
		cur, data = ev{}, nil
	}
	for _, l := range lines {
		if l == "" {
			dispatch()
			continue
		}
		if l[0] == ':' {
			continue
		}
		name, value, _ := strings.Cut(l, ":")
		value = strings.TrimPrefix(value, " ")
		switch name {
		case "event":
			cur.Name = value
		case "data":
			data = append(data, value)
		case "id":
			if !strings.Contains(value, "\x00") {
				cur.ID = value
			}
		}
	}
	dispatch()
	return out
}

func dispatched(es []ev) []ev {
	var out []ev
	for _, e := range es {
		if e.HasData {
			e.Raw, e.Unterminated = "", false
			out = append(out, e)
		}
	}
	return out
}

func FuzzReader(f *testing.F) {
	f.Add([]byte("data: {\"a\":1}\n\ndata: [DONE]\n\n"), uint8(0))
	f.Add([]byte("event: e\r\ndata: x\r\n\r\n: c\r\rdata"), uint8(3))
	f.Add([]byte("\xEF\xBB\xBF\n\ndata: a\rdata: b\r\r\nid: 1\n"), uint8(1))
	f.Fuzz(func(t *testing.T, in []byte, chunk uint8) {
		var r io.Reader = bytes.NewReader(in)
		if chunk%4 == 1 {
			r = iotest.OneByteReader(r)
		} else if chunk%4 == 2 {
			r = iotest.HalfReader(r)
		}
		got, err := readAll(t, r, 0)
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		// Round trip: the raw bytes of all events are the stream.
		if raw := concatRaw(got); raw != string(in) {
			t.Fatalf("concatenated raw = %q, want %q", raw, in)
		}
		// The events are those of the reference parser.
		if diff := cmp.Diff(reference(in), dispatched(got)); diff != "" {
			t.Fatalf("events of %q (-reference +got):\n%s", in, diff)
		}
		// Writing the events back and reading them again gives the same events.
		var out bytes.Buffer
		w := NewWriter(&out)
		for _, e := range got {
			if e.HasData {
				if err := w.WriteEvent(e.Name, []byte(e.Data)); err != nil {
					t.Fatalf("WriteEvent: %v", err)
				}
			}
		}
		again, err := readAll(t, &out, 0)
		if err != nil {
			t.Fatalf("Next on written events: %v", err)
		}
		want := dispatched(got)
		for i := range want {
			want[i].ID = "" // the writer does not write ids
		}
		if diff := cmp.Diff(want, dispatched(again)); diff != "" {
			t.Fatalf("events written and read back (-want +got):\n%s", diff)
		}
	})
}

func BenchmarkReader(b *testing.B) {
	var stream bytes.Buffer
	for range 200 {
		stream.WriteString(`data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"word "},"finish_reason":null}],"usage":null}` + "\n\n")
	}
	stream.WriteString("data: [DONE]\n\n")
	in := stream.Bytes()
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		r := NewReader(bytes.NewReader(in))
		for {
			if _, err := r.Next(); err != nil {
				break
			}
		}
	}
}

// Events read before Release stay intact when the buffer is reused, and a
// released Reader reads no more.
func TestReaderRelease(t *testing.T) {
	r := NewReader(strings.NewReader("data: one\n\ndata: two\n\n"))
	ev, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	r.Release()
	r.Release() // twice is harmless
	if _, err := r.Next(); err == nil {
		t.Error("Next after Release: nil error")
	}
	for range 4 {
		r2 := NewReader(strings.NewReader("data: xxx\n\n"))
		if _, err := r2.Next(); err != nil {
			t.Fatal(err)
		}
		r2.Release()
	}
	if string(ev.Data) != "one" || string(ev.Raw) != "data: one\n\n" {
		t.Errorf("event read before Release now %q / %q", ev.Data, ev.Raw)
	}
}
