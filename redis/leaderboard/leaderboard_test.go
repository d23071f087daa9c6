package leaderboard_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/leaderboard"
)

func TestMain(m *testing.M) { devenv.Main(m) }

func seed(t *testing.T, b *leaderboard.Board) {
	t.Helper()
	ctx := context.Background()
	for m, s := range map[string]float64{"dan": 50, "ann": 70, "bob": 70, "cat": 90, "eve": 10, "fay": 70} {
		require.NoError(t, b.Set(ctx, m, s))
	}
}

func TestTopRankAroundPages(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	b := leaderboard.New(ns.Client, "game", &leaderboard.Options{Prefix: ns.Prefix})
	seed(t, b)

	want := []leaderboard.Entry{
		{Member: "cat", Score: 90, Rank: 1},
		{Member: "ann", Score: 70, Rank: 2}, // ties: member ascending
		{Member: "bob", Score: 70, Rank: 3},
		{Member: "fay", Score: 70, Rank: 4},
		{Member: "dan", Score: 50, Rank: 5},
		{Member: "eve", Score: 10, Rank: 6},
	}
	top, err := b.Top(ctx, 10)
	require.NoError(t, err)
	require.Empty(t, cmp.Diff(want, top))

	for _, tc := range []struct {
		name       string
		page, size int64
		want       []leaderboard.Entry
	}{
		{"first", 1, 4, want[:4]},
		{"second", 2, 4, want[4:]},
		{"past the end", 3, 4, []leaderboard.Entry{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := b.Page(ctx, tc.page, tc.size)
			require.NoError(t, err)
			require.Empty(t, cmp.Diff(tc.want, got))
		})
	}
	_, err = b.Page(ctx, 0, 4)
	require.ErrorIs(t, err, leaderboard.ErrInvalid)

	r, err := b.Rank(ctx, "fay")
	require.NoError(t, err)
	require.Equal(t, want[3], r)
	_, err = b.Rank(ctx, "zed")
	require.ErrorIs(t, err, leaderboard.ErrNotFound)

	around, err := b.Around(ctx, "bob", 1)
	require.NoError(t, err)
	require.Empty(t, cmp.Diff(want[1:4], around))
	around, err = b.Around(ctx, "cat", 2)
	require.NoError(t, err)
	require.Empty(t, cmp.Diff(want[0:3], around), "clipped at the top")
	_, err = b.Around(ctx, "zed", 2)
	require.ErrorIs(t, err, leaderboard.ErrNotFound)

	s, err := b.Incr(ctx, "eve", 100)
	require.NoError(t, err)
	require.Equal(t, 110.0, s)
	top, err = b.Top(ctx, 1)
	require.NoError(t, err)
	require.Equal(t, leaderboard.Entry{Member: "eve", Score: 110, Rank: 1}, top[0])

	require.NoError(t, b.Remove(ctx, "eve"))
	n, err := b.Count(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(5), n)
}

func TestAscendingBoard(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	b := leaderboard.New(ns.Client, "race", &leaderboard.Options{Prefix: ns.Prefix, Ascending: true})
	seed(t, b)
	top, err := b.Top(ctx, 4)
	require.NoError(t, err)
	var got []string
	for _, e := range top {
		got = append(got, fmt.Sprint(e.Member, "=", e.Score))
	}
	require.Equal(t, []string{"eve=10", "dan=50", "ann=70", "bob=70"}, got)
}

func TestConcurrentIncrements(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	b := leaderboard.New(ns.Client, "inc", &leaderboard.Options{Prefix: ns.Prefix})
	const workers, each = 20, 100
	errs := make(chan error, workers)
	for range workers {
		go func() {
			for range each {
				if _, err := b.Incr(ctx, "p", 1); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range workers {
		require.NoError(t, <-errs)
	}
	r, err := b.Rank(ctx, "p")
	require.NoError(t, err)
	require.Equal(t, float64(workers*each), r.Score, "no increment lost")
}

func TestPeriodicBoardsExpire(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	day := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC) // a Wednesday
	for _, tc := range []struct {
		period leaderboard.Period
		id     string
		end    time.Time
	}{
		{leaderboard.Daily, "2026-11-25", time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)},
		{leaderboard.Weekly, "2026-W48", time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)},
		{leaderboard.Monthly, "2026-11", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)},
	} {
		t.Run(tc.id, func(t *testing.T) {
			p := leaderboard.NewPeriodic(ns.Client, "score", tc.period, time.Hour, &leaderboard.Options{Prefix: ns.Prefix})
			id, _, end := p.Bounds(day)
			require.Equal(t, tc.id, id)
			require.Equal(t, tc.end, end)
			b := p.At(day)
			require.Equal(t, ns.Prefix+"score:"+tc.id, b.Key())
			_, err := b.Incr(ctx, "ann", 5)
			require.NoError(t, err)
			at, err := ns.Client.Do(ctx, ns.Client.B().Pexpiretime().Key(b.Key()).Build()).AsInt64()
			require.NoError(t, err)
			require.Equal(t, tc.end.Add(time.Hour).UnixMilli(), at)
		})
	}
	// A board whose period (plus retention) is over is gone at once.
	old := leaderboard.NewPeriodic(ns.Client, "old", leaderboard.Daily, time.Hour, &leaderboard.Options{Prefix: ns.Prefix}).At(day.AddDate(0, 0, -400))
	_, err := old.Incr(ctx, "x", 1)
	require.NoError(t, err)
	n, err := old.Count(ctx)
	require.NoError(t, err)
	require.Zero(t, n)
}
