package audit

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// mustGit runs git in dir with a fixed identity and no user config.
func mustGit(t *testing.T, dir string, args ...string) string {
	t.Helper()
	return gitB(t, dir, args...)
}

func gitB(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(),
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func mustRepo(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	mustGit(t, dir, "init", "-q", "-b", "main")
	return dir
}

func byCheck(fs []Finding) map[string][]Finding {
	m := map[string][]Finding{}
	for _, f := range fs {
		m[f.CheckID] = append(m[f.CheckID], f)
	}
	return m
}

func TestWorkTreeGit(t *testing.T) {
	dir := mustRepo(t)
	key := fakeKey(t, "openai-project-key")
	writeFile(t, dir, "app/main.py", "print('hi')\n")
	writeFile(t, dir, ".env", "OPENAI_API_KEY="+key+"\n") // not ignored
	writeFile(t, dir, "certs/server.key", "binary\x00data")
	writeFile(t, dir, "node_modules/pkg/index.js", "var k='"+key+"'\n") // ignored dir: not entered
	writeFile(t, dir, ".gitignore", "node_modules/\nlocal.cfg\n")
	writeFile(t, dir, "local.cfg", "OPENAI_API_KEY="+key+"\n") // ignored file: low severity
	mustGit(t, dir, "add", "app/main.py", ".gitignore", "certs/server.key")
	mustGit(t, dir, "commit", "-q", "-m", "init")

	res := mustRun(t, WorkTree(context.Background(), dir, Limits{}))
	if err := RepoChecks(context.Background(), dir, res); err != nil {
		t.Fatal(err)
	}
	got := byCheck(res.Findings)
	if fs := got[CheckEnvNotIgnored]; len(fs) != 1 || fs[0].Path != ".env" {
		t.Errorf("%s = %+v, want .env", CheckEnvNotIgnored, fs)
	}
	if fs := got[CheckEnvCommitted]; len(fs) != 1 || fs[0].Path != "certs/server.key" {
		t.Errorf("%s = %+v, want certs/server.key (tracked, binary)", CheckEnvCommitted, fs)
	}
	if fs := got[CheckGitignoreEnv]; len(fs) != 1 {
		t.Errorf("%s = %+v, want one", CheckGitignoreEnv, fs)
	}
	secrets := got[CheckHardcodedSecret]
	if len(secrets) != 2 {
		t.Fatalf("secrets = %+v, want .env and local.cfg", secrets)
	}
	for _, f := range secrets {
		want := SeverityHigh
		if f.Path == "local.cfg" {
			want = SeverityLow
		}
		if f.Severity != want {
			t.Errorf("%s: severity %s, want %s", f.Path, f.Severity, want)
		}
	}

	// Once .env is ignored, only the low-severity note about its content
	// remains.
	writeFile(t, dir, ".gitignore", "node_modules/\nlocal.cfg\n.env\n.env.*\n")
	res = mustRun(t, WorkTree(context.Background(), dir, Limits{}))
	RepoChecks(context.Background(), dir, res)
	got = byCheck(res.Findings)
	if len(got[CheckEnvNotIgnored]) != 0 || len(got[CheckGitignoreEnv]) != 0 {
		t.Errorf("after ignoring .env: %+v", res.Findings)
	}
	for _, f := range got[CheckHardcodedSecret] {
		if f.Severity != SeverityLow {
			t.Errorf("%s: severity %s, want low (ignored)", f.Path, f.Severity)
		}
	}
}

func TestStaged(t *testing.T) {
	dir := mustRepo(t)
	key := fakeKey(t, "groq-api-key")
	writeFile(t, dir, "a.py", "x = 1\n")
	mustGit(t, dir, "add", "a.py")
	mustGit(t, dir, "commit", "-q", "-m", "init")
	writeFile(t, dir, "a.py", "x = 1\nGROQ_API_KEY = '"+key+"'\n")
	writeFile(t, dir, "b.py", "GROQ_API_KEY = '"+key+"'\n") // not staged
	writeFile(t, dir, ".env.production", "X=1\n")
	mustGit(t, dir, "add", "a.py", ".env.production")

	res := mustRun(t, Staged(context.Background(), dir))
	got := byCheck(res.Findings)
	if fs := got[CheckHardcodedSecret]; len(fs) != 1 || fs[0].Path != "a.py" || fs[0].Line != 2 || fs[0].Commit != "staged" {
		t.Errorf("secrets = %+v, want a.py:2 staged", fs)
	}
	if fs := got[CheckEnvCommitted]; len(fs) != 1 || fs[0].Path != ".env.production" {
		t.Errorf("%s = %+v", CheckEnvCommitted, fs)
	}
}

func TestHistory(t *testing.T) {
	dir := mustRepo(t)
	key := fakeKey(t, "aigate-key")
	writeFile(t, dir, "README", "hello\n")
	mustGit(t, dir, "add", ".")
	mustGit(t, dir, "commit", "-q", "-m", "one")
	writeFile(t, dir, "cfg/app.yaml", "name: x\nkey: "+key+"\n")
	mustGit(t, dir, "add", ".")
	mustGit(t, dir, "commit", "-q", "-m", "leak")
	first := mustGit(t, dir, "rev-parse", "HEAD")
	mustGit(t, dir, "rm", "-q", "cfg/app.yaml")
	mustGit(t, dir, "commit", "-q", "-m", "remove")
	writeFile(t, dir, "other.txt", "again "+key+"\n")
	writeFile(t, dir, ".env", "A=1\n")
	writeFile(t, dir, "sub dir/.env.local", "") // empty, and a path with a space
	mustGit(t, dir, "add", ".")
	mustGit(t, dir, "commit", "-q", "-m", "leak again")

	res := mustRun(t, History(context.Background(), dir))
	got := byCheck(res.Findings)
	fs := got[CheckHardcodedSecret]
	if len(fs) != 1 {
		t.Fatalf("history secrets = %+v, want the key once", fs)
	}
	if fs[0].Commit != first || fs[0].Path != "cfg/app.yaml" || fs[0].Line != 2 {
		t.Errorf("history finding = %+v, want cfg/app.yaml:2 at %s", fs[0], first)
	}
	if fs := got[CheckEnvCommitted]; len(fs) != 2 || fs[0].Path != ".env" || fs[1].Path != "sub dir/.env.local" {
		t.Errorf("%s = %+v, want .env and sub dir/.env.local", CheckEnvCommitted, fs)
	}
}

func TestHistoryNotARepository(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	_, err := Run(context.Background(), History(context.Background(), dir), Options{})
	if !errors.Is(err, ErrNotRepository) {
		t.Fatalf("Run(History(non-repo)) error = %v, want ErrNotRepository", err)
	}
	if !strings.Contains(err.Error(), "--history") {
		t.Errorf("error %q does not name --history", err)
	}
}

func TestBadInputContinues(t *testing.T) {
	dir := t.TempDir()
	key := fakeKey(t, "xai-api-key")
	writeFile(t, dir, "good.py", "XAI_API_KEY = '"+key+"'\n")
	writeFile(t, dir, "latin1.txt", "caf\xe9 \xff\xfe XAI_API_KEY="+key+"\n")
	if err := os.Symlink(filepath.Join(dir, "missing"), filepath.Join(dir, "broken")); err != nil {
		t.Fatal(err)
	}
	unreadable := filepath.Join(dir, "secret.txt")
	writeFile(t, dir, "secret.txt", "x")
	os.Chmod(unreadable, 0)
	res := mustRun(t, WorkTree(context.Background(), dir, Limits{}))

	if len(byCheck(res.Findings)[CheckHardcodedSecret]) != 2 {
		t.Errorf("findings = %+v, want the key in good.py and latin1.txt", res.Findings)
	}
	var msgs []string
	for _, e := range res.Errors {
		msgs = append(msgs, e.Error())
	}
	joined := strings.Join(msgs, "\n")
	if !strings.Contains(joined, "broken: broken symbolic link") {
		t.Errorf("errors = %q, want the broken symlink named", joined)
	}
	if os.Geteuid() != 0 && !strings.Contains(joined, "secret.txt: permission denied") {
		t.Errorf("errors = %q, want secret.txt unreadable", joined)
	}
	if strings.Contains(joined, key) {
		t.Error("errors hold the secret")
	}
}

func TestSkipsBinaryAndHuge(t *testing.T) {
	dir := t.TempDir()
	key := fakeKey(t, "perplexity-api-key")
	writeFile(t, dir, "a.bin", "\x00\x01"+key)
	writeFile(t, dir, "big.txt", strings.Repeat("x", 2048)+key)
	res := mustRun(t, WorkTree(context.Background(), dir, Limits{MaxFileSize: 1024}))
	if len(res.Findings) != 0 || res.Skipped != 2 {
		t.Errorf("findings %+v, skipped %d; want none and 2", res.Findings, res.Skipped)
	}
}

func TestArchivesAndUTF16(t *testing.T) {
	dir := t.TempDir()
	key := fakeKey(t, "openrouter-api-key")
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	w, _ := zw.Create("conf/app.properties")
	w.Write([]byte("openrouter.key=" + key + "\n"))
	w, _ = zw.Create("bin/blob")
	w.Write([]byte("\x00\x01\x02"))
	zw.Close()
	writeFile(t, dir, "dist.zip", zb.String())

	var tb bytes.Buffer
	gz := gzip.NewWriter(&tb)
	tw := tar.NewWriter(gz)
	body := "OPENROUTER_API_KEY=" + key + "\n"
	tw.WriteHeader(&tar.Header{Name: "pkg/.env", Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg})
	tw.Write([]byte(body))
	tw.Close()
	gz.Close()
	writeFile(t, dir, "release.tar.gz", tb.String())

	u16 := []byte{0xFF, 0xFE}
	for _, r := range "KEY=" + key + "\r\n" {
		u16 = append(u16, byte(r), 0)
	}
	writeFile(t, dir, "win.txt", string(u16))
	writeFile(t, dir, "broken.zip", "PK\x03\x04 not really a zip \x00")

	res := mustRun(t, WorkTree(context.Background(), dir, Limits{}))
	paths := map[string]bool{}
	for _, f := range byCheck(res.Findings)[CheckHardcodedSecret] {
		paths[f.Path] = true
	}
	for _, want := range []string{"dist.zip!/conf/app.properties", "release.tar.gz!/pkg/.env", "win.txt"} {
		if !paths[want] {
			t.Errorf("no secret found in %s; found %v", want, paths)
		}
	}
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), "broken.zip: reading archive") {
		t.Errorf("errors = %v, want broken.zip named", res.Errors)
	}
}
