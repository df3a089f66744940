package logging

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
)

func TestRedact(t *testing.T) {
	canary := "agk_" + strings.Repeat("Zq9", 14)
	var buf bytes.Buffer
	log := New(&buf, slog.LevelDebug)
	log.Info("request",
		"authorization", "Bearer "+canary,
		slog.Group("headers", "X-Api-Key", canary),
		"provider_key", gateway.NewSecret(canary),
		"err", errors.New("upstream said: invalid key "+canary),
		"note", "token "+canary+" seen",
		"prompt", "my secret plan",
		"key_id", "vk_12ab",
	)
	out := buf.String()
	for _, leak := range []string{canary, "my secret plan"} {
		if strings.Contains(out, leak) {
			t.Errorf("log line holds %q:\n%s", leak, out)
		}
	}
	if !strings.Contains(out, "vk_12ab") {
		t.Errorf("log line lost the key id:\n%s", out)
	}
}

// TestRedactEveryPrefix: a token after each of the prefixes the cheap test
// looks for is masked, in a string value and in an error.
func TestRedactEveryPrefix(t *testing.T) {
	for _, p := range credentialPrefixes {
		tok := p + "Zq9xY7wvK2"
		if p == "Bearer" {
			tok = "Bearer  Zq9xY7wvK2"
		}
		for _, v := range []any{"seen " + tok + " here", errors.New("upstream quoted " + tok)} {
			var buf bytes.Buffer
			New(&buf, slog.LevelInfo).Info("request", "note", v)
			if strings.Contains(buf.String(), "Zq9xY7wvK2") || !strings.Contains(buf.String(), Redacted) {
				t.Errorf("a token after %q was not masked (%T)", p, v)
			}
		}
	}
}

// BenchmarkAccessLine logs a line shaped like the gateway's access record:
// a score of short strings, none holding a credential.
func BenchmarkAccessLine(b *testing.B) {
	log := New(io.Discard, slog.LevelInfo)
	b.ReportAllocs()
	for b.Loop() {
		log.Info("request", "request_id", "req_392da5723feac566c0f33b24", "method", "POST",
			"path", "/v1/chat/completions", "status", 200, "decision", "forwarded", "key_id", "vk_ccae91ea89bb",
			"owner", "alice", "team", "support", "provider", "openai", "model", "gpt-4o-mini",
			"operation", "chat_completions", "stream", false, "tokens_in", 120, "tokens_out", 48,
			"policy", "support-bot", "client_ip", "127.0.0.1", "user_agent", "OpenAI/Go 3.1.0")
	}
}

func TestParseLevel(t *testing.T) {
	for in, want := range map[string]slog.Level{"debug": slog.LevelDebug, "warn": slog.LevelWarn, "bogus": slog.LevelInfo} {
		if got := ParseLevel(in); got != want {
			t.Errorf("ParseLevel(%q) = %v, want %v", in, got, want)
		}
	}
}
