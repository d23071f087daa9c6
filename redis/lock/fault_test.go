package lock_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/lock"
	"github.com/polystore/polystore/redis/redisconn"
)

// fenceLog records fences and the number of holders at once.
type fenceLog struct {
	mu      sync.Mutex
	max     int64
	holders atomic.Int64
	maxHeld atomic.Int64
}

func (f *fenceLog) enter(fence int64) {
	h := f.holders.Add(1)
	for {
		m := f.maxHeld.Load()
		if h <= m || f.maxHeld.CompareAndSwap(m, h) {
			break
		}
	}
	f.mu.Lock()
	f.max = max(f.max, fence)
	f.mu.Unlock()
}

func (f *fenceLog) leave() { f.holders.Add(-1) }

// TestRedisDownMidUse stops, kills or pauses a persistent private
// redis-server while 4 goroutines of two Lockers take and release one lock
// and 4 goroutines take and release permits of a Semaphore of limit 2.
// Invariants: never two holders of the lock, never more than 2 of the
// semaphore; each goroutine's first failure comes within 1s of the fault
// and is redisconn.IsUnreachable (or ErrLockLost for a release whose
// lease the fault outlasted); TryAcquire, Acquire, Extend and Release then
// fail within 1s; after recovery, once the TTL has passed, the lock and
// both permits are free again and their fences are above every fence
// given before the outage.
func TestRedisDownMidUse(t *testing.T) {
	const timeout, ttl = 300 * time.Millisecond, 700 * time.Millisecond
	const bound = time.Second
	unreachable := func(err error) bool { return redisconn.IsUnreachable(err) || errors.Is(err, lock.ErrLockLost) }
	devenv.RedisFaults(t, func(t *testing.T, c rueidis.Client, fault *devenv.RedisFault) {
		opts := &lock.Options{Timeout: timeout, TTL: ttl}
		lockers := []*lock.Locker{lock.New(c, opts), lock.New(c, opts)}
		sem, err := lock.NewSemaphore(c, lock.SemaphoreOptions{Limit: 2, TTL: ttl, Timeout: timeout})
		require.NoError(t, err)
		ctx := context.Background()
		held, err := lockers[0].TryAcquire(ctx, "held", nil)
		require.NoError(t, err)
		permit, err := sem.TryAcquire(ctx, "held", nil)
		require.NoError(t, err)

		var locks, permits fenceLog
		_, _ = devenv.MidUse(t, 8, bound, func(ctx context.Context, g int) error {
			if g < 4 {
				lk, err := lockers[g%2].TryAcquire(ctx, "x", nil)
				if errors.Is(err, lock.ErrNotAcquired) {
					return nil
				}
				if err != nil {
					return err
				}
				locks.enter(lk.Fence())
				locks.leave()
				return lk.Release(ctx)
			}
			p, err := sem.TryAcquire(ctx, "s", nil)
			if errors.Is(err, lock.ErrNotAcquired) {
				return nil
			}
			if err != nil {
				return err
			}
			permits.enter(p.Fence())
			permits.leave()
			return p.Release(ctx)
		}, func() { fault.Fail(t) })
		require.EqualValues(t, 1, locks.maxHeld.Load(), "lock holders at once")
		require.LessOrEqual(t, permits.maxHeld.Load(), int64(2), "permit holders at once")

		devenv.RequireFailFast(t, bound, unreachable, []devenv.Probe{
			{Name: "Locker.TryAcquire", Call: func(ctx context.Context) error { _, err := lockers[0].TryAcquire(ctx, "y", nil); return err }},
			{Name: "Locker.Acquire", Call: func(ctx context.Context) error { _, err := lockers[1].Acquire(ctx, "y", nil); return err }},
			{Name: "Lock.Extend", Call: func(ctx context.Context) error { return held.Extend(ctx, ttl) }},
			{Name: "Lock.Release", Call: held.Release},
			{Name: "Semaphore.TryAcquire", Call: func(ctx context.Context) error { _, err := sem.TryAcquire(ctx, "y", nil); return err }},
			{Name: "Semaphore.Acquire", Call: func(ctx context.Context) error { _, err := sem.Acquire(ctx, "y", nil); return err }},
			{Name: "Permit.Extend", Call: func(ctx context.Context) error { return permit.Extend(ctx, ttl) }},
			{Name: "Permit.Release", Call: permit.Release},
		}...)

		fault.Recover(t)
		time.Sleep(ttl + 100*time.Millisecond)
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		// Acquire waits for the lock; a call the loaded machine stalls past
		// Timeout is retried.
		var lk *lock.Lock
		require.Eventually(t, func() bool {
			lk, err = lockers[1].Acquire(ctx, "x", nil)
			return err == nil
		}, 10*time.Second, 10*time.Millisecond, "the lock is free once its TTL has passed")
		require.Greater(t, lk.Fence(), locks.max, "fence after the outage")
		for i := 0; i < 2; i++ {
			p, err := sem.Acquire(ctx, "s", nil)
			require.NoError(t, err, "permit %d is free once the TTL has passed", i)
			require.Greater(t, p.Fence(), permits.max, "permit fence after the outage")
		}
		_, err = sem.TryAcquire(ctx, "s", nil)
		require.ErrorIs(t, err, lock.ErrNotAcquired, "a third permit with limit 2")
	})
}
