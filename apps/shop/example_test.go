package shop_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/polystore/polystore/apps/shop"
	"github.com/polystore/polystore/internal/devenv"
)

// A flash sale of 2 units on Redis alone (no AppConfig.PG: the catalog in
// memory). Each reservation is one script that checks and takes the stock
// and stores the answer under the Idempotency-Key: a retry with the same
// key replays the same reservation, the third buyer is told at once that
// the product is sold out, and the counts always balance.
func Example() {
	ctx := context.Background()
	client, prefix, done := devenv.ExampleRedis(ctx)
	defer done()
	app, err := shop.NewApp(client, shop.AppConfig{Config: shop.Config{Prefix: prefix}})
	if err != nil {
		panic(err)
	}
	if err := app.AddProduct(ctx, shop.Product{ID: "sku-1", Name: "Console", Price: "499.00"}, 2); err != nil {
		panic(err)
	}
	reserve := func(user, key string) {
		r, err := app.Reserve(ctx, shop.ReserveRequest{UserID: user, ProductID: "sku-1", Quantity: 1, IdempotencyKey: key}, "499.00")
		switch {
		case errors.Is(err, shop.ErrSoldOut):
			fmt.Println(user, "sold out")
		case err != nil:
			fmt.Println(user, err)
		default:
			fmt.Println(user, "reserved, remaining", r.Remaining, "replayed", r.Replayed)
		}
	}
	reserve("ann", "k1")
	reserve("ann", "k1") // a client retry
	reserve("bob", "k2")
	reserve("cy", "k3")
	c, _ := app.Counts(ctx, "sku-1")
	fmt.Printf("initial %d = stock %d + held %d + sold %d: %v\n", c.Initial, c.Stock, c.Held, c.Sold, c.Balanced())
	// Output:
	// ann reserved, remaining 1 replayed false
	// ann reserved, remaining 1 replayed true
	// bob reserved, remaining 0 replayed false
	// cy sold out
	// initial 2 = stock 0 + held 2 + sold 0: true
}
