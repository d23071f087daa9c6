package stream_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/redisconn"
	"github.com/polystore/polystore/redis/stream"
)

// TestPublishRedisDownMidUse stops, kills or pauses a persistent private
// redis-server while 4 goroutines publish and a worker consumes.
// Invariants: each publisher's first failure comes within 1s of the fault
// and is redisconn.IsUnreachable; Append, Publish, PublishMany, Len,
// TrimAcked and the dead-letter calls then fail the same way within 1s;
// the worker's Run does not return; after recovery the same worker
// handles every acknowledged entry (at least once) within 10s (entries
// whose delivery was lost with the connection are pending: the worker
// takes them back after ClaimIdle, 2s here), none that was never
// published, and the stream holds at most the unanswered ones besides.
func TestPublishRedisDownMidUse(t *testing.T) {
	const timeout, bound = 300 * time.Millisecond, time.Second
	devenv.RedisFaults(t, func(t *testing.T, c rueidis.Client, fault *devenv.RedisFault) {
		s := stream.New(c, "{orders}", &stream.Options{Timeout: timeout})
		var mu sync.Mutex
		seen := map[int]bool{}
		w, err := stream.NewWorker(s, stream.WorkerOpts{Group: "g", Consumer: "c1", Block: 100 * time.Millisecond, ClaimIdle: 2 * time.Second},
			func(ctx context.Context, m stream.Message[job]) error {
				mu.Lock()
				seen[m.Value.N] = true
				mu.Unlock()
				return nil
			})
		require.NoError(t, err)
		ctx := context.Background()
		stop := runWorker(t, w)

		const n = 4
		var pmu sync.Mutex
		published := map[int]bool{}
		var next [n]int
		_, failed := devenv.MidUse(t, n, bound, func(ctx context.Context, g int) error {
			v := g*1_000_000 + next[g]
			next[g]++
			_, err := stream.Publish(ctx, s, job{N: v})
			if err == nil {
				pmu.Lock()
				published[v] = true
				pmu.Unlock()
			}
			return err
		}, func() { fault.Fail(t) })
		dead := s.DeadLetters("")
		devenv.RequireFailFast(t, bound, redisconn.IsUnreachable, []devenv.Probe{
			{Name: "Append", Call: func(ctx context.Context) error { _, err := s.Append(ctx, "data", `{"n":-1}`); return err }},
			{Name: "Publish", Call: func(ctx context.Context) error { _, err := stream.Publish(ctx, s, job{N: -2}); return err }},
			{Name: "PublishMany", Call: func(ctx context.Context) error {
				_, err := stream.PublishMany(ctx, s, []job{{N: -3}, {N: -4}})
				return err
			}},
			{Name: "Len", Call: func(ctx context.Context) error { _, err := s.Len(ctx); return err }},
			{Name: "TrimAcked", Call: func(ctx context.Context) error { _, err := s.TrimAcked(ctx); return err }},
			{Name: "DeadLetters.Len", Call: func(ctx context.Context) error { _, err := dead.Len(ctx); return err }},
			{Name: "DeadLetters.RedriveAll", Call: func(ctx context.Context) error { _, err := dead.RedriveAll(ctx); return err }},
		}...)
		if fault.Name != "paused" { // a paused server would apply them on resuming
			// The errors name the stream (they were the bare network error).
			_, err = stream.Publish(ctx, s, job{N: -5})
			require.ErrorContains(t, err, "stream "+s.Key()+": append: ")
			_, err = stream.PublishMany(ctx, s, []job{{N: -6}})
			require.ErrorContains(t, err, "stream "+s.Key()+": append: ")
		}

		fault.Recover(t)
		var total int64
		require.Eventually(t, func() bool {
			var err error
			total, err = s.Len(ctx)
			return err == nil
		}, 10*time.Second, 20*time.Millisecond)
		require.GreaterOrEqual(t, total, int64(len(published)), "an acknowledged entry was lost")
		unanswered := int64(4) // the probes that write
		for _, f := range failed {
			unanswered += f
		}
		require.LessOrEqual(t, total, int64(len(published))+unanswered, "more unanswered entries kept than were in flight")
		require.Eventually(t, func() bool {
			mu.Lock()
			defer mu.Unlock()
			for v := range published {
				if !seen[v] {
					return false
				}
			}
			return true
		}, 10*time.Second, 20*time.Millisecond, "the worker handles every acknowledged entry within 10s of the recovery")
		stop()
		mu.Lock()
		defer mu.Unlock()
		for v := range seen {
			g, i := v/1_000_000, v%1_000_000
			require.True(t, published[v] || v < 0 || i < next[g], "entry %d handled but never published", v)
		}
	})
}
