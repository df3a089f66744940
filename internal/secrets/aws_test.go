package secrets

import (
	"context"
	"os"
	"testing"
)

func TestAWS(t *testing.T) {
	f, srv := startFakeSecretsManager(t)
	key := "k-" + mustRandomHex(t, 8)
	f.Set("prod/openai", "  "+key+"\n")
	f.Set("prod/llm", `{"openai":"`+key+`","n":3}`)
	f.Set("prod/text", "not json")
	f.Set("arn:aws:secretsmanager:eu-west-1:000000000000:secret:prod/eu-AbCdEf", `{"k":"`+key+`"}`)
	a := &AWS{Endpoint: srv.URL, MaxAttempts: 1}

	tests := []struct {
		name    string
		ref     string
		wantErr string // empty: want key
	}{
		{"whole-secret-trimmed", "aws-sm:prod/openai", ""},
		{"json-field", "aws-sm:prod/llm#openai", ""},
		{"arn", "aws-sm:arn:aws:secretsmanager:eu-west-1:000000000000:secret:prod/eu-AbCdEf#k", ""},
		{"not-found", "aws-sm:prod/missing", "ResourceNotFoundException"},
		{"missing-field", "aws-sm:prod/llm#anthropic", `no field "anthropic"`},
		{"field-not-string", "aws-sm:prod/llm#n", `field "n" of the secret is not a string`},
		{"not-json", "aws-sm:prod/text#k", "not a JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ref, err := Parse(tt.ref)
			if err != nil {
				t.Fatal(err)
			}
			s, err := a.Read(context.Background(), ref)
			if tt.wantErr != "" {
				if err == nil || !contains(err.Error(), tt.wantErr) {
					t.Fatalf("Read(%s) = %v, want an error containing %q", tt.ref, err, tt.wantErr)
				}
				if contains(err.Error(), key) {
					t.Errorf("Read(%s) error quotes the secret", tt.ref)
				}
				return
			}
			if err != nil {
				t.Fatalf("Read(%s): %v", tt.ref, err)
			}
			if s.Reveal() != key {
				t.Errorf("Read(%s) = %q, want the stored key", tt.ref, s.Reveal())
			}
		})
	}
	t.Run("arn-signed-for-its-region", func(t *testing.T) {
		regions := f.Regions()
		if got := regions[2]; got != "eu-west-1" {
			t.Errorf("the ARN read was signed for %q, want eu-west-1", got)
		}
		if got := regions[0]; got != "us-east-1" {
			t.Errorf("a name read was signed for %q, want AWS_REGION us-east-1", got)
		}
	})
}

func TestAWSWrongCredentials(t *testing.T) {
	f, srv := startFakeSecretsManager(t)
	f.Set("prod/openai", "x")
	f.ExpectBadSignatures()
	t.Setenv("AWS_SECRET_ACCESS_KEY", mustRandomHex(t, 20)) // not the fake's
	a := &AWS{Endpoint: srv.URL, MaxAttempts: 1}
	_, err := a.Read(context.Background(), Ref{Scheme: SchemeAWS, Path: "prod/openai"})
	if err == nil || !contains(err.Error(), "InvalidSignatureException") {
		t.Fatalf("Read with a wrong secret access key = %v, want InvalidSignatureException", err)
	}
	if len(f.SignatureErrors()) == 0 {
		t.Error("the fake accepted a signature made with the wrong key")
	}
	if contains(err.Error(), os.Getenv("AWS_SECRET_ACCESS_KEY")) {
		t.Error("the error quotes the secret access key")
	}
}

func TestARNRegion(t *testing.T) {
	for in, want := range map[string]string{
		"arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf": "eu-west-1",
		"arn:aws-cn:secretsmanager:cn-north-1:1:secret:x":               "cn-north-1",
		"arn:aws:s3:::bucket": "",
		"prod/openai":         "",
	} {
		if got := arnRegion(in); got != want {
			t.Errorf("arnRegion(%q) = %q, want %q", in, got, want)
		}
	}
}
