package ratelimit_test

import (
	"context"
	"fmt"
	"time"

	"github.com/polystore/polystore/redis/ratelimit"
)

// Local has the same algorithms and results as the Redis Limiter; here with
// a clock stopped at one instant so the output is deterministic.
func ExampleNewLocal() {
	now := time.Now()
	l, err := ratelimit.NewLocal(ratelimit.Config{
		Algorithm: ratelimit.TokenBucket,
		Limit:     ratelimit.Limit{Rate: 10, Period: time.Second, Burst: 3},
		Now:       func() time.Time { return now },
	})
	if err != nil {
		panic(err)
	}
	for i := 0; i < 4; i++ {
		res, _ := l.Allow(context.Background(), "user:42", nil)
		fmt.Println(res.Allowed, res.Remaining, res.RetryAfter)
	}
	// Output:
	// true 2 0s
	// true 1 0s
	// true 0 0s
	// false 0 100ms
}
