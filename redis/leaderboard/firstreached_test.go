package leaderboard_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/leaderboard"
	"github.com/stretchr/testify/require"
)

func members(es []leaderboard.Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Member
	}
	return out
}

// TestFirstReached: equal scores rank by who reached them first, not by
// name; a write that leaves the score unchanged keeps the place.
func TestFirstReached(t *testing.T) {
	ns := devenv.Redis(t)
	ctx := context.Background()
	b := leaderboard.New(ns.Client, "tb", &leaderboard.Options{Prefix: ns.Prefix, FirstReached: true})
	plain := leaderboard.New(ns.Client, "plain", &leaderboard.Options{Prefix: ns.Prefix})
	step := func(member string, score float64) {
		require.NoError(t, b.Set(ctx, member, score))
		require.NoError(t, plain.Set(ctx, member, score))
		time.Sleep(2 * time.Millisecond) // distinct server microseconds
	}
	step("bob", 20)
	step("zed", 10)
	step("amy", 10)
	top, err := b.Top(ctx, 10)
	require.NoError(t, err)
	require.Equal(t, []string{"bob", "zed", "amy"}, members(top), "zed reached 10 before amy")
	require.Equal(t, []float64{20, 10, 10}, []float64{top[0].Score, top[1].Score, top[2].Score})
	ptop, err := plain.Top(ctx, 10)
	require.NoError(t, err)
	require.Equal(t, []string{"bob", "amy", "zed"}, members(ptop), "by name without FirstReached")

	s, err := b.Incr(ctx, "zed", 0)
	require.NoError(t, err)
	require.Equal(t, 10.0, s)
	require.NoError(t, b.Set(ctx, "zed", 10))
	e, err := b.Rank(ctx, "zed")
	require.NoError(t, err)
	require.Equal(t, int64(2), e.Rank, "an unchanged score keeps its place")

	_, err = b.Incr(ctx, "zed", 1)
	require.NoError(t, err)
	_, err = b.Incr(ctx, "zed", -1)
	require.NoError(t, err)
	r, err := b.Ranks(ctx, "zed")
	require.NoError(t, err)
	require.Equal(t, leaderboard.Ranks{Ordinal: 3, Competition: 2, Dense: 2, Score: 10}, r, "back to 10 after amy: behind her")
	around, err := b.Around(ctx, "amy", 1)
	require.NoError(t, err)
	require.Equal(t, []string{"bob", "amy", "zed"}, members(around))

	require.NoError(t, b.Remove(ctx, "amy", "nobody"))
	_, err = b.Rank(ctx, "amy")
	require.True(t, errors.Is(err, leaderboard.ErrNotFound), "%v", err)
	n, err := b.Count(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(2), n)
	left, err := ns.Client.Do(ctx, ns.Client.B().Hlen().Key(b.Key()+":members").Build()).AsInt64()
	require.NoError(t, err)
	require.Equal(t, int64(2), left, "the member map forgets removed members")
}

// TestFirstReachedConcurrent: 16 goroutines increment 4 members 50 times
// each. Invariant: every increment counts (the rename is atomic), and each
// member appears once.
func TestFirstReachedConcurrent(t *testing.T) {
	ns := devenv.Redis(t)
	ctx := context.Background()
	b := leaderboard.New(ns.Client, "race", &leaderboard.Options{Prefix: ns.Prefix, FirstReached: true, Ascending: true})
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if _, err := b.Incr(ctx, fmt.Sprint("m", g%4), 1); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	top, err := b.Top(ctx, 10)
	require.NoError(t, err)
	require.Len(t, top, 4)
	for _, e := range top {
		require.Equal(t, 200.0, e.Score, e.Member)
	}
}
