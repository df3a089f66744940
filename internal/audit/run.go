package audit

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"runtime"
	"slices"
	"sync"

	"github.com/aigate-dev/aigate/secretscan"
)

// Options configure [Run]. The zero value is ready to use.
type Options struct {
	// Scanner finds secrets. Nil means secretscan.Default().
	Scanner *secretscan.Scanner
	// Workers is how many fragments are checked at once. Zero means
	// GOMAXPROCS.
	Workers int
	// Progress, if non-nil, is called from one goroutine after each
	// fragment with the running totals. It must be fast.
	Progress func(fragments int, bytes int64)
	// Reveal lists secretscan rule ids (such as "aigate-key") whose
	// secrets are kept in Result.Revealed, for a caller that acts on them
	// (aigate audit --revoke-live revokes leaked aigate keys). Empty keeps
	// none.
	Reveal []string
}

// Result is what a scan found.
type Result struct {
	Findings []Finding
	// Errors are problems with single inputs that the scan went past.
	Errors []error
	// Fragments and Bytes count what was read; Skipped counts files
	// skipped as binary or too large.
	Fragments, Skipped int
	Bytes              int64

	// Revealed maps the Fingerprint of each unsuppressed finding whose
	// rule Options.Reveal names to the secret itself. No report writes it;
	// the caller must never print or log it.
	Revealed map[string]string

	envFiles []string // working-tree secrets files seen, for RepoChecks
}

// Run checks every fragment src yields and returns the findings, sorted
// by path and position. History and staged findings are reported once per
// secret (or file), at the first commit that introduced it. Run returns an
// error only when src cannot be read at all or ctx ends.
func Run(ctx context.Context, src Source, opt Options) (*Result, error) {
	sc := opt.Scanner
	if sc == nil {
		sc = secretscan.Default()
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	type job struct {
		seq int
		f   Fragment
	}
	type out struct {
		seq int
		fs  []Finding
	}
	jobs := make(chan job, workers*2)
	outs := make(chan out, workers*2)
	var wg sync.WaitGroup
	var revealMu sync.Mutex
	revealed := map[string]string{}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := detector{sc: sc}
			if len(opt.Reveal) > 0 {
				d.reveal, d.revealed = opt.Reveal, map[string]string{}
			}
			for j := range jobs {
				fs := d.check(j.f)
				putBuf(j.f.buf)
				outs <- out{j.seq, fs}
			}
			revealMu.Lock()
			maps.Copy(revealed, d.revealed)
			revealMu.Unlock()
		}()
	}
	var collected []out
	done := make(chan struct{})
	go func() {
		for o := range outs {
			if len(o.fs) > 0 {
				collected = append(collected, o)
			}
		}
		close(done)
	}()

	res := &Result{}
	var fatal error
	seq := 0
	var envSeen []string
	for f, err := range src {
		if err != nil {
			var se *SourceError
			if errors.As(err, &se) {
				res.Errors = append(res.Errors, err)
				continue
			}
			fatal = err
			break
		}
		if ctx.Err() != nil {
			break
		}
		res.Fragments++
		res.Bytes += int64(len(f.Data))
		if f.Skipped != "" {
			res.Skipped++
		}
		if f.Commit == "" && isEnvFile(f.Path) {
			envSeen = append(envSeen, f.Path)
		}
		jobs <- job{seq, f}
		seq++
		if opt.Progress != nil {
			opt.Progress(res.Fragments, res.Bytes)
		}
	}
	close(jobs)
	wg.Wait()
	close(outs)
	<-done
	if fatal != nil {
		return nil, fatal
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res.envFiles = envSeen
	if len(opt.Reveal) > 0 {
		res.Revealed = revealed
	}

	slices.SortFunc(collected, func(a, b out) int { return a.seq - b.seq })
	seen := map[string]bool{}
	for _, o := range collected {
		for _, f := range o.fs {
			if f.Commit != "" {
				// One report per secret or file across history.
				k := f.CheckID + "\x00" + f.Fingerprint
				if seen[k] {
					continue
				}
				seen[k] = true
			}
			res.Findings = append(res.Findings, f)
		}
	}
	sortFindings(res.Findings)
	return res, nil
}

// RepoChecks adds the findings about the repository as a whole to res, a
// working-tree result for root: a .gitignore that does not cover .env
// files although the tree has some. Outside git it adds nothing.
func RepoChecks(ctx context.Context, root string, res *Result) error {
	if len(res.envFiles) == 0 {
		return nil
	}
	if _, err := gitTop(ctx, root); err != nil {
		return nil
	}
	// --no-index asks whether the rules cover the name, tracked or not.
	_, err := git(ctx, root, "check-ignore", "-q", "--no-index", ".env")
	if err == nil {
		return nil
	}
	c := checkByID(CheckGitignoreEnv)
	res.Findings = append(res.Findings, Finding{
		CheckID: c.ID, Severity: c.Severity, Path: ".gitignore",
		Fingerprint: lineFingerprint(c.ID, ".gitignore", ""),
		Message:     "no .gitignore rule covers .env (found " + res.envFiles[0] + ")",
	})
	sortFindings(res.Findings)
	return nil
}

func sortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column),
			cmp.Compare(a.CheckID, b.CheckID),
		)
	})
}
