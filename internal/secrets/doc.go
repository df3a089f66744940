// Package secrets resolves secret references — env:NAME, file:/path,
// aws-sm:NAME[#field] and vault:PATH#FIELD — into [gateway.Secret] values,
// and keeps them current while the gateway runs.
//
// # References
//
//	env:OPENAI_API_KEY               an environment variable
//	file:/run/secrets/openai         a file's contents, surrounding space trimmed
//	aws-sm:prod/openai               an AWS Secrets Manager secret (SecretString, or SecretBinary)
//	aws-sm:prod/llm#openai           one string field of a secret holding a JSON object
//	aws-sm:arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/llm-AbCdEf#openai
//	vault:secret/aigate/llm#openai   a field of a HashiCorp Vault KV v2 secret
//
// [Parse] checks the syntax; a [Source] per scheme fetches the value. A Vault
// path starts with the KV v2 mount ("secret" above), and the API path
// ("secret/data/aigate/llm") is accepted too: a second segment "data" is
// taken as already naming it. Write the API path when the mount's own name
// holds a slash.
//
// # Refreshing
//
// A [Manager] resolves each reference once when it is added, which is where a
// missing or unreadable secret is a startup error. After that
// [Manager.Refresh] (on SIGHUP) and [Manager.Run] (every Interval) fetch every
// value again, so a rotated provider key is picked up without a restart. A
// [Value] is read lock-free with [Value.Load] on the request path.
//
// A failed refresh keeps the last good value: the gateway goes on serving
// with the old key rather than with none. The failure is logged, passed to
// the OnRefresh hook (for a metric), and reported by [Manager.Err] and
// [Manager.Status] until a later refresh of that reference succeeds, so
// /readyz can say that a secret is stale.
//
// Errors name the reference and the operation, never a value, and no
// response body that could hold one is ever quoted.
package secrets
