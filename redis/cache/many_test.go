package cache_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/cache"
	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"
)

// roundTrips counts the calls a Cache makes on its client: each Do or
// DoCache is one round trip, each DoMulti or DoMultiCache one pipelined
// round trip (per node on a cluster).
type roundTrips struct {
	rueidis.Client
	single, multi atomic.Int64
}

func (r *roundTrips) Do(ctx context.Context, cmd rueidis.Completed) rueidis.RedisResult {
	r.single.Add(1)
	return r.Client.Do(ctx, cmd)
}

func (r *roundTrips) DoMulti(ctx context.Context, cmds ...rueidis.Completed) []rueidis.RedisResult {
	r.multi.Add(1)
	return r.Client.DoMulti(ctx, cmds...)
}

func (r *roundTrips) reset() { r.single.Store(0); r.multi.Store(0) }

// batchLoader answers keys "k<i>" with "v<i>" except those in absent,
// recording each call's keys.
type batchLoader struct {
	mu     sync.Mutex
	calls  [][]string
	absent map[string]bool
	delay  time.Duration
	fail   atomic.Pointer[error]
	prefix string
}

func (b *batchLoader) load(ctx context.Context, keys []string) (map[string]string, error) {
	b.mu.Lock()
	b.calls = append(b.calls, slices.Clone(keys))
	b.mu.Unlock()
	time.Sleep(b.delay)
	if e := b.fail.Load(); e != nil {
		return nil, *e
	}
	out := map[string]string{}
	for _, k := range keys {
		if !b.absent[k] {
			out[k] = b.prefix + k
		}
	}
	return out, nil
}

func (b *batchLoader) loaded() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var all []string
	for _, c := range b.calls {
		all = append(all, c...)
	}
	slices.Sort(all)
	return all
}

func keyList(from, to int) []string {
	var ks []string
	for i := from; i < to; i++ {
		ks = append(ks, fmt.Sprintf("k%03d", i))
	}
	return ks
}

func TestGetManyLoadsOnlyMissesInOneCall(t *testing.T) {
	ns := devenv.Redis(t)
	rt := &roundTrips{Client: ns.Client}
	c := newCache(t, rt, ns.Prefix, nil)
	ctx := context.Background()
	for _, k := range keyList(0, 40) {
		require.NoError(t, c.Set(ctx, k, "cached-"+k, nil))
	}
	all := keyList(0, 100)
	b := &batchLoader{prefix: "db-"}
	got, err := cache.GetMany(ctx, c, append(all, "k000", "k050"), b.load, nil) // duplicates are read once
	require.NoError(t, err)
	require.Len(t, got, 100)
	for i, k := range all {
		want := "db-" + k
		if i < 40 {
			want = "cached-" + k
		}
		require.Equal(t, want, got[k])
	}
	require.Len(t, b.calls, 1, "one loader call for all the misses")
	require.Equal(t, keyList(40, 100), b.loaded(), "the loader receives exactly the missing keys")

	// All hits now: one pipelined read, no script, no loader.
	rt.reset()
	got2, err := cache.GetMany(ctx, c, all, b.load, nil)
	require.NoError(t, err)
	require.Equal(t, got, got2)
	require.Len(t, b.calls, 1)
	require.Equal(t, int64(0), rt.single.Load(), "no single-command round trips for hits")
	require.Equal(t, int64(1), rt.multi.Load(), "one pipelined round trip for 100 hits")

	// Get sees what GetMany stored.
	v, err := cache.Get(ctx, c, "k077", func(context.Context) (string, error) { return "", errors.New("not called") }, nil)
	require.NoError(t, err)
	require.Equal(t, "db-k077", v)
}

func TestGetManyCachesAbsence(t *testing.T) {
	ns := devenv.Redis(t)
	c := newCache(t, ns.Client, ns.Prefix, nil)
	ctx := context.Background()
	b := &batchLoader{absent: map[string]bool{"k001": true, "k003": true}}
	keys := keyList(0, 5)
	for range 2 {
		got, err := cache.GetMany(ctx, c, keys, b.load, nil)
		require.NoError(t, err)
		require.Equal(t, map[string]string{"k000": "k000", "k002": "k002", "k004": "k004"}, got)
	}
	require.Len(t, b.calls, 1, "absent keys are cached as not found")
	_, err := cache.Get(ctx, c, "k001", func(context.Context) (string, error) { return "x", nil }, nil)
	require.ErrorIs(t, err, cache.ErrNotFound)
}

// TestGetManyStampede: many callers, each with its own Cache (as separate
// processes would have), ask for the same missing keys at once, in
// overlapping batches. Invariant: every key is loaded exactly once in all,
// and every caller gets every value it asked for.
func TestGetManyStampede(t *testing.T) {
	ns := devenv.Redis(t)
	ctx := context.Background()
	b := &batchLoader{delay: 30 * time.Millisecond, prefix: "v-"}
	const callers = 24
	var wg sync.WaitGroup
	results := make([]map[string]string, callers)
	errs := make([]error, callers)
	asked := make([][]string, callers)
	for i := range callers {
		c := newCache(t, ns.Client, ns.Prefix, nil)
		asked[i] = keyList(i%4*10, i%4*10+40) // four overlapping windows over k000..k069
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = cache.GetMany(ctx, c, asked[i], b.load, nil)
		}()
	}
	wg.Wait()
	for i := range callers {
		require.NoError(t, errs[i])
		require.Len(t, results[i], len(asked[i]))
		for _, k := range asked[i] {
			require.Equal(t, "v-"+k, results[i][k])
		}
	}
	require.Equal(t, keyList(0, 70), b.loaded(), "each key loaded exactly once across all callers")
}

func TestGetManyLoaderError(t *testing.T) {
	ns := devenv.Redis(t)
	c := newCache(t, ns.Client, ns.Prefix, func(c *cache.Config) { c.WaitTimeout = 2 * time.Second })
	ctx := context.Background()
	b := &batchLoader{}
	boom := errors.New("db down")
	b.fail.Store(&boom)
	start := time.Now()
	_, err := cache.GetMany(ctx, c, keyList(0, 3), b.load, nil)
	var le *cache.LoadError
	require.ErrorAs(t, err, &le)
	require.ErrorIs(t, err, boom)
	b.fail.Store(nil)
	got, err := cache.GetMany(ctx, c, keyList(0, 3), b.load, nil)
	require.NoError(t, err)
	require.Len(t, got, 3, "nothing was cached by the failed call")
	require.Less(t, time.Since(start), time.Second, "the failed call released its locks at once")
}

func TestGetManyBadInput(t *testing.T) {
	ns := devenv.Redis(t)
	c := newCache(t, ns.Client, ns.Prefix, nil)
	ctx := context.Background()
	b := &batchLoader{}
	_, err := cache.GetMany[string](ctx, c, []string{"a"}, nil, nil)
	require.ErrorIs(t, err, cache.ErrInvalid)
	_, err = cache.GetMany(ctx, c, []string{"a", ""}, b.load, nil)
	require.ErrorIs(t, err, cache.ErrEmptyKey)
	_, err = cache.GetMany(ctx, c, []string{"a"}, b.load, &cache.GetOpts{TTL: -1})
	require.ErrorIs(t, err, cache.ErrInvalid)
	got, err := cache.GetMany(ctx, c, nil, b.load, nil)
	require.NoError(t, err)
	require.Empty(t, got)
	require.Empty(t, b.calls, "nothing was loaded for bad or empty input")
	_, err = cache.New(ns.Client, cache.Config{StaleFor: -time.Second})
	require.ErrorIs(t, err, cache.ErrInvalid)
}

// TestServeStale: past its TTL a value is reloaded; when the reload fails
// the old value is served, for at most StaleFor after its expiry.
func TestServeStale(t *testing.T) {
	ns := devenv.Redis(t)
	const ttl, staleFor = 200 * time.Millisecond, 600 * time.Millisecond
	var events []cache.Event
	var mu sync.Mutex
	c := newCache(t, ns.Client, ns.Prefix, func(c *cache.Config) {
		c.TTL, c.StaleFor, c.Jitter = ttl, staleFor, -1
		c.OnEvent = func(e cache.Event) { mu.Lock(); events = append(events, e); mu.Unlock() }
	})
	ctx := context.Background()
	value := "v1"
	var fail atomic.Bool
	var loads atomic.Int64
	load := func(context.Context) (string, error) {
		loads.Add(1)
		if fail.Load() {
			return "", errors.New("db down")
		}
		return value, nil
	}
	v, err := cache.Get(ctx, c, "k", load, nil)
	require.NoError(t, err)
	require.Equal(t, "v1", v)
	require.Greater(t, pttl(t, ns.Client, c.Key("k")), ttl, "Redis keeps the value past its TTL")

	v, err = cache.Get(ctx, c, "k", load, nil)
	require.NoError(t, err)
	require.Equal(t, "v1", v)
	require.Equal(t, int64(1), loads.Load(), "fresh: a hit")

	expired := time.Now().Add(ttl + 50*time.Millisecond)
	time.Sleep(time.Until(expired))
	fail.Store(true)
	v, err = cache.Get(ctx, c, "k", load, nil)
	require.NoError(t, err, "the expired value is served when its reload fails")
	require.Equal(t, "v1", v)
	require.Equal(t, int64(2), loads.Load(), "past its TTL the value was reloaded")
	require.Equal(t, int64(1), c.Stats().Stale)
	mu.Lock()
	require.Equal(t, cache.EventStale, events[len(events)-1].Kind)
	require.ErrorContains(t, events[len(events)-1].Err, "db down")
	mu.Unlock()

	// A reload that works replaces the stale value.
	fail.Store(false)
	value = "v2"
	v, err = cache.Get(ctx, c, "k", load, nil)
	require.NoError(t, err)
	require.Equal(t, "v2", v)

	// Past TTL+StaleFor nothing stale is served.
	time.Sleep(ttl + staleFor + 100*time.Millisecond)
	fail.Store(true)
	_, err = cache.Get(ctx, c, "k", load, nil)
	var le *cache.LoadError
	require.ErrorAs(t, err, &le)
}

func TestGetManyServeStale(t *testing.T) {
	ns := devenv.Redis(t)
	const ttl = 150 * time.Millisecond
	c := newCache(t, ns.Client, ns.Prefix, func(c *cache.Config) { c.TTL, c.StaleFor, c.Jitter = ttl, 5*time.Second, -1 })
	ctx := context.Background()
	b := &batchLoader{prefix: "old-"}
	keys := keyList(0, 4)
	_, err := cache.GetMany(ctx, c, keys[:3], b.load, nil)
	require.NoError(t, err)
	time.Sleep(ttl + 50*time.Millisecond)
	boom := errors.New("db down")
	b.fail.Store(&boom)
	// k000..k002 expired but servable; k003 was never cached, so the call fails.
	_, err = cache.GetMany(ctx, c, keys, b.load, nil)
	require.ErrorIs(t, err, boom)
	got, err := cache.GetMany(ctx, c, keys[:3], b.load, nil)
	require.NoError(t, err)
	require.Equal(t, map[string]string{"k000": "old-k000", "k001": "old-k001", "k002": "old-k002"}, got)
	require.GreaterOrEqual(t, c.Stats().Stale, int64(3))
}

func TestGetManyOutage(t *testing.T) {
	const timeout = 300 * time.Millisecond
	const bound = timeout + 1500*time.Millisecond
	devenv.RedisOutages(t, func(t *testing.T, cl rueidis.Client, fail func()) {
		fb, err := cache.New(cl, cache.Config{Logger: quiet, FallbackToLoader: true, Timeout: timeout})
		require.NoError(t, err)
		strict, err := cache.New(cl, cache.Config{Logger: quiet, Prefix: "strict:", Timeout: timeout})
		require.NoError(t, err)
		ctx := context.Background()
		b := &batchLoader{prefix: "db-"}
		_, err = cache.GetMany(ctx, fb, keyList(0, 2), b.load, nil)
		require.NoError(t, err)
		fail()
		start := time.Now()
		got, err := cache.GetMany(ctx, fb, keyList(0, 4), b.load, nil)
		require.NoError(t, err)
		require.Len(t, got, 4)
		require.Equal(t, "db-k003", got["k003"])
		require.Less(t, time.Since(start), bound, "the fallback starts within Timeout")
		start = time.Now()
		_, err = cache.GetMany(ctx, strict, keyList(0, 4), b.load, nil)
		require.True(t, cache.IsUnavailable(err), "%v", err)
		require.Less(t, time.Since(start), bound)
	})
}
