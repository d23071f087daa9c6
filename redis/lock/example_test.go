package lock_test

import (
	"context"
	"fmt"
	"time"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/lock"
)

// A paused holder (token 7) writes after a newer holder (token 8): the
// guard in front of the resource rejects the late write.
func ExampleGuard() {
	g := lock.NewGuard()
	fmt.Println(g.Admit("invoice:42", 7))
	fmt.Println(g.Admit("invoice:42", 8))
	err := g.Admit("invoice:42", 7)
	fmt.Println(lock.IsStaleFence(err), err)
	// Output:
	// <nil>
	// <nil>
	// true lock: stale fencing token 7 for "invoice:42" (already saw 8)
}

// At most two exports run at once; each permit has a slot and a fencing
// token, and writes are fenced per slot so that a holder whose lease ran
// out is refused once its slot's next holder has written.
func ExampleSemaphore() {
	ctx := context.Background()
	client, prefix, done := devenv.ExampleRedis(ctx)
	defer done()
	s, err := lock.NewSemaphore(client, lock.SemaphoreOptions{Limit: 2, TTL: 30 * time.Second, Prefix: prefix})
	if err != nil {
		panic(err)
	}
	guard := lock.NewGuard()
	a, _ := s.Acquire(ctx, "exports", nil)
	b, _ := s.Acquire(ctx, "exports", nil)
	_, err = s.TryAcquire(ctx, "exports", nil)
	fmt.Println(a.Slot(), b.Slot(), lock.IsNotAcquired(err))
	fmt.Println(guard.Admit(a.Resource("report"), a.Fence()), b.Fence() > a.Fence())
	_ = a.Release(ctx)
	c, _ := s.Acquire(ctx, "exports", nil)
	fmt.Println(c.Slot(), c.Fence() > b.Fence(), c.Resource("report"))
	_ = b.Release(ctx)
	_ = c.Release(ctx)
	// Output:
	// 0 1 true
	// <nil> true
	// 0 true report#0
}

// WithLock acquires, keeps the lease extended while the function runs,
// and releases. The function gets the lock's fencing token; the store
// refuses writes with a lower token than it has seen, so a holder that
// was paused past its lease cannot overwrite a newer holder's write. Here
// the store is a Redis value (FencedSet); for a SQL row the same check is
// UPDATE ... SET fence = $1 WHERE id = $2 AND fence <= $1, and zero rows
// updated means the token was stale.
func ExampleLocker_WithLock() {
	ctx := context.Background()
	client, prefix, done := devenv.ExampleRedis(ctx)
	defer done()
	l := lock.New(client, &lock.Options{Prefix: prefix, TTL: 10 * time.Second})
	var first int64
	err := l.WithLock(ctx, "invoice:42", nil, func(ctx context.Context, fence int64) error {
		first = fence
		return lock.FencedSet(ctx, client, prefix+"invoice:42:status", fence, "sent")
	})
	fmt.Println(err)
	err = l.WithLock(ctx, "invoice:42", nil, func(ctx context.Context, fence int64) error {
		fmt.Println(fence > first)
		return lock.FencedSet(ctx, client, prefix+"invoice:42:status", fence, "paid")
	})
	fmt.Println(err)
	// The first holder, paused past its lease, writes late: refused.
	err = lock.FencedSet(ctx, client, prefix+"invoice:42:status", first, "sent")
	fmt.Println(lock.IsStaleFence(err))
	// Output:
	// <nil>
	// true
	// <nil>
	// true
}
