package secrets

import (
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Ref
	}{
		{"env", "env:OPENAI_API_KEY", Ref{Scheme: SchemeEnv, Path: "OPENAI_API_KEY"}},
		{"file", "file:/run/secrets/a#b", Ref{Scheme: SchemeFile, Path: "/run/secrets/a#b"}},
		{"aws-whole", "aws-sm:prod/openai", Ref{Scheme: SchemeAWS, Path: "prod/openai"}},
		{"aws-field", "aws-sm:prod/llm#openai", Ref{Scheme: SchemeAWS, Path: "prod/llm", Field: "openai"}},
		{"aws-arn", "aws-sm:arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/llm-AbCdEf#k",
			Ref{Scheme: SchemeAWS, Path: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/llm-AbCdEf", Field: "k"}},
		{"vault", "vault:secret/aigate/llm#openai", Ref{Scheme: SchemeVault, Path: "secret/aigate/llm", Field: "openai"}},
		{"vault-slashes-trimmed", "vault:/secret/aigate/#openai", Ref{Scheme: SchemeVault, Path: "secret/aigate", Field: "openai"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("Parse(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			if tt.name != "vault-slashes-trimmed" && got.String() != tt.in {
				t.Errorf("Parse(%q).String() = %q, want it unchanged", tt.in, got.String())
			}
		})
	}
}

func TestParseRefuses(t *testing.T) {
	tests := []struct{ name, in string }{
		{"literal", "sk-not-a-reference"},
		{"unknown-scheme", "gcp-sm:projects/x"},
		{"empty-env", "env:"},
		{"empty-file", "file:"},
		{"aws-empty-name", "aws-sm:#field"},
		{"aws-empty-field", "aws-sm:name#"},
		{"vault-no-field", "vault:secret/aigate"},
		{"vault-no-mount", "vault:aigate#key"},
		{"vault-dotdot", "vault:secret/../sys/raw#key"},
		{"vault-query", "vault:secret/x?version=1#key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.in)
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("Parse(%q) = %v, want ErrSyntax", tt.in, err)
			}
		})
	}
	t.Run("literal-not-quoted", func(t *testing.T) {
		const lit = "sk-proj-abcdef0123456789"
		if _, err := Parse(lit); err == nil || contains(err.Error(), lit) {
			t.Errorf("Parse(literal) = %v, want an error that does not quote it", err)
		}
	})
}

func TestIsReference(t *testing.T) {
	for in, want := range map[string]bool{
		"env:X": true, "file:/x": true, "aws-sm:x": true, "vault:a/b#c": true,
		"env:": false, "sk-123": false, "": false, "vault": false,
	} {
		if got := IsReference(in); got != want {
			t.Errorf("IsReference(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestKVDataPath(t *testing.T) {
	for in, want := range map[string]string{
		"secret/aigate/llm":      "secret/data/aigate/llm",
		"secret/data/aigate/llm": "secret/data/aigate/llm",
		"kv/x":                   "kv/data/x",
	} {
		if got := kvDataPath(in); got != want {
			t.Errorf("kvDataPath(%q) = %q, want %q", in, got, want)
		}
	}
}
