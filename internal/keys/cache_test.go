package keys_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aigate-dev/aigate/internal/keys"
	"github.com/aigate-dev/aigate/internal/store/sqlite"
)

// counting counts the ByHash calls that reach the store.
type counting struct {
	keys.Store
	n atomic.Int64
}

func (c *counting) ByHash(ctx context.Context, h [32]byte) (*keys.VirtualKey, error) {
	c.n.Add(1)
	return c.Store.ByHash(ctx, h)
}

func TestCache(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var (
		mu      sync.Mutex
		now     = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
		changes []string
	)
	store := &counting{Store: db}
	cache := &keys.Cache{Store: store, Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now }, OnChange: func(id string) { changes = append(changes, id) }}
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	svc := &keys.Service{Store: cache, Now: cache.Now}
	secret, vk, err := svc.Create(ctx, keys.CreateOptions{Name: "app"})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := keys.Parse(secret.Reveal())
	for range 5 {
		if _, err := cache.ByHash(ctx, p.Hash()); err != nil {
			t.Fatal(err)
		}
	}
	if store.n.Load() != 1 {
		t.Errorf("5 lookups within the TTL reached the store %d times, want 1", store.n.Load())
	}

	// Revoked elsewhere (straight in the store): seen once the TTL passes.
	if err := db.Revoke(ctx, vk.ID, "elsewhere", now); err != nil {
		t.Fatal(err)
	}
	advance(keys.DefaultCacheTTL - time.Millisecond)
	if got, _ := cache.ByHash(ctx, p.Hash()); got.Status(now) == keys.StatusRevoked {
		t.Error("revocation seen before the TTL: the cache is not caching")
	}
	advance(time.Millisecond)
	if got, _ := cache.ByHash(ctx, p.Hash()); got.Status(now) != keys.StatusRevoked {
		t.Errorf("a revocation made elsewhere is not seen after the TTL (%s)", keys.DefaultCacheTTL)
	}

	// Changed through the cache: at once, and announced.
	secret2, vk2, _ := svc.Create(ctx, keys.CreateOptions{Name: "app2"})
	p2, _ := keys.Parse(secret2.Reveal())
	cache.ByHash(ctx, p2.Hash())
	if err := svc.Revoke(ctx, vk2.ID, "test"); err != nil {
		t.Fatal(err)
	}
	if got, _ := cache.ByHash(ctx, p2.Hash()); got.Status(now) != keys.StatusRevoked {
		t.Error("a revocation through the cache is not seen at once")
	}
	if len(changes) != 1 || changes[0] != vk2.ID {
		t.Errorf("OnChange calls = %v, want [%s]", changes, vk2.ID)
	}

	// Unknown hashes are not cached: a key created elsewhere works at once.
	var unknown [32]byte
	if _, err := cache.ByHash(ctx, unknown); !errors.Is(err, keys.ErrNotFound) {
		t.Errorf("unknown hash: %v", err)
	}
}
