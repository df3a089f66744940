package audit

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// BenchmarkWorkTree scans a large real tree: $AIGATE_AUDIT_BENCH_DIR, or
// the Go standard library's source. Throughput is in MB/s of file content.
func BenchmarkWorkTree(b *testing.B) {
	dir := os.Getenv("AIGATE_AUDIT_BENCH_DIR")
	if dir == "" {
		dir = filepath.Join(runtime.GOROOT(), "src")
	}
	if _, err := os.Stat(dir); err != nil {
		b.Skip(err)
	}
	ctx := context.Background()
	res, err := Run(ctx, WorkTree(ctx, dir, Limits{}), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(res.Bytes)
	b.ReportMetric(float64(res.Fragments), "files")
	b.ResetTimer()
	for b.Loop() {
		if _, err := Run(ctx, WorkTree(ctx, dir, Limits{}), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHistory measures --history per commit on a generated repository
// of 200 commits, each adding a 4 KB source file.
func BenchmarkHistory(b *testing.B) {
	dir := b.TempDir()
	gitB(b, dir, "init", "-q", "-b", "main")
	const commits = 200
	for i := range commits {
		body := fmt.Sprintf("package p%d\n\n", i)
		for j := range 80 {
			body += fmt.Sprintf("func f%d_%d(x int) int { return x*%d + %d }\n", i, j, i, j)
		}
		writeFile(b, dir, fmt.Sprintf("p%d/p.go", i), body)
		gitB(b, dir, "add", ".")
		gitB(b, dir, "commit", "-q", "-m", fmt.Sprint("c", i))
	}
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Run(ctx, History(ctx, dir), Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/commits, "µs/commit")
}
