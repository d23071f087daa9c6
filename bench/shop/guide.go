// Package shop holds the guide's flash-sale reservation (Scenario 1,
// reserveInventory) ported faithfully to Go, as the baseline of the shop's
// benchmarks, and the benchmarks.
//
// The guide takes a Redlock on lock:inventory:<id> (TTL 5000 ms), GETs the
// stock, falls back to the database when the key is missing, throws
// "Insufficient inventory" when too little is left, SETs the new stock,
// queues an asynchronous database update without waiting for it, and
// releases the lock. That is four round trips with the lock held and a
// retry loop around it, and it is only correct while the lock holder
// finishes within the lock's TTL: a holder that stalls past it (a GC pause,
// a slow network, a paused VM) writes a stock it read before another buyer
// took the lock and sold from the same units — the oversell that
// TestGuideOversellsWhenTheLockExpires shows. The queued update is not
// durable either: a process that dies after the SET loses it.
//
// The lock is go-redsync/redsync (the Redlock algorithm, on the same single
// Redis the guide's redlock client talks to), configured with node-redlock's
// defaults: 10 retries, 200 ms apart with ±100 ms of jitter.
package shop

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/go-redsync/redsync/v4"
	rsrueidis "github.com/go-redsync/redsync/v4/redis/rueidis"
	"github.com/redis/rueidis"
	"github.com/redis/rueidis/rueidiscompat"
)

// Errors of Guide.Reserve.
var (
	// ErrInsufficient is the guide's Error('Insufficient inventory').
	ErrInsufficient = errors.New("insufficient inventory")
	// ErrLockFailed: the lock could not be had within the tries.
	ErrLockFailed = errors.New("could not acquire the lock")
	// ErrReleaseFailed: the lock had expired (or been taken by another
	// buyer) when it was released; the units were taken all the same.
	ErrReleaseFailed = errors.New("could not release the lock")
)

// GuideUpdate is the guide's queue.inventoryUpdate job.
type GuideUpdate struct {
	ProductID string
	Quantity  int64 // negative: units taken
}

// Guide is the guide's reserveInventory with its Redlock client.
type Guide struct {
	c      rueidis.Client
	rs     *redsync.Redsync
	prefix string

	// LockTTL is the lock's time to live (the guide's 5000 ms).
	LockTTL time.Duration
	// Tries is the number of attempts to take the lock (node-redlock's
	// retryCount 10: 11 attempts).
	Tries int
	// RetryDelay and RetryJitter space the attempts (node-redlock: 200 ms
	// ± 100 ms).
	RetryDelay, RetryJitter time.Duration
	// DBInventory is the guide's getDbInventory, read when the stock key is
	// missing. Nil: the stock is 0.
	DBInventory func(ctx context.Context, productID string) (int64, error)
	// Queue is the guide's queue.inventoryUpdate.add: called without
	// waiting for it (fire and forget), as the guide does. Nil: dropped.
	Queue func(GuideUpdate)

	// afterRead runs between the GET and the SET (tests use it to stall
	// the lock holder).
	afterRead func()
}

// NewGuide returns the guide's reservation on c, its keys under prefix.
func NewGuide(c rueidis.Client, prefix string) *Guide {
	return &Guide{
		c:           c,
		rs:          redsync.New(rsrueidis.NewPool(rueidiscompat.NewAdapter(c))),
		prefix:      prefix,
		LockTTL:     5000 * time.Millisecond,
		Tries:       11,
		RetryDelay:  200 * time.Millisecond,
		RetryJitter: 100 * time.Millisecond,
	}
}

// SetStock writes a product's stock key (the guide's inventory:<id>).
func (g *Guide) SetStock(ctx context.Context, productID string, units int64) error {
	return g.c.Do(ctx, g.c.B().Set().Key(g.prefix+"inventory:"+productID).Value(strconv.FormatInt(units, 10)).Build()).Error()
}

// Stock reads a product's stock key.
func (g *Guide) Stock(ctx context.Context, productID string) (int64, error) {
	return g.c.Do(ctx, g.c.B().Get().Key(g.prefix+"inventory:"+productID).Build()).AsInt64()
}

// Reserve is the guide's reserveInventory(productId, quantity): nil when
// the units were taken, ErrInsufficient when too few are left,
// ErrLockFailed when the lock could not be had, and ErrReleaseFailed when
// the lock had expired by the time it was released (node-redlock's release
// throws then; the units were taken all the same).
func (g *Guide) Reserve(ctx context.Context, productID string, quantity int64) (err error) {
	lockKey := g.prefix + "lock:inventory:" + productID
	inventoryKey := g.prefix + "inventory:" + productID

	lock := g.rs.NewMutex(lockKey, redsync.WithExpiry(g.LockTTL), redsync.WithTries(g.Tries),
		redsync.WithRetryDelayFunc(func(int) time.Duration {
			j := time.Duration(0)
			if g.RetryJitter > 0 {
				j = time.Duration(rand.Int64N(int64(2*g.RetryJitter))) - g.RetryJitter
			}
			return max(0, g.RetryDelay+j)
		}),
		// node-redlock puts no deadline of its own on an attempt; redsync's
		// default is 5% of the TTL, which a loaded machine misses.
		redsync.WithTimeoutFactor(1))
	if err := lock.LockContext(ctx); err != nil {
		return fmt.Errorf("%w: %w", ErrLockFailed, err)
	}
	defer func() {
		if _, rerr := lock.UnlockContext(ctx); rerr != nil && err == nil {
			err = fmt.Errorf("%w: %w", ErrReleaseFailed, rerr)
		}
	}()

	var available int64
	current, err := g.c.Do(ctx, g.c.B().Get().Key(inventoryKey).Build()).ToString()
	switch {
	case rueidis.IsRedisNil(err):
		if g.DBInventory != nil {
			if available, err = g.DBInventory(ctx, productID); err != nil {
				return err
			}
		}
	case err != nil:
		return err
	default:
		if available, err = strconv.ParseInt(current, 10, 64); err != nil {
			return err
		}
	}
	if g.afterRead != nil {
		g.afterRead()
	}
	if available < quantity {
		return ErrInsufficient
	}
	if err := g.c.Do(ctx, g.c.B().Set().Key(inventoryKey).Value(strconv.FormatInt(available-quantity, 10)).Build()).Error(); err != nil {
		return err
	}
	if g.Queue != nil {
		go g.Queue(GuideUpdate{ProductID: productID, Quantity: -quantity})
	}
	return nil
}
