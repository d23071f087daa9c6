package ratelimit_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/ratelimit"
)

// TestRedisDownMidUse stops, kills or pauses a persistent private
// redis-server while 4 goroutines check one key, for every algorithm (and
// FixedWindow without a script) and for Multi, on a frozen injected clock
// and a client on rueidis defaults. Invariants: each goroutine's first
// failure comes within 1s of the fault and is a *RedisError
// (IsUnavailable); a further Allow fails the same way within 1s; after
// recovery the limit still holds across the outage: the admissions
// answered before it plus those after it never exceed the capacity, and
// fall short of it by at most the calls left unanswered (those that
// failed, the probe); every key the limiter left has a TTL.
func TestRedisDownMidUse(t *testing.T) {
	const timeout = 300 * time.Millisecond
	const bound = time.Second
	type checker struct {
		name     string
		capacity int64
		make     func(c rueidis.Client, now func() time.Time) (func(ctx context.Context) (bool, error), error)
	}
	var checkers []checker
	for _, v := range variants() {
		lim := ratelimit.Limit{Rate: 120, Period: time.Hour}
		capacity := lim.Rate
		if v.alg == ratelimit.TokenBucket || v.alg == ratelimit.GCRA {
			lim.Burst, capacity = 90, 90
		}
		checkers = append(checkers, checker{v.String(), capacity, func(c rueidis.Client, now func() time.Time) (func(ctx context.Context) (bool, error), error) {
			l, err := ratelimit.New(c, ratelimit.Config{Algorithm: v.alg, NoScript: v.noScript, Limit: lim, Now: now, Timeout: timeout})
			if err != nil {
				return nil, err
			}
			return func(ctx context.Context) (bool, error) {
				res, err := l.Allow(ctx, "k", nil)
				return res.Allowed, err
			}, nil
		}})
	}
	checkers = append(checkers, checker{"Multi", 80, func(c rueidis.Client, now func() time.Time) (func(ctx context.Context) (bool, error), error) {
		m, err := ratelimit.NewMulti(c, ratelimit.MultiConfig{Limits: []ratelimit.Limit{
			{Rate: 100, Period: time.Minute}, {Rate: 80, Period: time.Hour}}, Now: now, Timeout: timeout})
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (bool, error) {
			res, err := m.Allow(ctx, "k", nil)
			return res.Allowed, err
		}, nil
	}})
	for _, ck := range checkers {
		t.Run(ck.name, func(t *testing.T) {
			devenv.RedisFaults(t, func(t *testing.T, c rueidis.Client, fault *devenv.RedisFault) {
				clock := newClock()
				allow, err := ck.make(c, clock.Now)
				require.NoError(t, err)
				const n = 4
				admitted := make([]int64, n)
				_, failed := devenv.MidUse(t, n, bound, func(ctx context.Context, g int) error {
					ok, err := allow(ctx)
					if err != nil {
						if !ratelimit.IsUnavailable(err) {
							t.Errorf("goroutine %d: %T %v is not IsUnavailable", g, err, err)
						}
						return err
					}
					if ok {
						admitted[g]++
					}
					return nil
				}, func() { fault.Fail(t) })
				devenv.RequireFailFast(t, bound, ratelimit.IsUnavailable, devenv.Probe{Name: "Allow", Call: func(ctx context.Context) error {
					_, err := allow(ctx)
					return err
				}})

				fault.Recover(t)
				var before int64
				for _, a := range admitted {
					before += a
				}
				ctx := context.Background()
				var after int64
				require.Eventually(t, func() bool { _, err := allow(ctx); return err == nil }, 10*time.Second, 20*time.Millisecond)
				// That call may or may not have been admitted: count it as
				// in flight and take every admission from here on.
				for {
					ok, err := allow(ctx)
					require.NoError(t, err)
					if !ok {
						break
					}
					after++
					require.LessOrEqual(t, before+after, ck.capacity, "more admitted than the capacity across the outage")
				}
				unanswered := int64(2) // the probe, the first call after recovery, and the failed calls
				for _, f := range failed {
					unanswered += f
				}
				require.GreaterOrEqual(t, before+after, ck.capacity-unanswered,
					"admitted %d before and %d after the outage, capacity %d", before, after, ck.capacity)
				keys, err := c.Do(ctx, c.B().Keys().Pattern("*").Build()).AsStrSlice()
				require.NoError(t, err)
				require.NotEmpty(t, keys)
				for _, k := range keys {
					ttl, err := c.Do(ctx, c.B().Pttl().Key(k).Build()).AsInt64()
					require.NoError(t, err)
					require.Positive(t, ttl, "key %s has no TTL", k)
				}
			})
		})
	}
}

// TestConcurrencyRedisDownMidUse: 4 goroutines acquire and release leases
// of limit 2 while the server is stopped, killed or paused. Invariants:
// each goroutine's first failure comes within 1s and IsUnavailable;
// Acquire, Release and Extend then fail the same way within 1s; after
// recovery, once LeaseTTL has passed, exactly Limit leases are granted
// and the next is refused: a lease whose release was lost in the outage
// holds its slot at most LeaseTTL and never lets more than Limit in.
func TestConcurrencyRedisDownMidUse(t *testing.T) {
	const timeout, leaseTTL = 300 * time.Millisecond, 500 * time.Millisecond
	const bound = time.Second
	devenv.RedisFaults(t, func(t *testing.T, c rueidis.Client, fault *devenv.RedisFault) {
		lim, err := ratelimit.NewConcurrency(c, ratelimit.ConcurrencyConfig{Limit: 2, LeaseTTL: leaseTTL, Timeout: timeout})
		require.NoError(t, err)
		held, err := lim.Acquire(context.Background(), "held")
		require.NoError(t, err)
		require.NotNil(t, held.Lease)
		_, _ = devenv.MidUse(t, 4, bound, func(ctx context.Context, g int) error {
			res, err := lim.Acquire(ctx, "k")
			if err != nil || res.Lease == nil {
				return err
			}
			return res.Lease.Release(ctx)
		}, func() { fault.Fail(t) })
		devenv.RequireFailFast(t, bound, ratelimit.IsUnavailable,
			devenv.Probe{Name: "Acquire", Call: func(ctx context.Context) error { _, err := lim.Acquire(ctx, "k"); return err }},
			devenv.Probe{Name: "Release", Call: held.Lease.Release},
			devenv.Probe{Name: "Extend", Call: held.Lease.Extend})

		fault.Recover(t)
		time.Sleep(leaseTTL + 100*time.Millisecond)
		ctx := context.Background()
		for i := 0; i < 2; i++ {
			res, err := lim.Acquire(ctx, "k")
			require.NoError(t, err)
			require.NotNil(t, res.Lease, "slot %d still held after LeaseTTL", i)
		}
		res, err := lim.Acquire(ctx, "k")
		require.NoError(t, err)
		require.Nil(t, res.Lease, "a third lease with limit 2")
		require.EqualValues(t, 2, res.InFlight)
	})
}
