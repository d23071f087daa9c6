package lock_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/lock"
)

type cluster struct {
	procs   []*devenv.RedisProcess
	clients []rueidis.Client
}

func startThree(t *testing.T) cluster {
	t.Helper()
	var c cluster
	for range 3 {
		p := devenv.StartRedis(t)
		c.procs = append(c.procs, p)
		c.clients = append(c.clients, clientFor(t, p.Addr()))
	}
	return c
}

func (c cluster) exists(t *testing.T, key string) []bool {
	t.Helper()
	out := make([]bool, len(c.clients))
	for i, cl := range c.clients {
		n, err := cl.Do(context.Background(), cl.B().Exists().Key(key).Build()).AsInt64()
		if err == nil && n == 1 {
			out[i] = true
		}
	}
	return out
}

// restart brings instance i back (empty) and waits until its client has
// replaced the connection the restart closed.
func (c cluster) restart(t *testing.T, i int) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, c.procs[i].Restart(ctx))
	require.Eventually(t, func() bool {
		return c.clients[i].Do(ctx, c.clients[i].B().Ping().Build()).Error() == nil
	}, 10*time.Second, 10*time.Millisecond)
}

func TestRedlockQuorumAndReleaseOnAll(t *testing.T) {
	ctx := context.Background()
	c := startThree(t)
	l, err := lock.NewRedlock(c.clients, &lock.Options{InstanceTimeout: time.Second})
	require.NoError(t, err)

	a, err := l.TryAcquire(ctx, "r", nil)
	require.NoError(t, err)
	require.Equal(t, []bool{true, true, true}, c.exists(t, "lock:{r}"))
	_, err = l.TryAcquire(ctx, "r", nil)
	require.ErrorIs(t, err, lock.ErrNotAcquired)
	require.NoError(t, a.Release(ctx))
	require.Equal(t, []bool{false, false, false}, c.exists(t, "lock:{r}"), "released on all")

	// A foreign holder on one instance only: a majority still grants.
	require.NoError(t, c.clients[0].Do(ctx, c.clients[0].B().Set().Key("lock:{r}").Value("x").Build()).Error())
	b, err := l.TryAcquire(ctx, "r", nil)
	require.NoError(t, err)
	require.NoError(t, b.Release(ctx))

	// Foreign holders on two instances: no quorum, and the one instance that
	// granted is released again.
	require.NoError(t, c.clients[1].Do(ctx, c.clients[1].B().Set().Key("lock:{r}").Value("x").Build()).Error())
	_, err = l.TryAcquire(ctx, "r", nil)
	var q *lock.QuorumError
	require.ErrorAs(t, err, &q)
	require.Equal(t, 1, q.Acquired)
	require.Equal(t, 2, q.Need)
	require.True(t, lock.IsNotAcquired(err))
	require.Equal(t, []bool{true, true, false}, c.exists(t, "lock:{r}"))
}

// Fencing tokens keep increasing while instances die and come back empty:
// the counter of every granting instance is raised to the token handed out,
// and any two majorities overlap.
func TestRedlockFencesSurviveInstanceLoss(t *testing.T) {
	ctx := context.Background()
	c := startThree(t)
	l, err := lock.NewRedlock(c.clients, &lock.Options{InstanceTimeout: time.Second})
	require.NoError(t, err)
	// Counters start out of step.
	require.NoError(t, c.clients[0].Do(ctx, c.clients[0].B().Set().Key("lock:{f}:fence").Value("100").Build()).Error())

	var last int64
	take := func() {
		t.Helper()
		lk, err := l.Acquire(ctx, "f", nil)
		require.NoError(t, err)
		require.Greater(t, lk.Fence(), last)
		last = lk.Fence()
		require.NoError(t, lk.Release(ctx))
	}
	take()
	require.NoError(t, c.procs[0].Stop())
	take() // instances 1 and 2
	c.restart(t, 0)
	require.NoError(t, c.procs[1].Stop())
	take() // instances 0 (empty after restart) and 2
	c.restart(t, 1)
	require.NoError(t, c.procs[2].Stop())
	take() // instances 0 and 1 (empty after restart)
	c.restart(t, 2)

	// Two instances down: no quorum possible, reported as an outage.
	require.NoError(t, c.procs[0].Stop())
	require.NoError(t, c.procs[1].Stop())
	_, err = l.TryAcquire(ctx, "f", nil)
	var q *lock.QuorumError
	require.ErrorAs(t, err, &q)
	require.True(t, q.Unavailable)
	require.False(t, lock.IsNotAcquired(err))
}

func TestRedlockNeverTwoHolders(t *testing.T) {
	ctx := context.Background()
	c := startThree(t)
	const lockers, workers, total = 5, 20, 500
	ls := make([]*lock.Locker, lockers)
	for i := range ls {
		var err error
		ls[i], err = lock.NewRedlock(c.clients, &lock.Options{RetryDelay: 2 * time.Millisecond, InstanceTimeout: time.Second})
		require.NoError(t, err)
	}
	var taken, holders, lastFence, violations atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for taken.Load() < total {
				lk, err := ls[w%lockers].Acquire(ctx, "hot", nil)
				if err != nil {
					t.Error(err)
					return
				}
				if holders.Add(1) != 1 {
					violations.Add(1)
				}
				if lastFence.Swap(lk.Fence()) >= lk.Fence() {
					violations.Add(1)
				}
				taken.Add(1)
				holders.Add(-1)
				if err := lk.Release(ctx); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	require.Zero(t, violations.Load())
	require.GreaterOrEqual(t, taken.Load(), int64(total))
}

// When a majority of instances goes away, auto-extension cannot renew the
// lease and the holder context is cancelled with ErrLockLost by the time
// the lease runs out.
func TestRedlockHolderToldWhenQuorumLost(t *testing.T) {
	ctx := context.Background()
	c := startThree(t)
	l, err := lock.NewRedlock(c.clients, &lock.Options{TTL: time.Second, InstanceTimeout: 200 * time.Millisecond})
	require.NoError(t, err)
	lk, err := l.Acquire(ctx, "q", &lock.AcquireOpts{AutoExtend: true})
	require.NoError(t, err)
	require.NoError(t, c.procs[0].Kill())
	require.NoError(t, c.procs[1].Kill())
	select {
	case <-lk.Context().Done():
		require.ErrorIs(t, context.Cause(lk.Context()), lock.ErrLockLost)
	case <-time.After(30 * time.Second):
		t.Fatal("holder context alive after the quorum was lost")
	}
	require.True(t, lock.IsLockLost(lk.Release(ctx)))
}

// A Redlock waiter blocks until the holder's release wakes it, also with
// one instance down: with a RetryDelay and a lease of ten minutes, only a
// wake-up can hand it the lock within the test's 30 s. Its fence is above
// the holder's. With RedlockPoll the waiter polls instead and still gets
// the lock.
func TestRedlockWaiterWokenByRelease(t *testing.T) {
	c := startThree(t)
	require.NoError(t, c.procs[0].Stop())
	for _, poll := range []bool{false, true} {
		retry := 10 * time.Minute
		if poll {
			retry = 20 * time.Millisecond
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		o := &lock.Options{TTL: 10 * time.Minute, RetryDelay: retry, InstanceTimeout: time.Second, RedlockPoll: poll}
		holder, err := lock.NewRedlock(c.clients, o)
		require.NoError(t, err)
		waiter, err := lock.NewRedlock(c.clients, o)
		require.NoError(t, err)
		name := fmt.Sprintf("woken-%v", poll)
		held, err := holder.TryAcquire(ctx, name, nil)
		require.NoError(t, err)

		got := make(chan *lock.Lock, 1)
		go func() {
			lk, err := waiter.Acquire(ctx, name, nil)
			assert.NoError(t, err)
			got <- lk
		}()
		if !poll {
			// The waiter's attempt marked the lock as awaited on the live
			// instances before it blocked.
			require.Eventually(t, func() bool {
				for _, cl := range c.clients[1:] {
					n, err := cl.Do(ctx, cl.B().Exists().Key("lock:{"+name+"}:awaited").Build()).AsInt64()
					if err != nil || n != 1 {
						return false
					}
				}
				return true
			}, 10*time.Second, time.Millisecond)
		}
		time.Sleep(20 * time.Millisecond)
		require.NoError(t, held.Release(ctx))
		lk := <-got
		require.NotNil(t, lk, "poll=%v", poll)
		require.Greater(t, lk.Fence(), held.Fence())
		require.NoError(t, lk.Release(ctx))
	}
}
