package secretscan_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencies keeps secretscan usable as a library: standard library
// only, and nothing that talks to the network.
func TestDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{.Standard}}", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		dep, std, _ := strings.Cut(line, " ")
		switch {
		case dep == "github.com/aigate-dev/aigate/secretscan":
		case dep == "net/http", dep == "net", dep == "os/exec":
			t.Errorf("secretscan depends on %s", dep)
		case std != "true":
			t.Errorf("secretscan depends on non-stdlib package %s", dep)
		}
	}
}
