package proxy

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider"
)

// relay writes the provider's response to the client and finishes it with
// the usage read on the way.
func (s *Server) relay(w http.ResponseWriter, r *http.Request, ad provider.Adapter, req *gateway.Request, resp *gateway.Response, rec *record) {
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	rec.status = resp.Status
	var u gateway.Usage
	switch {
	case !resp.Stream:
		u = s.relayBody(w, ad, resp, rec)
	default:
		if s.Metrics != nil {
			s.Metrics.InFlightStreams.Inc()
			defer s.Metrics.InFlightStreams.Dec()
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(resp.Status)
		rec.wroteHeader = true
		rc := http.NewResponseController(w)
		_ = rc.Flush()
		if isSSE(resp) {
			u = relaySSE(w, rc, ad, req, resp.Body, rec)
		} else {
			u = relayChunks(w, rc, ad, resp.Body, rec)
		}
	}
	if r.Context().Err() != nil {
		rec.clientGone = true
	}
	rec.usage = u
	resp.Finish(u)
}

// relayBody relays a whole (non-streaming) body and reads its usage.
func (s *Server) relayBody(w http.ResponseWriter, ad provider.Adapter, resp *gateway.Response, rec *record) gateway.Usage {
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		resp.Finish(gateway.Usage{})
		s.refuse(w, ad, rec, &gateway.Error{Code: gateway.CodeUpstream, Message: "the provider's response was cut off; retry the request", Err: err})
		return gateway.Usage{}
	}
	var u gateway.Usage
	if resp.Status < 300 && len(body) <= maxResponseBytes {
		u, _ = ad.Usage(body)
	}
	w.Header().Del("Content-Length")
	w.WriteHeader(resp.Status)
	rec.wroteHeader = true
	if _, err := w.Write(body); err != nil {
		return u
	}
	if len(body) > maxResponseBytes {
		_, _ = io.Copy(w, resp.Body)
	}
	return u
}

func isSSE(resp *gateway.Response) bool {
	return bytes.HasPrefix([]byte(resp.Header.Get("Content-Type")), []byte("text/event-stream"))
}

// maxEventBytes bounds one SSE event; a longer one ends the relay.
const maxEventBytes = 4 << 20

// relaySSE relays an SSE stream event by event, flushing each, reading usage
// from every event's data and withholding events the adapter hides. It
// returns when the stream ends, fails, or the client goes away.
func relaySSE(w io.Writer, rc *http.ResponseController, ad provider.Adapter, req *gateway.Request, body io.Reader, rec *record) gateway.Usage {
	filter, _ := ad.(provider.StreamFilter)
	var u gateway.Usage
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 0, 64<<10), maxEventBytes)
	sc.Split(splitEvents)
	var data bytes.Buffer
	for sc.Scan() {
		ev := sc.Bytes()
		eventData(ev, &data)
		if data.Len() > 0 {
			if eu, ok := ad.Usage(data.Bytes()); ok {
				u = maxUsage(u, eu)
			}
			if filter != nil && req.UsageInjected && filter.Hide(req, data.Bytes()) {
				continue
			}
		}
		rec.events++
		if _, err := w.Write(ev); err != nil {
			return u
		}
		if err := rc.Flush(); err != nil {
			return u
		}
	}
	if err := sc.Err(); err != nil && !errors.Is(err, io.EOF) {
		rec.streamErr = err
	}
	return u
}

// relayChunks relays a non-SSE stream (Gemini's JSON array stream) as it
// arrives, keeping a bounded copy to read usage from at the end.
func relayChunks(w io.Writer, rc *http.ResponseController, ad provider.Adapter, body io.Reader, rec *record) gateway.Usage {
	var kept bytes.Buffer
	buf := make([]byte, 32<<10)
	for {
		n, err := body.Read(buf)
		if n > 0 {
			if kept.Len()+n <= maxResponseBytes {
				kept.Write(buf[:n])
			}
			if _, werr := w.Write(buf[:n]); werr != nil {
				break
			}
			if rc.Flush() != nil {
				break
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				rec.streamErr = err
			}
			break
		}
	}
	u, _ := ad.Usage(kept.Bytes())
	return u
}

// splitEvents is a bufio.SplitFunc yielding one SSE event at a time,
// including its terminating blank line, so it can be relayed byte for byte.
// Events end at a blank line (LF, CRLF or CR line endings).
func splitEvents(data []byte, atEOF bool) (int, []byte, error) {
	for i := 0; i < len(data); i++ {
		if data[i] != '\n' && data[i] != '\r' {
			continue
		}
		// data[i] ends a line; the event ends if the next line is empty.
		j := i + 1
		if data[i] == '\r' && j < len(data) && data[j] == '\n' {
			j++
		} else if data[i] == '\r' && j == len(data) && !atEOF {
			return 0, nil, nil // need to know whether \n follows
		}
		switch {
		case j < len(data) && data[j] == '\n':
			return j + 1, data[:j+1], nil
		case j < len(data) && data[j] == '\r':
			k := j + 1
			if k < len(data) && data[k] == '\n' {
				k++
			} else if k == len(data) && !atEOF {
				return 0, nil, nil
			}
			return k, data[:k], nil
		case j == len(data) && !atEOF:
			return 0, nil, nil
		}
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

// eventData writes the concatenated data lines of one SSE event into dst.
func eventData(ev []byte, dst *bytes.Buffer) {
	dst.Reset()
	for len(ev) > 0 {
		line := ev
		if i := bytes.IndexAny(ev, "\r\n"); i >= 0 {
			line, ev = ev[:i], ev[i+1:]
		} else {
			ev = nil
		}
		if rest, ok := bytes.CutPrefix(line, []byte("data:")); ok {
			rest, _ = bytes.CutPrefix(rest, []byte(" "))
			if dst.Len() > 0 {
				dst.WriteByte('\n')
			}
			dst.Write(rest)
		}
	}
}

// maxUsage keeps the field-wise maximum: providers report cumulative counts
// over a stream, some in several events.
func maxUsage(a, b gateway.Usage) gateway.Usage {
	return gateway.Usage{
		InputTokens:       max(a.InputTokens, b.InputTokens),
		OutputTokens:      max(a.OutputTokens, b.OutputTokens),
		CachedInputTokens: max(a.CachedInputTokens, b.CachedInputTokens),
	}
}
