package secrets

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/aigate-dev/aigate/internal/gateway"
)

// Env reads env: references through Lookup. os.LookupEnv is one; the
// gateway passes the environment overlaid with --env-file.
type Env struct {
	Lookup func(name string) (string, bool)
}

// Read returns the variable ref.Path, trimmed.
func (e Env) Read(_ context.Context, ref Ref) (gateway.Secret, error) {
	lookup := e.Lookup
	if lookup == nil {
		lookup = os.LookupEnv
	}
	v, ok := lookup(ref.Path)
	v = strings.TrimSpace(v)
	if !ok || v == "" {
		return gateway.Secret{}, fmt.Errorf("%s is not set: export it, or pass --env-file FILE", ref.Path)
	}
	return gateway.NewSecret(v), nil
}

// File reads file: references. A file is read again on every refresh, so a
// secret mounted by Kubernetes or written by an agent is picked up when it
// changes.
type File struct {
	// ReadFile reads a file; nil means os.ReadFile.
	ReadFile func(name string) ([]byte, error)
}

// Read returns the contents of ref.Path, trimmed.
func (f File) Read(_ context.Context, ref Ref) (gateway.Secret, error) {
	read := f.ReadFile
	if read == nil {
		read = os.ReadFile
	}
	b, err := read(ref.Path)
	if err != nil {
		return gateway.Secret{}, fmt.Errorf("reading secret file: %w", err)
	}
	v := strings.TrimSpace(string(b))
	if v == "" {
		return gateway.Secret{}, fmt.Errorf("secret file %s is empty", ref.Path)
	}
	return gateway.NewSecret(v), nil
}

var (
	_ Source = Env{}
	_ Source = File{}
)
