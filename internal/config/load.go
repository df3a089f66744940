package config

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Env looks up an environment variable. os.LookupEnv is one; tests and
// --env-file pass others.
type Env func(name string) (string, bool)

// referenceSchemes are the secret reference forms a secret field accepts;
// aws-sm: and vault: are read by internal/secrets.
var referenceSchemes = []string{"env:", "file:", "aws-sm:", "vault:"}

// secretFields are the keys whose values are secrets and must be references.
var secretFields = map[string]bool{"api_key": true, "admin_key": true, "alert_webhook": true}

// IsReference reports whether s is a secret reference (env:NAME, file:/path,
// aws-sm:NAME[#field], vault:PATH#FIELD). The part after the scheme is
// checked when the reference is resolved.
func IsReference(s string) bool {
	for _, p := range referenceSchemes {
		if rest, ok := strings.CutPrefix(s, p); ok && rest != "" {
			return true
		}
	}
	return false
}

// Load reads the YAML file at path over [Default], then applies the AIGATE_*
// environment overrides. Unknown fields and literal secrets are errors that
// name the file and line. The result is not yet validated.
func Load(path string, env Env) (File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return File{}, fmt.Errorf("config: %w", err)
	}
	f, err := Parse(path, data)
	if err != nil {
		return File{}, err
	}
	applyEnv(&f, env)
	return f, nil
}

// Parse decodes YAML config data; name is used in error messages.
func Parse(name string, data []byte) (File, error) {
	f := Default()
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return File{}, fmt.Errorf("%s: %w", name, err)
	}
	if err := checkLiteralSecrets(name, &root, ""); err != nil {
		return File{}, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return f, nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return File{}, fmt.Errorf("%s: %w", name, err)
	}
	return f, nil
}

// checkLiteralSecrets refuses a secret field whose value is not a reference,
// naming the file and line but never the value.
func checkLiteralSecrets(name string, n *yaml.Node, path string) error {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if err := checkLiteralSecrets(name, c, path); err != nil {
				return err
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if err := checkLiteralSecrets(name, c, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := k.Value
			if path != "" {
				p = path + "." + k.Value
			}
			if secretFields[k.Value] && v.Kind == yaml.ScalarNode && v.Value != "" && !IsReference(v.Value) {
				hint := "OPENAI_API_KEY"
				if k.Value == "admin_key" {
					hint = "AIGATE_ADMIN_KEY"
				}
				if k.Value == "alert_webhook" {
					hint = "AIGATE_ALERT_WEBHOOK"
				}
				return fmt.Errorf("%s:%d: %s holds a literal secret, and secrets must not be written in config files: "+
					"remove it (and rotate it if this file was ever shared or committed), put it in an environment variable, "+
					"and write %s: env:%s (or file:/path/to/secret)", name, v.Line, p, k.Value, hint)
			}
			if err := checkLiteralSecrets(name, v, p); err != nil {
				return err
			}
		}
	}
	return nil
}

// FromEnv builds a configuration from the environment alone: each of
// OPENAI_API_KEY, ANTHROPIC_API_KEY and GEMINI_API_KEY that is set
// configures that provider (with OPENAI_BASE_URL and the like when set), and
// the AIGATE_* overrides apply.
func FromEnv(env Env) File {
	f := Default()
	for _, p := range []struct{ name, prefix string }{
		{"openai", "OPENAI"}, {"anthropic", "ANTHROPIC"}, {"gemini", "GEMINI"},
	} {
		if _, ok := env(p.prefix + "_API_KEY"); !ok {
			continue
		}
		base, _ := env(p.prefix + "_BASE_URL")
		f.Providers = append(f.Providers, Provider{
			Name: p.name, Type: p.name, APIKey: "env:" + p.prefix + "_API_KEY", BaseURL: base,
		})
	}
	if _, ok := env("AIGATE_ADMIN_KEY"); ok {
		f.AdminKey = "env:AIGATE_ADMIN_KEY"
	}
	applyEnv(&f, env)
	return f
}

// applyEnv applies AIGATE_LISTEN, AIGATE_DATABASE, AIGATE_REDIS and
// AIGATE_LOG_LEVEL over f.
func applyEnv(f *File, env Env) {
	for name, field := range map[string]*string{
		"AIGATE_LISTEN":    &f.Listen,
		"AIGATE_DATABASE":  &f.Database,
		"AIGATE_REDIS":     &f.Redis,
		"AIGATE_LOG_LEVEL": &f.Log.Level,
	} {
		if v, ok := env(name); ok && v != "" {
			*field = v
		}
	}
}

// ParseEnvFile reads KEY=VALUE lines (a .env file): blank lines and # comments
// are skipped, "export " is allowed, and matching single or double quotes
// around a value are removed. Errors name the line, never its value.
func ParseEnvFile(r io.Reader) (map[string]string, error) {
	vars := map[string]string{}
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		s = strings.TrimPrefix(s, "export ")
		k, v, ok := strings.Cut(s, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" || strings.ContainsAny(k, " \t") {
			return nil, fmt.Errorf("line %d: want KEY=VALUE", line)
		}
		v = strings.TrimSpace(v)
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		vars[k] = v
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return vars, nil
}

// Overlay returns an Env that looks in vars first, then in base.
func Overlay(vars map[string]string, base Env) Env {
	return func(name string) (string, bool) {
		if v, ok := vars[name]; ok {
			return v, true
		}
		return base(name)
	}
}
