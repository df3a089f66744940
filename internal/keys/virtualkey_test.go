package keys_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/keys"
)

func sampleKey(t *testing.T) (gateway.Secret, *keys.VirtualKey) {
	t.Helper()
	secret, err := keys.Generate()
	if err != nil {
		t.Fatal(err)
	}
	return secret, &keys.VirtualKey{
		ID:        "vk_0123456789ab",
		Name:      "web-app",
		Owner:     "alice@example.com",
		Team:      "support",
		Policy:    "support-bot",
		Hash:      keys.Hash(secret),
		Created:   time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Models:    []string{"gpt-4o-mini"},
		Providers: []string{"openai"},
		Metadata:  map[string]string{"deploy": "prod-eu"},
	}
}

// Neither the key, its hash nor the other fields may reach a log line or a
// formatted string.
func TestVirtualKeyRedacts(t *testing.T) {
	secret, vk := sampleKey(t)
	forbidden := []string{
		secret.Reveal(),
		hex.EncodeToString(vk.Hash[:]),
		base64.StdEncoding.EncodeToString(vk.Hash[:]),
		fmt.Sprint(vk.Hash[:4]),
		vk.Owner, "prod-eu",
	}
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	log.Info("pointer", "key", vk)
	log.Info("value", "key", *vk)
	log.Info("any", slog.Any("key", vk))
	outputs := map[string]string{"slog": buf.String()}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		outputs["pointer "+verb] = fmt.Sprintf(verb, vk)
		outputs["value "+verb] = fmt.Sprintf(verb, *vk)
		outputs["nested "+verb] = fmt.Sprintf(verb, struct{ K *keys.VirtualKey }{vk})
	}
	for name, out := range outputs {
		for _, f := range forbidden {
			if strings.Contains(out, f) {
				t.Errorf("%s output shows a field it must hide: %s", name, out)
			}
		}
		if !strings.Contains(out, vk.ID) {
			t.Errorf("%s output lacks the key ID: %s", name, out)
		}
	}
	if want := `"key":{"id":"vk_0123456789ab","name":"web-app"}`; !strings.Contains(buf.String(), want) {
		t.Errorf("slog output = %s, want it to contain %s", buf.String(), want)
	}
}

func TestStatus(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		vk   keys.VirtualKey
		want keys.Status
	}{
		{"never-expires", keys.VirtualKey{}, keys.StatusActive},
		{"expires-later", keys.VirtualKey{Expires: now.Add(time.Nanosecond)}, keys.StatusActive},
		{"expires-now", keys.VirtualKey{Expires: now}, keys.StatusExpired},
		{"expired", keys.VirtualKey{Expires: now.Add(-time.Hour)}, keys.StatusExpired},
		{"revoked", keys.VirtualKey{Revoked: now.Add(-time.Hour)}, keys.StatusRevoked},
		{"revoked-in-the-future", keys.VirtualKey{Revoked: now.Add(time.Hour)}, keys.StatusRevoked},
		{"revoked-and-expired", keys.VirtualKey{Revoked: now, Expires: now}, keys.StatusRevoked},
		{"exposed-still-active", keys.VirtualKey{Exposed: now}, keys.StatusActive},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.vk.Status(now); got != tt.want {
				t.Errorf("Status(now) = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestPrincipal(t *testing.T) {
	_, vk := sampleKey(t)
	p := vk.Principal()
	want := &gateway.Principal{
		KeyID: vk.ID, KeyName: vk.Name, Owner: vk.Owner, Team: vk.Team,
		Models: vk.Models, Providers: vk.Providers, Policy: vk.Policy,
	}
	if d := cmp.Diff(want, p); d != "" {
		t.Errorf("Principal() mismatch (-want +got):\n%s", d)
	}
	p.Models[0] = "changed"
	if vk.Models[0] == "changed" {
		t.Error("Principal().Models shares memory with the key")
	}
}

func TestMatches(t *testing.T) {
	secret, vk := sampleKey(t)
	if !vk.Matches(keys.Hash(secret)) {
		t.Error("Matches(own hash) = false")
	}
	other := keys.Hash(gateway.NewSecret(mustGenerate(t)))
	if vk.Matches(other) {
		t.Error("Matches(other hash) = true")
	}
}

func TestClone(t *testing.T) {
	_, vk := sampleKey(t)
	c := vk.Clone()
	if d := cmp.Diff(vk, c); d != "" {
		t.Fatalf("Clone() mismatch (-want +got):\n%s", d)
	}
	c.Models[0], c.Providers[0], c.Metadata["deploy"] = "x", "x", "x"
	if vk.Models[0] == "x" || vk.Providers[0] == "x" || vk.Metadata["deploy"] == "x" {
		t.Error("Clone() shares memory with the original")
	}
}
