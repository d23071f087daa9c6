package cache_test

import (
	"context"
	"testing"
	"time"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/cache"
	"github.com/polystore/polystore/redis/redisconn"
	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"
)

// TestOutageBounded uses the client rueidis gives with defaults (the one a
// user writes first) and context.Background(): with the server hung
// (SIGSTOP: connections open, nothing answers) or stopped, Get returns,
// or falls back to the loader, within Config.Timeout (plus scheduling
// slack), instead of hanging until rueidis gives up.
func TestOutageBounded(t *testing.T) {
	const timeout = 300 * time.Millisecond
	const bound = timeout + 1500*time.Millisecond
	devenv.RedisOutages(t, func(t *testing.T, cl rueidis.Client, fail func()) {
		fb, err := cache.New(cl, cache.Config{Logger: quiet, FallbackToLoader: true, Timeout: timeout})
		require.NoError(t, err)
		strict, err := cache.New(cl, cache.Config{Logger: quiet, Prefix: "strict:", Timeout: timeout})
		require.NoError(t, err)
		ctx := context.Background()
		load, n := counting("from db", nil)
		_, err = cache.Get(ctx, fb, "k", load, nil)
		require.NoError(t, err)

		fail()
		for _, key := range []string{"k", "new"} { // a cached key and a miss
			start := time.Now()
			v, err := cache.Get(ctx, fb, key, load, nil)
			require.NoError(t, err)
			require.Equal(t, "from db", v)
			require.Less(t, time.Since(start), bound, "fallback starts within Timeout")

			start = time.Now()
			_, err = cache.Get(ctx, strict, key, load, nil)
			require.True(t, cache.IsUnavailable(err), "%v", err)
			require.Less(t, time.Since(start), bound)
		}
		require.True(t, fb.Degraded())
		require.GreaterOrEqual(t, n.Load(), int64(3), "the loader answered while Redis was gone")

		start := time.Now()
		err = fb.Set(ctx, "k", "v", nil)
		require.True(t, cache.IsUnavailable(err), "%v", err)
		require.Less(t, time.Since(start), bound)
		start = time.Now()
		_, err = fb.InvalidateTag(ctx, "t")
		require.Error(t, err)
		require.True(t, redisconn.IsUnreachable(err), "%v", err)
		require.Less(t, time.Since(start), bound)
	})
}
