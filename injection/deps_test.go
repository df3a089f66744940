package injection

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImports keeps the detector embeddable: no net/http, and nothing of
// aigate's outside this package's own tree.
func TestImports(t *testing.T) {
	const self = "github.com/aigate-dev/aigate/injection"
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (path == "train" || path == "testdata") {
			return filepath.SkipDir // the training command may import what it likes
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(p, "net/http") {
				t.Errorf("%s imports %s", path, p)
			}
			if strings.HasPrefix(p, "github.com/aigate-dev/aigate") && !strings.HasPrefix(p, self) {
				t.Errorf("%s imports %s", path, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestEmbeddedModel(t *testing.T) {
	m, err := embedded()
	if err != nil {
		t.Fatal(err)
	}
	if m.Scale <= 0 {
		t.Errorf("embedded model scale = %v, want > 0", m.Scale)
	}
	if len(modelBin) > 2<<20 {
		t.Errorf("model.bin is %d bytes, want at most 2 MiB", len(modelBin))
	}
}

func TestHeldOutIsStable(t *testing.T) {
	// FNV-1a 64 modulo 5; changing it would silently mix training and
	// held-out rows.
	for id, want := range map[string]bool{"": false, "a": false, "deepset-0001": HeldOut("deepset-0001")} {
		if got := HeldOut(id); got != want {
			t.Errorf("HeldOut(%q) = %v, want %v", id, got, want)
		}
	}
	n := 0
	for i := range 1000 {
		if HeldOut(strconv.Itoa(i)) {
			n++
		}
	}
	if n < 150 || n > 250 {
		t.Errorf("HeldOut held out %d of 1000 ids, want about 200", n)
	}
}
