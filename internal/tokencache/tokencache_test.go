package tokencache

import (
	"testing"
	"time"
)

func TestCache(t *testing.T) {
	now := time.Unix(1000, 0)
	c := &Cache[int64]{Max: 3, Expired: func(exp int64, now time.Time) bool { return exp <= now.Unix() }}
	sum := func(b byte) [32]byte { return [32]byte{b} }

	c.Put(sum(1), 999, now)  // expired
	c.Put(sum(2), 2000, now) // live
	c.Put(sum(3), 2000, now)
	if v, ok := c.Get(sum(2)); !ok || v != 2000 {
		t.Fatalf("Get(2) = %d, %v", v, ok)
	}
	c.Put(sum(4), 2000, now) // full: the expired entry goes
	if _, ok := c.Get(sum(1)); ok || c.Len() != 3 {
		t.Errorf("after a put into a full cache: expired entry kept or Len %d, want 3", c.Len())
	}
	c.Put(sum(5), 2000, now) // full of live entries: all go
	if c.Len() != 1 {
		t.Errorf("Len = %d after a put into a cache full of live entries, want 1", c.Len())
	}
	c.Clear()
	if _, ok := c.Get(sum(5)); ok {
		t.Error("Get after Clear found an entry")
	}

	off := &Cache[int64]{}
	off.Put(sum(1), 2000, now)
	if _, ok := off.Get(sum(1)); ok {
		t.Error("a cache with Max 0 stored an entry")
	}
}
