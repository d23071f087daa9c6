package cache_test

import (
	"context"
	"fmt"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/cache"
	"github.com/redis/rueidis"
)

func ExampleGet() {
	ctx := context.Background()
	srv, err := devenv.ResolveRedis(ctx, nil)
	if err != nil {
		fmt.Println("no redis:", err)
		return
	}
	opt, _ := devenv.RedisOption(srv.URL)
	client, err := rueidis.NewClient(opt)
	if err != nil {
		panic(err)
	}
	defer client.Close()
	prefix := devenv.UniqueName("example:") + ":"
	defer func() { _, _ = devenv.DeleteRedisPrefix(ctx, client, prefix) }()

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
