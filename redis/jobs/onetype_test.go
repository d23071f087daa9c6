package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/jobs"
)

// A worker decodes every job of its queue as its one type, as
// docs/jobs.md says: a job of another type that fits runs as that type
// (unknown fields ignored, missing ones zero), and one that does not
// decode goes to the dead letters at once.
func TestOneKindOfJobPerQueue(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	q := newQueue(t, ns.Client, ns.Key("q"))
	type other struct {
		N     int    `json:"n"`
		Extra string `json:"extra"`
	}
	type cart struct {
		CartID int `json:"cartId"`
	}
	got := make(chan task, 4)
	w, err := jobs.NewWorker(q, fastOpts("c1"), func(ctx context.Context, j jobs.Job[task]) error {
		got <- j.Value
		return nil
	})
	require.NoError(t, err)
	for _, v := range []any{other{N: 7, Extra: "x"}, cart{CartID: 9}, "not an object"} {
		_, err := jobs.Enqueue(ctx, q, v, nil)
		require.NoError(t, err)
	}
	run(t, w)
	var values []task
	for range 2 {
		select {
		case v := <-got:
			values = append(values, v)
		case <-time.After(20 * time.Second):
			t.Fatal("jobs never ran")
		}
	}
	require.ElementsMatch(t, []task{{N: 7}, {N: 0}}, values)
	require.Eventually(t, func() bool { n, _ := q.DeadLetters().Len(ctx); return n == 1 }, 10*time.Second, 10*time.Millisecond)
}
