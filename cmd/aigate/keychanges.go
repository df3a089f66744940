package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/aigate-dev/aigate/internal/keys"
)

// keyChanges tells the other instances sharing a Redis about key changes
// (revocations, rotations, exposures, new limits) made on this one, so
// they drop the key from their cache at once instead of within the cache's
// TTL. Messages carry key IDs only, which are not secret.
//
// Delivery is best effort, as Redis pub/sub is: a message published while
// an instance is disconnected is lost to it. So every (re)subscription
// purges the cache, and the cache's TTL (one second) bounds the rest.
type keyChanges struct {
	ps   *goredis.PubSub
	wg   sync.WaitGroup
	stop context.CancelFunc
}

// shareKeyChanges publishes cache's changes on channel and forgets the keys
// other instances announce there.
func shareKeyChanges(client *goredis.Client, channel string, cache *keys.Cache, log *slog.Logger) *keyChanges {
	ctx, cancel := context.WithCancel(context.Background())
	kc := &keyChanges{ps: client.Subscribe(ctx, channel), stop: cancel}
	cache.OnChange = func(id string) {
		pctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if err := client.Publish(pctx, channel, id).Err(); err != nil {
			log.Warn("could not announce a key change to the other instances; they see it within the cache TTL",
				"key_id", id, "ttl", keys.DefaultCacheTTL.String(), "error", err)
		}
	}
	kc.wg.Add(1)
	go func() {
		defer kc.wg.Done()
		for {
			msg, err := kc.ps.Receive(ctx)
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				// go-redis reconnects and resubscribes on the next
				// Receive; wait a little so a dead Redis is not spun on.
				select {
				case <-ctx.Done():
					return
				case <-time.After(200 * time.Millisecond):
				}
				continue
			}
			switch m := msg.(type) {
			case *goredis.Subscription:
				// (Re)subscribed: anything published meanwhile is lost.
				cache.Purge()
			case *goredis.Message:
				cache.Forget(m.Payload)
			}
		}
	}()
	return kc
}

func (kc *keyChanges) close() {
	kc.stop()
	_ = kc.ps.Close()
	kc.wg.Wait()
}

// keyChangePublisher returns a function that announces a key change made
// by a command (aigate keys revoke …) to the gateways sharing redisURL, and
// a function that closes its connection. A failure is reported on errOut:
// the gateways then see the change within the cache's TTL anyway.
func keyChangePublisher(redisURL, channel string, errOut io.Writer) (publish func(id string), closeFn func()) {
	opts, err := goredis.ParseURL(redisURL)
	if err != nil {
		fmt.Fprintf(errOut, "aigate: redis: %v; running gateways see the change within %s\n", err, keys.DefaultCacheTTL)
		return func(string) {}, func() {}
	}
	client := goredis.NewClient(opts)
	return func(id string) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := client.Publish(ctx, channel, id).Err(); err != nil {
			fmt.Fprintf(errOut, "aigate: could not announce the change through redis (%v); running gateways see it within %s\n", err, keys.DefaultCacheTTL)
		}
	}, func() { client.Close() }
}
