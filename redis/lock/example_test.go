package lock_test

import (
	"fmt"

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
