package ratelimit_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/internal/rediskey"
	"github.com/polystore/polystore/internal/testclock"
	"github.com/polystore/polystore/redis/ratelimit"
	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { devenv.Main(m) }

// newClock returns an injected clock the test moves by hand. It starts
// from testclock.Now (never a calendar date written here) plus an odd
// offset, so windows start mid-test.
func newClock() *testclock.Fake {
	return testclock.NewFake(testclock.Now().Truncate(time.Hour).Add(1_234_567 * time.Microsecond))
}

// variant is an algorithm, scripted or (FixedWindow only) not.
type variant struct {
	alg      ratelimit.Algorithm
	noScript bool
}

func (v variant) String() string {
	if v.noScript {
		return v.alg.String() + "_noscript"
	}
	return v.alg.String()
}

func variants() []variant {
	var vs []variant
	for _, a := range ratelimit.Algorithms {
		vs = append(vs, variant{alg: a})
	}
	return append(vs, variant{alg: ratelimit.FixedWindow, noScript: true})
}

func limitFor(alg ratelimit.Algorithm) ratelimit.Limit {
	l := ratelimit.Limit{Rate: 20, Period: time.Hour}
	if alg == ratelimit.TokenBucket || alg == ratelimit.GCRA {
		l.Burst = 15
	}
	return l
}

func clients(t *testing.T, ns *devenv.RedisNS, n int) []rueidis.Client {
	cs := []rueidis.Client{ns.Client}
	for len(cs) < n {
		cs = append(cs, ns.NewClient(nil))
	}
	return cs
}

// TestConcurrentPhases: 50 goroutines over 4 clients hammer one key at a
// sequence of (injected) instants, 200 requests per instant against a
// capacity of 15-20. Invariants: (1) the admitted counts never exceed what
// the algorithm's definition allows over any interval; (2) they equal,
// instant by instant, what a sequential in-process model admits — so nothing
// is lost to races and nothing is unfairly rejected; (3) the first instant
// admits exactly the capacity.
func TestConcurrentPhases(t *testing.T) {
	ns := devenv.Redis(t)
	cs := clients(t, ns, 4)
	for _, v := range variants() {
		alg := v.alg
		t.Run(v.String(), func(t *testing.T) {
			clock := newClock()
			cfg := ratelimit.Config{Algorithm: alg, NoScript: v.noScript, Limit: limitFor(alg), Prefix: ns.Key("conc", v.String()) + ":", Now: clock.Now}
			lims := make([]*ratelimit.Limiter, len(cs))
			for i, c := range cs {
				l, err := ratelimit.New(c, cfg)
				require.NoError(t, err)
				lims[i] = l
			}
			model, err := ratelimit.NewLocal(cfg)
			require.NoError(t, err)
			ctx := context.Background()
			const goroutines, perG, phases = 50, 4, 14
			step := cfg.Limit.Period / 7 // several phases per window, windows crossed
			var times []int64
			var admitted []int64
			for p := 0; p < phases; p++ {
				var n atomic.Int64
				var wg sync.WaitGroup
				errs := make(chan error, goroutines)
				for g := 0; g < goroutines; g++ {
					wg.Add(1)
					go func(l *ratelimit.Limiter) {
						defer wg.Done()
						for i := 0; i < perG; i++ {
							res, err := l.Allow(ctx, "user:1", nil)
							if err != nil {
								errs <- err
								return
							}
							if res.Allowed {
								n.Add(1)
							} else if res.RetryAfter <= 0 {
								errs <- fmt.Errorf("denied with RetryAfter %v", res.RetryAfter)
								return
							}
						}
					}(lims[g%len(lims)])
				}
				wg.Wait()
				close(errs)
				for err := range errs {
					require.NoError(t, err)
				}
				want := 0
				for i := 0; i < goroutines*perG; i++ {
					res, err := model.Allow(ctx, "user:1", nil)
					require.NoError(t, err)
					if res.Allowed {
						want++
					}
				}
				require.EqualValues(t, want, n.Load(), "phase %d: redis admitted %d, the definition admits %d", p, n.Load(), want)
				times = append(times, clock.Micro())
				admitted = append(admitted, n.Load())
				clock.Add(step + 17*time.Second)
			}
			capacity := cfg.Limit.Rate
			if cfg.Limit.Burst > 0 {
				capacity = cfg.Limit.Burst
			}
			require.Equal(t, capacity, admitted[0], "first instant admits exactly the capacity")
			checkDefinition(t, alg, cfg.Limit, times, admitted)
		})
	}
}

// checkDefinition checks the admitted counts against each algorithm's
// definition, independently of the implementation.
func checkDefinition(t *testing.T, alg ratelimit.Algorithm, l ratelimit.Limit, times, admitted []int64) {
	period := l.Period.Microseconds()
	rate := float64(l.Rate)
	for j := range times {
		switch alg {
		case ratelimit.FixedWindow:
			var sum int64
			for i := range times {
				if times[i]/period == times[j]/period {
					sum += admitted[i]
				}
			}
			require.LessOrEqual(t, sum, l.Rate, "window of phase %d", j)
		case ratelimit.SlidingLog:
			var sum int64
			for i := 0; i <= j; i++ {
				if times[i] > times[j]-period {
					sum += admitted[i]
				}
			}
			require.LessOrEqual(t, sum, l.Rate, "sliding window ending at phase %d", j)
		case ratelimit.SlidingWindow:
			w := times[j] / period
			var cur, prev float64
			for i := 0; i <= j; i++ {
				switch times[i] / period {
				case w:
					cur += float64(admitted[i])
				case w - 1:
					prev += float64(admitted[i])
				}
			}
			weight := float64(period-(times[j]-w*period)) / float64(period)
			require.LessOrEqual(t, prev*weight+cur, rate+1e-9, "weighted windows at phase %d", j)
		case ratelimit.TokenBucket, ratelimit.GCRA:
			for i := 0; i <= j; i++ {
				var sum int64
				for k := i; k <= j; k++ {
					sum += admitted[k]
				}
				bound := float64(l.Burst) + rate*float64(times[j]-times[i])/float64(period)
				require.LessOrEqual(t, float64(sum), bound+1e-9, "phases %d..%d", i, j)
			}
		}
	}
}

// TestServerClock uses the Redis server's TIME: 200 concurrent requests
// over 4 clients admit exactly the capacity.
func TestServerClock(t *testing.T) {
	ns := devenv.Redis(t)
	cs := clients(t, ns, 4)
	ctx := context.Background()
	for _, v := range variants() {
		alg := v.alg
		t.Run(v.String(), func(t *testing.T) {
			cfg := ratelimit.Config{Algorithm: alg, NoScript: v.noScript, Limit: limitFor(alg), Prefix: ns.Key("srv", v.String()) + ":"}
			before := serverTime(t, ns.Client)
			var n atomic.Int64
			var wg sync.WaitGroup
			for g := 0; g < 50; g++ {
				l, err := ratelimit.New(cs[g%len(cs)], cfg)
				require.NoError(t, err)
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < 4; i++ {
						res, err := l.Allow(ctx, "k", nil)
						if err != nil {
							n.Add(1000) // fails the equality below
						} else if res.Allowed {
							n.Add(1)
						}
					}
				}()
			}
			wg.Wait()
			after := serverTime(t, ns.Client)
			capacity := limitFor(alg).Rate
			if b := limitFor(alg).Burst; b > 0 {
				capacity = b
			}
			period := time.Hour.Microseconds()
			if (alg == ratelimit.FixedWindow || alg == ratelimit.SlidingWindow) && before/period != after/period {
				require.LessOrEqual(t, n.Load(), 2*capacity, "a window boundary fell inside the test")
				return
			}
			// Refill during the test is < 1 token: an hour holds 20.
			require.Equal(t, capacity, n.Load())
		})
	}
}

// requireTTLs checks that every key under prefix has a TTL and returns
// how many there are.
func requireTTLs(t *testing.T, c rueidis.Client, prefix string) int {
	t.Helper()
	ctx := context.Background()
	n := 0
	err := rediskey.Scan(ctx, c, rediskey.EscapeGlob(prefix)+"*", 1000, func(keys []string) error {
		for _, k := range keys {
			ttl, err := c.Do(ctx, c.B().Pttl().Key(k).Build()).AsInt64()
			if err != nil {
				return err
			}
			if ttl != -2 { // -2: expired since the scan
				require.Positive(t, ttl, "key %s has no TTL", k)
				n++
			}
		}
		return nil
	})
	require.NoError(t, err)
	return n
}

func serverTime(t *testing.T, c rueidis.Client) int64 {
	v, err := c.Do(context.Background(), c.B().Time().Build()).AsIntSlice()
	require.NoError(t, err)
	return v[0]*1_000_000 + v[1]
}

// TestAgreesWithLocal feeds the same random sequence of costs and clock
// steps to the Redis scripts and to Local and requires equal Results.
func TestAgreesWithLocal(t *testing.T) {
	ns := devenv.Redis(t)
	ctx := context.Background()
	for _, v := range variants() {
		alg := v.alg
		t.Run(v.String(), func(t *testing.T) {
			clock := newClock()
			cfg := ratelimit.Config{Algorithm: alg, NoScript: v.noScript, Limit: ratelimit.Limit{Rate: 7, Period: 10 * time.Minute, Burst: 5},
				Prefix: ns.Key("agree", v.String()) + ":", Now: clock.Now}
			l, err := ratelimit.New(ns.Client, cfg)
			require.NoError(t, err)
			local, err := ratelimit.NewLocal(cfg)
			require.NoError(t, err)
			rng := rand.New(rand.NewPCG(1, uint64(alg)))
			maxCost := int64(5)
			allowed, denied := 0, 0
			for i := 0; i < 400; i++ {
				cost := 1 + rng.Int64N(maxCost)
				got, err := l.Allow(ctx, "k", &ratelimit.AllowOpts{Cost: cost})
				require.NoError(t, err)
				want, err := local.Allow(ctx, "k", &ratelimit.AllowOpts{Cost: cost})
				require.NoError(t, err)
				require.Equal(t, want, got, "step %d cost %d", i, cost)
				if got.Allowed {
					allowed++
					require.Zero(t, got.RetryAfter)
				} else {
					denied++
					require.Positive(t, got.RetryAfter)
				}
				require.LessOrEqual(t, got.Remaining, got.Limit)
				clock.Add(time.Duration(rng.Int64N(int64(90 * time.Second))))
			}
			require.Positive(t, allowed)
			require.Positive(t, denied)
			require.Positive(t, requireTTLs(t, ns.Client, cfg.Prefix), "state was written")
		})
	}
}

// TestRetryAfterIsHonest: waiting RetryAfter lets the denied request pass.
func TestRetryAfterIsHonest(t *testing.T) {
	ns := devenv.Redis(t)
	ctx := context.Background()
	for _, v := range variants() {
		alg := v.alg
		t.Run(v.String(), func(t *testing.T) {
			clock := newClock()
			cfg := ratelimit.Config{Algorithm: alg, NoScript: v.noScript, Limit: ratelimit.Limit{Rate: 10, Period: time.Minute},
				Prefix: ns.Key("retry", v.String()) + ":", Now: clock.Now}
			l, err := ratelimit.New(ns.Client, cfg)
			require.NoError(t, err)
			three := &ratelimit.AllowOpts{Cost: 3}
			for i := 0; i < 3; i++ {
				res, err := l.Allow(ctx, "k", three)
				require.NoError(t, err)
				require.True(t, res.Allowed)
				require.EqualValues(t, 10-3*(i+1), res.Remaining)
			}
			res, err := l.Allow(ctx, "k", three)
			require.NoError(t, err)
			require.False(t, res.Allowed, "cost 3 with 1 left")
			require.EqualValues(t, 1, res.Remaining)
			one, err := l.Allow(ctx, "k", nil)
			require.NoError(t, err)
			require.True(t, one.Allowed, "cost 1 still fits")
			res, err = l.Allow(ctx, "k", three)
			require.NoError(t, err)
			require.False(t, res.Allowed)
			clock.Add(res.RetryAfter)
			res, err = l.Allow(ctx, "k", three)
			require.NoError(t, err)
			require.True(t, res.Allowed, "after RetryAfter")
		})
	}
}

func TestSlidingLogUniqueMembers(t *testing.T) {
	ns := devenv.Redis(t)
	clock := newClock()
	cfg := ratelimit.Config{Algorithm: ratelimit.SlidingLog, Limit: ratelimit.PerMinute(1000), Prefix: ns.Key("log") + ":", Now: clock.Now}
	var wg sync.WaitGroup
	var failures atomic.Int64
	for _, c := range clients(t, ns, 3) {
		l, err := ratelimit.New(c, cfg)
		require.NoError(t, err)
		for g := 0; g < 10; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 2; i++ {
					if res, err := l.Allow(context.Background(), "k", &ratelimit.AllowOpts{Cost: 2}); err != nil || !res.Allowed {
						failures.Add(1)
					}
				}
			}()
		}
	}
	wg.Wait()
	require.Zero(t, failures.Load())
	l, _ := ratelimit.New(ns.Client, cfg)
	n, err := ns.Client.Do(context.Background(), ns.Client.B().Zcard().Key(l.Key("k")).Build()).AsInt64()
	require.NoError(t, err)
	require.EqualValues(t, 3*10*2*2, n, "every unit of every request is its own member, all at the same microsecond")
}

func TestKeysAreHashTagged(t *testing.T) {
	l, err := ratelimit.New(devenv.Redis(t).Client, ratelimit.Config{Algorithm: ratelimit.GCRA, Limit: ratelimit.PerSecond(1)})
	require.NoError(t, err)
	require.Equal(t, "ratelimit:{user:42}", l.Key("user:42"))
}

func TestBadInput(t *testing.T) {
	c := devenv.Redis(t).Client
	good := ratelimit.Config{Algorithm: ratelimit.TokenBucket, Limit: ratelimit.Limit{Rate: 5, Period: time.Second, Burst: 3}}
	for _, tc := range []struct {
		name  string
		cfg   func(*ratelimit.Config)
		field string
	}{
		{"zero rate", func(c *ratelimit.Config) { c.Limit.Rate = 0 }, "Limit.Rate"},
		{"negative rate", func(c *ratelimit.Config) { c.Limit.Rate = -1 }, "Limit.Rate"},
		{"zero period", func(c *ratelimit.Config) { c.Limit.Period = 0 }, "Limit.Period"},
		{"negative period", func(c *ratelimit.Config) { c.Limit.Period = -time.Second }, "Limit.Period"},
		{"negative burst", func(c *ratelimit.Config) { c.Limit.Burst = -1 }, "Limit.Burst"},
		{"unknown algorithm", func(c *ratelimit.Config) { c.Algorithm = 99 }, "Algorithm"},
		{"no algorithm", func(c *ratelimit.Config) { c.Algorithm = 0 }, "Algorithm"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := good
			tc.cfg(&cfg)
			_, err := ratelimit.New(c, cfg)
			var ce *ratelimit.ConfigError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, tc.field, ce.Field)
			require.True(t, ratelimit.IsInvalid(err))
			_, err = ratelimit.NewLocal(cfg)
			require.ErrorAs(t, err, &ce)
		})
	}
	_, err := ratelimit.New(nil, good)
	require.True(t, ratelimit.IsInvalid(err))
	// A Config without an Algorithm says so and names the choices, not
	// "unknown algorithm Algorithm(0)".
	_, err = ratelimit.New(c, ratelimit.Config{Limit: ratelimit.PerMinute(100)})
	require.ErrorContains(t, err, "Algorithm: not set: choose FixedWindow, SlidingLog, SlidingWindow, TokenBucket or GCRA")

	l, err := ratelimit.New(c, good)
	require.NoError(t, err)
	ctx := context.Background()
	_, err = l.Allow(ctx, "", nil)
	require.ErrorIs(t, err, ratelimit.ErrEmptyKey)
	_, err = l.Allow(ctx, "k", &ratelimit.AllowOpts{Cost: -2})
	require.ErrorIs(t, err, ratelimit.ErrInvalidCost)
	_, err = l.Allow(ctx, "k", &ratelimit.AllowOpts{Cost: 4})
	var cerr *ratelimit.CostError
	require.ErrorAs(t, err, &cerr)
	require.EqualValues(t, 3, cerr.Capacity)
	require.ErrorIs(t, l.Reset(ctx, ""), ratelimit.ErrEmptyKey)
	require.False(t, ratelimit.IsUnavailable(err))
	require.False(t, errors.Is(err, ratelimit.ErrUnavailable))
}
