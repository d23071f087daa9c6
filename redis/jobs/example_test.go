package jobs_test

import (
	"context"
	"fmt"
	"time"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/jobs"
)

func ExampleEnqueue() {
	ctx := context.Background()
	client, prefix, cleanup := devenv.ExampleRedis(ctx)
	defer cleanup()
	q, _ := jobs.New(client, prefix+"{mail}", nil)

	type Digest struct{ User int }
	first, _ := jobs.Enqueue(ctx, q, Digest{User: 7}, &jobs.EnqueueOpts{UniqueKey: "digest:7", UniqueFor: time.Minute})
	again, _ := jobs.Enqueue(ctx, q, Digest{User: 7}, &jobs.EnqueueOpts{UniqueKey: "digest:7", UniqueFor: time.Minute})
	fmt.Println(again.Duplicate, again.ID == first.ID)

	later, _ := jobs.Enqueue(ctx, q, Digest{User: 8}, &jobs.EnqueueOpts{Delay: time.Hour})
	waiting, _ := q.DelayedLen(ctx)
	ready, _ := q.Stream().Len(ctx)
	fmt.Println(later.Delayed, waiting, ready)
	// Output:
	// true true
	// true 1 1
}
