package proxy

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/provider"
	"github.com/aigate-dev/aigate/internal/sse"
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
	case !resp.Stream || resp.Output != nil && !isSSE(resp):
		// A non-SSE stream with an output guard is checked whole. (Gemini's
		// array streams are read as SSE; see provider.ArrayStreamer.)
		u = s.relayBody(w, ad, resp, rec)
	default:
		if s.Metrics != nil {
			s.Metrics.InFlightStreams.Inc()
			defer s.Metrics.InFlightStreams.Dec()
		}
		w.Header().Del("Content-Length")
		array := req.ArrayStream && isSSE(resp)
		if array {
			w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		}
		w.WriteHeader(resp.Status)
		rec.wroteHeader = true
		rc := http.NewResponseController(w)
		_ = rc.Flush()
		switch {
		case array:
			aw := newArrayWriter(w, rc.Flush)
			u = relaySSE(aw, ad, req, resp, rec)
			_ = aw.Close()
		case isSSE(resp):
			u = relaySSE(w, ad, req, resp, rec)
		default:
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
	if resp.Output != nil && resp.Status < 300 {
		if body, err = checkBody(ad, rec.req, resp.Output, body[:min(len(body), maxResponseBytes)]); err != nil {
			s.refuse(w, ad, rec, gateway.AsError(err))
			return u
		}
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
	return strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream")
}

// relaySSE relays an SSE stream event by event, flushing each, reading usage
// from every event's data and withholding events the adapter hides. It
// returns when the stream ends, fails, or the client goes away.
//
// With an output guard, each event goes through it (see streamOutput).
// With Allow checks on resp, each event with data is counted and checked
// before it is sent; an event that crosses one ends the stream with the
// check's error event, and the usage returned is the meter's count
// (reported, or estimated where the provider has not reported yet).
func relaySSE(w io.Writer, ad provider.Adapter, req *gateway.Request, resp *gateway.Response, rec *record) gateway.Usage {
	filter, _ := ad.(provider.StreamFilter)
	var so *streamOutput
	if resp.Output != nil {
		so = newStreamOutput(ad, req, resp.Output)
	}
	var m *meter
	if resp.Metered() {
		m = newMeter(ad, req)
	}
	// The generated text of each event, read once for the meter and the
	// output guard.
	text, _ := ad.(provider.OutputText)
	if m == nil && so == nil {
		text = nil
	}
	var u gateway.Usage
	events := sse.NewReader(resp.Body)
	defer events.Release()
	out := sse.NewWriter(w)
	for {
		ev, err := events.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				rec.streamErr = err
			}
			if so != nil && so.flush(out) == nil {
				_ = out.Flush()
			}
			return u
		}
		if rec.events == 0 {
			out.Follow(ev) // events aigate writes keep the provider's line endings
		}
		var spans []provider.OutputSpan
		if ev.HasData {
			if text != nil {
				spans = text.EventText(req, ev.Data)
			}
			if eu, ok := ad.Usage(ev.Data); ok {
				u = maxUsage(u, eu)
			}
			if m != nil {
				m.add(spans)
				if err := resp.Within(m.usage(u)); err != nil {
					rec.streamErr = err
					streamError(out, ad, err)
					return m.usage(u)
				}
			}
			if filter != nil && req.UsageInjected && filter.Hide(req, ev.Data) {
				if !events.Ready() && out.Flush() != nil {
					return u
				}
				continue
			}
		}
		rec.events++
		// Flush before the relay could block on the provider: when the next
		// event is already buffered, it goes out with this one.
		flush := !events.Ready()
		if so != nil {
			if err := so.write(out, ev, spans, flush); err != nil {
				if errors.As(err, new(*gateway.Error)) {
					rec.streamErr = err
				}
				return u
			}
			continue
		}
		write := out.WriteRaw
		if !flush {
			write = out.WriteRawNoFlush
		}
		if err := write(ev.Raw); err != nil {
			return u
		}
	}
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

// maxUsage keeps the field-wise maximum: providers report cumulative counts
// over a stream, some in several events.
func maxUsage(a, b gateway.Usage) gateway.Usage {
	return gateway.Usage{
		InputTokens:       max(a.InputTokens, b.InputTokens),
		OutputTokens:      max(a.OutputTokens, b.OutputTokens),
		CachedInputTokens: max(a.CachedInputTokens, b.CachedInputTokens),
	}
}
