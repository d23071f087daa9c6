package redisconn_test

import (
	"context"
	"fmt"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/redisconn"
	"github.com/redis/rueidis"
)

func ExampleNewClient() {
	ctx := context.Background()
	srv, err := devenv.ResolveRedis(ctx, nil)
	if err != nil {
		fmt.Println("no redis:", err)
		return
	}
	opt, err := redisconn.ParseURL(srv.URL) // or rueidis.ClientOption{InitAddress: ...}
	if err != nil {
		panic(err)
	}
	client, err := redisconn.NewClient(opt) // fail-fast timeouts and retries
	if err != nil {
		panic(err)
	}
	defer client.Close()
	// polystore's Redis packages wrap the client like this themselves.
	bounded := redisconn.WithTimeout(client, redisconn.DefaultTimeout)
	err = bounded.Do(ctx, bounded.B().Get().Key(devenv.UniqueName("example:")).Build()).Error()
	fmt.Println(rueidis.IsRedisNil(err))
	// Output: true
}
