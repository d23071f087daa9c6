package stream_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/stream"
)

// A worker started while Redis is down waits for it instead of returning,
// and a worker whose server restarted without persistence (stream and group
// gone) recreates the group and goes on: in both cases an entry published
// after the server is back is processed, by the same Run call.
func TestWorkerOutlivesRedisOutage(t *testing.T) {
	ctx := context.Background()
	srv := devenv.StartRedis(t)
	opt, err := devenv.RedisOption(srv.URL())
	require.NoError(t, err)
	c, err := rueidis.NewClient(opt)
	require.NoError(t, err)
	t.Cleanup(c.Close)
	s := stream.New(c, "{outage}:jobs", nil)
	var got atomic.Int64
	w, err := stream.NewWorker(s, stream.WorkerOpts{Group: "g", Consumer: "c1", Block: 100 * time.Millisecond},
		func(ctx context.Context, m stream.Message[job]) error { got.Add(int64(m.Value.N)); return nil })
	require.NoError(t, err)

	// Down before Run starts.
	require.NoError(t, srv.Kill())
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(runCtx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(30 * time.Second):
			t.Error("Run did not return after its context ended")
		}
	})
	select {
	case err := <-done:
		t.Fatalf("Run returned while Redis was down: %v", err)
	case <-time.After(1500 * time.Millisecond):
	}
	require.NoError(t, srv.Restart(ctx))
	publish := func(n int) {
		require.Eventually(t, func() bool {
			_, err := stream.Publish(ctx, s, job{N: n})
			return err == nil
		}, 20*time.Second, 50*time.Millisecond)
	}
	publish(1)
	require.Eventually(t, func() bool { return got.Load() == 1 }, 20*time.Second, 20*time.Millisecond)

	// Restarted without persistence: the stream and its group are gone.
	require.NoError(t, srv.Kill())
	require.NoError(t, srv.Restart(ctx))
	publish(10)
	require.Eventually(t, func() bool { return got.Load() == 11 }, 20*time.Second, 20*time.Millisecond,
		"the entry published after the restart is processed once")
}
