package conventions

import (
	"encoding/json"
	"go/parser"
	"go/token"
	"io"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/aigate-dev/aigate"

type pkg struct {
	ImportPath string
	Dir        string
	GoFiles    []string
	Imports    []string
	Deps       []string
}

// mustList runs go list over the module.
func mustList(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-e", "-json", module+"/...")
	cmd.Dir = ".."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var ps []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	return ps
}

func TestEveryPackageHasOneDoc(t *testing.T) {
	for _, p := range mustList(t) {
		docs := 0
		for _, f := range p.GoFiles {
			file, err := parser.ParseFile(token.NewFileSet(), filepath.Join(p.Dir, f), nil, parser.PackageClauseOnly|parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			if file.Doc != nil {
				docs++
			}
		}
		if docs != 1 {
			t.Errorf("%s has %d package comments, want exactly 1", p.ImportPath, docs)
		}
	}
}

func TestDependencyDirection(t *testing.T) {
	public := []string{"secretscan", "pii", "injection", "ratelimit"}
	for _, p := range mustList(t) {
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		top := strings.Split(rel, "/")[0]
		switch {
		case slices.Contains(public, top) && !strings.Contains(rel, "test"):
			for _, d := range p.Deps {
				if strings.HasPrefix(d, module+"/internal") {
					t.Errorf("public package %s depends on %s", rel, d)
				}
			}
			if rel == top && slices.Contains(p.Deps, "net/http") {
				t.Errorf("public package %s depends on net/http", rel)
			}
		case rel == "internal/gateway":
			for _, d := range p.Deps {
				if strings.HasPrefix(d, module+"/") {
					t.Errorf("internal/gateway depends on %s; the domain must depend on nothing of ours", d)
				}
			}
		case rel == "cmd/aigate":
			if slices.Contains(p.Deps, "testing") {
				t.Error("the aigate binary links the testing package")
			}
		}
	}
}
