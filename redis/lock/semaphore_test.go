package lock_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/internal/rediskey"
	"github.com/polystore/polystore/redis/lock"
)

// TestSemaphoreInvariant: 16 goroutines over 4 clients (4 "processes")
// take and release a semaphore of limit 3, 12 times each. Invariants:
// never more than 3 holders at once and never two holders on one slot;
// all 3 slots get used at once at some point (the test is not serial);
// every fencing token is unique and greater than the token of every
// acquisition whose Release returned before this acquisition started;
// writes fenced per slot with a Guard are never refused while the lease
// is live. Runs on the cluster too (POLYSTORE_REDIS_CLUSTER=1): the keys
// share a hash tag.
func TestSemaphoreInvariant(t *testing.T) {
	ns := devenv.Redis(t)
	const limit, goroutines, rounds = 3, 16, 12
	var sems []*lock.Semaphore
	for i := 0; i < 4; i++ {
		c := ns.Client
		if i > 0 {
			c = ns.NewClient(nil)
		}
		s, err := lock.NewSemaphore(c, lock.SemaphoreOptions{Limit: limit, Prefix: ns.Prefix, TTL: 10 * time.Second})
		require.NoError(t, err)
		sems = append(sems, s)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	guard := lock.NewGuard()
	var (
		inFlight, peak atomic.Int64
		slots          [limit]atomic.Int64
		mu             sync.Mutex
		releasedMax    int64
		seen           = map[int64]bool{}
		wg             sync.WaitGroup
	)
	errs := make(chan error, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := sems[g%len(sems)]
			for r := 0; r < rounds; r++ {
				mu.Lock()
				floor := releasedMax
				mu.Unlock()
				p, err := s.Acquire(ctx, "printer", nil)
				if err != nil {
					errs <- err
					return
				}
				n := inFlight.Add(1)
				for {
					if old := peak.Load(); n <= old || peak.CompareAndSwap(old, n) {
						break
					}
				}
				if n > limit {
					t.Errorf("%d holders at once", n)
				}
				if p.Slot() < 0 || p.Slot() >= limit || !slots[p.Slot()].CompareAndSwap(0, 1) {
					t.Errorf("slot %d taken twice", p.Slot())
				}
				if p.Fence() <= floor {
					t.Errorf("fence %d not above %d, released before the acquisition began", p.Fence(), floor)
				}
				mu.Lock()
				if seen[p.Fence()] {
					t.Errorf("fence %d handed out twice", p.Fence())
				}
				seen[p.Fence()] = true
				mu.Unlock()
				if err := guard.Admit(p.Resource("printer"), p.Fence()); err != nil {
					t.Errorf("live holder refused: %v", err)
				}
				time.Sleep(time.Millisecond)
				slots[p.Slot()].Store(0)
				inFlight.Add(-1)
				fence := p.Fence()
				if err := p.Release(ctx); err != nil {
					errs <- err
					return
				}
				mu.Lock()
				releasedMax = max(releasedMax, fence)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Len(t, seen, goroutines*rounds)
	require.EqualValues(t, limit, peak.Load(), "the slots were all in use at once")
	// No permanent key: the slots, the counter and the wake-up keys expire.
	n := 0
	require.NoError(t, rediskey.Scan(ctx, ns.Client, rediskey.EscapeGlob(ns.Prefix)+"*", 100, func(keys []string) error {
		for _, k := range keys {
			ttl, err := ns.Client.Do(ctx, ns.Client.B().Pttl().Key(k).Build()).AsInt64()
			require.NoError(t, err)
			require.True(t, ttl > 0 || ttl == -2, "%s has no TTL", k)
			n++
		}
		return nil
	}))
	require.Positive(t, n)
}

// TestSemaphoreDeadHolder: a holder that dies (never releases) frees its
// slot when its lease ends; the slot's next holder has a higher token, so
// the dead holder's late write on that slot is refused, and its Extend and
// Release report ErrLockLost.
func TestSemaphoreDeadHolder(t *testing.T) {
	ns := devenv.Redis(t)
	ctx := context.Background()
	s, err := lock.NewSemaphore(ns.Client, lock.SemaphoreOptions{Limit: 2, Prefix: ns.Prefix, TTL: 300 * time.Millisecond})
	require.NoError(t, err)
	a, err := s.TryAcquire(ctx, "db", nil)
	require.NoError(t, err)
	b, err := s.TryAcquire(ctx, "db", nil)
	require.NoError(t, err)
	require.NotEqual(t, a.Slot(), b.Slot())
	_, err = s.TryAcquire(ctx, "db", nil)
	require.ErrorIs(t, err, lock.ErrNotAcquired)
	guard := lock.NewGuard()
	require.NoError(t, guard.Admit(a.Resource("db"), a.Fence()))

	require.NoError(t, b.Release(ctx))
	start := time.Now()
	c, err := s.Acquire(ctx, "db", &lock.AcquireOpts{TTL: 5 * time.Second}) // b's slot, at once
	require.NoError(t, err)
	require.Equal(t, b.Slot(), c.Slot())
	d, err := s.Acquire(ctx, "db", &lock.AcquireOpts{TTL: 5 * time.Second}) // a's, when its lease ends
	require.NoError(t, err)
	require.Equal(t, a.Slot(), d.Slot())
	require.GreaterOrEqual(t, time.Since(start), 200*time.Millisecond, "waited for a's lease")
	require.Greater(t, d.Fence(), c.Fence())
	require.Greater(t, c.Fence(), a.Fence())
	<-a.Context().Done()
	require.ErrorIs(t, context.Cause(a.Context()), lock.ErrLockLost)

	require.NoError(t, guard.Admit(d.Resource("db"), d.Fence()))
	err = guard.Admit(a.Resource("db"), a.Fence())
	require.True(t, lock.IsStaleFence(err), "the dead holder's late write is refused: %v", err)
	require.ErrorIs(t, a.Extend(ctx, 0), lock.ErrLockLost)
	require.ErrorIs(t, a.Release(ctx), lock.ErrLockLost)
	require.NoError(t, d.Extend(ctx, 0))
	require.NoError(t, d.Release(ctx))
	require.NoError(t, c.Release(ctx))
}

// TestSemaphoreWakeOnRelease: with a 20s lease a waiter would poll until
// the lease ends; it gets the slot right after the release instead.
func TestSemaphoreWakeOnRelease(t *testing.T) {
	ns := devenv.Redis(t)
	ctx := context.Background()
	s, err := lock.NewSemaphore(ns.Client, lock.SemaphoreOptions{Limit: 1, Prefix: ns.Prefix, TTL: 20 * time.Second})
	require.NoError(t, err)
	w, err := lock.NewSemaphore(ns.NewClient(nil), lock.SemaphoreOptions{Limit: 1, Prefix: ns.Prefix, TTL: 20 * time.Second})
	require.NoError(t, err)
	h, err := s.TryAcquire(ctx, "job", nil)
	require.NoError(t, err)
	got := make(chan *lock.Permit, 1)
	go func() {
		p, err := w.Acquire(ctx, "job", nil)
		if err != nil {
			t.Error(err)
		}
		got <- p
	}()
	time.Sleep(200 * time.Millisecond)
	select {
	case <-got:
		t.Fatal("acquired while held")
	default:
	}
	released := time.Now()
	require.NoError(t, h.Release(ctx))
	p := <-got
	require.NotNil(t, p)
	require.Less(t, time.Since(released), 5*time.Second, "woken by the release, not by the lease's end")
	require.Greater(t, p.Fence(), h.Fence())
	require.NoError(t, p.Release(ctx))
}

func TestSemaphoreAutoExtendAndBadInput(t *testing.T) {
	ns := devenv.Redis(t)
	ctx := context.Background()
	_, err := lock.NewSemaphore(nil, lock.SemaphoreOptions{Limit: 1})
	var oe *lock.OptionError
	require.ErrorAs(t, err, &oe)
	_, err = lock.NewSemaphore(ns.Client, lock.SemaphoreOptions{})
	require.ErrorAs(t, err, &oe)
	require.Equal(t, "Limit", oe.Field)
	_, err = lock.NewSemaphore(ns.Client, lock.SemaphoreOptions{Limit: 1, TTL: -time.Second})
	require.ErrorAs(t, err, &oe)
	s, err := lock.NewSemaphore(ns.Client, lock.SemaphoreOptions{Limit: 1, Prefix: ns.Prefix, TTL: time.Second})
	require.NoError(t, err)
	_, err = s.TryAcquire(ctx, "", nil)
	require.ErrorIs(t, err, lock.ErrInvalidName)
	_, err = s.Acquire(ctx, "", nil)
	require.ErrorIs(t, err, lock.ErrInvalidName)

	p, err := s.TryAcquire(ctx, "long", &lock.AcquireOpts{AutoExtend: true})
	require.NoError(t, err)
	time.Sleep(2500 * time.Millisecond) // more than two leases
	require.NoError(t, p.Context().Err(), "auto-extended")
	_, err = s.TryAcquire(ctx, "long", nil)
	require.ErrorIs(t, err, lock.ErrNotAcquired)
	require.NoError(t, p.Release(ctx))
	require.NoError(t, p.Release(ctx), "a second Release is a no-op")

	cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	q, err := s.TryAcquire(ctx, "long", &lock.AcquireOpts{TTL: 10 * time.Second})
	require.NoError(t, err)
	_, err = s.Acquire(cctx, "long", nil)
	require.ErrorIs(t, err, lock.ErrNotAcquired, "the waiter's context ended")
	require.NoError(t, q.Release(ctx))
}
