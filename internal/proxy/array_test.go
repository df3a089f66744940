package proxy

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestArrayWriter(t *testing.T) {
	tests := []struct {
		name string
		sse  string
		want string
	}{
		{"crlf", "data: {\"a\":1}\r\n\r\ndata: {\"a\":2}\r\n\r\n", "[{\"a\":1},\r\n{\"a\":2}]"},
		{"lf-comments-and-fields", ": ping\n\nevent: x\nid: 7\ndata:{\"a\":1}\n\n: only a comment\n\n", "[{\"a\":1}]"},
		{"cr-only", "data: {\"a\":1}\r\rdata: {\"b\":2}\r\r", "[{\"a\":1},\r\n{\"b\":2}]"},
		{"multi-line-data", "data: {\"a\":\ndata: 1}\n\n", "[{\"a\":\n1}]"},
		{"no-events", "", "[]"},
		{"incomplete-last-event-dropped", "data: {\"a\":1}\n\ndata: {\"a\":", "[{\"a\":1}]"},
		{"data-field-name-only", "data\n\n", "[]"},
		{"not-data", "datum: {}\n\n", "[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Every split of the input into two writes gives the same array.
			for cut := 0; cut <= len(tt.sse); cut++ {
				var out bytes.Buffer
				flushes := 0
				a := newArrayWriter(&out, func() error { flushes++; return nil })
				for _, part := range []string{tt.sse[:cut], tt.sse[cut:]} {
					if n, err := a.Write([]byte(part)); n != len(part) || err != nil {
						t.Fatalf("Write = %d, %v", n, err)
					}
				}
				if err := a.Close(); err != nil {
					t.Fatal(err)
				}
				if got := out.String(); got != tt.want {
					t.Fatalf("cut at %d: array = %q, want %q", cut, got, tt.want)
				}
				if flushes == 0 {
					t.Fatal("Close did not flush")
				}
			}
			if tt.name != "multi-line-data" && !json.Valid([]byte(tt.want)) {
				t.Errorf("want %q is not JSON", tt.want)
			}
		})
	}
}

// Elements go out as soon as their event is complete, not at Close.
func TestArrayWriterStreams(t *testing.T) {
	var out bytes.Buffer
	a := newArrayWriter(&out, func() error { return nil })
	a.Write([]byte("data: {\"a\":1}\r\n"))
	if out.Len() != 0 {
		t.Fatalf("wrote %q before the event ended", out.String())
	}
	a.Write([]byte("\r\n"))
	if out.String() != `[{"a":1}` {
		t.Fatalf("after one event: %q", out.String())
	}
}
