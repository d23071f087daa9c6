package cache_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/cache"
	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { devenv.Main(m) }

var quiet = slog.New(slog.DiscardHandler)

type user struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

func newCache(t *testing.T, c rueidis.Client, prefix string, mod func(*cache.Config)) *cache.Cache {
	t.Helper()
	cfg := cache.Config{Prefix: prefix, Logger: quiet}
	if mod != nil {
		mod(&cfg)
	}
	cc, err := cache.New(c, cfg)
	require.NoError(t, err)
	return cc
}

func counting[T any](v T, err error) (cache.Loader[T], *atomic.Int64) {
	var n atomic.Int64
	return func(context.Context) (T, error) {
		n.Add(1)
		return v, err
	}, &n
}

func pttl(t *testing.T, c rueidis.Client, key string) time.Duration {
	ms, err := c.Do(context.Background(), c.B().Pttl().Key(key).Build()).AsInt64()
	require.NoError(t, err)
	return time.Duration(ms) * time.Millisecond
}

func TestCacheAside(t *testing.T) {
	ns := devenv.Redis(t)
	c := newCache(t, ns.Client, ns.Prefix, func(c *cache.Config) { c.TTL = time.Hour; c.Jitter = 0.2 })
	ctx := context.Background()
	load, n := counting(user{1, "ada"}, nil)
	for i := 0; i < 3; i++ {
		u, err := cache.Get(ctx, c, "user:1", load, nil)
		require.NoError(t, err)
		require.Equal(t, user{1, "ada"}, u)
	}
	require.EqualValues(t, 1, n.Load(), "one load, then hits")
	st := c.Stats()
	require.EqualValues(t, 2, st.Hits)
	require.EqualValues(t, 1, st.Misses)

	// TTL with jitter stays within ±20%; many keys get different TTLs.
	seen := map[time.Duration]bool{}
	for i := 0; i < 20; i++ {
		key := fmt.Sprint("j", i)
		_, err := cache.Get(ctx, c, key, load, nil)
		require.NoError(t, err)
		d := pttl(t, ns.Client, c.Key(key))
		require.GreaterOrEqual(t, d, 48*time.Minute-time.Second)
		require.LessOrEqual(t, d, 72*time.Minute)
		seen[d.Round(time.Second)] = true
	}
	require.Greater(t, len(seen), 1, "jitter spreads expiries")

	// Per-call TTL.
	_, err := cache.Get(ctx, c, "short", load, &cache.GetOpts{TTL: time.Minute})
	require.NoError(t, err)
	require.LessOrEqual(t, pttl(t, ns.Client, c.Key("short")), 72*time.Second)
}

func TestNegativeCaching(t *testing.T) {
	ns := devenv.Redis(t)
	c := newCache(t, ns.Client, ns.Prefix, func(c *cache.Config) { c.NegativeTTL = 30 * time.Second; c.Jitter = -1 })
	ctx := context.Background()
	load, n := counting(user{}, fmt.Errorf("user 7: %w", cache.ErrNotFound))
	for i := 0; i < 3; i++ {
		_, err := cache.Get(ctx, c, "user:7", load, nil)
		require.ErrorIs(t, err, cache.ErrNotFound)
		require.True(t, cache.IsNotFound(err))
	}
	require.EqualValues(t, 1, n.Load(), "not found is cached")
	d := pttl(t, ns.Client, c.Key("user:7"))
	require.Greater(t, d, 25*time.Second)
	require.LessOrEqual(t, d, 30*time.Second)

	// Other loader errors are not cached.
	boom := errors.New("db down")
	fail, m := counting(user{}, boom)
	for i := 0; i < 2; i++ {
		_, err := cache.Get(ctx, c, "user:8", fail, nil)
		require.ErrorIs(t, err, boom)
		var le *cache.LoadError
		require.ErrorAs(t, err, &le)
		require.False(t, le.Remote)
	}
	require.EqualValues(t, 2, m.Load())
}

// TestStampede: 4 clients ("processes") × 50 goroutines miss one key at
// once. Invariant: exactly one loader call, and every caller gets its value.
// The loader holds until the three other processes are waiting on the
// fill, so the cross-process wait is exercised every run.
func TestStampede(t *testing.T) {
	ns := devenv.Redis(t)
	const procs, goroutines = 4, 50
	caches := make([]*cache.Cache, procs)
	for i := range caches {
		cl := ns.Client
		if i > 0 {
			cl = ns.NewClient(nil)
		}
		caches[i] = newCache(t, cl, ns.Prefix, nil)
	}
	var loads atomic.Int64
	othersWaiting := func() bool {
		waiting := 0
		for _, c := range caches {
			waiting += int(c.Stats().Waits)
		}
		return waiting >= procs-1
	}
	load := func(ctx context.Context) (user, error) {
		loads.Add(1)
		deadline := time.Now().Add(5 * time.Second)
		for !othersWaiting() && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		return user{42, "grace"}, nil
	}
	var wg sync.WaitGroup
	results := make(chan error, procs*goroutines)
	start := make(chan struct{})
	for _, c := range caches {
		for g := 0; g < goroutines; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				u, err := cache.Get(context.Background(), c, "hot", load, nil)
				if err == nil && u != (user{42, "grace"}) {
					err = fmt.Errorf("got %v", u)
				}
				results <- err
			}()
		}
	}
	close(start)
	wg.Wait()
	close(results)
	for err := range results {
		require.NoError(t, err)
	}
	require.EqualValues(t, 1, loads.Load(), "exactly one loader call across all processes")
	require.True(t, othersWaiting(), "the other processes waited for the value")
}

func TestWaitTimeout(t *testing.T) {
	ns := devenv.Redis(t)
	a := newCache(t, ns.Client, ns.Prefix, nil)
	b := newCache(t, ns.NewClient(nil), ns.Prefix, func(c *cache.Config) { c.WaitTimeout = 200 * time.Millisecond })
	release := make(chan struct{})
	started := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := cache.Get(context.Background(), a, "slow", func(context.Context) (int, error) {
			close(started)
			<-release
			return 1, nil
		}, nil)
		done <- err
	}()
	<-started
	_, err := cache.Get(context.Background(), b, "slow", func(context.Context) (int, error) { return 2, nil }, nil)
	var wt *cache.WaitTimeoutError
	require.ErrorAs(t, err, &wt)
	require.ErrorIs(t, err, cache.ErrWaitTimeout)
	close(release)
	require.NoError(t, <-done)
	v, err := cache.Get(context.Background(), b, "slow", func(context.Context) (int, error) { return 2, nil }, nil)
	require.NoError(t, err)
	require.Equal(t, 1, v, "the slow loader's value landed")
}

// TestLockHolderDies: a crashed process left the fill lock behind; a caller
// waits for the lock to expire, takes over and loads.
func TestLockHolderDies(t *testing.T) {
	ns := devenv.Redis(t)
	c := newCache(t, ns.Client, ns.Prefix, nil)
	ctx := context.Background()
	lock := c.Key("orphan") + ":lock"
	require.NoError(t, ns.Client.Do(ctx, ns.Client.B().Set().Key(lock).Value("dead-process").PxMilliseconds(300).Build()).Error())
	load, n := counting("fresh", nil)
	v, err := cache.Get(ctx, c, "orphan", load, nil)
	require.NoError(t, err)
	require.Equal(t, "fresh", v)
	require.EqualValues(t, 1, n.Load())
	require.EqualValues(t, 1, c.Stats().Waits)
}

func TestRemoteLoadError(t *testing.T) {
	ns := devenv.Redis(t)
	a := newCache(t, ns.Client, ns.Prefix, nil)
	b := newCache(t, ns.NewClient(nil), ns.Prefix, nil)
	release := make(chan struct{})
	started := make(chan struct{})
	go func() {
		_, _ = cache.Get(context.Background(), a, "k", func(context.Context) (int, error) {
			close(started)
			<-release
			return 0, errors.New("db exploded")
		}, nil)
	}()
	<-started
	go func() {
		for b.Stats().Waits == 0 {
			time.Sleep(time.Millisecond)
		}
		close(release)
	}()
	load, n := counting(2, nil)
	_, err := cache.Get(context.Background(), b, "k", load, nil)
	var le *cache.LoadError
	require.ErrorAs(t, err, &le)
	require.True(t, le.Remote)
	require.Contains(t, le.Error(), "db exploded")
	require.Zero(t, n.Load(), "the waiter did not pile on the failing source")
}

func TestUndecodableValueIsOverwritten(t *testing.T) {
	ns := devenv.Redis(t)
	var events []cache.Event
	var mu sync.Mutex
	c := newCache(t, ns.Client, ns.Prefix, func(c *cache.Config) {
		c.OnEvent = func(e cache.Event) { mu.Lock(); events = append(events, e); mu.Unlock() }
	})
	ctx := context.Background()
	for _, raw := range []string{"garbage", "V\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00{not json"} {
		require.NoError(t, ns.Client.Do(ctx, ns.Client.B().Set().Key(c.Key("bad")).Value(raw).Build()).Error())
		load, n := counting(user{3, "eve"}, nil)
		u, err := cache.Get(ctx, c, "bad", load, nil)
		require.NoError(t, err)
		require.Equal(t, user{3, "eve"}, u)
		require.EqualValues(t, 1, n.Load())
		u, err = cache.Get(ctx, c, "bad", load, nil)
		require.NoError(t, err)
		require.Equal(t, user{3, "eve"}, u)
		require.EqualValues(t, 1, n.Load(), "overwritten: now a hit")
	}
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, events, 2)
	require.Equal(t, cache.EventDecodeError, events[0].Kind)
}

func TestNamespacesClear(t *testing.T) {
	ns := devenv.Redis(t)
	ctx := context.Background()
	base := newCache(t, ns.Client, ns.Prefix, nil)
	a, err := base.Namespace("tenant-a")
	require.NoError(t, err)
	ab, err := base.Namespace("tenant-ab")
	require.NoError(t, err)
	for i := 0; i < 1200; i++ {
		require.NoError(t, a.Set(ctx, fmt.Sprint("k", i), i, nil))
	}
	require.NoError(t, ab.Set(ctx, "k1", "other tenant", nil))
	n, err := base.Clear(ctx, "tenant-a")
	require.NoError(t, err)
	require.EqualValues(t, 1200, n)
	load, calls := counting(-1, nil)
	v, err := cache.Get(ctx, a, "k5", load, nil)
	require.NoError(t, err)
	require.Equal(t, -1, v, "cleared")
	require.EqualValues(t, 1, calls.Load())
	s, err := cache.Get(ctx, ab, "k1", func(context.Context) (string, error) { return "", nil }, nil)
	require.NoError(t, err)
	require.Equal(t, "other tenant", s, "a namespace sharing a name prefix is untouched")

	// An empty namespace is the cache's own: tenant-a's view clears itself.
	require.NoError(t, a.Set(ctx, "k1", 1, nil))
	n, err = a.Clear(ctx, "")
	require.NoError(t, err)
	require.GreaterOrEqual(t, n, int64(2), "k1 and k5 (loaded above)")
	v, err = cache.Get(ctx, a, "k1", load, nil)
	require.NoError(t, err)
	require.Equal(t, -1, v, "cleared")
	s, err = cache.Get(ctx, ab, "k1", func(context.Context) (string, error) { return "", nil }, nil)
	require.NoError(t, err)
	require.Equal(t, "other tenant", s, "only the cache's own namespace is cleared")

	_, err = base.Clear(ctx, "*")
	require.ErrorIs(t, err, cache.ErrInvalid)
	_, err = base.Namespace("a:b")
	require.ErrorIs(t, err, cache.ErrInvalid)
}

func TestTags(t *testing.T) {
	ns := devenv.Redis(t)
	ctx := context.Background()
	c := newCache(t, ns.Client, ns.Prefix, nil)
	require.NoError(t, c.Set(ctx, "p1", "shoe", &cache.SetOpts{Tags: []string{"cat:shoes", "sale"}}))
	require.NoError(t, c.Set(ctx, "p2", "boot", &cache.SetOpts{Tags: []string{"cat:shoes"}}))
	_, err := cache.Get(ctx, c, "p3", func(context.Context) (string, error) { return "hat", nil }, &cache.GetOpts{Tags: []string{"sale"}})
	require.NoError(t, err)
	require.NoError(t, c.Set(ctx, "p4", "sock", nil))

	n, err := c.InvalidateTag(ctx, "sale")
	require.NoError(t, err)
	require.EqualValues(t, 2, n)
	exists := func(k string) bool {
		n, err := ns.Client.Do(ctx, ns.Client.B().Exists().Key(c.Key(k)).Build()).AsInt64()
		require.NoError(t, err)
		return n == 1
	}
	require.False(t, exists("p1"))
	require.True(t, exists("p2"))
	require.False(t, exists("p3"))
	require.True(t, exists("p4"))
	n, err = c.InvalidateTag(ctx, "cat:shoes")
	require.NoError(t, err)
	require.EqualValues(t, 1, n, "p1 already gone")
	n, err = c.InvalidateTag(ctx, "never-used")
	require.NoError(t, err)
	require.Zero(t, n)
}

// TestL1Invalidation: with client-side caching, a write by client A
// invalidates client B's in-memory copy.
func TestL1Invalidation(t *testing.T) {
	ns := devenv.Redis(t)
	ctx := context.Background()
	a := newCache(t, ns.NewClient(nil), ns.Prefix, func(c *cache.Config) { c.L1 = true })
	b := newCache(t, ns.NewClient(nil), ns.Prefix, func(c *cache.Config) { c.L1 = true })
	require.NoError(t, a.Set(ctx, "cfg", "v1", nil))
	never := func(context.Context) (string, error) { return "", errors.New("must not load") }
	v, err := cache.Get(ctx, b, "cfg", never, nil)
	require.NoError(t, err)
	require.Equal(t, "v1", v)
	require.NoError(t, a.Set(ctx, "cfg", "v2", nil))
	require.Eventually(t, func() bool {
		v, err := cache.Get(ctx, b, "cfg", never, nil)
		return err == nil && v == "v2"
	}, 2*time.Second, time.Millisecond, "B's L1 copy was invalidated")
}

// TestL1Decoded: decoded values are kept beside the L1 copy and still
// follow invalidations.
func TestL1Decoded(t *testing.T) {
	ns := devenv.Redis(t)
	ctx := context.Background()
	a := newCache(t, ns.NewClient(nil), ns.Prefix, nil)
	b := newCache(t, ns.NewClient(nil), ns.Prefix, func(c *cache.Config) { c.L1 = true; c.L1Decoded = true })
	require.NoError(t, a.Set(ctx, "u", user{1, "v1"}, nil))
	never := func(context.Context) (user, error) { return user{}, errors.New("must not load") }
	for i := 0; i < 3; i++ {
		u, err := cache.Get(ctx, b, "u", never, nil)
		require.NoError(t, err)
		require.Equal(t, user{1, "v1"}, u)
	}
	// Another type for the same key decodes on its own.
	m, err := cache.Get(ctx, b, "u", func(context.Context) (map[string]any, error) { return nil, errors.New("no") }, nil)
	require.NoError(t, err)
	require.Equal(t, "v1", m["name"])
	require.NoError(t, a.Set(ctx, "u", user{1, "v2"}, nil))
	require.Eventually(t, func() bool {
		u, err := cache.Get(ctx, b, "u", never, nil)
		return err == nil && u.Name == "v2"
	}, 2*time.Second, time.Millisecond)
}

func TestRefreshAhead(t *testing.T) {
	ns := devenv.Redis(t)
	ctx := context.Background()
	c := newCache(t, ns.Client, ns.Prefix, nil)
	var version atomic.Int64
	load := func(context.Context) (int64, error) { return version.Add(1), nil }
	opts := &cache.GetOpts{TTL: time.Minute, RefreshAhead: 2 * time.Minute} // always "near expiry"
	v, err := cache.Get(ctx, c, "r", load, opts)
	require.NoError(t, err)
	require.EqualValues(t, 1, v)
	v, err = cache.Get(ctx, c, "r", load, opts)
	require.NoError(t, err)
	require.EqualValues(t, 1, v, "a hit returns the current value at once")
	require.Eventually(t, func() bool {
		v, err := cache.Get(ctx, c, "r", load, nil)
		return err == nil && v >= 2
	}, 5*time.Second, 5*time.Millisecond, "refreshed in the background")
}

func TestXFetch(t *testing.T) {
	ns := devenv.Redis(t)
	ctx := context.Background()
	c := newCache(t, ns.Client, ns.Prefix, nil)
	var version atomic.Int64
	load := func(context.Context) (int64, error) {
		time.Sleep(2 * time.Millisecond) // a measurable delta
		return version.Add(1), nil
	}
	_, err := cache.Get(ctx, c, "x", load, nil)
	require.NoError(t, err)
	v, err := cache.Get(ctx, c, "x", load, &cache.GetOpts{XFetchBeta: 1e-9})
	require.NoError(t, err)
	require.EqualValues(t, 1, v, "tiny beta: an hour before expiry, never early")
	v, err = cache.Get(ctx, c, "x", load, &cache.GetOpts{XFetchBeta: 1e15})
	require.NoError(t, err)
	require.EqualValues(t, 2, v, "huge beta: recomputed early by this caller")
}

func TestBadInput(t *testing.T) {
	ns := devenv.Redis(t)
	ctx := context.Background()
	c := newCache(t, ns.Client, ns.Prefix, nil)
	load, n := counting(1, nil)
	_, err := cache.Get(ctx, c, "", load, nil)
	require.ErrorIs(t, err, cache.ErrEmptyKey)
	_, err = cache.Get[int](ctx, c, "k", nil, nil)
	require.ErrorIs(t, err, cache.ErrInvalid)
	for _, o := range []*cache.GetOpts{{TTL: -time.Second}, {RefreshAhead: -1}, {XFetchBeta: -1}, {Tags: []string{""}}} {
		_, err = cache.Get(ctx, c, "k", load, o)
		var ce *cache.ConfigError
		if !errors.As(err, &ce) {
			require.ErrorIs(t, err, cache.ErrInvalid)
		}
	}
	require.Zero(t, n.Load())
	require.ErrorIs(t, c.Set(ctx, "", 1, nil), cache.ErrEmptyKey)
	require.ErrorIs(t, c.Set(ctx, "k", 1, &cache.SetOpts{TTL: -1}), cache.ErrInvalid)
	var ce *cache.CodecError
	require.ErrorAs(t, c.Set(ctx, "k", func() {}, nil), &ce)
	require.ErrorIs(t, c.Delete(ctx, "a", ""), cache.ErrEmptyKey)
	_, err = c.InvalidateTag(ctx, "")
	require.ErrorIs(t, err, cache.ErrInvalid)
	for _, cfg := range []cache.Config{{TTL: -1}, {LockTTL: -1}, {WaitTimeout: -1}, {L1TTL: -1}, {Jitter: 1}, {Namespace: "x}"}} {
		_, err := cache.New(ns.Client, cfg)
		require.ErrorIs(t, err, cache.ErrInvalid, "%+v", cfg)
	}
	_, err = cache.New(nil, cache.Config{})
	require.ErrorIs(t, err, cache.ErrInvalid)
}
