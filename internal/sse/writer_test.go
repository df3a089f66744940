package sse

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestAppendEvent(t *testing.T) {
	tests := []struct {
		name, event, data, want string
	}{
		{"data-only", "", `{"a":1}`, "data: {\"a\":1}\n\n"},
		{"named", "error", `{}`, "event: error\ndata: {}\n\n"},
		{"empty-data", "", "", "data: \n\n"},
		{"multi-line", "", "a\nb\r\nc\rd", "data: a\ndata: b\ndata: c\ndata: d\n\n"},
		{"trailing-newline", "", "a\n", "data: a\ndata: \n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(AppendEvent(nil, tt.event, []byte(tt.data))); got != tt.want {
				t.Errorf("AppendEvent(%q, %q) = %q, want %q", tt.event, tt.data, got, tt.want)
			}
		})
	}
}

func TestWriterEndsOpenEvent(t *testing.T) {
	tests := []struct {
		name, before, want string
	}{
		{"nothing-written", "", "data: E\n\n"},
		{"after-complete-event", "data: a\n\n", "data: a\n\ndata: E\n\n"},
		{"after-crlf-event", "data: a\r\n\r\n", "data: a\r\n\r\ndata: E\r\n\r\n"},
		{"after-cr-event", "data: a\r\r", "data: a\r\rdata: E\n\n"},
		{"after-lf-cr-event", "data: a\n\r", "data: a\n\rdata: E\n\n"},
		{"line-without-ending", "data: a", "data: a\n\ndata: E\n\n"},
		{"line-with-lf", "data: a\n", "data: a\n\ndata: E\n\n"},
		{"line-with-crlf", "data: a\r\n", "data: a\r\n\r\ndata: E\r\n\r\n"},
		{"line-with-cr", "data: a\r", "data: a\r\n\ndata: E\n\n"},
		{"single-byte-writes", "d\n", "d\n\ndata: E\n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			w := NewWriter(&b)
			for _, c := range []byte(tt.before) {
				// Write byte by byte to exercise the tail tracking.
				if err := w.WriteRaw([]byte{c}); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.WriteEvent("", []byte("E")); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("after %q, WriteEvent wrote %q, want %q", tt.before, b.String(), tt.want)
			}
			// Whatever came before, the error is read as an event of its own.
			evs, err := readAll(t, strings.NewReader(b.String()), 0)
			if err != nil {
				t.Fatal(err)
			}
			last := evs[len(evs)-1]
			if last.Data != "E" || last.Unterminated {
				t.Errorf("last event read back = %+v, want data E", last)
			}
		})
	}
}

func TestWriterRejectsNameWithNewline(t *testing.T) {
	var b bytes.Buffer
	if err := NewWriter(&b).WriteEvent("a\nb", nil); err == nil {
		t.Error("WriteEvent with a line break in the name: nil error")
	}
	if b.Len() != 0 {
		t.Errorf("wrote %q after refusing", b.String())
	}
}

func TestWriterFlushesResponseWriter(t *testing.T) {
	rec := httptest.NewRecorder()
	w := NewWriter(http.ResponseWriter(rec))
	if err := w.WriteRaw([]byte("data: a\n\n")); err != nil {
		t.Fatal(err)
	}
	if !rec.Flushed {
		t.Error("WriteRaw did not flush the ResponseWriter")
	}
	if got := rec.Body.String(); got != "data: a\n\n" {
		t.Errorf("body = %q", got)
	}
}

// An event written into a relayed CRLF stream keeps CRLF line endings, so
// clients that split on one blank-line form still see separate events.
func TestWriteEventKeepsStreamLineEndings(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	if err := w.WriteRaw([]byte("data: a\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteEvent("", []byte("b")); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), "data: a\r\n\r\ndata: b\r\n\r\n"; got != want {
		t.Errorf("stream = %q, want %q", got, want)
	}
}

// Before any bytes are relayed, Follow sets the line endings WriteEvent uses.
func TestWriteEventFollowsStream(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.Follow(Event{Raw: []byte("data: a\r\n\r\n")})
	if err := w.WriteEvent("", []byte("b")); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), "data: b\r\n\r\n"; got != want {
		t.Errorf("stream = %q, want %q", got, want)
	}
}

// flushCounter is a buffer that counts its flushes.
type flushCounter struct {
	bytes.Buffer
	flushes int
}

func (f *flushCounter) Flush() { f.flushes++ }

// The NoFlush writes leave bytes buffered until Flush; the others flush.
func TestWriterNoFlush(t *testing.T) {
	var f flushCounter
	w := NewWriter(&f)
	if err := w.WriteRawNoFlush([]byte("data: a\n\n")); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteEventNoFlush("x", []byte("b")); err != nil {
		t.Fatal(err)
	}
	if f.flushes != 0 {
		t.Fatalf("flushes after NoFlush writes = %d, want 0", f.flushes)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteEvent("", []byte("c")); err != nil {
		t.Fatal(err)
	}
	if f.flushes != 2 {
		t.Errorf("flushes = %d, want 2", f.flushes)
	}
	if want := "data: a\n\nevent: x\ndata: b\n\ndata: c\n\n"; f.String() != want {
		t.Errorf("wrote %q, want %q", f.String(), want)
	}
	if err := w.WriteEventNoFlush("a\nb", nil); err == nil {
		t.Error("WriteEventNoFlush with a line break in the name: nil error")
	}
}
