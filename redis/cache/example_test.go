package cache_test

import (
	"context"
	"fmt"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/cache"
)

func ExampleGet() {
	ctx := context.Background()
	client, prefix, done := devenv.ExampleRedis(ctx)
	defer done()

	c, err := cache.New(client, cache.Config{Prefix: prefix})
	if err != nil {
		panic(err)
	}
	loads := 0
	load := func(context.Context) (string, error) {
		loads++
		return "Ada Lovelace", nil
	}
	for i := 0; i < 3; i++ {
		name, err := cache.Get(ctx, c, "user:1", load, nil)
		fmt.Println(name, err)
	}
	fmt.Println("loads:", loads)
	// Output:
	// Ada Lovelace <nil>
	// Ada Lovelace <nil>
	// Ada Lovelace <nil>
	// loads: 1
}

func ExampleGetMany() {
	ctx := context.Background()
	client, prefix, done := devenv.ExampleRedis(ctx)
	defer done()

	c, err := cache.New(client, cache.Config{Prefix: prefix})
	if err != nil {
		panic(err)
	}
	names := map[string]string{"user:1": "Ada", "user:2": "Grace"} // the database
	load := func(_ context.Context, missing []string) (map[string]string, error) {
		fmt.Println("loading", missing)
		out := map[string]string{}
		for _, k := range missing {
			if n, ok := names[k]; ok {
				out[k] = n
			}
		}
		return out, nil // user:3 is absent: cached as not found
	}
	for range 2 {
		got, err := cache.GetMany(ctx, c, []string{"user:1", "user:2", "user:3"}, load, nil)
		fmt.Println(got, err)
	}
	// Output:
	// loading [user:1 user:2 user:3]
	// map[user:1:Ada user:2:Grace] <nil>
	// map[user:1:Ada user:2:Grace] <nil>
}
