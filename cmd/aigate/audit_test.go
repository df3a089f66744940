package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aigate-dev/aigate/secretscan"
)

// runAuditCmd runs "aigate audit args..." and returns stdout, stderr and
// the exit code main would use.
func runAuditCmd(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	err := runAudit(context.Background(), args, stdio{in: strings.NewReader(""), out: &out, err: &errb})
	code = exitCode(err, &errb)
	return out.String(), errb.String(), code
}

func mustAuditFile(t *testing.T, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func auditFakeKey(t *testing.T) string {
	t.Helper()
	r, _ := secretscan.Default().Rule("anthropic-api-key")
	return r.Example(rand.New(rand.NewPCG(1, 1)))
}

func TestAuditExitCodes(t *testing.T) {
	clean := t.TempDir()
	mustAuditFile(t, clean, "main.py", "import os\nkey = os.environ['ANTHROPIC_API_KEY']\n")

	leaky := t.TempDir()
	key := auditFakeKey(t)
	mustAuditFile(t, leaky, "config.py", "ANTHROPIC_API_KEY = '"+key+"'\n")

	medium := t.TempDir()
	mustAuditFile(t, medium, "bot.py", "system_prompt = f\"Be nice. The user said: {user_input}\"\n")

	for _, tt := range []struct {
		name     string
		args     []string
		code     int
		inOut    string
		inStderr string
	}{
		{"clean", []string{clean}, 0, "clean: no findings", ""},
		{"findings", []string{leaky}, 1, "hardcoded-secret", ""},
		{"flags-after-path", []string{leaky, "--fail-on", "high"}, 1, "sk-ant…", ""},
		{"below-threshold", []string{"--fail-on", "high", medium}, 0, "user-input-in-prompt", ""},
		{"at-threshold", []string{"--fail-on=medium", medium}, 1, "user-input-in-prompt", ""},
		{"bad-format", []string{"--format", "xml", clean}, 2, "", "want text, json or sarif"},
		{"bad-fail-on", []string{"--fail-on", "critical", clean}, 2, "", "unknown severity"},
		{"history-and-staged", []string{"--history", "--staged", clean}, 2, "", "cannot be combined"},
		{"history-not-repo", []string{"--history", clean}, 2, "", "not a git repository"},
		{"missing-path", []string{filepath.Join(clean, "nope")}, 2, "", "no such file"},
		{"two-paths", []string{clean, leaky}, 2, "", "more than one PATH"},
		{"bad-flag", []string{"--nope"}, 2, "", "flag provided but not defined"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runAuditCmd(t, tt.args...)
			if code != tt.code {
				t.Errorf("audit %v: exit %d, want %d\nstdout: %s\nstderr: %s", tt.args, code, tt.code, out, errOut)
			}
			if !strings.Contains(out, tt.inOut) {
				t.Errorf("audit %v: stdout %q does not contain %q", tt.args, out, tt.inOut)
			}
			if !strings.Contains(errOut, tt.inStderr) {
				t.Errorf("audit %v: stderr %q does not contain %q", tt.args, errOut, tt.inStderr)
			}
			if strings.Contains(out+errOut, key) {
				t.Errorf("audit %v: output holds the secret", tt.args)
			}
			if strings.Contains(out, "\x1b[") {
				t.Errorf("audit %v: colour on a non-terminal", tt.args)
			}
		})
	}
}

func TestAuditFormats(t *testing.T) {
	dir := t.TempDir()
	mustAuditFile(t, dir, "config.py", "ANTHROPIC_API_KEY = '"+auditFakeKey(t)+"'\n")
	out, _, code := runAuditCmd(t, "--format", "json", dir)
	var rep struct {
		Findings []struct{ Check, Path, Rule string } `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 1 {
		t.Fatalf("json: exit %d, %v\n%s", code, err, out)
	}
	if len(rep.Findings) != 1 || rep.Findings[0].Rule != "anthropic-api-key" || rep.Findings[0].Path != "config.py" {
		t.Errorf("json findings = %+v", rep.Findings)
	}
	out, _, _ = runAuditCmd(t, "--format", "sarif", dir)
	var log struct{ Version string }
	if err := json.Unmarshal([]byte(out), &log); err != nil || log.Version != "2.1.0" {
		t.Errorf("sarif: %v, version %q", err, log.Version)
	}
}

func TestAuditBaseline(t *testing.T) {
	dir := t.TempDir()
	mustAuditFile(t, dir, "config.py", "ANTHROPIC_API_KEY = '"+auditFakeKey(t)+"'\n")
	bl := filepath.Join(t.TempDir(), "baseline.json")
	if _, errOut, code := runAuditCmd(t, "--write-baseline", bl, dir); code != 0 || !strings.Contains(errOut, "wrote 1 findings") {
		t.Fatalf("--write-baseline: exit %d, stderr %q", code, errOut)
	}
	if out, _, code := runAuditCmd(t, "--baseline", bl, dir); code != 0 {
		t.Errorf("--baseline: exit %d, want 0\n%s", code, out)
	}
	// A new finding still fails.
	mustAuditFile(t, dir, "more.py", "print(f'key {api_key}')\n")
	if _, _, code := runAuditCmd(t, "--baseline", bl, dir); code != 1 {
		t.Errorf("--baseline with a new finding: exit %d, want 1", code)
	}
	if _, errOut, code := runAuditCmd(t, "--baseline", filepath.Join(dir, "config.py"), dir); code != 2 || !strings.Contains(errOut, "baseline") {
		t.Errorf("--baseline bad file: exit %d, stderr %q", code, errOut)
	}
}
