package stream_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/stream"
)

// TestNilArguments checks that a Stream from a nil client or an empty key,
// and nil receivers, answer ErrInvalidOptions instead of panicking.
func TestNilArguments(t *testing.T) {
	ctx := context.Background()
	handler := func(context.Context, stream.Message[int]) error { return nil }
	opts := stream.WorkerOpts{Group: "g", Consumer: "c"}
	var nilWorker *stream.Worker[int]
	var nilDead *stream.DeadLetters
	for _, st := range []struct {
		name string
		s    *stream.Stream
	}{
		{"New(nil client)", stream.New(nil, "k", nil)},
		{"New(empty key)", stream.New(devenv.Redis(t).Client, "", nil)},
		{"nil Stream", nil},
	} {
		s := st.s
		d := s.DeadLetters("")
		cases := []struct {
			name string
			call func() error
		}{
			{"Append", func() error { _, err := s.Append(ctx, "f", "v"); return err }},
			{"Publish", func() error { _, err := stream.Publish(ctx, s, 1); return err }},
			{"PublishMany", func() error { _, err := stream.PublishMany(ctx, s, []int{1}); return err }},
			{"Len", func() error { _, err := s.Len(ctx); return err }},
			{"TrimAcked", func() error { _, err := s.TrimAcked(ctx); return err }},
			{"NewWorker", func() error { _, err := stream.NewWorker(s, opts, handler); return err }},
			{"DeadLetters.Len", func() error { _, err := d.Len(ctx); return err }},
			{"DeadLetters.List", func() error { _, err := d.List(ctx, "", 0); return err }},
			{"DeadLetters.Get", func() error { _, err := d.Get(ctx, "1-1"); return err }},
			{"DeadLetters.Redrive", func() error { _, err := d.Redrive(ctx, "1-1"); return err }},
			{"DeadLetters.RedriveAll", func() error { _, err := d.RedriveAll(ctx); return err }},
			{"DeadLetters.Purge", func() error { _, err := d.Purge(ctx, "1-1"); return err }},
			{"DeadLetters.PurgeAll", func() error { _, err := d.PurgeAll(ctx); return err }},
		}
		for _, c := range cases {
			t.Run(st.name+"."+c.name, func(t *testing.T) {
				require.ErrorIs(t, c.call(), stream.ErrInvalidOptions)
			})
		}
	}
	t.Run("nil Worker.Run", func(t *testing.T) {
		if err := nilWorker.Run(ctx); !errors.Is(err, stream.ErrInvalidOptions) {
			t.Fatalf("err = %v, want ErrInvalidOptions", err)
		}
	})
	t.Run("nil DeadLetters.PurgeAll", func(t *testing.T) {
		if _, err := nilDead.PurgeAll(ctx); !errors.Is(err, stream.ErrInvalidOptions) {
			t.Fatalf("err = %v, want ErrInvalidOptions", err)
		}
	})
	var nilStream *stream.Stream
	require.False(t, nilStream.Key() != "" || nilStream.MaxLen() != 0 || nilDead.Key() != "", "nil Stream/DeadLetters accessors must return zero values")
}
