package jwtauth

import (
	"sync"
	"time"
)

// entry is a token whose signature and claims have verified.
type entry struct {
	id  Identity
	kid string // the key that signed it
}

// cache remembers verified tokens by the SHA-256 of the whole token, so it
// never holds a usable token. It is bounded: when full it drops the expired
// entries, and everything if that is not enough.
type cache struct {
	max int // zero or less: off

	mu sync.RWMutex // protects m
	m  map[[32]byte]*entry
}

func (c *cache) get(sum [32]byte) (*entry, bool) {
	if c.max <= 0 {
		return nil, false
	}
	c.mu.RLock()
	e, ok := c.m[sum]
	c.mu.RUnlock()
	return e, ok
}

func (c *cache) put(sum [32]byte, e *entry, now time.Time) {
	if c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[[32]byte]*entry{}
	}
	if len(c.m) >= c.max {
		for k, old := range c.m {
			if !now.Before(old.id.Expires) {
				delete(c.m, k)
			}
		}
		if len(c.m) >= c.max {
			clear(c.m)
		}
	}
	c.m[sum] = e
}
