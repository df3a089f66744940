// Package tokencache remembers bearer tokens that have verified, so the next
// request with the same token skips the signature check. Entries are keyed
// by the SHA-256 of the whole token, so the cache never holds a usable
// token.
package tokencache

import (
	"sync"
	"time"
)

// Cache maps token hashes to what their verification found. It is bounded:
// when full it drops the expired entries, and everything if that is not
// enough, which costs one signature check per live token afterwards. The
// zero value is off; set Max and Expired before use. It is safe for
// concurrent use.
type Cache[V any] struct {
	Max     int                           // entries at most; zero or less: off
	Expired func(v V, now time.Time) bool // whether v may be dropped at now

	mu sync.RWMutex // protects m
	m  map[[32]byte]V
}

// Get returns the entry for the token whose SHA-256 is sum.
func (c *Cache[V]) Get(sum [32]byte) (v V, ok bool) {
	if c.Max <= 0 {
		return v, false
	}
	c.mu.RLock()
	v, ok = c.m[sum]
	c.mu.RUnlock()
	return v, ok
}

// Put stores v for the token whose SHA-256 is sum.
func (c *Cache[V]) Put(sum [32]byte, v V, now time.Time) {
	if c.Max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[[32]byte]V{}
	}
	if len(c.m) >= c.Max {
		for k, old := range c.m {
			if c.Expired(old, now) {
				delete(c.m, k)
			}
		}
		if len(c.m) >= c.Max {
			clear(c.m)
		}
	}
	c.m[sum] = v
}

// Len returns the number of entries.
func (c *Cache[V]) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}

// Clear drops every entry.
func (c *Cache[V]) Clear() {
	c.mu.Lock()
	clear(c.m)
	c.mu.Unlock()
}
