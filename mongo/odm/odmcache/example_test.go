package odmcache_test

import (
	"context"
	"fmt"

	"github.com/redis/rueidis"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm"
	"github.com/polystore/polystore/mongo/odm/odmcache"
)

func Example() {
	ctx := context.Background()
	// The test servers: MongoDB (or the embedded stand-in) and Redis.
	ms, err := devenv.ResolveMongo(ctx, nil)
	if err != nil {
		panic(err)
	}
	mc, err := devenv.ConnectMongo(ms.URL)
	if err != nil {
		panic(err)
	}
	defer func() { _ = mc.Disconnect(ctx) }()
	db := mc.Database(devenv.UniqueName("example_"))
	defer func() { _ = db.Drop(ctx) }()
	rs, err := devenv.ResolveRedis(ctx, nil)
	if err != nil {
		panic(err)
	}
	opt, _ := devenv.RedisOption(rs.URL)
	rc, err := rueidis.NewClient(opt)
	if err != nil {
		panic(err)
	}
	defer rc.Close()
	prefix := devenv.UniqueName("example:") + ":"
	defer func() { _, _ = devenv.DeleteRedisPrefix(ctx, rc, prefix) }()

	type Product struct {
		ID    bson.ObjectID `bson:"_id,omitempty"`
		Name  string        `bson:"name"`
		Price float64       `bson:"price"`
	}
	oc, err := odmcache.New(rc, odmcache.Config{Prefix: prefix})
	if err != nil {
		panic(err)
	}
	// The model's writes invalidate what they change.
	products := odm.MustModel[Product](db, "Product", nil, &odm.ModelOpts{AfterWrite: oc.AfterWrite})

	p := &Product{Name: "pen", Price: 2}
	if err := products.Create(ctx, p); err != nil {
		panic(err)
	}
	price := func() float64 {
		got, err := odmcache.FindByID(ctx, oc, products, p.ID, nil)
		if err != nil {
			panic(err)
		}
		return got.Price
	}
	fmt.Println("price:", price())
	if _, err := products.UpdateOne(ctx, bson.D{{Key: "_id", Value: p.ID}}, bson.D{{Key: "$set", Value: bson.D{{Key: "price", Value: 3}}}}, nil); err != nil {
		panic(err)
	}
	fmt.Println("price after the update:", price())
	// Output:
	// price: 2
	// price after the update: 3
}
