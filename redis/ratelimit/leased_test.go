package ratelimit_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/ratelimit"
)

// TestLeasedNeverOvershoots: 4 "processes" (a Leased limiter each, on its
// own client) plus one exact FixedWindow limiter on the same keys, 8
// goroutines each, hammer one key at a sequence of injected instants, 3
// per window over 6 windows, demand far above the limit. Invariants: (1)
// each window admits exactly Rate — never more (no overshoot), and, since
// every process keeps asking until it is refused, no permit is stranded;
// (2) the leased processes send at most one lease per Batch admissions
// plus one refusal per window and process; (3) nothing outlives its
// window: every key carries a TTL.
func TestLeasedNeverOvershoots(t *testing.T) {
	ns := devenv.Redis(t)
	cs := clients(t, ns, 5)
	clock := newClock()
	const rate, batch = 100, 10
	limit := ratelimit.Limit{Rate: rate, Period: time.Minute}
	prefix := ns.Key("leased") + ":"
	var checkers []ratelimit.Checker
	var leased []*ratelimit.Leased
	for _, c := range cs[:4] {
		l, err := ratelimit.NewLeased(c, ratelimit.LeasedConfig{Limit: limit, Batch: batch, Prefix: prefix, Now: clock.Now})
		require.NoError(t, err)
		leased = append(leased, l)
		checkers = append(checkers, l)
	}
	exact, err := ratelimit.New(cs[4], ratelimit.Config{Algorithm: ratelimit.FixedWindow, Limit: limit, Prefix: prefix, Now: clock.Now})
	require.NoError(t, err)
	checkers = append(checkers, exact)

	ctx := context.Background()
	const goroutines, perG, windows, phasesPerWindow = 8, 40, 6, 3
	for w := 0; w < windows; w++ {
		var admitted atomic.Int64
		for p := 0; p < phasesPerWindow; p++ {
			var wg sync.WaitGroup
			errs := make(chan error, len(checkers)*goroutines)
			for _, c := range checkers {
				for g := 0; g < goroutines; g++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := 0; i < perG; i++ {
							res, err := c.Allow(ctx, "user:1", nil)
							if err != nil {
								errs <- err
								return
							}
							if res.Allowed {
								admitted.Add(1)
							} else if res.RetryAfter <= 0 {
								errs <- context.DeadlineExceeded
								return
							}
						}
					}()
				}
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				require.NoError(t, err)
			}
			clock.Add(limit.Period / phasesPerWindow)
		}
		require.EqualValues(t, rate, admitted.Load(), "window %d: admitted %d of a limit of %d", w, admitted.Load(), rate)
		for _, l := range leased {
			require.Zero(t, l.Held("user:1"), "permits die with their window")
		}
	}
	var checks, trips int64
	for _, l := range leased {
		st := l.Stats()
		checks += st.Checks
		trips += st.RoundTrips
	}
	require.EqualValues(t, windows*phasesPerWindow*4*goroutines*perG, checks)
	require.LessOrEqual(t, trips, int64(windows*(rate/batch+2*len(leased))),
		"at most one lease per batch plus a refusal and a partial batch per window and process")
	t.Logf("leased: %d checks, %d round trips (%.1f checks per trip)", checks, trips, float64(checks)/float64(trips))
	require.Positive(t, requireTTLs(t, ns.Client, prefix))
}

// TestLeasedServerClock runs with the real clocks and a 150ms window:
// permits taken in one window are not spent after it ends, and over the
// whole run no more than Rate per window touched is admitted.
func TestLeasedServerClock(t *testing.T) {
	ns := devenv.Redis(t)
	cs := clients(t, ns, 3)
	const rate = 40
	limit := ratelimit.Limit{Rate: rate, Period: 150 * time.Millisecond}
	var ls []*ratelimit.Leased
	for _, c := range cs {
		l, err := ratelimit.NewLeased(c, ratelimit.LeasedConfig{Limit: limit, Batch: 8, Prefix: ns.Key("leasedsrv") + ":"})
		require.NoError(t, err)
		ls = append(ls, l)
	}
	ctx := context.Background()
	start := serverTime(t, ns.Client)
	var admitted atomic.Int64
	var wg sync.WaitGroup
	deadline := time.Now().Add(500 * time.Millisecond)
	for _, l := range ls {
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(deadline) {
					res, err := l.Allow(ctx, "k", nil)
					if err != nil {
						admitted.Add(1_000_000)
						return
					}
					if res.Allowed {
						admitted.Add(1)
					} else {
						time.Sleep(time.Millisecond)
					}
				}
			}()
		}
	}
	wg.Wait()
	end := serverTime(t, ns.Client)
	period := limit.Period.Microseconds()
	windows := end/period - start/period + 1
	require.LessOrEqual(t, admitted.Load(), rate*windows, "%d windows", windows)
	require.Greater(t, admitted.Load(), int64(rate), "several windows admitted")
	time.Sleep(limit.Period)
	for _, l := range ls {
		require.Zero(t, l.Held("k"), "unspent permits expire with their window")
	}
}

// TestLeasedCost: costs above 1 take what they need, are refused as a
// whole when the window has too little left, and leave the rest to
// cheaper requests.
func TestLeasedCost(t *testing.T) {
	ns := devenv.Redis(t)
	clock := newClock()
	l, err := ratelimit.NewLeased(ns.Client, ratelimit.LeasedConfig{Limit: ratelimit.Limit{Rate: 10, Period: time.Minute},
		Batch: 4, Prefix: ns.Key("leasedcost") + ":", Now: clock.Now})
	require.NoError(t, err)
	ctx := context.Background()
	allow := func(cost int64) ratelimit.Result {
		res, err := l.Allow(ctx, "k", &ratelimit.AllowOpts{Cost: cost})
		require.NoError(t, err)
		return res
	}
	require.True(t, allow(3).Allowed)  // lease 4, 1 held
	require.True(t, allow(6).Allowed)  // lease 5 more (need 5), 0 held, 1 left in Redis
	require.False(t, allow(2).Allowed) // 1 left: refused, nothing taken
	require.EqualValues(t, 0, l.Held("k"))
	r := allow(1)
	require.True(t, r.Allowed, "the last unit still fits")
	r = allow(1)
	require.False(t, r.Allowed)
	require.Positive(t, r.RetryAfter)
	clock.Add(r.RetryAfter)
	require.True(t, allow(2).Allowed, "a new window")
	_, err = l.Allow(ctx, "k", &ratelimit.AllowOpts{Cost: 11})
	var ce *ratelimit.CostError
	require.ErrorAs(t, err, &ce)
}

// TestLeasedOutage: permits already held are spent while Redis is down;
// then Allow reports the outage (IsUnavailable) within the Timeout, so the
// middleware's policy takes over.
func TestLeasedOutage(t *testing.T) {
	devenv.RedisOutages(t, func(t *testing.T, c rueidis.Client, fail func()) {
		l, err := ratelimit.NewLeased(c, ratelimit.LeasedConfig{Limit: ratelimit.PerHour(1000), Batch: 5, Timeout: 300 * time.Millisecond})
		require.NoError(t, err)
		ctx := context.Background()
		res, err := l.Allow(ctx, "k", nil)
		require.NoError(t, err)
		require.True(t, res.Allowed)
		fail()
		for i := 0; i < 4; i++ {
			res, err := l.Allow(ctx, "k", nil)
			require.NoError(t, err, "held permit %d", i)
			require.True(t, res.Allowed)
		}
		// 20 goroutines at once: one tries Redis, the others share its
		// failure instead of each waiting a Timeout in turn (20×300ms).
		start := time.Now()
		var wg sync.WaitGroup
		var unavailable atomic.Int64
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := l.Allow(ctx, "k", nil); ratelimit.IsUnavailable(err) {
					unavailable.Add(1)
				}
			}()
		}
		wg.Wait()
		require.EqualValues(t, 20, unavailable.Load())
		require.Less(t, time.Since(start), 2*time.Second)
	})
}

func TestLeasedBadInput(t *testing.T) {
	c := devenv.Redis(t).Client
	_, err := ratelimit.NewLeased(nil, ratelimit.LeasedConfig{Limit: ratelimit.PerSecond(1)})
	require.True(t, ratelimit.IsInvalid(err))
	_, err = ratelimit.NewLeased(c, ratelimit.LeasedConfig{})
	require.True(t, ratelimit.IsInvalid(err))
	_, err = ratelimit.NewLeased(c, ratelimit.LeasedConfig{Limit: ratelimit.PerSecond(1), Batch: -1})
	var ce *ratelimit.ConfigError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, "Batch", ce.Field)
	l, err := ratelimit.NewLeased(c, ratelimit.LeasedConfig{Limit: ratelimit.PerSecond(5000)})
	require.NoError(t, err)
	require.EqualValues(t, 50, l.Config().Batch)
	_, err = l.Allow(context.Background(), "", nil)
	require.ErrorIs(t, err, ratelimit.ErrEmptyKey)
	_, err = l.Allow(context.Background(), "k", &ratelimit.AllowOpts{Cost: -1})
	require.ErrorIs(t, err, ratelimit.ErrInvalidCost)
	require.ErrorIs(t, l.Reset(context.Background(), ""), ratelimit.ErrEmptyKey)
	_, err = ratelimit.New(c, ratelimit.Config{Algorithm: ratelimit.GCRA, Limit: ratelimit.PerSecond(1), NoScript: true})
	require.ErrorAs(t, err, &ce)
	require.Equal(t, "NoScript", ce.Field)
}

// TestNoScriptKeysAlwaysExpire: 4 clients, 32 goroutines, windows of 20ms
// for 300ms with costs 1-3 (so refusals give units back): every counter
// key carries a TTL at every moment, and no window admits more than Rate.
func TestNoScriptKeysAlwaysExpire(t *testing.T) {
	ns := devenv.Redis(t)
	cs := clients(t, ns, 4)
	const rate = 25
	cfg := ratelimit.Config{Algorithm: ratelimit.FixedWindow, NoScript: true,
		Limit: ratelimit.Limit{Rate: rate, Period: 20 * time.Millisecond}, Prefix: ns.Key("nottl") + ":"}
	var ls []*ratelimit.Limiter
	for _, c := range cs {
		l, err := ratelimit.New(c, cfg)
		require.NoError(t, err)
		ls = append(ls, l)
	}
	ctx := context.Background()
	period := cfg.Limit.Period.Microseconds()
	var mu sync.Mutex
	perWindow := map[int64]int64{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := 0; g < 32; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := ls[g%len(ls)]
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				cost := int64(1 + (g+i)%3)
				// The window is the one of the clock read inside Allow:
				// read before and after, and keep the admission only when
				// both fall in one window.
				before := time.Now().UnixMicro() / period
				res, err := l.Allow(ctx, "k", &ratelimit.AllowOpts{Cost: cost})
				after := time.Now().UnixMicro() / period
				if err != nil {
					t.Error(err)
					return
				}
				if res.Allowed && before == after {
					mu.Lock()
					perWindow[before] += cost
					mu.Unlock()
				}
			}
		}()
	}
	seen := 0
	for deadline := time.Now().Add(300 * time.Millisecond); time.Now().Before(deadline); {
		seen += requireTTLs(t, ns.Client, cfg.Prefix)
	}
	close(stop)
	wg.Wait()
	require.Positive(t, seen, "keys were checked under load")
	requireTTLs(t, ns.Client, cfg.Prefix)
	for w, n := range perWindow {
		require.LessOrEqual(t, n, int64(rate), "window %d", w)
	}
	require.GreaterOrEqual(t, len(perWindow), 2)
}
