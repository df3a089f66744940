package proxy

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/aigate-dev/aigate/internal/gateway"
)

// record collects the metadata of one request for the access log and the
// metrics. It never holds a body, a header value or a credential.
type record struct {
	start       time.Time
	id          string
	method      string
	path        string
	req         *gateway.Request
	status      int
	err         *gateway.Error
	usage       gateway.Usage
	events      int
	wroteHeader bool
	clientGone  bool
	streamErr   error
}

// decision classifies how a request ended.
func (rec *record) decision() string {
	switch {
	case rec.err == nil && rec.status < 400:
		return "allowed"
	case rec.err == nil:
		return "upstream_error" // the provider answered with an error
	case rec.err.Code == gateway.CodeUpstream || rec.err.Code == gateway.CodeTimeout:
		return "upstream_error"
	default:
		return "refused"
	}
}

// finish writes the access record and updates the metrics.
func (s *Server) finish(rec *record) {
	elapsed := s.now().Sub(rec.start)
	attrs := []slog.Attr{
		slog.String("request_id", rec.id),
		slog.String("method", rec.method),
		slog.String("path", rec.path),
		slog.Int("status", rec.status),
		slog.String("decision", rec.decision()),
		slog.Float64("latency_ms", float64(elapsed.Microseconds())/1000),
	}
	providerName, model := "none", "none"
	if r := rec.req; r != nil {
		if r.Provider != "" {
			providerName = r.Provider
		}
		attrs = append(attrs,
			slog.String("dialect", string(r.Dialect)),
			slog.String("operation", string(r.Operation)),
			slog.String("model", r.Model),
			slog.Bool("stream", r.Stream),
			slog.Int("message_count", len(r.Messages)),
			slog.Int("input_chars", r.InputChars()),
		)
		if p := r.Principal; p != nil {
			attrs = append(attrs, slog.String("key_id", p.KeyID), slog.String("owner", p.Owner))
			if p.User != "" {
				attrs = append(attrs, slog.String("user", p.User))
			}
		}
		if r.Provider != "" {
			attrs = append(attrs, slog.String("provider", r.Provider))
		}
		// A model name is a metric label only once a provider accepted it,
		// so clients cannot mint label values.
		if rec.status < 300 && rec.err == nil && len(r.Model) <= 64 {
			model = r.Model
		} else {
			model = "other"
		}
	}
	attrs = append(attrs, slog.Int64("tokens_in", rec.usage.InputTokens), slog.Int64("tokens_out", rec.usage.OutputTokens))
	if rec.usage.CachedInputTokens > 0 {
		attrs = append(attrs, slog.Int64("tokens_cached", rec.usage.CachedInputTokens))
	}
	if rec.req != nil && rec.req.Stream {
		attrs = append(attrs, slog.Int("events", rec.events))
	}
	if rec.clientGone {
		attrs = append(attrs, slog.Bool("client_gone", true))
	}
	level := slog.LevelInfo
	if e := rec.err; e != nil {
		attrs = append(attrs, slog.String("error_code", string(e.Code)))
		if e.Err != nil {
			attrs = append(attrs, slog.String("error", e.Err.Error()))
		}
		if e.Code == gateway.CodeInternal || e.Code == gateway.CodeUnavailable {
			level = slog.LevelError
		}
	}
	if rec.streamErr != nil {
		attrs = append(attrs, slog.String("stream_error", rec.streamErr.Error()))
	}
	if rec.req != nil && len(rec.req.Findings) > 0 {
		attrs = append(attrs, slog.Any("findings", rec.req.Findings)) // metadata only: guard, rule, action, count, score
	}
	s.Logger.LogAttrs(context.Background(), level, "request", attrs...)

	if m := s.Metrics; m != nil {
		m.Requests.WithLabelValues(providerName, model, strconv.Itoa(rec.status), rec.decision()).Inc()
		m.Latency.WithLabelValues(providerName, rec.decision()).Observe(elapsed.Seconds())
		if rec.usage.InputTokens > 0 {
			m.Tokens.WithLabelValues(providerName, model, "input").Add(float64(rec.usage.InputTokens))
		}
		if rec.usage.OutputTokens > 0 {
			m.Tokens.WithLabelValues(providerName, model, "output").Add(float64(rec.usage.OutputTokens))
		}
		if rec.req != nil {
			for _, f := range rec.req.Findings {
				m.GuardFindings.WithLabelValues(f.Guard, f.Rule, f.Action).Add(float64(f.Count))
			}
		}
	}
}
