package sse

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Writer writes an event stream to a client and flushes after every write,
// so each event leaves as soon as it is written. It is not safe for
// concurrent use.
type Writer struct {
	w     io.Writer
	flush func() error
	tail  [3]byte // the last bytes written, to know whether an event is open
	ntail int
	// useCRLF is the line ending Follow saw, for events written before any
	// raw bytes.
	useCRLF bool
	buf     []byte // reused to build the events WriteEvent writes
}

// NewWriter returns a Writer writing to w. When w is an
// [http.ResponseWriter] it is flushed through [http.ResponseController], so
// wrapped writers that implement Unwrap are flushed too; otherwise w is
// flushed if it has a Flush method.
func NewWriter(w io.Writer) *Writer {
	sw := &Writer{w: w}
	switch f := w.(type) {
	case http.ResponseWriter:
		rc := http.NewResponseController(f)
		sw.flush = func() error {
			if err := rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
				return err
			}
			return nil
		}
	case interface{ Flush() error }:
		sw.flush = f.Flush
	case interface{ Flush() }:
		sw.flush = func() error { f.Flush(); return nil }
	default:
		sw.flush = func() error { return nil }
	}
	return sw
}

// WriteRawNoFlush writes raw bytes like [Writer.WriteRaw] but leaves them
// buffered; call [Writer.Flush] before waiting for more input.
func (w *Writer) WriteRawNoFlush(raw []byte) error { return w.write(raw) }

// Flush sends whatever was written.
func (w *Writer) Flush() error { return w.flush() }

// WriteRaw writes raw bytes, normally an [Event.Raw] read from upstream,
// exactly as given, and flushes.
func (w *Writer) WriteRaw(raw []byte) error {
	if err := w.write(raw); err != nil {
		return err
	}
	return w.flush()
}

// WriteEvent writes one event with the given name (none when empty) and
// data, and flushes. Data is split into one "data" line per line. If the
// bytes written before left an event unterminated (an upstream stream cut
// short), that event is ended first, so WriteEvent is the way to end a
// relayed stream with an error event: the client sees the error as an event
// of its own. Bytes already sent cannot be taken back.
//
// The name must not contain a line break.
func (w *Writer) WriteEvent(name string, data []byte) error {
	if err := w.WriteEventNoFlush(name, data); err != nil {
		return err
	}
	return w.flush()
}

// WriteEventNoFlush writes an event like [Writer.WriteEvent] but leaves it
// buffered; call [Writer.Flush] before waiting for more input.
func (w *Writer) WriteEventNoFlush(name string, data []byte) error {
	if strings.ContainsAny(name, "\r\n") {
		return errors.New("sse: event name contains a line break")
	}
	crlf := w.crlf()
	b := w.buf[:0] // w.w does not keep it (io.Writer)
	if end := w.closing(); end != "" {
		b = append(b, end...)
	}
	b = AppendEvent(b, name, data)
	if crlf {
		// Keep the stream's own line endings: some clients (Google's genai
		// SDK) split events on the first blank-line form they find, and a
		// stream mixing LF and CRLF events breaks them.
		b = bytes.ReplaceAll(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
	} else {
		w.buf = b
	}
	return w.write(b)
}

// Follow makes events written by [Writer.WriteEvent] use the line endings
// of ev, an event read from the stream being relayed, until raw bytes
// written later show otherwise.
func (w *Writer) Follow(ev Event) {
	w.useCRLF = bytes.Contains(ev.Raw, []byte("\r\n"))
}

// crlf reports whether events written now should end their lines with
// CRLF: the bytes written so far do, or, before any, [Writer.Follow] said so.
func (w *Writer) crlf() bool {
	t := w.tail[:w.ntail]
	if len(t) < 2 {
		return w.useCRLF
	}
	return t[len(t)-2] == '\r' && t[len(t)-1] == '\n'
}

// AppendEvent appends an event with the given name and data to dst, in the
// canonical form "event: NAME\ndata: LINE\n...\n". The name is left out when
// empty; data is split at CRLF, LF and CR. The name must not contain a line
// break (WriteEvent checks it).
func AppendEvent(dst []byte, name string, data []byte) []byte {
	if name != "" {
		dst = append(dst, "event: "...)
		dst = append(dst, name...)
		dst = append(dst, '\n')
	}
	for {
		i := lineEnd(data)
		if i < 0 {
			break
		}
		dst = append(append(append(dst, "data: "...), data[:i]...), '\n')
		if data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n' {
			i++
		}
		data = data[i+1:]
	}
	dst = append(append(append(dst, "data: "...), data...), '\n')
	return append(dst, '\n')
}

func (w *Writer) write(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	if _, err := w.w.Write(b); err != nil {
		return fmt.Errorf("sse: write: %w", err)
	}
	if len(b) >= len(w.tail) {
		w.ntail = copy(w.tail[:], b[len(b)-len(w.tail):])
	} else {
		t := append(w.tail[:w.ntail:w.ntail], b...)
		w.ntail = copy(w.tail[:], t[max(0, len(t)-len(w.tail)):])
	}
	return nil
}

// closing returns the bytes that end an event left open by the bytes
// written so far: none at the start of the stream or after a blank line.
func (w *Writer) closing() string {
	t := w.tail[:w.ntail]
	if len(t) == 0 {
		return ""
	}
	// Strip the line ending the last line, if any.
	var rest []byte
	switch {
	case bytes.HasSuffix(t, []byte("\r\n")):
		rest = t[:len(t)-2]
	case t[len(t)-1] == '\n' || t[len(t)-1] == '\r':
		rest = t[:len(t)-1]
	default:
		return "\n\n" // a line without its ending
	}
	if len(rest) == 0 && w.ntail < len(w.tail) {
		return "" // the whole stream is one line break
	}
	if n := len(rest); n > 0 && (rest[n-1] == '\n' || rest[n-1] == '\r') {
		return "" // a blank line ended the last event
	}
	if t[len(t)-1] == '\r' {
		return "\n\n" // a single LF would merge into the CR as CRLF
	}
	return "\n"
}
