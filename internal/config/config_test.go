package config

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/internal/provider"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestLoadGolden loads each testdata/load/*.yaml and compares the outcome
// (validation errors, or "ok") with the .golden file beside it.
func TestLoadGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/load/*.yaml")
	if len(files) == 0 {
		t.Fatal("no testdata")
	}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".yaml")
		t.Run(name, func(t *testing.T) {
			f, err := Load(path, noEnv)
			if err == nil {
				err = f.Validate()
			}
			got := "ok\n"
			if err != nil {
				got = err.Error() + "\n"
			}
			golden := strings.TrimSuffix(path, ".yaml") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("missing golden file (run go test -update): %v", err)
			}
			if got != string(want) {
				t.Errorf("Load(%s) =\n%s\nwant\n%s", path, got, want)
			}
		})
	}
}

func TestLiteralSecretNeverEchoed(t *testing.T) {
	_, err := Load("testdata/load/literal_key.yaml", noEnv)
	if err == nil {
		t.Fatal("a literal api_key was accepted")
	}
	if strings.Contains(err.Error(), "pasted-key") {
		t.Errorf("error repeats the secret: %v", err)
	}
	if !strings.Contains(err.Error(), "literal_key.yaml:5") {
		t.Errorf("error does not name the file and line: %v", err)
	}
}

func TestBuild(t *testing.T) {
	f, err := Load("testdata/load/valid.yaml", noEnv)
	if err != nil {
		t.Fatal(err)
	}
	env := mapEnv{"OPENAI_API_KEY": "test-openai-key", "AIGATE_ADMIN_KEY": "0123456789abcdef0123"}
	rt, err := f.Build(Resolver{Env: env.lookup})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	if got := rt.Keys["openai"].Reveal(); got != "test-openai-key" {
		t.Errorf("openai key = %q", got)
	}
	if _, ok := rt.Keys["local"]; ok {
		t.Error("a provider with auth none got a key")
	}
	local := rt.Upstreams[1]
	if local.BaseURL.String() != "http://127.0.0.1:11434" || local.Auth != provider.AuthNone {
		t.Errorf("local upstream = %s %s, want the /v1 suffix dropped and auth none", local.BaseURL, local.Auth)
	}
	if rt.Upstreams[0].BaseURL.String() != "https://api.openai.com" || rt.Upstreams[0].Auth != provider.AuthBearer {
		t.Errorf("openai defaults = %s %s", rt.Upstreams[0].BaseURL, rt.Upstreams[0].Auth)
	}
	if f.Validation.MaxBodyBytes != 512<<10 || f.Providers[0].KeyRotateAfter() != 90*24*time.Hour {
		t.Errorf("units: max_body_bytes=%d rotate_after=%v", f.Validation.MaxBodyBytes, f.Providers[0].KeyRotateAfter())
	}
	if rt.AdminKey.IsZero() {
		t.Error("admin key not resolved")
	}

	_, err = f.Build(Resolver{Env: mapEnv{}.lookup})
	if err == nil || !strings.Contains(err.Error(), "OPENAI_API_KEY is not set") {
		t.Errorf("Build without the key = %v, want an error naming OPENAI_API_KEY", err)
	}
}

func TestResolveFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(path, []byte("  file-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Resolver{Env: noEnv}.Resolve("file:" + path)
	if err != nil || s.Reveal() != "file-secret" {
		t.Errorf("Resolve(file:) = %v, %v; want the trimmed contents", s, err)
	}
	if _, err := (Resolver{Env: noEnv}).Resolve("file:" + path + ".missing"); err == nil {
		t.Error("Resolve of a missing file succeeded")
	}
}

func TestFromEnv(t *testing.T) {
	env := mapEnv{
		"ANTHROPIC_API_KEY":  "k",
		"ANTHROPIC_BASE_URL": "http://127.0.0.1:9999",
		"AIGATE_LISTEN":      "127.0.0.1:7000",
	}
	f := FromEnv(env.lookup)
	if len(f.Providers) != 1 || f.Providers[0].Name != "anthropic" || f.Providers[0].BaseURL != "http://127.0.0.1:9999" {
		t.Fatalf("providers = %+v, want only anthropic with its base URL", f.Providers)
	}
	if f.Listen != "127.0.0.1:7000" {
		t.Errorf("listen = %q", f.Listen)
	}
	if err := f.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestParseEnvFile(t *testing.T) {
	vars, err := ParseEnvFile(strings.NewReader("# c\n\nexport A=1\nB = \"two words\"\nC='x'\n"))
	if err != nil {
		t.Fatal(err)
	}
	if vars["A"] != "1" || vars["B"] != "two words" || vars["C"] != "x" {
		t.Errorf("vars = %v", vars)
	}
	if _, err := ParseEnvFile(strings.NewReader("ok=1\nnot a pair\n")); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("bad line: err = %v, want one naming line 2", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, p := range []string{"testdata/load/valid.yaml", "testdata/load/invalid_values.yaml"} {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("fuzz.yaml", data)
		if err == nil {
			_ = cfg.Validate()
		}
	})
}

type mapEnv map[string]string

func (m mapEnv) lookup(k string) (string, bool) { v, ok := m[k]; return v, ok }

func noEnv(string) (string, bool) { return "", false }
