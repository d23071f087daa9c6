package ratelimit_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/ratelimit"
	"github.com/stretchr/testify/require"
)

// TestMultiAllOrNothing: 3 per second and 5 per minute on one key. Requests
// refused by the per-second limit consume nothing from the per-minute one.
func TestMultiAllOrNothing(t *testing.T) {
	ns := devenv.Redis(t)
	clock := newClock()
	m, err := ratelimit.NewMulti(ns.Client, ratelimit.MultiConfig{Prefix: ns.Prefix,
		Limits: []ratelimit.Limit{ratelimit.PerSecond(3), ratelimit.PerMinute(5)}, Now: clock.Now})
	require.NoError(t, err)
	ctx := context.Background()
	allowed := func(n int) (ok int, last ratelimit.MultiResult) {
		for range n {
			r, err := m.Allow(ctx, "u1", nil)
			require.NoError(t, err)
			if r.Allowed {
				ok++
			}
			last = r
		}
		return ok, last
	}
	ok, last := allowed(10)
	require.Equal(t, 3, ok, "the per-second limit admits its burst")
	require.Equal(t, 0, last.Denied, "refused by the first limit")
	require.Positive(t, last.RetryAfter)
	require.LessOrEqual(t, last.RetryAfter, time.Second)

	clock.Add(time.Second)
	ok, last = allowed(10)
	require.Equal(t, 2, ok, "the 7 refused requests consumed none of the per-minute quota")
	require.Equal(t, 1, last.Denied, "now the per-minute limit refuses")
	require.Greater(t, last.RetryAfter, time.Second)

	other, err := m.Allow(ctx, "u2", nil)
	require.NoError(t, err)
	require.True(t, other.Allowed, "keys are independent")
	require.Equal(t, -1, other.Denied)

	require.NoError(t, m.Reset(ctx, "u1"))
	ok, _ = allowed(1)
	require.Equal(t, 1, ok)
}

// TestMultiConcurrent: 40 goroutines over 4 clients race for one key limited
// to 10 per second and 25 per minute on the server's clock. Invariant:
// never more admitted than the tighter limit allows in the elapsed time.
func TestMultiConcurrent(t *testing.T) {
	ns := devenv.Redis(t)
	cs := clients(t, ns, 4)
	var admitted atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for g := range 40 {
		m, err := ratelimit.NewMulti(cs[g%4], ratelimit.MultiConfig{Prefix: ns.Prefix,
			Limits: []ratelimit.Limit{ratelimit.PerSecond(10), ratelimit.PerMinute(25)}})
		require.NoError(t, err)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				r, err := m.Allow(context.Background(), "hot", nil)
				if err != nil {
					t.Error(err)
					return
				}
				if r.Allowed {
					admitted.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	perSecondBound := 10 + int64(elapsed.Seconds()*10) + 1
	require.LessOrEqual(t, admitted.Load(), min(perSecondBound, 25))
	require.GreaterOrEqual(t, admitted.Load(), int64(10), "the burst was admitted")
}

func TestMultiBadInput(t *testing.T) {
	ns := devenv.Redis(t)
	_, err := ratelimit.NewMulti(nil, ratelimit.MultiConfig{Limits: []ratelimit.Limit{ratelimit.PerSecond(1)}})
	require.ErrorIs(t, err, ratelimit.ErrInvalid)
	_, err = ratelimit.NewMulti(ns.Client, ratelimit.MultiConfig{})
	require.ErrorIs(t, err, ratelimit.ErrInvalid)
	_, err = ratelimit.NewMulti(ns.Client, ratelimit.MultiConfig{Limits: []ratelimit.Limit{ratelimit.PerSecond(1), {Rate: 0, Period: time.Second}}})
	require.ErrorContains(t, err, "Limits[1].Rate")
	m, err := ratelimit.NewMulti(ns.Client, ratelimit.MultiConfig{Prefix: ns.Prefix, Limits: []ratelimit.Limit{ratelimit.PerSecond(5), ratelimit.PerMinute(3)}})
	require.NoError(t, err)
	_, err = m.Allow(context.Background(), "", nil)
	require.ErrorIs(t, err, ratelimit.ErrEmptyKey)
	_, err = m.Allow(context.Background(), "k", &ratelimit.AllowOpts{Cost: 4})
	var ce *ratelimit.CostError
	require.True(t, errors.As(err, &ce), "a cost above the smallest capacity never passes: %v", err)
}

func TestConcurrencyLimit(t *testing.T) {
	ns := devenv.Redis(t)
	c, err := ratelimit.NewConcurrency(ns.Client, ratelimit.ConcurrencyConfig{Prefix: ns.Prefix, Limit: 3, LeaseTTL: 5 * time.Second})
	require.NoError(t, err)
	ctx := context.Background()
	var leases []*ratelimit.Lease
	for i := range 3 {
		r, err := c.Acquire(ctx, "job")
		require.NoError(t, err)
		require.NotNil(t, r.Lease)
		require.Equal(t, int64(i+1), r.InFlight)
		leases = append(leases, r.Lease)
	}
	r, err := c.Acquire(ctx, "job")
	require.NoError(t, err)
	require.Nil(t, r.Lease, "a fourth is refused")
	require.Positive(t, r.RetryAfter)
	require.LessOrEqual(t, r.RetryAfter, 5*time.Second)
	require.NoError(t, leases[0].Release(ctx))
	r, err = c.Acquire(ctx, "job")
	require.NoError(t, err)
	require.NotNil(t, r.Lease, "a release frees a slot")
	require.NoError(t, leases[0].Release(ctx), "releasing twice is harmless")
	require.NoError(t, leases[1].Extend(ctx))
}

// TestConcurrencyLeasesExpire: holders that die (never release) free
// their slots after LeaseTTL; a lease kept alive with Extend does not.
func TestConcurrencyLeasesExpire(t *testing.T) {
	ns := devenv.Redis(t)
	const ttl = 300 * time.Millisecond
	c, err := ratelimit.NewConcurrency(ns.Client, ratelimit.ConcurrencyConfig{Prefix: ns.Prefix, Limit: 2, LeaseTTL: ttl})
	require.NoError(t, err)
	ctx := context.Background()
	dead, err := c.Acquire(ctx, "k")
	require.NoError(t, err)
	alive, err := c.Acquire(ctx, "k")
	require.NoError(t, err)
	deadline := time.Now().Add(2 * ttl)
	for time.Now().Before(deadline) {
		require.NoError(t, alive.Lease.Extend(ctx))
		time.Sleep(ttl / 4)
	}
	r, err := c.Acquire(ctx, "k")
	require.NoError(t, err)
	require.NotNil(t, r.Lease, "the dead holder's slot was freed")
	require.Equal(t, int64(2), r.InFlight, "the extended lease still counts")
	require.ErrorIs(t, dead.Lease.Extend(ctx), ratelimit.ErrLeaseLost)
}

// TestConcurrencyInvariant: 24 goroutines over 4 clients run operations
// under a limit of 5. Invariant: never more than 5 run at once.
func TestConcurrencyInvariant(t *testing.T) {
	ns := devenv.Redis(t)
	cs := clients(t, ns, 4)
	var inFlight, peak, runs atomic.Int64
	var wg sync.WaitGroup
	for g := range 24 {
		c, err := ratelimit.NewConcurrency(cs[g%4], ratelimit.ConcurrencyConfig{Prefix: ns.Prefix, Limit: 5})
		require.NoError(t, err)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 30 {
				r, err := c.Acquire(context.Background(), "shared")
				if err != nil {
					t.Error(err)
					return
				}
				if r.Lease == nil {
					time.Sleep(time.Millisecond)
					continue
				}
				n := inFlight.Add(1)
				for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
				}
				runs.Add(1)
				time.Sleep(2 * time.Millisecond)
				inFlight.Add(-1)
				if err := r.Lease.Release(context.Background()); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	require.LessOrEqual(t, peak.Load(), int64(5))
	require.Positive(t, runs.Load())
}

func TestConcurrencyBadInput(t *testing.T) {
	ns := devenv.Redis(t)
	for _, cfg := range []ratelimit.ConcurrencyConfig{{}, {Limit: -1}, {Limit: 1, LeaseTTL: -1}, {Limit: 1, LeaseTTL: time.Microsecond}} {
		_, err := ratelimit.NewConcurrency(ns.Client, cfg)
		require.ErrorIs(t, err, ratelimit.ErrInvalid, "%+v", cfg)
	}
	_, err := ratelimit.NewConcurrency(nil, ratelimit.ConcurrencyConfig{Limit: 1})
	require.ErrorIs(t, err, ratelimit.ErrInvalid)
	c, err := ratelimit.NewConcurrency(ns.Client, ratelimit.ConcurrencyConfig{Limit: 1})
	require.NoError(t, err)
	_, err = c.Acquire(context.Background(), "")
	require.ErrorIs(t, err, ratelimit.ErrEmptyKey)
	var nilLease *ratelimit.Lease
	require.NoError(t, nilLease.Release(context.Background()))
	require.ErrorIs(t, nilLease.Extend(context.Background()), ratelimit.ErrLeaseLost)
}
