package stream_test

import (
	"context"
	"errors"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/stream"
)

// Entries that died are listed with their attempts and error, redriven
// into the stream (where a fixed handler completes them) or purged.
func TestDeadLettersListRedrivePurge(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	s := stream.New(ns.Client, ns.Key("s"), nil)
	var mu sync.Mutex
	broken := true
	done := map[int]int{} // n -> attempt that succeeded
	w, err := stream.NewWorker(s, stream.WorkerOpts{Group: "g", Consumer: "c1", MaxAttempts: 2,
		Backoff: func(int) time.Duration { return time.Millisecond }},
		func(ctx context.Context, m stream.Message[job]) error {
			mu.Lock()
			defer mu.Unlock()
			if broken {
				return errors.New("downstream refused")
			}
			done[m.Value.N] = m.Attempt
			return nil
		})
	require.NoError(t, err)
	for n := range 5 {
		_, err := stream.Publish(ctx, s, job{N: n})
		require.NoError(t, err)
	}
	stop := runWorker(t, w)
	dl := s.DeadLetters("")
	require.Equal(t, stream.DefaultDeadLetterKey(s.Key()), dl.Key())
	require.Eventually(t, func() bool { n, _ := dl.Len(ctx); return n == 5 }, 30*time.Second, 10*time.Millisecond)
	stop()

	// List pages through in order; Get returns one.
	first, err := dl.List(ctx, "", 3)
	require.NoError(t, err)
	require.Len(t, first, 3)
	rest, err := dl.List(ctx, first[2].ID, 10)
	require.NoError(t, err)
	require.Len(t, rest, 2)
	all := append(first, rest...)
	var seen []int
	for _, d := range all {
		require.Equal(t, 2, d.Attempts)
		require.Equal(t, "downstream refused", d.Error)
		require.NotEmpty(t, d.SourceID)
		require.NotContains(t, d.Fields, "error", "bookkeeping fields are split off")
		seen = append(seen, int(d.Fields[stream.DataField][5]-'0'))
	}
	sort.Ints(seen)
	require.Equal(t, []int{0, 1, 2, 3, 4}, seen)
	got, err := dl.Get(ctx, all[0].ID)
	require.NoError(t, err)
	require.Equal(t, all[0], got)
	_, err = dl.Get(ctx, "1-1")
	require.ErrorIs(t, err, stream.ErrNotFound)
	_, err = dl.Get(ctx, "nope")
	require.ErrorIs(t, err, stream.ErrInvalidOptions)
	_, err = dl.List(ctx, "x-y", 1)
	require.ErrorIs(t, err, stream.ErrInvalidOptions)

	// Purge one; redrive one by id (and an unknown id); redrive the rest.
	n, err := dl.Purge(ctx, all[0].ID, "1-1")
	require.NoError(t, err)
	require.EqualValues(t, 1, n)
	mu.Lock()
	broken = false
	mu.Unlock()
	ids, err := dl.Redrive(ctx, all[1].ID, "1-1")
	require.NoError(t, err)
	require.Len(t, ids, 2)
	require.NotEmpty(t, ids[0])
	require.Empty(t, ids[1], "an id that is not a dead letter is skipped")
	moved, err := dl.RedriveAll(ctx)
	require.NoError(t, err)
	require.Equal(t, 3, moved)
	left, err := dl.Len(ctx)
	require.NoError(t, err)
	require.Zero(t, left)

	w2, err := stream.NewWorker(s, stream.WorkerOpts{Group: "g", Consumer: "c2", MaxAttempts: 2}, w2handler(&mu, done))
	require.NoError(t, err)
	runWorker(t, w2)
	require.Eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(done) == 4 }, 30*time.Second, 10*time.Millisecond)
	mu.Lock()
	for n, attempt := range done {
		require.Equal(t, 1, attempt, "a redriven entry starts its attempts again (n=%d)", n)
	}
	_, purged := done[int(all[0].Fields[stream.DataField][5]-'0')]
	mu.Unlock()
	require.False(t, purged, "the purged entry never runs again")

	// PurgeAll empties the dead-letter stream.
	require.NoError(t, ns.Client.Do(ctx, ns.Client.B().Xadd().Key(dl.Key()).Id("*").FieldValue().FieldValue("data", "{}").Build()).Error())
	n, err = dl.PurgeAll(ctx)
	require.NoError(t, err)
	require.EqualValues(t, 1, n)
	n, err = dl.Len(ctx)
	require.NoError(t, err)
	require.Zero(t, n)
}

func w2handler(mu *sync.Mutex, done map[int]int) stream.Handler[job] {
	return func(ctx context.Context, m stream.Message[job]) error {
		mu.Lock()
		defer mu.Unlock()
		done[m.Value.N] = m.Attempt
		return nil
	}
}
