package cache_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/cache"
)

// blockingLoader returns a loader that signals when it starts and returns v
// once released.
func blockingLoader(v string) (cache.Loader[string], <-chan struct{}, chan<- struct{}) {
	started, release := make(chan struct{}), make(chan struct{})
	return func(context.Context) (string, error) {
		close(started)
		<-release
		return v, nil
	}, started, release
}

func getAsync(c *cache.Cache, key string, load cache.Loader[string]) <-chan string {
	out := make(chan string, 1)
	go func() {
		v, err := cache.Get(context.Background(), c, key, load, nil)
		if err != nil {
			v = "error: " + err.Error()
		}
		out <- v
	}()
	return out
}

// The classic cache-aside race: a fill reads the store, a writer updates
// the store and invalidates the cache, then the fill stores its older
// value. Invariant: after a write's Delete or Set returns, no fill that
// started before it can put an older value in the cache.
func TestWriteDuringFillDoesNotResurrectOldValue(t *testing.T) {
	for _, write := range []string{"delete", "set"} {
		t.Run(write, func(t *testing.T) {
			ns := devenv.Redis(t)
			ctx := context.Background()
			a := newCache(t, ns.Client, ns.Prefix, nil)
			writer := newCache(t, ns.NewClient(nil), ns.Prefix, nil)

			load, started, release := blockingLoader("old")
			got := getAsync(a, "k", load)
			<-started
			if write == "delete" {
				require.NoError(t, writer.Delete(ctx, "k"))
			} else {
				require.NoError(t, writer.Set(ctx, "k", "new", nil))
			}
			close(release)
			require.Equal(t, "old", <-got, "the reader that started before the write may see the old value")

			fresh, n := counting("new", nil)
			v, err := cache.Get(ctx, writer, "k", fresh, nil)
			require.NoError(t, err)
			require.Equal(t, "new", v, "the cache must not hold the value read before the write")
			if write == "set" {
				require.Zero(t, n.Load(), "Set's value is served from the cache")
			} else {
				require.EqualValues(t, 1, n.Load())
			}
		})
	}
}

// A fill that lost its lock to a write still wakes its own waiters; the
// waiters of the next fill must ignore that entry and wait for their own.
func TestWaitersIgnoreAnOlderFillsWakeup(t *testing.T) {
	ns := devenv.Redis(t)
	ctx := context.Background()
	a := newCache(t, ns.Client, ns.Prefix, nil)
	b := newCache(t, ns.NewClient(nil), ns.Prefix, nil)
	c := newCache(t, ns.NewClient(nil), ns.Prefix, func(cfg *cache.Config) { cfg.WaitTimeout = 20 * time.Second })

	loadOld, startedOld, releaseOld := blockingLoader("old")
	gotA := getAsync(a, "k", loadOld)
	<-startedOld
	require.NoError(t, b.Delete(ctx, "k")) // a write happened

	loadNew, startedNew, releaseNew := blockingLoader("new")
	gotB := getAsync(b, "k", loadNew)
	<-startedNew // b holds the new fill lock

	var cLoads atomic.Int64
	gotC := getAsync(c, "k", func(context.Context) (string, error) { cLoads.Add(1); return "c", nil })
	require.Eventually(t, func() bool { return c.Stats().Waits >= 1 }, 10*time.Second, time.Millisecond)

	close(releaseOld) // the old fill finishes: not stored, but it wakes its waiters
	require.Equal(t, "old", <-gotA)
	select {
	case v := <-gotC:
		t.Fatalf("c took the older fill's value %q", v)
	case <-time.After(200 * time.Millisecond):
	}
	close(releaseNew)
	require.Equal(t, "new", <-gotB)
	require.Equal(t, "new", <-gotC)
	require.Zero(t, cLoads.Load(), "c waited instead of loading")
}

// A loader slower than LockTTL keeps its lock: the other processes wait
// for its value instead of starting a second load.
func TestSlowLoaderKeepsTheLock(t *testing.T) {
	ns := devenv.Redis(t)
	slowCfg := func(cfg *cache.Config) {
		cfg.LockTTL = 300 * time.Millisecond
		cfg.WaitTimeout = 10 * time.Second
	}
	a := newCache(t, ns.Client, ns.Prefix, slowCfg)
	b := newCache(t, ns.NewClient(nil), ns.Prefix, slowCfg)
	var loads atomic.Int64
	slow := func(context.Context) (string, error) {
		loads.Add(1)
		time.Sleep(1200 * time.Millisecond) // four LockTTLs
		return "v", nil
	}
	gotA := getAsync(a, "k", slow)
	require.Eventually(t, func() bool { return loads.Load() == 1 }, 5*time.Second, time.Millisecond)
	gotB := getAsync(b, "k", slow)
	require.Equal(t, "v", <-gotA)
	require.Equal(t, "v", <-gotB)
	require.EqualValues(t, 1, loads.Load(), "one load across both processes")
}
