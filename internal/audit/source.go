package audit

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"sync"
)

// A Fragment is one piece of text to check: a file of the working tree, or
// the lines a commit (or the index) added to a file.
type Fragment struct {
	// Path is slash-separated and relative to the scanned root.
	Path string
	// Data is the text; nil when the file was skipped (see Skipped), in
	// which case only the checks about file names run.
	Data []byte
	// Skipped says why Data is nil: "binary", "too large".
	Skipped string
	// Commit is the commit that added Data (history), "staged" (index) or
	// empty (working tree).
	Commit string
	// Git reports a working-tree file listed by git (so Ignored and
	// Tracked are meaningful).
	Git bool
	// Ignored reports a working-tree file that git ignores.
	Ignored bool
	// Tracked reports a working-tree file that is in the git index.
	Tracked bool
	// buf, if non-nil, is the pooled buffer holding Data; Run returns it
	// to the pool once the fragment is checked.
	buf *[]byte

	// Lines maps line i+1 of Data to Lines[i], the line number in the file,
	// for fragments made of a diff's added lines. Nil means Data is the
	// whole file.
	Lines []int
}

// A Source yields fragments. A non-nil error concerns one input and the
// iteration continues after it (see the package doc).
type Source = iter.Seq2[Fragment, error]

// SourceError is a problem with one input: the scan goes on without it.
type SourceError struct {
	Path string
	Err  error
}

func (e *SourceError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *SourceError) Unwrap() error { return e.Err }

// ErrNotRepository is returned (wrapped) when a git mode is asked for
// outside a git repository.
var ErrNotRepository = errors.New("not a git repository")

// Limits bound what a source reads.
type Limits struct {
	// MaxFileSize skips larger files (as "too large"). Zero means 10 MiB.
	MaxFileSize int64
}

func (l Limits) maxSize() int64 {
	if l.MaxFileSize <= 0 {
		return 10 << 20
	}
	return l.MaxFileSize
}

// skipDirs are never walked outside git (inside git, .gitignore decides).
var skipDirs = map[string]bool{".git": true, "node_modules": true, "__pycache__": true, ".venv": true, "venv": true, ".tox": true}

// bundleDirs hold built client-side code: scanned even when git-ignored,
// because what is in them is deployed.
var bundleDirs = map[string]bool{"dist": true, "build": true, "out": true, ".next": true, "public": true, "static": true, "www": true}

// WorkTree yields the files under root. In a git repository it lists
// files with git (tracked and untracked, .gitignore honoured), then the
// git-ignored files themselves (marked Ignored) and ignored build-output
// directories; ignored directories such as node_modules are not entered.
// Outside git it walks the directory. Symbolic links are not followed; a
// broken one is reported.
func WorkTree(ctx context.Context, root string, lim Limits) Source {
	return func(yield func(Fragment, error) bool) {
		if top, err := gitTop(ctx, root); err == nil && top != "" {
			gitWorkTree(ctx, root, lim, yield)
			return
		}
		walk(ctx, root, "", lim, false, yield)
	}
}

func walk(ctx context.Context, root, sub string, lim Limits, inGit bool, yield func(Fragment, error) bool) bool {
	stopped := false
	err := filepath.WalkDir(filepath.Join(root, filepath.FromSlash(sub)), func(p string, d fs.DirEntry, err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if err != nil {
			if !yield(Fragment{}, &SourceError{Path: rel, Err: err}) {
				stopped = true
				return fs.SkipAll
			}
			return nil
		}
		if d.IsDir() {
			if p != root && skipDirs[d.Name()] {
				return fs.SkipDir
			}
			return nil
		}
		if !emit(root, rel, d.Type(), lim, Fragment{Git: inGit, Ignored: inGit}, yield) {
			stopped = true
			return fs.SkipAll
		}
		return nil
	})
	if err != nil && !stopped && ctx.Err() == nil {
		return yield(Fragment{}, &SourceError{Path: sub, Err: err})
	}
	return !stopped
}

var errSkip = errors.New("skip")

// emit reads one listed file and yields it (with the git state of tmpl),
// then, for an archive, the text files inside it. It returns false if
// yield asked to stop.
func emit(root, rel string, mode fs.FileMode, lim Limits, tmpl Fragment, yield func(Fragment, error) bool) bool {
	f, err := readFile(root, rel, mode, lim)
	if err == errSkip {
		return true
	}
	f.Git, f.Tracked, f.Ignored = tmpl.Git, tmpl.Tracked, tmpl.Ignored
	if !yield(f, err) {
		return false
	}
	if err == nil && f.Skipped == "binary" && isArchive(rel) {
		return archiveFragments(filepath.Join(root, filepath.FromSlash(rel)), rel, lim, tmpl, yield)
	}
	return true
}

// readFile reads root/rel into a fragment. errSkip means nothing to report
// (a valid symlink, a file deleted since it was listed).
func readFile(root, rel string, mode fs.FileMode, lim Limits) (Fragment, error) {
	f := Fragment{Path: rel}
	full := filepath.Join(root, filepath.FromSlash(rel))
	if mode&fs.ModeSymlink != 0 {
		if _, err := os.Stat(full); err != nil {
			return f, &SourceError{Path: rel, Err: fmt.Errorf("broken symbolic link")}
		}
		return f, errSkip
	}
	if !mode.IsRegular() && mode != 0 {
		return f, errSkip
	}
	fh, err := os.Open(full)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if _, lerr := os.Lstat(full); lerr == nil {
				return f, &SourceError{Path: rel, Err: fmt.Errorf("broken symbolic link")}
			}
			return f, errSkip
		}
		return f, &SourceError{Path: rel, Err: unwrapPath(err)}
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return f, &SourceError{Path: rel, Err: unwrapPath(err)}
	}
	if !st.Mode().IsRegular() {
		return f, errSkip
	}
	if st.Size() > lim.maxSize() {
		f.Skipped = "too large"
		return f, nil
	}
	buf := getBuf(int(st.Size()))
	data := (*buf)[:st.Size()]
	if _, err := io.ReadFull(fh, data); err != nil {
		putBuf(buf)
		return f, &SourceError{Path: rel, Err: unwrapPath(err)}
	}
	if u, ok := decodeUTF16(data); ok {
		putBuf(buf)
		f.Data = u
		return f, nil
	}
	if isBinary(data) {
		putBuf(buf)
		f.Skipped = "binary"
		return f, nil
	}
	f.Data, f.buf = data, buf
	return f, nil
}

// bufPool recycles file buffers up to pooledMax bytes: a tree of many small
// files otherwise spends much of its time faulting in and zeroing fresh
// memory.
var bufPool sync.Pool

const pooledMax = 1 << 20

func getBuf(n int) *[]byte {
	if n <= pooledMax {
		if b, ok := bufPool.Get().(*[]byte); ok {
			if cap(*b) >= n {
				return b
			}
		}
		b := make([]byte, pooledMax/16, max(n, pooledMax/16))
		return &b
	}
	b := make([]byte, n)
	return &b
}

func putBuf(b *[]byte) {
	if b != nil && cap(*b) <= pooledMax {
		bufPool.Put(b)
	}
}

// unwrapPath drops the *fs.PathError wrapper, whose absolute path would
// repeat the relative one SourceError already names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// isBinary reports a NUL byte in the first 8000 bytes, as git does.
func isBinary(data []byte) bool {
	return bytes.IndexByte(data[:min(len(data), 8000)], 0) >= 0
}

func gitTop(ctx context.Context, root string) (string, error) {
	out, err := git(ctx, root, "rev-parse", "--show-toplevel")
	return strings.TrimSpace(string(out)), err
}

// git runs a git command in dir and returns its output.
func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir, "-c", "core.quotepath=off"}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if strings.Contains(msg, "not a git repository") {
			return nil, fmt.Errorf("%s: %w", dir, ErrNotRepository)
		}
		if msg == "" {
			return nil, fmt.Errorf("git %s: %w", args[0], err)
		}
		return nil, fmt.Errorf("git %s: %s", args[0], firstLine(msg))
	}
	return out, nil
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

func splitZ(b []byte) []string {
	var out []string
	for _, s := range bytes.Split(b, []byte{0}) {
		if len(s) > 0 {
			out = append(out, string(s))
		}
	}
	return out
}

func gitWorkTree(ctx context.Context, root string, lim Limits, yield func(Fragment, error) bool) {
	// Paths are relative to root (git -C root prints them so).
	tracked, err := git(ctx, root, "ls-files", "-z", "--cached")
	if err != nil {
		yield(Fragment{}, err)
		return
	}
	isTracked := map[string]bool{}
	for _, p := range splitZ(tracked) {
		isTracked[p] = true
	}
	listed, err := git(ctx, root, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--deduplicate")
	if err != nil {
		yield(Fragment{}, err)
		return
	}
	for _, rel := range splitZ(listed) {
		if ctx.Err() != nil {
			return
		}
		st, err := os.Lstat(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			continue // deleted in the working tree
		}
		if st.IsDir() {
			continue // a submodule
		}
		if !emit(root, rel, st.Mode().Type(), lim, Fragment{Git: true, Tracked: isTracked[rel]}, yield) {
			return
		}
	}
	ignored, err := git(ctx, root, "ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory")
	if err != nil {
		yield(Fragment{}, err)
		return
	}
	for _, rel := range splitZ(ignored) {
		if ctx.Err() != nil {
			return
		}
		if strings.HasSuffix(rel, "/") {
			dir := strings.TrimSuffix(rel, "/")
			if !isBundleDir(dir) {
				continue
			}
			if !walk(ctx, root, dir, lim, true, yield) {
				return
			}
			continue
		}
		st, err := os.Lstat(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			continue
		}
		if !emit(root, rel, st.Mode().Type(), lim, Fragment{Git: true, Ignored: true}, yield) {
			return
		}
	}
}

// isBundleDir reports a directory of built client-side code.
func isBundleDir(dir string) bool {
	for _, part := range strings.Split(dir, "/") {
		if bundleDirs[part] {
			return true
		}
	}
	return false
}

// Staged yields the lines added in the git index of the repository at
// root, for a pre-commit hook. Each fragment's Commit is "staged".
func Staged(ctx context.Context, root string) Source {
	return func(yield func(Fragment, error) bool) {
		if _, err := gitTop(ctx, root); err != nil {
			yield(Fragment{}, fmt.Errorf("--staged: %w", err))
			return
		}
		cmd := exec.CommandContext(ctx, "git", "-C", root, "-c", "core.quotepath=off", "diff", "--cached", "--relative",
			"-U0", "--no-color", "--no-ext-diff", "--no-renames", "--diff-filter=ACM", "--src-prefix=a/", "--dst-prefix=b/")
		runDiff(cmd, "staged", yield)
	}
}

// History yields, for every commit reachable from HEAD, oldest first, the
// lines it added (merge commits add nothing of their own). Each fragment's
// Commit is the full commit hash.
func History(ctx context.Context, root string) Source {
	return func(yield func(Fragment, error) bool) {
		if _, err := gitTop(ctx, root); err != nil {
			yield(Fragment{}, fmt.Errorf("--history: %w", err))
			return
		}
		if _, err := git(ctx, root, "rev-parse", "--verify", "-q", "HEAD"); err != nil {
			return // an empty repository has no history
		}
		cmd := exec.CommandContext(ctx, "git", "-C", root, "-c", "core.quotepath=off", "log", "-p", "--reverse", "--relative",
			"-U0", "--no-color", "--no-ext-diff", "--no-renames", "--diff-filter=ACM", "--format=commit %H",
			"--src-prefix=a/", "--dst-prefix=b/", "HEAD")
		runDiff(cmd, "", yield)
	}
}

// runDiff runs a git diff/log -p command and yields one fragment per file
// per commit holding the added lines.
func runDiff(cmd *exec.Cmd, commit string, yield func(Fragment, error) bool) {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		yield(Fragment{}, err)
		return
	}
	if err := cmd.Start(); err != nil {
		yield(Fragment{}, fmt.Errorf("git: %w", err))
		return
	}
	stopped := !parseDiff(out, commit, yield)
	if stopped {
		cmd.Process.Kill()
	}
	err = cmd.Wait()
	if err != nil && !stopped && cmd.ProcessState != nil && !cmd.ProcessState.Success() {
		yield(Fragment{}, fmt.Errorf("git: %s", firstLine(strings.TrimSpace(stderr.String()))))
	}
}

// parseDiff reads unified diff text (-U0) and yields the added lines of
// each file. It returns false if yield asked to stop.
func parseDiff(r io.Reader, commit string, yield func(Fragment, error) bool) bool {
	br := bufio.NewReaderSize(r, 1<<20)
	var cur *Fragment
	var buf bytes.Buffer
	next := 0 // line number of the next added line
	binary := false
	flush := func() bool {
		if cur == nil {
			return true
		}
		f := *cur
		cur = nil
		if binary {
			f.Skipped = "binary"
		} else if buf.Len() > 0 {
			f.Data = bytes.Clone(buf.Bytes())
		} else if !isSecretsFile(f.Path) {
			return true // nothing added (an empty file, a mode change)
		}
		buf.Reset()
		return yield(f, nil)
	}
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 {
			switch {
			case bytes.HasPrefix(line, []byte("commit ")) && len(line) >= 47:
				if !flush() {
					return false
				}
				commit = string(bytes.TrimSpace(line[7:]))
			case bytes.HasPrefix(line, []byte("diff --git ")):
				if !flush() {
					return false
				}
				cur = &Fragment{Commit: commit, Lines: []int{}, Path: diffHeaderPath(line)}
				binary = false
			case cur == nil:
			case bytes.HasPrefix(line, []byte("+++ ")):
				// git ends the name with a tab when it holds a space.
				p := strings.TrimRight(string(line[4:]), "\n\t")
				p = unquoteGitPath(p)
				cur.Path = strings.TrimPrefix(p, "b/")
			case bytes.HasPrefix(line, []byte("Binary files ")):
				binary = true
				if cur.Path == "" {
					if i := bytes.LastIndex(line, []byte(" b/")); i >= 0 {
						cur.Path = strings.TrimSuffix(string(line[i+3:]), " differ\n")
					}
				}
			case bytes.HasPrefix(line, []byte("@@ ")):
				next = hunkStart(line)
			case line[0] == '+':
				buf.Write(line[1:])
				if line[len(line)-1] != '\n' {
					buf.WriteByte('\n')
				}
				cur.Lines = append(cur.Lines, next)
				next++
			}
		}
		if err != nil {
			return flush()
		}
	}
}

// diffHeaderPath reads the path from "diff --git a/P b/P", for diffs that
// have no "+++" line (an empty new file). Without renames both halves are
// the same path, which settles where a path with spaces splits.
func diffHeaderPath(line []byte) string {
	s := strings.TrimRight(string(line[len("diff --git "):]), "\n")
	if strings.HasPrefix(s, `"`) {
		if i := strings.LastIndex(s, ` "`); i > 0 {
			return strings.TrimPrefix(unquoteGitPath(s[i+1:]), "b/")
		}
		return ""
	}
	n := (len(s) - 5) / 2
	if n <= 0 || !strings.HasPrefix(s, "a/") {
		return ""
	}
	return s[2 : 2+n]
}

// hunkStart reads the new-file start line of "@@ -a,b +c,d @@".
func hunkStart(line []byte) int {
	i := bytes.Index(line, []byte(" +"))
	if i < 0 {
		return 1
	}
	n := 0
	for _, c := range line[i+2:] {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// unquoteGitPath undoes git's C-style quoting of unusual paths.
func unquoteGitPath(p string) string {
	if len(p) < 2 || p[0] != '"' {
		return p
	}
	var sb strings.Builder
	s := p[1 : len(p)-1]
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			sb.WriteByte(s[i])
			continue
		}
		i++
		switch c := s[i]; {
		case c >= '0' && c <= '7' && i+2 < len(s):
			sb.WriteByte((c-'0')<<6 | (s[i+1]-'0')<<3 | (s[i+2] - '0'))
			i += 2
		case c == 'n':
			sb.WriteByte('\n')
		case c == 't':
			sb.WriteByte('\t')
		default:
			sb.WriteByte(c)
		}
	}
	return sb.String()
}

// base returns the last element of a slash path.
func base(p string) string { return path.Base(p) }
