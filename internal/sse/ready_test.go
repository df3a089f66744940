package sse

import (
	"errors"
	"testing"
)

var errWouldBlock = errors.New("would block")

// oneRead yields its data in one read, then reports that it would block.
type oneRead struct {
	data    []byte
	read    bool
	blocked bool
}

func (o *oneRead) Read(p []byte) (int, error) {
	if o.read {
		o.blocked = true
		return 0, errWouldBlock
	}
	o.read = true
	return copy(p, o.data), nil
}

// checkReady drains a reader that holds data and then would block, checking
// that Ready never promises an event that is not there.
func checkReady(t *testing.T, data string) (ready int) {
	t.Helper()
	src := &oneRead{data: []byte(data)}
	r := NewReader(src)
	if _, err := r.Next(); err != nil {
		return 0
	}
	for r.Ready() {
		ready++
		if _, err := r.Next(); err != nil || src.blocked {
			t.Fatalf("Ready() = true on %q but Next blocked or failed: %v", data, err)
		}
	}
	return ready
}

func TestReady(t *testing.T) {
	tests := []struct {
		stream string
		ready  int // events Ready reports after the first
	}{
		{"data: a\n\ndata: b\n\ndata: c\n\n", 2},
		{"data: a\r\n\r\ndata: b\r\n\r\n", 1},
		{"data: a\r\rdata: b\r\r", 1},
		{"data: a\n\ndata: b\n", 0},          // the second event is unfinished
		{"data: a\n\ndata: b\n\ndata: c", 1}, // the last line is unfinished
		{"data: a\n\n\n\n\ndata: b\n\n", 1},  // extra blank lines end no event
		{"data: a\n\n: keep-alive\n\n", 1},   // comment-only blocks are events
		{"data: a\r\n\r\ndata: b\r\n\r", 1},  // a final CR ends the blank line
		{"data: a\n\ndata: b\r", 0},          // a final CR after content is no blank line yet
	}
	for _, tt := range tests {
		if got := checkReady(t, tt.stream); got != tt.ready {
			t.Errorf("%q: Ready promised %d more events, want %d", tt.stream, got, tt.ready)
		}
	}
}

func FuzzReady(f *testing.F) {
	f.Add("data: a\n\ndata: b\r\n\r\n: c\r\r")
	f.Add("event: x\ndata: 1\n\n\n\ndata")
	f.Fuzz(func(t *testing.T, s string) { checkReady(t, s) })
}
