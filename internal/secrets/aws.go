package secrets

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/aigate-dev/aigate/internal/gateway"
)

// SecretsManagerAPI is the one AWS Secrets Manager call [AWS] makes;
// *secretsmanager.Client implements it.
type SecretsManagerAPI interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// AWS reads aws-sm: references from AWS Secrets Manager, taking the current
// version (AWSCURRENT) of each secret. Credentials come from the standard
// chain: environment, shared config and credentials files (AWS_PROFILE),
// web identity, ECS and EC2 instance roles. The client is built on the first
// read, so a configuration without aws-sm: references never touches AWS
// configuration. A secret named by ARN is read in the ARN's region.
//
// Use a pointer; the zero value is ready to use.
type AWS struct {
	// Region is the default region; empty means the chain's (AWS_REGION,
	// the profile's region).
	Region string
	// Endpoint overrides the service endpoint, such as a VPC endpoint or a
	// test server; empty means AWS's.
	Endpoint string
	// MaxAttempts caps the attempts per read, retries included; zero means
	// the SDK's default (3).
	MaxAttempts int
	// Client, if set, is used instead of a client built from the chain, and
	// Region, Endpoint and MaxAttempts are ignored.
	Client SecretsManagerAPI

	once   sync.Once
	client SecretsManagerAPI
	err    error
}

func (a *AWS) api(ctx context.Context) (SecretsManagerAPI, error) {
	if a.Client != nil {
		return a.Client, nil
	}
	a.once.Do(func() {
		var opts []func(*awsconfig.LoadOptions) error
		if a.Region != "" {
			opts = append(opts, awsconfig.WithRegion(a.Region))
		}
		if a.MaxAttempts > 0 {
			opts = append(opts, awsconfig.WithRetryMaxAttempts(a.MaxAttempts))
		}
		// The context only bounds loading; credentials are fetched later
		// with each call's context.
		cfg, err := awsconfig.LoadDefaultConfig(context.WithoutCancel(ctx), opts...)
		if err != nil {
			a.err = fmt.Errorf("aws: loading configuration: %w", err)
			return
		}
		a.client = secretsmanager.NewFromConfig(cfg, func(o *secretsmanager.Options) {
			if a.Endpoint != "" {
				o.BaseEndpoint = aws.String(a.Endpoint)
			}
		})
	})
	return a.client, a.err
}

// Read returns the secret ref.Path, or its field ref.Field.
func (a *AWS) Read(ctx context.Context, ref Ref) (gateway.Secret, error) {
	api, err := a.api(ctx)
	if err != nil {
		return gateway.Secret{}, err
	}
	var opts []func(*secretsmanager.Options)
	if region := arnRegion(ref.Path); region != "" && a.Client == nil {
		opts = append(opts, func(o *secretsmanager.Options) { o.Region = region })
	}
	out, err := api.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(ref.Path)}, opts...)
	if err != nil {
		return gateway.Secret{}, fmt.Errorf("aws secrets manager: %w", err)
	}
	var raw string
	switch {
	case out.SecretString != nil:
		raw = *out.SecretString
	case out.SecretBinary != nil:
		raw = string(out.SecretBinary)
	default:
		return gateway.Secret{}, errors.New("aws secrets manager: the secret has no value")
	}
	if ref.Field == "" {
		return gateway.NewSecret(strings.TrimSpace(raw)), nil
	}
	return jsonField([]byte(raw), ref.Field)
}

// arnRegion returns the region of a Secrets Manager ARN
// (arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME), or "".
func arnRegion(s string) string {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" || parts[2] != "secretsmanager" {
		return ""
	}
	return parts[3]
}

var _ Source = (*AWS)(nil)
