// Package metrics holds the gateway's Prometheus collectors. They are
// registered on a registry of their own, never the global default, so tests
// and several gateways in one process do not collide. Labels carry
// metadata only: provider, model, status, decision.
package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the gateway's collectors.
type Metrics struct {
	Registry        *prometheus.Registry
	Requests        *prometheus.CounterVec   // provider, model, status, decision
	Latency         *prometheus.HistogramVec // provider, decision: whole request as seen by the gateway
	UpstreamLatency *prometheus.HistogramVec // provider: until the provider's response headers
	Tokens          *prometheus.CounterVec   // provider, model, direction (input, output)
	InFlightStreams prometheus.Gauge
	ConfigReloads   *prometheus.CounterVec // result
	GuardFindings   *prometheus.CounterVec // guard, rule, action: what the guards found and did
	ProviderKeyAge  *prometheus.GaugeVec   // provider: since the gateway first saw its key
}

// New returns collectors registered on a new registry, with the Go and
// process collectors.
func New() *Metrics {
	r := prometheus.NewRegistry()
	buckets := []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}
	m := &Metrics{
		Registry: r,
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aigate_requests_total", Help: "Requests handled, by provider, model, HTTP status and decision.",
		}, []string{"provider", "model", "status", "decision"}),
		Latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "aigate_request_duration_seconds", Help: "Time from request received to response finished.", Buckets: buckets,
		}, []string{"provider", "decision"}),
		UpstreamLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "aigate_upstream_duration_seconds", Help: "Time until the provider's response headers arrived.", Buckets: buckets,
		}, []string{"provider"}),
		Tokens: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aigate_tokens_total", Help: "Tokens reported by providers, by direction.",
		}, []string{"provider", "model", "direction"}),
		InFlightStreams: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "aigate_streams_in_flight", Help: "Streaming responses being relayed now.",
		}),
		ConfigReloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aigate_config_reloads_total", Help: "Configuration reloads, by result.",
		}, []string{"result"}),
		GuardFindings: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aigate_guard_findings_total", Help: "Guard findings (rule or entity type, never the text), by guard, rule and action taken.",
		}, []string{"guard", "rule", "action"}),
		ProviderKeyAge: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "aigate_provider_key_age_seconds", Help: "Age of each provider's key, counted from when the gateway first saw it.",
		}, []string{"provider"}),
	}
	r.MustRegister(m.Requests, m.Latency, m.UpstreamLatency, m.Tokens, m.InFlightStreams, m.ConfigReloads, m.GuardFindings, m.ProviderKeyAge,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the registry in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}
