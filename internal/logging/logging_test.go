package logging

import (
	"bytes"
	"errors"
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

func TestParseLevel(t *testing.T) {
	for in, want := range map[string]slog.Level{"debug": slog.LevelDebug, "warn": slog.LevelWarn, "bogus": slog.LevelInfo} {
		if got := ParseLevel(in); got != want {
			t.Errorf("ParseLevel(%q) = %v, want %v", in, got, want)
		}
	}
}
