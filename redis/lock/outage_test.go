package lock_test

import (
	"context"
	"testing"
	"time"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/lock"
	"github.com/polystore/polystore/redis/redisconn"
	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"
)

// TestOutageBounded: with a default rueidis client and
// context.Background(), TryAcquire, Acquire and Release against a hung or
// stopped server return an unreachable error within Options.Timeout (plus
// scheduling slack).
func TestOutageBounded(t *testing.T) {
	const timeout = 300 * time.Millisecond
	const bound = timeout + 1500*time.Millisecond
	devenv.RedisOutages(t, func(t *testing.T, c rueidis.Client, fail func()) {
		l := lock.New(c, &lock.Options{Timeout: timeout})
		ctx := context.Background()
		held, err := l.TryAcquire(ctx, "held", nil)
		require.NoError(t, err)

		fail()
		start := time.Now()
		_, err = l.TryAcquire(ctx, "x", nil)
		require.True(t, redisconn.IsUnreachable(err), "%v", err)
		require.Less(t, time.Since(start), bound)

		start = time.Now()
		_, err = l.Acquire(ctx, "y", nil)
		require.True(t, redisconn.IsUnreachable(err), "%v", err)
		require.Less(t, time.Since(start), bound)

		start = time.Now()
		require.Error(t, held.Release(ctx))
		require.Less(t, time.Since(start), bound)
	})
}
