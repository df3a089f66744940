package keys

import (
	"crypto/subtle"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/aigate-dev/aigate/internal/gateway"
)

// VirtualKey is an issued aigate key as the gateway stores it: its settings
// and the SHA-256 of the key, never the key itself. Zero times mean "not
// set": a zero Expires never expires, a zero Revoked is live.
//
// A VirtualKey logs and prints as its ID and name only.
type VirtualKey struct {
	ID     string // "vk_…": public, safe to log
	Name   string // what the key is for, such as "web-app"
	Owner  string
	Team   string
	Policy string // name of the policy applied to its requests; empty for the default

	// Hash is the SHA-256 of the key. Compare it with [VirtualKey.Matches],
	// which runs in constant time.
	Hash [32]byte

	Created time.Time
	Expires time.Time // zero: never

	Revoked      time.Time // zero: not revoked
	RevokeReason string

	// Exposed is when the key was seen somewhere it should not be, such as a
	// URL. An exposed key still works; its owner should rotate it.
	Exposed       time.Time
	ExposedReason string

	Models    []string // allowed model patterns ("gpt-4o-mini", "claude-*"); empty allows all
	Providers []string // allowed provider names; empty allows all
	Metadata  map[string]string
	// CORSOrigins are the browser origins whose pages may call the gateway
	// with the key or its tokens (scheme://host[:port]); empty: none.
	CORSOrigins []string

	// RotatedTo is the ID of the key that replaced this one; empty if it was
	// not rotated.
	RotatedTo string

	// Limits are the key's rate limits, budget and overrides; zero fields
	// use the configured defaults.
	Limits Limits
}

// Status is the state of a key at some instant.
type Status string

// The states of a key, in the order [VirtualKey.Status] checks them.
const (
	StatusRevoked Status = "revoked"
	StatusExpired Status = "expired"
	StatusActive  Status = "active"
)

// Status returns the state of vk at now. A revocation counts from the
// moment it is recorded, whatever its timestamp, so clock skew between
// gateway instances cannot delay it.
func (vk *VirtualKey) Status(now time.Time) Status {
	switch {
	case !vk.Revoked.IsZero():
		return StatusRevoked
	case !vk.Expires.IsZero() && !now.Before(vk.Expires):
		return StatusExpired
	default:
		return StatusActive
	}
}

// Matches reports, in constant time, whether hash is the hash of vk's key.
func (vk *VirtualKey) Matches(hash [32]byte) bool {
	return subtle.ConstantTimeCompare(vk.Hash[:], hash[:]) == 1
}

// Principal returns who a request authenticated with vk acts for. The
// slices are copies.
func (vk *VirtualKey) Principal() *gateway.Principal {
	return &gateway.Principal{
		KeyID:     vk.ID,
		KeyName:   vk.Name,
		Owner:     vk.Owner,
		Team:      vk.Team,
		Models:    slices.Clone(vk.Models),
		Providers: slices.Clone(vk.Providers),
		Policy:    vk.Policy,
		Limits:    vk.Limits.gateway(),

		CORSOrigins: slices.Clone(vk.CORSOrigins),
	}
}

// Clone returns a deep copy of vk.
func (vk *VirtualKey) Clone() *VirtualKey {
	c := *vk
	c.Models = slices.Clone(vk.Models)
	c.Providers = slices.Clone(vk.Providers)
	c.Metadata = maps.Clone(vk.Metadata)
	c.CORSOrigins = slices.Clone(vk.CORSOrigins)
	return &c
}

// LogValue logs the ID and name only.
func (vk VirtualKey) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", vk.ID), slog.String("name", vk.Name))
}

// String returns the ID and the name, so that printing a key with %v shows
// neither its hash nor its metadata.
func (vk VirtualKey) String() string {
	if vk.Name == "" {
		return vk.ID
	}
	return vk.ID + " (" + vk.Name + ")"
}

// GoString is String, so %#v hides the same fields.
func (vk VirtualKey) GoString() string { return vk.String() }

var _ slog.LogValuer = VirtualKey{}
