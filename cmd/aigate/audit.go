package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/aigate-dev/aigate/internal/audit"
)

const auditUsage = `Usage: aigate audit [flags] [PATH]

Scans the repository or directory at PATH (default .) for hard-coded keys,
secrets files that are not git-ignored, keys in URLs, keys shipped to
browsers, keys and prompts written to logs, user input concatenated into
prompts, and AI SDK clients built with a literal key.

With --revoke-live --admin-url URL, every aigate key found (recognised by
its checksum, so look-alikes are never sent) is revoked through that
gateway's admin API, and each is listed by id, name and where it was found,
never the key. The admin credential comes from --admin-key, a secret
reference (default env:AIGATE_ADMIN_KEY), never from the command line.

Exit status: 0 clean, 1 findings at or above --fail-on, 2 error (a failed
revocation included).

Flags:
`

// runAudit is "aigate audit".
func runAudit(ctx context.Context, args []string, io stdio) error {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	fs.SetOutput(io.err)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), auditUsage)
		fs.PrintDefaults()
	}
	history := fs.Bool("history", false, "scan every commit reachable from HEAD (each secret reported once, at its first commit)")
	staged := fs.Bool("staged", false, "scan only what is staged (for a pre-commit hook)")
	format := fs.String("format", "text", "report format: text, json or sarif")
	failOn := fs.String("fail-on", "low", "exit 1 when a finding is at or above this severity: low, medium or high")
	baseline := fs.String("baseline", "", "ignore the findings accepted in this baseline `file`")
	writeBaseline := fs.String("write-baseline", "", "write the current findings to this baseline `file` and exit 0")
	revokeLive := fs.Bool("revoke-live", false, "revoke the aigate keys found through the admin API at --admin-url")
	adminURL := fs.String("admin-url", "", "the gateway's base `URL` for --revoke-live (https, or http for localhost)")
	adminKey := fs.String("admin-key", "env:AIGATE_ADMIN_KEY", "secret `reference` to the admin credential for --revoke-live (env:NAME, file:/path, aws-sm:…, vault:…)")
	// Flags may come before or after PATH.
	var paths []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil
			}
			return &exitError{code: 2}
		}
		if fs.NArg() == 0 {
			break
		}
		paths = append(paths, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(paths) > 1 {
		return usageError("audit: more than one PATH")
	}
	root := "."
	if len(paths) == 1 {
		root = paths[0]
	}
	if *history && *staged {
		return usageError("audit: --history and --staged cannot be combined")
	}
	threshold, err := audit.ParseSeverity(*failOn)
	if err != nil {
		return usageError("audit: --fail-on: " + err.Error())
	}
	switch *format {
	case "text", "json", "sarif":
	default:
		return usageError(fmt.Sprintf("audit: --format %q: want text, json or sarif", *format))
	}
	var rv *revoker
	switch {
	case *revokeLive && *writeBaseline != "":
		return usageError("audit: --revoke-live and --write-baseline cannot be combined")
	case *revokeLive:
		if rv, err = newRevoker(*adminURL, *adminKey); err != nil {
			return err
		}
	case *adminURL != "":
		return usageError("audit: --admin-url is for --revoke-live")
	}
	if st, err := os.Stat(root); err != nil {
		return &exitError{code: 2, msg: "audit: " + err.Error()}
	} else if !st.IsDir() {
		return &exitError{code: 2, msg: "audit: " + root + ": not a directory"}
	}

	var accepted *audit.Baseline
	if *baseline != "" {
		f, err := os.Open(*baseline)
		if err != nil {
			return &exitError{code: 2, msg: "audit: " + err.Error()}
		}
		accepted, err = audit.ReadBaseline(f)
		f.Close()
		if err != nil {
			return &exitError{code: 2, msg: "audit: " + *baseline + ": " + err.Error()}
		}
	}

	var src audit.Source
	switch {
	case *history:
		src = audit.History(ctx, root)
	case *staged:
		src = audit.Staged(ctx, root)
	default:
		src = audit.WorkTree(ctx, root, audit.Limits{})
	}
	prog := newProgress(io.err)
	opts := audit.Options{Progress: prog.update}
	if rv != nil {
		opts.Reveal = []string{aigateKeyRule}
	}
	res, err := audit.Run(ctx, src, opts)
	prog.done()
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return err
		}
		return &exitError{code: 2, msg: "audit: " + err.Error()}
	}
	if !*history && !*staged {
		if err := audit.RepoChecks(ctx, root, res); err != nil {
			return &exitError{code: 2, msg: "audit: " + err.Error()}
		}
	}

	if *writeBaseline != "" {
		if err := writeFileAtomic(*writeBaseline, func(w *os.File) error { return audit.NewBaseline(res.Findings).Write(w) }); err != nil {
			return &exitError{code: 2, msg: "audit: " + err.Error()}
		}
		fmt.Fprintf(io.err, "aigate audit: wrote %d findings to %s\n", len(res.Findings), *writeBaseline)
		return nil
	}
	if accepted != nil {
		res.Findings = accepted.Filter(res.Findings)
	}

	switch *format {
	case "json":
		err = audit.JSON(io.out, res)
	case "sarif":
		err = audit.SARIF(io.out, res, audit.SARIFOptions{})
		for _, e := range res.Errors {
			fmt.Fprintln(io.err, "aigate audit: warning:", e)
		}
	default:
		err = audit.Text(io.out, res, audit.TextOptions{Color: isTerminal(io.out)})
	}
	if err != nil {
		return &exitError{code: 2, msg: "audit: writing report: " + err.Error()}
	}
	if rv != nil {
		w := io.out
		if *format != "text" {
			w = io.err // keep the JSON or SARIF report parseable
		}
		if failed := rv.revokeAll(ctx, w, leakedKeys(res)); failed > 0 {
			return &exitError{code: 2, msg: fmt.Sprintf("audit: %d of the aigate keys found could not be revoked (see above); fix the cause and run again, or revoke them with aigate keys", failed)}
		}
	}
	for _, f := range res.Findings {
		if f.Severity >= threshold {
			return &exitError{code: 1}
		}
	}
	return nil
}

// writeFileAtomic writes name through a temporary file in the same
// directory, so a failed write leaves the old file in place.
func writeFileAtomic(name string, write func(*os.File) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), ".aigate-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progress draws one status line on a terminal during long scans; on
// anything else it is silent.
type progress struct {
	w     io.Writer
	on    bool
	start time.Time
	last  time.Time
	drawn bool
}

func newProgress(w io.Writer) *progress {
	return &progress{w: w, on: isTerminal(w), start: time.Now()}
}

func (p *progress) update(files int, bytes int64) {
	if !p.on {
		return
	}
	now := time.Now()
	if now.Sub(p.start) < time.Second || now.Sub(p.last) < 200*time.Millisecond {
		return
	}
	p.last, p.drawn = now, true
	fmt.Fprintf(p.w, "\r\x1b[2Kscanning: %d files, %.1f MiB", files, float64(bytes)/(1<<20))
}

func (p *progress) done() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[2K")
	}
}
