package keys

import (
	"context"
	"errors"
	"time"
)

// Errors a [Store] returns, to be tested with errors.Is. Implementations wrap
// them with the operation and the key ID, never with key material.
var (
	// ErrNotFound: no key has the given ID or hash.
	ErrNotFound = errors.New("aigate key not found")
	// ErrConflict: the change contradicts what is stored, such as a duplicate
	// ID or hash, or rotating a key that is revoked or already rotated.
	ErrConflict = errors.New("aigate key conflict")
)

// Store persists virtual keys. It is the contract that every database
// package implements and that storetest.RunKeys checks.
//
// A Store is safe for concurrent use, by several gateway instances sharing
// a database too. Keys passed in are not retained and keys returned belong
// to the caller. Times are stored to at least microsecond precision; a zero
// time stays zero. Errors other than [ErrNotFound] and [ErrConflict] mean the
// store could not answer (the database is down, the context ended) and must
// be treated as a refusal by security checks.
type Store interface {
	// Create stores a new key. It returns ErrConflict if a key with the same
	// ID or hash exists.
	Create(ctx context.Context, vk *VirtualKey) error

	// ByHash returns the key whose hash is hash, revoked and expired keys
	// included. It returns ErrNotFound if there is none.
	ByHash(ctx context.Context, hash [32]byte) (*VirtualKey, error)

	// ByID returns the key with the given ID, revoked and expired keys
	// included. It returns ErrNotFound if there is none.
	ByID(ctx context.Context, id string) (*VirtualKey, error)

	// List returns every key, revoked and expired ones included, oldest
	// first (by Created, then ID). An empty store returns an empty list.
	List(ctx context.Context) ([]*VirtualKey, error)

	// Revoke records that the key was revoked at the given time, for the
	// given reason. Revoking a revoked key keeps the first revocation and
	// returns nil. It returns ErrNotFound if there is no such key.
	Revoke(ctx context.Context, id, reason string, at time.Time) error

	// MarkExposed records that the key was exposed at the given time, for
	// the given reason. Marking an exposed key again keeps the first time and
	// reason and returns nil. It returns ErrNotFound if there is no such key.
	MarkExposed(ctx context.Context, id, reason string, at time.Time) error

	// SetExpiry sets when the key expires; the zero time means never. It
	// returns ErrNotFound if there is no such key.
	SetExpiry(ctx context.Context, id string, expires time.Time) error

	// Rotate replaces the key oldID with next, atomically: it creates next,
	// sets the old key's expiry to oldExpires and its RotatedTo to next.ID,
	// or does nothing at all. It returns ErrNotFound if there is no key
	// oldID, and ErrConflict if next's ID or hash is taken or the old key is
	// revoked or already rotated, so two concurrent rotations of one key
	// cannot both succeed.
	Rotate(ctx context.Context, oldID string, next *VirtualKey, oldExpires time.Time) error
}
