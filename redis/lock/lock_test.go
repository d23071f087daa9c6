package lock_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/lock"
)

func TestMain(m *testing.M) { devenv.Main(m) }

func newLocker(t *testing.T, o *lock.Options) (*lock.Locker, *devenv.RedisNS) {
	t.Helper()
	ns := devenv.Redis(t)
	var opt lock.Options
	if o != nil {
		opt = *o
	}
	opt.Prefix = ns.Prefix
	return lock.New(ns.Client, &opt), ns
}

func clientFor(t *testing.T, addr string) rueidis.Client {
	t.Helper()
	c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{addr}, DisableCache: true})
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c
}

func TestAcquireRelease(t *testing.T) {
	ctx := context.Background()
	l, ns := newLocker(t, nil)

	a, err := l.TryAcquire(ctx, "job", nil)
	require.NoError(t, err)
	_, err = l.TryAcquire(ctx, "job", nil)
	require.ErrorIs(t, err, lock.ErrNotAcquired)
	require.True(t, lock.IsNotAcquired(err))

	// The key holds a random owner token with a TTL.
	pttl, err := ns.Client.Do(ctx, ns.Client.B().Pttl().Key(ns.Prefix+"{job}").Build()).AsInt64()
	require.NoError(t, err)
	require.Greater(t, pttl, int64(0))

	require.NoError(t, a.Release(ctx))
	require.ErrorIs(t, a.Context().Err(), context.Canceled)
	require.NoError(t, a.Release(ctx), "a second Release is a no-op")

	b, err := l.TryAcquire(ctx, "job", nil)
	require.NoError(t, err)
	require.Greater(t, b.Fence(), a.Fence())
	require.NoError(t, b.Release(ctx))

	_, err = l.TryAcquire(ctx, "", nil)
	require.ErrorIs(t, err, lock.ErrInvalidName)
}

func TestOnlyOwnerReleasesOrExtends(t *testing.T) {
	ctx := context.Background()
	l, ns := newLocker(t, nil)
	a, err := l.TryAcquire(ctx, "res", nil)
	require.NoError(t, err)

	// Someone else takes the key over (as after an expiry).
	key := ns.Prefix + "{res}"
	require.NoError(t, ns.Client.Do(ctx, ns.Client.B().Set().Key(key).Value("other").Build()).Error())

	err = a.Extend(ctx, 0)
	require.True(t, lock.IsLockLost(err), "got %v", err)
	require.ErrorIs(t, context.Cause(a.Context()), lock.ErrLockLost)
	require.True(t, lock.IsLockLost(a.Release(ctx)))

	v, err := ns.Client.Do(ctx, ns.Client.B().Get().Key(key).Build()).ToString()
	require.NoError(t, err)
	require.Equal(t, "other", v, "a non-owner must not delete the lock")
}

func TestFencesStrictlyIncrease(t *testing.T) {
	ctx := context.Background()
	l, _ := newLocker(t, nil)
	var last int64
	for range 20 {
		lk, err := l.Acquire(ctx, "f", nil)
		require.NoError(t, err)
		require.Greater(t, lk.Fence(), last)
		last = lk.Fence()
		require.NoError(t, lk.Release(ctx))
	}
}

// A holder paused past its lease comes back after another holder took the
// lock; its late write carries a lower fencing token and is rejected.
func TestPausedHolderLateWriteRejected(t *testing.T) {
	ctx := context.Background()
	l, ns := newLocker(t, &lock.Options{TTL: 100 * time.Millisecond, RetryDelay: 5 * time.Millisecond})
	guard := lock.NewGuard()
	dataKey := ns.Key("data")

	a, err := l.Acquire(ctx, "doc", nil)
	require.NoError(t, err)
	require.NoError(t, guard.Admit("doc", a.Fence()))
	require.NoError(t, lock.FencedSet(ctx, ns.Client, dataKey, a.Fence(), "a-1"))

	// A "pauses": its lease runs out and its context says so.
	select {
	case <-a.Context().Done():
	case <-time.After(10 * time.Second):
		t.Fatal("holder context not cancelled after the lease ran out")
	}
	require.ErrorIs(t, context.Cause(a.Context()), lock.ErrLockLost)

	b, err := l.Acquire(ctx, "doc", &lock.AcquireOpts{TTL: 10 * time.Second})
	require.NoError(t, err)
	require.Greater(t, b.Fence(), a.Fence())
	require.NoError(t, guard.Admit("doc", b.Fence()))
	require.NoError(t, lock.FencedSet(ctx, ns.Client, dataKey, b.Fence(), "b-1"))

	// A wakes up and writes late: rejected in-process and in Redis.
	err = guard.Admit("doc", a.Fence())
	var stale *lock.StaleFenceError
	require.ErrorAs(t, err, &stale)
	require.Equal(t, b.Fence(), stale.Highest)
	err = lock.FencedSet(ctx, ns.Client, dataKey, a.Fence(), "a-late")
	require.True(t, lock.IsStaleFence(err), "got %v", err)
	v, err := ns.Client.Do(ctx, ns.Client.B().Get().Key(dataKey).Build()).ToString()
	require.NoError(t, err)
	require.Equal(t, "b-1", v)

	require.True(t, lock.IsLockLost(a.Release(ctx)))
	require.NoError(t, b.Release(ctx), "A's release must not free B's lock")
}

func TestAutoExtendKeepsLock(t *testing.T) {
	ctx := context.Background()
	l, _ := newLocker(t, &lock.Options{TTL: time.Second})
	a, err := l.Acquire(ctx, "long", &lock.AcquireOpts{AutoExtend: true})
	require.NoError(t, err)
	time.Sleep(3500 * time.Millisecond) // more than three leases
	require.NoError(t, a.Context().Err())
	_, err = l.TryAcquire(ctx, "long", nil)
	require.ErrorIs(t, err, lock.ErrNotAcquired)
	require.NoError(t, a.Release(ctx))
}

func TestAutoExtendNoticesTakeover(t *testing.T) {
	ctx := context.Background()
	l, ns := newLocker(t, &lock.Options{TTL: 300 * time.Millisecond})
	err := l.WithLock(ctx, "w", nil, func(hctx context.Context, fence int64) error {
		require.NoError(t, ns.Client.Do(ctx, ns.Client.B().Set().Key(ns.Prefix+"{w}").Value("thief").Build()).Error())
		select {
		case <-hctx.Done():
			return context.Cause(hctx)
		case <-time.After(10 * time.Second):
			return errors.New("holder context still alive after a takeover")
		}
	})
	require.True(t, lock.IsLockLost(err), "got %v", err)
}

func TestAcquireWaitsAndGivesUp(t *testing.T) {
	ctx := context.Background()
	l, _ := newLocker(t, &lock.Options{RetryDelay: 5 * time.Millisecond})
	a, err := l.Acquire(ctx, "busy", nil)
	require.NoError(t, err)
	cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err = l.Acquire(cctx, "busy", nil)
	require.ErrorIs(t, err, lock.ErrNotAcquired)
	require.ErrorIs(t, err, context.DeadlineExceeded)

	got := make(chan *lock.Lock)
	go func() {
		b, err := l.Acquire(ctx, "busy", nil)
		if err != nil {
			t.Error(err)
		}
		got <- b
	}()
	require.NoError(t, a.Release(ctx))
	b := <-got
	require.NotNil(t, b)
	require.Greater(t, b.Fence(), a.Fence())
	require.NoError(t, b.Release(ctx))
}

func TestServerDownIsAnError(t *testing.T) {
	ctx := context.Background()
	srv := devenv.StartRedis(t)
	l := lock.New(clientFor(t, srv.Addr()), nil)
	require.NoError(t, srv.Stop())
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, err := l.Acquire(cctx, "x", nil)
	require.Error(t, err)
	require.False(t, lock.IsNotAcquired(err), "an outage is not contention: %v", err)
}

// Invariant: 100 goroutines over several clients take one lock 10,000 times
// in total and there is never more than one holder; fencing tokens handed to
// successive holders strictly increase.
func TestNeverTwoHolders(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	// 4 connections, 20 Lockers (as 20 processes would have), 100 goroutines.
	const clients, lockerCount, workers, total = 4, 20, 100, 10000
	conns := make([]rueidis.Client, clients)
	for i := range conns {
		conns[i] = ns.NewClient(&rueidis.ClientOption{DisableCache: true})
	}
	lockers := make([]*lock.Locker, lockerCount)
	for i := range lockers {
		// A generous per-call Timeout: this test is about exclusion under load,
		// not outages, and a loaded CI machine can stall a call past 1s.
		lockers[i] = lock.New(conns[i%clients], &lock.Options{Prefix: ns.Prefix, TTL: 10 * time.Second, RetryDelay: time.Millisecond, Timeout: 10 * time.Second})
	}
	var (
		taken, holders, lastFence, violations atomic.Int64
		wg                                    sync.WaitGroup
		errs                                  = make(chan error, workers)
		fenceMu                               sync.Mutex
		seen                                  = map[int64]bool{}
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := lockers[w%lockerCount]
			for taken.Load() < total {
				lk, err := l.Acquire(ctx, "hot", nil)
				if err != nil {
					errs <- err
					return
				}
				if n := holders.Add(1); n != 1 {
					violations.Add(1)
				}
				if prev := lastFence.Swap(lk.Fence()); prev >= lk.Fence() {
					violations.Add(1)
				}
				fenceMu.Lock()
				seen[lk.Fence()] = true
				fenceMu.Unlock()
				taken.Add(1)
				holders.Add(-1)
				if err := lk.Release(ctx); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Zero(t, violations.Load(), "two holders at once, or a fence that did not increase")
	require.GreaterOrEqual(t, taken.Load(), int64(total))
	require.Len(t, seen, int(taken.Load()), "one fencing token per acquisition")
}

// TestFenceCounterExpires: a lock's fencing counter expires FenceTTL after
// it started, so locks on many entities leave no permanent keys, and
// tokens keep increasing across the counter's expiry and deletion. A
// counter without a TTL gets one by its next 1024th token.
func TestFenceCounterExpires(t *testing.T) {
	ctx := context.Background()
	// A 1s lease, not shorter: a loaded machine can stall the PTTL check
	// below long enough for a shorter lease to be lost before Release.
	l, ns := newLocker(t, &lock.Options{FenceTTL: time.Second, TTL: time.Second})
	fenceKey := ns.Prefix + "{order-1}:fence"
	var last int64
	for i := 0; i < 3; i++ {
		lk, err := l.TryAcquire(ctx, "order-1", nil)
		require.NoError(t, err)
		require.Greater(t, lk.Fence(), last)
		last = lk.Fence()
		pttl, err := ns.Client.Do(ctx, ns.Client.B().Pttl().Key(fenceKey).Build()).AsInt64()
		require.NoError(t, err)
		require.Greater(t, pttl, int64(0))
		require.LessOrEqual(t, pttl, int64(1000))
		require.NoError(t, lk.Release(ctx))
		if i == 1 {
			require.Eventually(t, func() bool {
				n, err := ns.Client.Do(ctx, ns.Client.B().Exists().Key(fenceKey).Build()).AsInt64()
				return err == nil && n == 0
			}, 5*time.Second, 20*time.Millisecond, "the counter expires")
		}
	}
	// A counter ahead of the clock (e.g. from a server with a fast clock)
	// is still respected.
	ahead := last + int64(time.Hour/time.Microsecond)
	require.NoError(t, ns.Client.Do(ctx, ns.Client.B().Set().Key(fenceKey).Value(strconv.FormatInt(ahead, 10)).Build()).Error())
	lk, err := l.TryAcquire(ctx, "order-1", nil)
	require.NoError(t, err)
	require.Equal(t, ahead+1, lk.Fence())
	require.NoError(t, lk.Release(ctx))
	pttl, err := ns.Client.Do(ctx, ns.Client.B().Pttl().Key(fenceKey).Build()).AsInt64()
	require.NoError(t, err)
	require.EqualValues(t, -1, pttl, "a counter without a TTL keeps none on an ordinary token")
	next := (ahead/1024+2)*1024 - 1 // the next token is a multiple of 1024
	require.NoError(t, ns.Client.Do(ctx, ns.Client.B().Set().Key(fenceKey).Value(strconv.FormatInt(next, 10)).Build()).Error())
	lk, err = l.TryAcquire(ctx, "order-1", nil)
	require.NoError(t, err)
	require.Equal(t, next+1, lk.Fence())
	require.NoError(t, lk.Release(ctx))
	pttl, err = ns.Client.Do(ctx, ns.Client.B().Pttl().Key(fenceKey).Build()).AsInt64()
	require.NoError(t, err)
	require.Greater(t, pttl, int64(0), "the 1024th token gives the counter its TTL")
	require.LessOrEqual(t, pttl, int64(1000))

	// With a negative FenceTTL the counter is kept.
	keep, ns2 := newLocker(t, &lock.Options{FenceTTL: -1})
	lk, err = keep.TryAcquire(ctx, "x", nil)
	require.NoError(t, err)
	require.NoError(t, lk.Release(ctx))
	pttl, err = ns.Client.Do(ctx, ns.Client.B().Pttl().Key(ns2.Prefix+"{x}:fence").Build()).AsInt64()
	require.NoError(t, err)
	require.EqualValues(t, -1, pttl)
}

// TestWaiterWokenByRelease: a waiter in another process (its own Locker and
// client) takes the lock as soon as the holder releases it, long before the
// holder's lease (20s) or its poll delay (1h) would let it retry; a waiter
// whose context ends stops waiting at once.
func TestWaiterWokenByRelease(t *testing.T) {
	ctx := context.Background()
	holderL, ns := newLocker(t, &lock.Options{TTL: 20 * time.Second})
	waiterL := lock.New(ns.NewClient(nil), &lock.Options{Prefix: ns.Prefix, RetryDelay: time.Hour})
	held, err := holderL.TryAcquire(ctx, "job", nil)
	require.NoError(t, err)

	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = waiterL.Acquire(short, "job", nil)
	require.ErrorIs(t, err, lock.ErrNotAcquired)
	require.Less(t, time.Since(start), 5*time.Second, "a cancelled waiter stops waiting")

	got := make(chan *lock.Lock, 1)
	errc := make(chan error, 1)
	go func() {
		lk, err := waiterL.Acquire(ctx, "job", nil)
		errc <- err
		got <- lk
	}()
	time.Sleep(100 * time.Millisecond) // let it block
	released := time.Now()
	require.NoError(t, held.Release(ctx))
	select {
	case err := <-errc:
		require.NoError(t, err)
		lk := <-got
		require.Greater(t, lk.Fence(), held.Fence())
		require.Less(t, time.Since(released), 10*time.Second)
		require.NoError(t, lk.Release(ctx))
	case <-time.After(10 * time.Second):
		t.Fatal("the waiter was not woken by the release (the lease had 20s left)")
	}
}
