package keys

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// DefaultCacheTTL is how long a [Cache] reuses a key it read: the bound on
// how late a change made elsewhere (another instance, `aigate keys` on the
// command line) is seen when no notification arrives.
const DefaultCacheTTL = time.Second

// Cache is a [Store] (and [Updater]) that answers ByHash, the lookup of
// every authenticated request, from memory for up to TTL after reading it
// from Store. Unknown hashes are not cached, so a new key works at once.
//
// Changes made through the Cache drop the key from it at once and are
// announced through OnChange, which the gateway publishes to its other
// instances (Redis pub/sub); an instance that hears of a change calls
// Forget. Whatever is missed, TTL bounds: a revoked key is refused by
// every instance within TTL.
//
// The zero Cache is not usable; set Store. Fields are not changed after
// first use.
type Cache struct {
	Store Store
	// TTL bounds how long a key read is reused; zero means DefaultCacheTTL.
	TTL time.Duration
	// OnChange is called with a key's ID after a change to it through the
	// Cache is stored; nil: nobody is told.
	OnChange func(id string)
	// Now returns the current time; nil means time.Now.
	Now func() time.Time

	mu     sync.RWMutex
	byHash map[[32]byte]cached
}

type cached struct {
	vk *VirtualKey
	at time.Time
}

// maxCached bounds the entries; at the bound the cache starts over.
const maxCached = 100_000

func (c *Cache) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Cache) ttl() time.Duration {
	if c.TTL > 0 {
		return c.TTL
	}
	return DefaultCacheTTL
}

// ByHash implements [Store]: from memory when read less than TTL ago.
func (c *Cache) ByHash(ctx context.Context, hash [32]byte) (*VirtualKey, error) {
	now := c.now()
	c.mu.RLock()
	e, ok := c.byHash[hash]
	c.mu.RUnlock()
	if ok && now.Sub(e.at) < c.ttl() && now.Sub(e.at) >= 0 {
		return e.vk.Clone(), nil
	}
	vk, err := c.Store.ByHash(ctx, hash)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.byHash == nil || len(c.byHash) >= maxCached {
		c.byHash = make(map[[32]byte]cached)
	}
	c.byHash[hash] = cached{vk: vk.Clone(), at: now}
	c.mu.Unlock()
	return vk, nil
}

// Forget drops the key with id from the cache, so the next request reads
// it from the store.
func (c *Cache) Forget(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for h, e := range c.byHash {
		if e.vk.ID == id {
			delete(c.byHash, h)
		}
	}
}

// Purge empties the cache: for when notifications may have been missed.
func (c *Cache) Purge() {
	c.mu.Lock()
	c.byHash = nil
	c.mu.Unlock()
}

// changed forgets id and announces the change.
func (c *Cache) changed(id string) {
	c.Forget(id)
	if c.OnChange != nil {
		c.OnChange(id)
	}
}

// Create implements [Store].
func (c *Cache) Create(ctx context.Context, vk *VirtualKey) error { return c.Store.Create(ctx, vk) }

// ByID implements [Store]; it is not cached.
func (c *Cache) ByID(ctx context.Context, id string) (*VirtualKey, error) {
	return c.Store.ByID(ctx, id)
}

// List implements [Store].
func (c *Cache) List(ctx context.Context) ([]*VirtualKey, error) { return c.Store.List(ctx) }

// Revoke implements [Store].
func (c *Cache) Revoke(ctx context.Context, id, reason string, at time.Time) error {
	if err := c.Store.Revoke(ctx, id, reason, at); err != nil {
		return err
	}
	c.changed(id)
	return nil
}

// MarkExposed implements [Store].
func (c *Cache) MarkExposed(ctx context.Context, id, reason string, at time.Time) error {
	if err := c.Store.MarkExposed(ctx, id, reason, at); err != nil {
		return err
	}
	c.changed(id)
	return nil
}

// SetExpiry implements [Store].
func (c *Cache) SetExpiry(ctx context.Context, id string, expires time.Time) error {
	if err := c.Store.SetExpiry(ctx, id, expires); err != nil {
		return err
	}
	c.changed(id)
	return nil
}

// Rotate implements [Store].
func (c *Cache) Rotate(ctx context.Context, oldID string, next *VirtualKey, oldExpires time.Time) error {
	if err := c.Store.Rotate(ctx, oldID, next, oldExpires); err != nil {
		return err
	}
	c.changed(oldID)
	return nil
}

// Update implements [Updater] when Store does.
func (c *Cache) Update(ctx context.Context, vk *VirtualKey) error {
	up, ok := c.Store.(Updater)
	if !ok {
		return fmt.Errorf("update key %s: %w: this store cannot update keys", vk.ID, ErrConflict)
	}
	if err := up.Update(ctx, vk); err != nil {
		return err
	}
	c.changed(vk.ID)
	return nil
}

var (
	_ Store   = (*Cache)(nil)
	_ Updater = (*Cache)(nil)
)
