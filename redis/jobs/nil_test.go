package jobs_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/redis/jobs"
	"github.com/polystore/polystore/redis/stream"
)

// TestNilArguments checks that a nil client, queue, handler or worker
// gets an error wrapping ErrInvalid instead of a panic.
func TestNilArguments(t *testing.T) {
	ctx := context.Background()
	var q *jobs.Queue
	var w *jobs.Worker[int]
	h := func(context.Context, jobs.Job[int]) error { return nil }
	cases := []struct {
		name string
		call func() error
	}{
		{"New(nil)", func() error { _, err := jobs.New(nil, "q", nil); return err }},
		{"Enqueue(nil queue)", func() error { _, err := jobs.Enqueue(ctx, q, 1, nil); return err }},
		{"NewWorker(nil queue)", func() error { _, err := jobs.NewWorker(q, jobs.WorkerOpts{}, h); return err }},
		{"nil Queue.Promote", func() error { _, _, err := q.Promote(ctx, 0); return err }},
		{"nil Queue.DelayedLen", func() error { _, err := q.DelayedLen(ctx); return err }},
		{"nil Worker.Run", func() error { return w.Run(ctx) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.ErrorIs(t, c.call(), jobs.ErrInvalid)
		})
	}
	require.False(t, q.Name() != "" || q.Stream() != nil, "a nil Queue's Name and Stream must be zero")
	if _, err := q.DeadLetters().Len(ctx); !errors.Is(err, stream.ErrInvalidOptions) {
		t.Fatalf("nil Queue DeadLetters().Len: err = %v, want stream.ErrInvalidOptions", err)
	}
}
