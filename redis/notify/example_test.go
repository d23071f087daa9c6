package notify_test

import (
	"context"
	"fmt"

	"github.com/redis/rueidis"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/notify"
)

// An offline user catches up from its durable inbox.
func ExampleHub_CatchUp() {
	ctx := context.Background()
	srv, err := devenv.ResolveRedis(ctx, nil)
	if err != nil {
		fmt.Println("no redis:", err)
		return
	}
	opt, err := devenv.RedisOption(srv.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := rueidis.NewClient(opt)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	prefix := devenv.UniqueName("example:") + ":"
	defer func() { _, _ = devenv.DeleteRedisPrefix(ctx, c, prefix) }()

	h := notify.New(c, &notify.Options{Prefix: prefix})
	defer h.Close()
	seen, _ := h.Deliver(ctx, "u1", "welcome", nil)
	_, _ = h.Deliver(ctx, "u1", "invoice.paid", map[string]int{"invoice": 42})
	missed, _ := h.CatchUp(ctx, "u1", seen.ID, 0)
	for _, n := range missed {
		fmt.Println(n.Type, string(n.Data))
	}
	// Output: invoice.paid {"invoice":42}
}
