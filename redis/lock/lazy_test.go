package lock_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/redis/lock"
)

// TestLocalTurnEndsWithoutHolderTimer: a holder that never asked for its
// Context arms no lease timer, yet local contenders of the same Locker are
// not stuck behind it. A waiting Acquire takes the lock once the holder's
// lease has run out (and that holder's Release then reports ErrLockLost),
// a TryAcquire after the lease runs out goes to Redis, and a holder whose
// Acquire context ended lets the next local contender try.
func TestLocalTurnEndsWithoutHolderTimer(t *testing.T) {
	ctx := context.Background()
	l, _ := newLocker(t, &lock.Options{TTL: 300 * time.Millisecond, RetryDelay: time.Hour})

	// A waiter behind a holder that leaks its lock.
	leaked, err := l.TryAcquire(ctx, "leak", nil)
	require.NoError(t, err)
	start := time.Now()
	bounded, cancelWait := context.WithTimeout(ctx, 10*time.Second)
	defer cancelWait()
	next, err := l.Acquire(bounded, "leak", nil)
	require.NoError(t, err, "the waiter takes the lock after the leaked lease")
	waited := time.Since(start)
	require.GreaterOrEqual(t, waited, 250*time.Millisecond, "not before the lease ran out")
	require.Less(t, waited, 10*time.Second)
	require.Greater(t, next.Fence(), leaked.Fence())
	require.ErrorIs(t, leaked.Release(ctx), lock.ErrLockLost)
	require.ErrorIs(t, context.Cause(leaked.Context()), lock.ErrLockLost, "a context asked for late is already lost")
	require.NoError(t, next.Release(ctx))

	// TryAcquire behind a lease that ran out.
	old, err := l.TryAcquire(ctx, "try", nil)
	require.NoError(t, err)
	_, err = l.TryAcquire(ctx, "try", nil)
	require.ErrorIs(t, err, lock.ErrNotAcquired, "held while the lease lasts")
	require.Eventually(t, func() bool {
		lk, err := l.TryAcquire(ctx, "try", nil)
		if err != nil {
			return false
		}
		require.Greater(t, lk.Fence(), old.Fence())
		require.NoError(t, lk.Release(ctx))
		return true
	}, 10*time.Second, 20*time.Millisecond, "TryAcquire goes to Redis once the lease ran out")

	// The holder's Acquire context ends: a local waiter gets its turn and
	// finds the lock still held in Redis until the holder releases it.
	l2, ns := newLocker(t, &lock.Options{TTL: 20 * time.Second, RetryDelay: 10 * time.Millisecond})
	hctx, cancel := context.WithCancel(ctx)
	holder, err := l2.Acquire(hctx, "ctx", nil)
	require.NoError(t, err)
	got := make(chan *lock.Lock, 1)
	go func() {
		lk, err := l2.Acquire(ctx, "ctx", nil)
		if err != nil {
			t.Error(err)
		}
		got <- lk
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	require.ErrorIs(t, holder.Context().Err(), context.Canceled)
	// The waiter reached Redis and marked the lock awaited.
	require.Eventually(t, func() bool {
		n, err := ns.Client.Do(ctx, ns.Client.B().Exists().Key(ns.Prefix+"{ctx}:awaited").Build()).AsInt64()
		return err == nil && n == 1
	}, 10*time.Second, 10*time.Millisecond, "the waiter polls Redis once the holder's context ended")
	select {
	case <-got:
		t.Fatal("the waiter took a lock still held in Redis")
	case <-time.After(100 * time.Millisecond):
	}
	require.NoError(t, holder.Release(ctx))
	select {
	case lk := <-got:
		require.NotNil(t, lk)
		require.Greater(t, lk.Fence(), holder.Fence())
		require.NoError(t, lk.Release(ctx))
	case <-time.After(10 * time.Second):
		t.Fatal("the waiter was not let in after the holder's context ended")
	}
}
