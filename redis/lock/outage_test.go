package lock_test

import (
	"context"
	"strconv"
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
	// Calls go on a pooled connection of their own (the default with few
	// in flight) or through the client's pipeline (DirectCalls < 0).
	for _, direct := range []int{0, -1} {
		t.Run("DirectCalls="+strconv.Itoa(direct), func(t *testing.T) {
			devenv.RedisOutages(t, func(t *testing.T, c rueidis.Client, fail func()) {
				l := lock.New(c, &lock.Options{Timeout: timeout, DirectCalls: direct})
				ctx := context.Background()
				held, err := l.TryAcquire(ctx, "held", nil)
				require.NoError(t, err)

				fail()
				start := time.Now()
				_, err = l.TryAcquire(ctx, "x", nil)
				require.True(t, redisconn.IsUnreachable(err), "%v", err)
				require.Less(t, time.Since(start), bound)
				t.Logf("TryAcquire failed after %v", time.Since(start))

				start = time.Now()
				_, err = l.Acquire(ctx, "y", nil)
				require.True(t, redisconn.IsUnreachable(err), "%v", err)
				require.Less(t, time.Since(start), bound)

				start = time.Now()
				require.Error(t, held.Release(ctx))
				require.Less(t, time.Since(start), bound)
				t.Logf("Release failed after %v", time.Since(start))
			})
		})
	}
}
