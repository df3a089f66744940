package config

import "time"

// DefaultRotateAfter is the provider key rotation age when a provider sets
// no rotate_after.
const DefaultRotateAfter = 90 * 24 * time.Hour

// KeyRotateAfter returns how old p's key may get before a rotation
// reminder: rotate_after, DefaultRotateAfter when unset, zero for never.
func (p Provider) KeyRotateAfter() time.Duration {
	if p.RotateAfter == nil {
		return DefaultRotateAfter
	}
	return time.Duration(*p.RotateAfter)
}
