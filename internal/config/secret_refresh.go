package config

import "time"

// SecretRefresh configures how secret references (provider keys, the admin
// credential, token signing keys, the alert webhook) are kept current while
// the gateway runs.
type SecretRefresh struct {
	// RefreshInterval is how often every reference is read again, so a key
	// rotated in Vault, AWS Secrets Manager or a mounted file is used
	// without a restart. Default 5m; 0 turns the periodic refresh off
	// (SIGHUP still re-reads everything); otherwise at least 1s.
	RefreshInterval Duration `yaml:"refresh_interval"`
	// MaxStale is how long a reference may fail to refresh, serving its
	// last good value, before /readyz answers 503. Default 1h. Until then
	// /readyz names the stale reference but stays 200: a secret manager
	// outage must not take every instance out of rotation at once while
	// the keys they hold still work.
	MaxStale Duration `yaml:"max_stale"`
}

// MinSecretRefresh is the shortest refresh interval accepted.
const MinSecretRefresh = time.Second

func defaultSecretRefresh() SecretRefresh {
	return SecretRefresh{RefreshInterval: Duration(5 * time.Minute), MaxStale: Duration(time.Hour)}
}

// validate reports problems under the field path "secrets".
func (s SecretRefresh) validate(add func(path, format string, args ...any)) {
	if s.RefreshInterval < 0 || (s.RefreshInterval > 0 && time.Duration(s.RefreshInterval) < MinSecretRefresh) {
		add("secrets.refresh_interval", "must be 0 (off) or at least %s; minutes are usual", MinSecretRefresh)
	}
	if s.MaxStale <= 0 {
		add("secrets.max_stale", "must be positive, such as 1h")
	} else if s.RefreshInterval > 0 && s.MaxStale < s.RefreshInterval {
		add("secrets.max_stale", "must be at least secrets.refresh_interval (%s)", time.Duration(s.RefreshInterval))
	}
}
