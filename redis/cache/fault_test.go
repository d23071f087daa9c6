package cache_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/cache"
	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"
)

// TestRedisDown stops a private redis-server under two caches: the one with
// FallbackToLoader keeps answering from the loader and reports degraded
// mode; the other returns *RedisError. After a restart both recover by
// themselves and cache again.
func TestRedisDown(t *testing.T) {
	srv := devenv.StartRedis(t)
	opt, err := devenv.RedisOption(srv.URL())
	require.NoError(t, err)
	opt.Dialer.Timeout = 500 * time.Millisecond
	opt.DisableRetry = true // fail fast; the cache probes again every ProbeInterval
	cl, err := rueidis.NewClient(opt)
	require.NoError(t, err)
	t.Cleanup(cl.Close)

	var mu sync.Mutex
	var kinds []cache.EventKind
	onEvent := func(e cache.Event) { mu.Lock(); kinds = append(kinds, e.Kind); mu.Unlock() }
	fb, err := cache.New(cl, cache.Config{Logger: quiet, FallbackToLoader: true, OnEvent: onEvent, ProbeInterval: 50 * time.Millisecond})
	require.NoError(t, err)
	strict, err := cache.New(cl, cache.Config{Logger: quiet, Prefix: "strict:", ProbeInterval: 50 * time.Millisecond})
	require.NoError(t, err)

	ctx := context.Background()
	load, n := counting("from db", nil)
	get := func(c *cache.Cache) (string, error) {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		return cache.Get(ctx, c, "k", load, nil)
	}
	v, err := get(fb)
	require.NoError(t, err)
	require.Equal(t, "from db", v)
	require.EqualValues(t, 1, n.Load())

	require.NoError(t, srv.Stop())
	for i := 0; i < 3; i++ {
		v, err := get(fb)
		require.NoError(t, err, "fallback to the loader")
		require.Equal(t, "from db", v)
		_, err = get(strict)
		require.True(t, cache.IsUnavailable(err), "%v", err)
		var re *cache.RedisError
		require.ErrorAs(t, err, &re)
	}
	require.True(t, fb.Degraded())
	require.EqualValues(t, 4, n.Load(), "three fallback loads")
	// Writes name the key they failed on (Set's error used to read
	// "cache: set : dial tcp ...").
	var re *cache.RedisError
	require.ErrorAs(t, strict.Set(ctx, "k", "v", nil), &re)
	require.Equal(t, strict.Key("k"), re.Key)
	require.ErrorContains(t, re, "cache: set "+strict.Key("k")+": ")
	require.ErrorAs(t, strict.Delete(ctx, "a", "b"), &re)
	require.Equal(t, strict.Key("a"), re.Key)
	require.NoError(t, strict.Delete(ctx), "no keys: nothing to do")
	require.EqualValues(t, 3, fb.Stats().Fallbacks)

	require.NoError(t, srv.Restart(ctx))
	require.Eventually(t, func() bool {
		_, err := get(strict)
		return err == nil
	}, 10*time.Second, 20*time.Millisecond, "recovers by itself")
	require.Eventually(t, func() bool {
		v, err := get(fb)
		return err == nil && v == "from db" && !fb.Degraded()
	}, 10*time.Second, 20*time.Millisecond, "recovers by itself")
	before := n.Load()
	for i := 0; i < 3; i++ {
		v, err := get(fb)
		require.NoError(t, err)
		require.Equal(t, "from db", v)
	}
	require.Equal(t, before, n.Load(), "cached again: hits, no loads")
	mu.Lock()
	defer mu.Unlock()
	require.Equal(t, []cache.EventKind{cache.EventDegraded, cache.EventRecovered}, kinds)
}
