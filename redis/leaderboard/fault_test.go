package leaderboard_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/leaderboard"
	"github.com/polystore/polystore/redis/redisconn"
)

// TestRedisDownMidUse stops, kills or pauses a persistent private
// redis-server while 4 goroutines increment two members, on a plain and
// on a FirstReached board, with a client on rueidis defaults. Invariants:
// every goroutine's first failure is a redisconn.IsUnreachable error that
// comes within 1s of the fault; every public method then fails the same
// way within 1s; after recovery no acknowledged increment is lost and at
// most the unanswered increments were applied (acked <= score <= acked +
// failed), failed writes were applied whole or not at all, a
// FirstReached board's member map and sorted set
// still agree one to one, and the board takes writes again.
func TestRedisDownMidUse(t *testing.T) {
	const timeout = 300 * time.Millisecond
	const bound = time.Second
	for _, first := range []bool{false, true} {
		t.Run(fmt.Sprintf("FirstReached=%v", first), func(t *testing.T) {
			devenv.RedisFaults(t, func(t *testing.T, c rueidis.Client, fault *devenv.RedisFault) {
				b := leaderboard.New(c, "fault", &leaderboard.Options{FirstReached: first, Timeout: timeout})
				const n = 4
				members := []string{"ann", "bob"}
				acked, failed := devenv.MidUse(t, n, bound, func(ctx context.Context, g int) error {
					_, err := b.Incr(ctx, members[g%2], 1)
					return err
				}, func() { fault.Fail(t) })
				// The writes go to a third member, in this order: against a
				// paused server they are sent, time out, and run when it
				// resumes (a failed write's outcome is unknown).
				devenv.RequireFailFast(t, bound, redisconn.IsUnreachable, []devenv.Probe{
					{Name: "Set", Call: func(ctx context.Context) error { return b.Set(ctx, "cat", 5) }},
					{Name: "Incr", Call: func(ctx context.Context) error { _, err := b.Incr(ctx, "cat", 1); return err }},
					{Name: "Remove", Call: func(ctx context.Context) error { return b.Remove(ctx, "cat") }},
					{Name: "Count", Call: func(ctx context.Context) error { _, err := b.Count(ctx); return err }},
					{Name: "Top", Call: func(ctx context.Context) error { _, err := b.Top(ctx, 10); return err }},
					{Name: "Page", Call: func(ctx context.Context) error { _, err := b.Page(ctx, 1, 10); return err }},
					{Name: "Rank", Call: func(ctx context.Context) error { _, err := b.Rank(ctx, "ann"); return err }},
					{Name: "Around", Call: func(ctx context.Context) error { _, err := b.Around(ctx, "ann", 1); return err }},
					{Name: "Ranks", Call: func(ctx context.Context) error { _, err := b.Ranks(ctx, "ann"); return err }},
				}...)

				fault.Recover(t)
				ctx := context.Background()
				// Wait until the board answers and holds still (writes that
				// timed out against a paused server land after it resumes).
				var top, prev []leaderboard.Entry
				require.Eventually(t, func() bool {
					var err error
					prev, top = top, nil
					top, err = b.Top(ctx, 10)
					return err == nil && prev != nil && fmt.Sprint(prev) == fmt.Sprint(top)
				}, 10*time.Second, 200*time.Millisecond)
				got := map[string]float64{}
				for _, e := range top {
					got[e.Member] = e.Score
				}
				if cat, ok := got["cat"]; ok {
					require.Contains(t, []float64{5, 6, 1}, cat, "cat's writes applied in order or not at all")
					delete(got, "cat")
				}
				require.Len(t, got, 2, "only the incremented members: %v", top)
				for i, m := range members {
					var want, unanswered int64
					for g := i; g < n; g += 2 {
						want += acked[g]
						unanswered += failed[g]
					}
					require.GreaterOrEqual(t, got[m], float64(want), "%s lost an acknowledged increment", m)
					require.LessOrEqual(t, got[m], float64(want+unanswered), "%s: more unanswered increments applied than were in flight", m)
				}
				if first {
					keys := []string{b.Key(), b.Key() + ":members"}
					zs, err := c.Do(ctx, c.B().Zrange().Key(keys[0]).Min("0").Max("-1").Build()).AsStrSlice()
					require.NoError(t, err)
					hm, err := c.Do(ctx, c.B().Hgetall().Key(keys[1]).Build()).AsStrMap()
					require.NoError(t, err)
					require.Len(t, hm, len(zs), "member map and sorted set disagree: %v %v", hm, zs)
					for _, stored := range hm {
						require.Contains(t, zs, stored)
					}
				}
				s, err := b.Incr(ctx, "ann", 1)
				require.NoError(t, err)
				require.Equal(t, got["ann"]+1, s)
			})
		})
	}
}
