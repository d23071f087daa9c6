package ormcache_test

import (
	"context"
	"fmt"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/postgres/orm"
	"github.com/polystore/polystore/postgres/orm/ormcache"
	"github.com/polystore/polystore/postgres/orm/ormtest"
	"github.com/redis/rueidis"
)

func Example() {
	ctx := context.Background()
	// The test servers: a scratch database with the guide's schema, and Redis.
	pg, err := devenv.ResolvePostgres(ctx, nil)
	if err != nil {
		panic(err)
	}
	dbURL, drop, err := devenv.ScratchDatabase(ctx, pg.URL, devenv.UniqueName("polystore_example_"))
	if err != nil {
		panic(err)
	}
	defer func() { _ = drop() }()
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

	oc, err := ormcache.New(rc, ormtest.Schema, ormcache.Config{Prefix: prefix})
	if err != nil {
		panic(err)
	}
	cfg, err := orm.ParseConfig(dbURL)
	if err != nil {
		panic(err)
	}
	cfg.AfterWrite = oc.AfterWrite // the client's writes invalidate what they change
	client, err := orm.New(ctx, cfg)
	if err != nil {
		panic(err)
	}
	defer client.Close()
	if _, err := client.Pool().Exec(ctx, ormtest.DDL); err != nil {
		panic(err)
	}

	count := func() int64 {
		n, err := ormcache.Count(ctx, oc, client, ormtest.UserModel, nil, nil)
		if err != nil {
			panic(err)
		}
		return n
	}
	fmt.Println("users:", count())
	if _, err := orm.Create[ormtest.User](ctx, client, ormtest.UserModel, &orm.CreateArgs{Data: orm.Data{"email": "ada@example.com"}}); err != nil {
		panic(err)
	}
	fmt.Println("users after the create:", count())
	// Output:
	// users: 0
	// users after the create: 1
}
