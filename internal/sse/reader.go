// Package sse reads and writes server-sent event streams
// (text/event-stream, as specified by the WHATWG HTML standard) without
// buffering a whole stream.
//
// A [Reader] yields one [Event] at a time with the exact bytes it was made
// of, so a relay can forward an upstream stream byte for byte while reading
// each event's name and data. A [Writer] writes raw or newly built events to
// a client and flushes after each one.
package sse

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"
)

// DefaultMaxEventSize is the limit on one event's raw size used when
// [Reader.MaxEventSize] is zero.
const DefaultMaxEventSize = 4 << 20

// ErrTooLarge is returned (wrapped) by [Reader.Next] when an event, or a
// single line, grows past the reader's size limit.
var ErrTooLarge = errors.New("sse: event too large")

// Event is one block of an event stream: the lines up to and including the
// blank line that ends it.
type Event struct {
	// Raw holds the bytes the event was read from, line endings and
	// comments included. Concatenating the Raw of every event a Reader
	// yields gives back the stream exactly. Blank lines that end no event
	// (a run of extra blank lines) are kept at the start of the next
	// event's Raw, or in a final event of their own.
	Raw []byte

	// Name is the value of the last "event" field; empty means the default
	// event type, "message".
	Name string

	// Data is the value of the "data" fields joined by "\n".
	Data []byte

	// HasData reports whether the event had at least one "data" field.
	// Per the standard only such events are dispatched to a browser; the
	// others carry only comments (keep-alives) or fields without data and
	// are yielded so a relay can forward their bytes.
	HasData bool

	// ID is the value of the last valid "id" field, or empty.
	ID string

	// Unterminated reports that the stream ended before the blank line that
	// ends this event. A relay that writes more events after it must end
	// it first ([Writer] does).
	Unterminated bool
}

// Reader reads events from an event stream. The zero value is not usable;
// create one with [NewReader]. A Reader is not safe for concurrent use.
//
// Line endings may be CRLF, LF or CR, as the standard allows, and a leading
// UTF-8 byte order mark is ignored. The Reader never blocks after reading
// the line ending that completes an event, even when that ending is a lone
// CR whose possible LF has not arrived yet.
type Reader struct {
	// MaxEventSize bounds the raw size of one event, and so the memory the
	// Reader holds. Zero means DefaultMaxEventSize.
	MaxEventSize int

	r      io.Reader
	buf    []byte // read buffer; unread bytes are buf[off:end]
	off    int
	end    int
	err    error   // sticky error from r
	pooled *[]byte // buf's pool entry, until Release
	skipLF bool    // the previous line ended in CR: a LF that follows belongs to it
	begun  bool    // a line has been read, so a byte order mark is no longer special
}

// NewReader returns a Reader reading from r.
func NewReader(r io.Reader) *Reader {
	pb := bufPool.Get().(*[]byte)
	return &Reader{r: r, buf: *pb, pooled: pb}
}

// bufPool holds read buffers of Readers that were released, so a relay
// does not allocate (and zero) a fresh one for every stream.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 16<<10); return &b }}

// Release hands the Reader's buffer back for reuse by other Readers. The
// events already returned stay valid (they never share the buffer), but
// the Reader must not be used again.
func (r *Reader) Release() {
	if r.pooled == nil {
		return
	}
	pb := r.pooled
	r.pooled, r.buf, r.off, r.end = nil, nil, 0, 0
	if r.err == nil {
		r.err = errReleased
	}
	bufPool.Put(pb)
}

// errReleased is what a released Reader returns.
var errReleased = errors.New("sse: Reader used after Release")

// Next returns the next event. At the end of the stream it returns io.EOF;
// an event cut short by the end of the stream is still returned first, with
// Unterminated set. A read error from the underlying reader is returned
// as is once the bytes read before it have been yielded. An event larger
// than the size limit returns an error wrapping [ErrTooLarge]; the stream
// cannot be read further.
//
// The returned slices are owned by the caller: the Reader does not reuse them.
func (r *Reader) Next() (Event, error) {
	max := r.MaxEventSize
	if max <= 0 {
		max = DefaultMaxEventSize
	}
	var (
		ev        Event
		raw       []byte
		data      []byte // data buffer when the event has several data lines
		dataLines int
		lines     int // non-blank lines in the event
	)
	finish := func() Event {
		ev.Raw = raw
		if dataLines > 1 {
			ev.Data = data
		}
		return ev
	}
	for {
		lineStart := len(raw)
		var term int // length of the line ending, 0 at end of stream
		for term == 0 {
			if r.off == r.end {
				if r.err != nil {
					break
				}
				r.fill()
				continue
			}
			chunk := r.buf[r.off:r.end]
			if r.skipLF {
				r.skipLF = false
				if chunk[0] == '\n' {
					// The LF of a CRLF split across reads. It ends no
					// line of its own: keep its byte, parse nothing.
					raw = append(raw, '\n')
					r.off++
					lineStart++
					continue
				}
			}
			i := lineEnd(chunk)
			if i < 0 {
				if len(raw)+len(chunk) > max {
					return Event{}, r.tooLarge(max)
				}
				raw = append(raw, chunk...)
				r.off = r.end
				continue
			}
			n := i + 1
			if chunk[i] == '\r' {
				if n < len(chunk) {
					if chunk[n] == '\n' {
						n++
					}
				} else {
					r.skipLF = true
				}
			}
			if len(raw)+n > max {
				return Event{}, r.tooLarge(max)
			}
			raw = append(raw, chunk[:n]...)
			r.off += n
			term = n - i
		}
		line := raw[lineStart : len(raw)-term]
		if !r.begun && (len(line) > 0 || term > 0) {
			r.begun = true
			line = bytes.TrimPrefix(line, []byte("\xEF\xBB\xBF"))
		}
		if term == 0 { // end of stream
			if len(line) > 0 {
				lines++
				r.field(&ev, line, &data, &dataLines)
			}
			if len(raw) == 0 {
				if r.err == io.EOF {
					return Event{}, io.EOF
				}
				return Event{}, r.err
			}
			ev.Unterminated = lines > 0
			return finish(), nil
		}
		if len(line) == 0 {
			if lines == 0 {
				continue // a blank line ending no event: keep it in raw
			}
			return finish(), nil
		}
		lines++
		r.field(&ev, line, &data, &dataLines)
	}
}

// field applies one non-blank line to ev.
func (r *Reader) field(ev *Event, line []byte, data *[]byte, dataLines *int) {
	if line[0] == ':' {
		return // comment
	}
	name, value := line, line[len(line):]
	if i := bytes.IndexByte(line, ':'); i >= 0 {
		name, value = line[:i], line[i+1:]
		if len(value) > 0 && value[0] == ' ' {
			value = value[1:]
		}
	}
	switch string(name) {
	case "event":
		ev.Name = string(value)
	case "data":
		ev.HasData = true
		*dataLines++
		switch *dataLines {
		case 1:
			ev.Data = value // a slice of Raw; copied only if more lines follow
		case 2:
			*data = append(append(append([]byte(nil), ev.Data...), '\n'), value...)
		default:
			*data = append(append(*data, '\n'), value...)
		}
	case "id":
		if bytes.IndexByte(value, 0) < 0 {
			ev.ID = string(value)
		}
	}
}

// lineEnd returns the index of the first CR or LF in b, or -1. Two
// IndexByte scans are much faster than one IndexAny.
func lineEnd(b []byte) int {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return bytes.IndexByte(b, '\r')
	}
	if j := bytes.IndexByte(b[:i], '\r'); j >= 0 {
		return j
	}
	return i
}

func (r *Reader) fill() {
	r.off, r.end = 0, 0
	for tries := 0; tries < 100; tries++ {
		n, err := r.r.Read(r.buf)
		r.end = n
		if err != nil {
			r.err = err
			return
		}
		if n > 0 {
			return
		}
	}
	r.err = io.ErrNoProgress
}

func (r *Reader) tooLarge(max int) error {
	r.err = fmt.Errorf("%w: over %d bytes", ErrTooLarge, max)
	r.off, r.end = 0, 0
	return r.err
}

// Ready reports whether a whole event is already buffered, so the next
// call to [Reader.Next] returns without reading from the stream. A relay
// uses it to flush only before it could block: events that arrived
// together leave together, and none waits for a later one.
func (r *Reader) Ready() bool {
	b := r.buf[r.off:r.end]
	if r.skipLF && len(b) > 0 && b[0] == '\n' {
		b = b[1:]
	}
	content := false // the current block has a non-empty line
	for len(b) > 0 {
		i := lineEnd(b)
		if i < 0 {
			return false // an unfinished line
		}
		if i == 0 {
			if content {
				return true
			}
		} else {
			content = true
		}
		next := i + 1
		if b[i] == '\r' {
			if next == len(b) {
				// A CR at the end may yet be followed by LF; the line is
				// complete either way.
				if i == 0 {
					return content
				}
				return false
			}
			if b[next] == '\n' {
				next++
			}
		}
		b = b[next:]
	}
	return false
}
