package leaderboard_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/leaderboard"
)

// TestNilArguments checks that boards from a nil client or an empty name,
// nil receivers and the boards of a nil Periodic answer ErrInvalid instead
// of panicking.
func TestNilArguments(t *testing.T) {
	ctx := context.Background()
	var nilBoard *leaderboard.Board
	var nilPeriodic *leaderboard.Periodic
	at := time.Date(2026, 3, 4, 5, 0, 0, 0, time.UTC)
	for _, bc := range []struct {
		name string
		b    *leaderboard.Board
	}{
		{"New(nil client)", leaderboard.New(nil, "b", nil)},
		{"New(empty name)", leaderboard.New(devenv.Redis(t).Client, "", nil)},
		{"New(nil, FirstReached)", leaderboard.New(nil, "b", &leaderboard.Options{FirstReached: true})},
		{"nil Board", nilBoard},
		{"NewPeriodic(nil).At", leaderboard.NewPeriodic(nil, "p", leaderboard.Weekly, time.Hour, nil).At(at)},
		{"NewPeriodic(nil).Current", leaderboard.NewPeriodic(nil, "p", leaderboard.Daily, 0, nil).Current()},
		{"NewPeriodic(empty name)", leaderboard.NewPeriodic(devenv.Redis(t).Client, "", leaderboard.Daily, 0, nil).At(at)},
		{"NewPeriodic(unknown Period)", leaderboard.NewPeriodic(devenv.Redis(t).Client, "p", leaderboard.Period(7), 0, nil).At(at)},
		{"NewPeriodic(negative keep)", leaderboard.NewPeriodic(devenv.Redis(t).Client, "p", leaderboard.Weekly, -time.Hour, nil).At(at)},
		{"nil Periodic.At", nilPeriodic.At(at)},
		{"nil Periodic.Current", nilPeriodic.Current()},
	} {
		b := bc.b
		cases := []struct {
			name string
			call func() error
		}{
			{"Set", func() error { return b.Set(ctx, "m", 1) }},
			{"Incr", func() error { _, err := b.Incr(ctx, "m", 1); return err }},
			{"Remove", func() error { return b.Remove(ctx, "m") }},
			{"Count", func() error { _, err := b.Count(ctx); return err }},
			{"Top", func() error { _, err := b.Top(ctx, 10); return err }},
			{"Page", func() error { _, err := b.Page(ctx, 1, 10); return err }},
			{"Rank", func() error { _, err := b.Rank(ctx, "m"); return err }},
			{"Around", func() error { _, err := b.Around(ctx, "m", 2); return err }},
			{"Ranks", func() error { _, err := b.Ranks(ctx, "m"); return err }},
		}
		for _, c := range cases {
			t.Run(bc.name+"."+c.name, func(t *testing.T) {
				require.ErrorIs(t, c.call(), leaderboard.ErrInvalid)
			})
		}
	}
	require.False(t, nilBoard.Key() != "", "nil Board Key must be empty")
	if id, start, end := nilPeriodic.Bounds(at); id != "2026-03-04" || !start.Equal(at.Truncate(24*time.Hour)) || end.Sub(start) != 24*time.Hour {
		t.Fatalf("nil Periodic Bounds = %q %v %v, want the daily period", id, start, end)
	}
}
