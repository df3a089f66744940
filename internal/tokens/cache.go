package tokens

import (
	"sync"
	"time"
)

// verified is a token whose signature has verified.
type verified struct {
	claims Claims
	kid    string // the key that signed it
}

// cache remembers verified tokens by the SHA-256 of the whole token, so it
// never holds a usable token. It is bounded: when full it drops the expired
// entries, and everything if that is not enough, which costs one signature
// check per live token afterwards.
type cache struct {
	max int // zero or less: off

	mu sync.RWMutex // protects m
	m  map[[32]byte]*verified
}

func (c *cache) get(sum [32]byte) (*verified, bool) {
	if c.max <= 0 {
		return nil, false
	}
	c.mu.RLock()
	v, ok := c.m[sum]
	c.mu.RUnlock()
	return v, ok
}

func (c *cache) put(sum [32]byte, v *verified, now time.Time) {
	if c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[[32]byte]*verified{}
	}
	if len(c.m) >= c.max {
		t := now.Unix()
		for k, e := range c.m {
			if e.claims.Expires <= t {
				delete(c.m, k)
			}
		}
		if len(c.m) >= c.max {
			clear(c.m)
		}
	}
	c.m[sum] = v
}

func (c *cache) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}
