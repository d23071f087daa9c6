package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/jobs"
	"github.com/polystore/polystore/redis/redisconn"
)

// TestEnqueueRedisDownMidUse stops, kills or pauses a persistent private
// redis-server while 2 goroutines enqueue jobs to run now and 2 enqueue
// jobs delayed by an hour. Invariants: each goroutine's first failure
// comes within 1s of the fault and is redisconn.IsUnreachable; Enqueue,
// Promote, DelayedLen and the dead-letter calls then fail the same way
// within 1s; after recovery the stream and the delayed set each hold every
// acknowledged job and at most the unanswered ones, and the delayed set
// and its payload hash hold the same ids (the script writes both or
// neither).
func TestEnqueueRedisDownMidUse(t *testing.T) {
	const timeout, bound = 300 * time.Millisecond, time.Second
	devenv.RedisFaults(t, func(t *testing.T, c rueidis.Client, fault *devenv.RedisFault) {
		q, err := jobs.New(c, "{mail}", &jobs.Options{Timeout: timeout})
		require.NoError(t, err)
		later := &jobs.EnqueueOpts{Delay: time.Hour}
		const n = 4
		acked, failed := devenv.MidUse(t, n, bound, func(ctx context.Context, g int) error {
			o := (*jobs.EnqueueOpts)(nil)
			if g%2 == 1 {
				o = later
			}
			_, err := jobs.Enqueue(ctx, q, g, o)
			return err
		}, func() { fault.Fail(t) })
		dead := q.DeadLetters()
		devenv.RequireFailFast(t, bound, redisconn.IsUnreachable, []devenv.Probe{
			{Name: "Enqueue", Call: func(ctx context.Context) error { _, err := jobs.Enqueue(ctx, q, -1, nil); return err }},
			{Name: "Enqueue delayed", Call: func(ctx context.Context) error { _, err := jobs.Enqueue(ctx, q, -1, later); return err }},
			{Name: "Promote", Call: func(ctx context.Context) error { _, _, err := q.Promote(ctx, 10); return err }},
			{Name: "DelayedLen", Call: func(ctx context.Context) error { _, err := q.DelayedLen(ctx); return err }},
			{Name: "DeadLetters.Len", Call: func(ctx context.Context) error { _, err := dead.Len(ctx); return err }},
			{Name: "DeadLetters.List", Call: func(ctx context.Context) error { _, err := dead.List(ctx, "", 10); return err }},
			{Name: "DeadLetters.RedriveAll", Call: func(ctx context.Context) error { _, err := dead.RedriveAll(ctx); return err }},
			{Name: "DeadLetters.PurgeAll", Call: func(ctx context.Context) error { _, err := dead.PurgeAll(ctx); return err }},
		}...)
		if fault.Name != "paused" { // a paused server would apply it on resuming
			_, err = jobs.Enqueue(context.Background(), q, -2, nil)
			require.ErrorContains(t, err, "jobs "+q.Stream().Key()+": enqueue: ", "the error names the queue")
		}

		fault.Recover(t)
		ctx := context.Background()
		var now, delayed int64
		require.Eventually(t, func() bool {
			var err error
			now, err = q.Stream().Len(ctx)
			return err == nil
		}, 10*time.Second, 20*time.Millisecond)
		delayed, err = q.DelayedLen(ctx)
		require.NoError(t, err)
		want := [2]int64{acked[0] + acked[2], acked[1] + acked[3]}
		// Unanswered: the failed calls, and one probe of each kind.
		lost := [2]int64{failed[0] + failed[2] + 1, failed[1] + failed[3] + 1}
		require.GreaterOrEqual(t, now, want[0], "a job acknowledged for now was lost")
		require.LessOrEqual(t, now, want[0]+lost[0])
		require.GreaterOrEqual(t, delayed, want[1], "a delayed job acknowledged was lost")
		require.LessOrEqual(t, delayed, want[1]+lost[1])
		ids, err := c.Do(ctx, c.B().Zrange().Key("{mail}:delayed").Min("0").Max("-1").Build()).AsStrSlice()
		require.NoError(t, err)
		payloads, err := c.Do(ctx, c.B().Hkeys().Key("{mail}:delayed:data").Build()).AsStrSlice()
		require.NoError(t, err)
		require.Len(t, ids, int(delayed))
		require.ElementsMatch(t, ids, payloads, "delayed ids and payloads")
		_, err = jobs.Enqueue(ctx, q, 0, nil)
		require.NoError(t, err)
	})
}
