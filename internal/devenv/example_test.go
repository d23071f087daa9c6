package devenv_test

import (
	"context"
	"fmt"

	"github.com/polystore/polystore/internal/devenv"
)

// ExampleResolve shows how serve and demo find their stores: nothing is
// started here except the embedded MongoDB-compatible server, so a missing
// PostgreSQL or Redis comes back as an *UnavailableError per store.
func ExampleResolve() {
	ctx := context.Background()
	env, err := devenv.Resolve(ctx, &devenv.Options{})
	// Resolve returns the stores it found even when others are missing.
	defer func() { _ = env.Close(ctx) }()
	for store, e := range devenv.Unresolved(err) {
		fmt.Println(store, "missing:", e != nil)
	}
	if env.Mongo != nil {
		fmt.Println("mongodb real server:", env.Mongo.Source.Real() == devenv.RealMongo())
	}
	// Output: mongodb real server: true
}

func ExampleUniqueName() {
	name := devenv.UniqueName("polystore_test_")
	fmt.Println(len(name) == len("polystore_test_")+12)
	// Output: true
}
