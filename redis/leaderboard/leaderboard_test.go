package leaderboard_test

import (
	"context"
	"fmt"
	"strconv"
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

// TestPeriodicBounds is calendar arithmetic only: the dates below are
// never compared with a clock (clock-free: pure function of its input).
func TestPeriodicBounds(t *testing.T) {
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 15, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		period     leaderboard.Period
		t          time.Time
		id         string
		start, end time.Time
	}{
		{leaderboard.Daily, at(2026, 11, 25), "2026-11-25", at(2026, 11, 25), at(2026, 11, 26)},
		{leaderboard.Daily, at(2024, 2, 29), "2024-02-29", at(2024, 2, 29), at(2024, 3, 1)},
		{leaderboard.Weekly, at(2026, 11, 25), "2026-W48", at(2026, 11, 23), at(2026, 11, 30)},
		{leaderboard.Weekly, at(2027, 1, 1), "2026-W53", at(2026, 12, 28), at(2027, 1, 4)},
		{leaderboard.Weekly, at(2024, 12, 31), "2025-W01", at(2024, 12, 30), at(2025, 1, 6)},
		{leaderboard.Monthly, at(2026, 11, 25), "2026-11", at(2026, 11, 1), at(2026, 12, 1)},
		{leaderboard.Monthly, at(2026, 12, 31), "2026-12", at(2026, 12, 1), at(2027, 1, 1)},
	} {
		t.Run(tc.id, func(t *testing.T) {
			p := leaderboard.NewPeriodic(nil, "score", tc.period, time.Hour, nil)
			id, start, end := p.Bounds(tc.t)
			require.Equal(t, tc.id, id)
			require.Equal(t, tc.start.Truncate(24*time.Hour), start)
			require.Equal(t, tc.end.Truncate(24*time.Hour), end)
		})
	}
}

// TestPeriodicBoardsExpire checks expiry against the clock Redis expires
// keys by: the current period is read from the server's TIME, so the test
// passes on any date.
func TestPeriodicBoardsExpire(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	tm, err := ns.Client.Do(ctx, ns.Client.B().Time().Build()).AsStrSlice()
	require.NoError(t, err)
	sec, err := strconv.ParseInt(tm[0], 10, 64)
	require.NoError(t, err)
	now := time.Unix(sec, 0).UTC()
	for _, tc := range []struct {
		period leaderboard.Period
		name   string
		length func(start time.Time) time.Duration
	}{
		{leaderboard.Daily, "daily", func(time.Time) time.Duration { return 24 * time.Hour }},
		{leaderboard.Weekly, "weekly", func(time.Time) time.Duration { return 7 * 24 * time.Hour }},
		{leaderboard.Monthly, "monthly", func(s time.Time) time.Duration { return s.AddDate(0, 1, 0).Sub(s) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := leaderboard.NewPeriodic(ns.Client, "score", tc.period, time.Hour,
				&leaderboard.Options{Prefix: ns.Prefix, Now: func() time.Time { return now }})
			id, start, end := p.Bounds(now)
			require.False(t, now.Before(start), "the period contains now")
			require.True(t, now.Before(end), "the period contains now")
			require.Equal(t, tc.length(start), end.Sub(start))
			b := p.Current()
			require.Equal(t, ns.Prefix+"score:"+id, b.Key())
			_, err := b.Incr(ctx, "ann", 5)
			require.NoError(t, err)
			at, err := ns.Client.Do(ctx, ns.Client.B().Pexpiretime().Key(b.Key()).Build()).AsInt64()
			require.NoError(t, err)
			require.Equal(t, end.Add(time.Hour).UnixMilli(), at, "expires one hour (Keep) after its period ends")
			n, err := b.Count(ctx)
			require.NoError(t, err)
			require.EqualValues(t, 1, n)
		})
	}
	// A board whose period (plus retention) is over is gone at once.
	old := leaderboard.NewPeriodic(ns.Client, "old", leaderboard.Daily, time.Hour, &leaderboard.Options{Prefix: ns.Prefix}).At(now.AddDate(0, 0, -2))
	_, err = old.Incr(ctx, "x", 1)
	require.NoError(t, err)
	n, err := old.Count(ctx)
	require.NoError(t, err)
	require.Zero(t, n)
}

func TestRanks(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	for _, tc := range []struct {
		ascending bool
		want      map[string][3]int64 // ordinal, competition, dense
	}{
		{false, map[string][3]int64{"cat": {1, 1, 1}, "ann": {2, 2, 2}, "bob": {3, 2, 2}, "fay": {4, 2, 2}, "dan": {5, 5, 3}, "eve": {6, 6, 4}}},
		{true, map[string][3]int64{"eve": {1, 1, 1}, "dan": {2, 2, 2}, "ann": {3, 3, 3}, "bob": {4, 3, 3}, "fay": {5, 3, 3}, "cat": {6, 6, 4}}},
	} {
		b := leaderboard.New(ns.Client, fmt.Sprint("ranks-", tc.ascending), &leaderboard.Options{Prefix: ns.Prefix, Ascending: tc.ascending})
		seed(t, b)
		for m, w := range tc.want {
			r, err := b.Ranks(ctx, m)
			require.NoError(t, err)
			require.Equal(t, w, [3]int64{r.Ordinal, r.Competition, r.Dense}, "%s ascending=%v", m, tc.ascending)
			e, err := b.Rank(ctx, m)
			require.NoError(t, err)
			require.Equal(t, e.Score, r.Score)
			require.Equal(t, e.Rank, r.Ordinal)
		}
		_, err := b.Ranks(ctx, "nobody")
		require.ErrorIs(t, err, leaderboard.ErrNotFound)
		_, err = b.Ranks(ctx, "")
		require.ErrorIs(t, err, leaderboard.ErrInvalid)
	}
}
