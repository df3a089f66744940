package proxy

import (
	"bytes"
	"io"
)

// arrayWriter turns the SSE stream the relay writes into the JSON array a
// Gemini client asked for when it left out alt=sse: the data of each event
// becomes one element, "[" opens the first and "]" is written by Close.
// Events arrive whole or in pieces; only complete ones are turned into
// elements. Comments and events without data are dropped, as an array has
// no place for them.
type arrayWriter struct {
	w       io.Writer
	flush   func() error
	pending []byte // the start of an event not yet complete
	started bool
	out     []byte // reused for each element
}

func newArrayWriter(w io.Writer, flush func() error) *arrayWriter {
	return &arrayWriter{w: w, flush: flush}
}

// Write takes SSE bytes and writes the elements of the events they
// complete.
func (a *arrayWriter) Write(p []byte) (int, error) {
	a.pending = append(a.pending, p...)
	a.out = a.out[:0]
	for {
		end, next := eventEnd(a.pending)
		if end < 0 {
			break
		}
		if data, ok := eventData(a.pending[:end]); ok {
			if a.started {
				a.out = append(a.out, ",\r\n"...)
			} else {
				a.out = append(a.out, '[')
				a.started = true
			}
			a.out = append(a.out, data...)
		}
		a.pending = a.pending[:copy(a.pending, a.pending[next:])]
	}
	if len(a.out) > 0 {
		if _, err := a.w.Write(a.out); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// Flush sends what was written.
func (a *arrayWriter) Flush() error { return a.flush() }

// Close ends the array (an empty one if no event had data). An event left
// incomplete by a cut stream is dropped: half an element would make the
// whole array unreadable.
func (a *arrayWriter) Close() error {
	if len(a.pending) > 0 && a.pending[len(a.pending)-1] == '\r' {
		// The stream cannot go on, so a final CR ends its line.
		if _, err := a.Write([]byte("\n")); err != nil {
			return err
		}
	}
	end := []byte("]")
	if !a.started {
		end = []byte("[]")
	}
	if _, err := a.w.Write(end); err != nil {
		return err
	}
	return a.flush()
}

// eventEnd finds the blank line that ends the first event in b: end is
// where the event's lines stop and next where the following event starts;
// end is -1 while the event is incomplete. Lines end in LF, CRLF or CR.
func eventEnd(b []byte) (end, next int) {
	lineStart := 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\n' && c != '\r' {
			continue
		}
		n := i + 1
		if c == '\r' {
			if n == len(b) {
				return -1, 0 // a CR that may be half of a CRLF
			}
			if b[n] == '\n' {
				n++
			}
		}
		if i == lineStart { // an empty line
			return lineStart, n
		}
		lineStart, i = n, n-1
	}
	return -1, 0
}

// eventData joins the data lines of one event (without its blank line) as
// the SSE format does: with LF between them.
func eventData(ev []byte) (data []byte, ok bool) {
	for len(ev) > 0 {
		line := ev
		ev = nil
		if i := bytes.IndexAny(line, "\r\n"); i >= 0 {
			rest := line[i+1:]
			if line[i] == '\r' && len(rest) > 0 && rest[0] == '\n' {
				rest = rest[1:]
			}
			line, ev = line[:i], rest
		}
		v, found := bytes.CutPrefix(line, []byte("data"))
		if !found || len(v) > 0 && v[0] != ':' {
			continue
		}
		if len(v) > 0 {
			v = bytes.TrimPrefix(v[1:], []byte(" "))
		}
		if ok {
			data = append(data, '\n')
		}
		data = append(data, v...)
		ok = true
	}
	return data, ok
}
