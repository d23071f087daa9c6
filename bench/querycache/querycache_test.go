// Package querycache_test measures write-aware query caching: a read by id
// through postgres/orm/ormcache and mongo/odm/odmcache against the same
// read uncached and against plain cache-aside (redis/cache Get with a
// hand-made key, which nothing invalidates), and the cost the invalidation
// adds to a write (an update by id with and without AfterWrite), all in
// the same run. Reads run in parallel (RunParallel) over 200 rows or
// documents, all read once before (so cached reads are hits).
package querycache_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm"
	"github.com/polystore/polystore/mongo/odm/odmcache"
	"github.com/polystore/polystore/postgres/orm"
	"github.com/polystore/polystore/postgres/orm/ormcache"
	"github.com/polystore/polystore/postgres/orm/ormtest"
	"github.com/polystore/polystore/redis/cache"
)

func TestMain(m *testing.M) { devenv.Main(m) }

const rows = 200

type readImpl[K any] struct {
	name string
	read func(ctx context.Context, id K) error
}

// runReads runs each implementation in parallel over random ids, after
// reading every id once (the cached implementations then measure hits).
func runReads[K any](b *testing.B, ids []K, impls []readImpl[K]) {
	for _, impl := range impls {
		for _, id := range ids {
			if err := impl.read(context.Background(), id); err != nil {
				b.Fatal(err)
			}
		}
		b.Run("impl="+impl.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				ctx := context.Background()
				for pb.Next() {
					if err := impl.read(ctx, ids[rand.IntN(len(ids))]); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

type ormEnv struct {
	plain, invalidating *orm.Client
	oc                  *ormcache.Cache
	aside               *cache.Cache
	ids                 []int
}

func newORM(b *testing.B) *ormEnv {
	ctx := context.Background()
	ns := devenv.Redis(b)
	e := &ormEnv{}
	var err error
	e.oc, err = ormcache.New(ns.Client, ormtest.Schema, ormcache.Config{Prefix: ns.Prefix + "q:", TTL: time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	e.aside, err = cache.New(ns.Client, cache.Config{Prefix: ns.Prefix + "aside:", TTL: time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	url := devenv.PostgresURL(b)
	open := func(afterWrite func(context.Context, []orm.Written)) *orm.Client {
		cfg, err := orm.ParseConfig(url)
		if err != nil {
			b.Fatal(err)
		}
		cfg.AfterWrite = afterWrite
		c, err := orm.New(ctx, cfg)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(c.Close)
		return c
	}
	e.plain, e.invalidating = open(nil), open(e.oc.AfterWrite)
	if _, err := e.plain.Pool().Exec(ctx, ormtest.DDL); err != nil {
		b.Fatal(err)
	}
	for i := range rows {
		u, err := orm.Create[ormtest.User](ctx, e.plain, ormtest.UserModel, &orm.CreateArgs{Data: orm.Data{"email": fmt.Sprintf("u%d@x", i), "name": "user"}})
		if err != nil {
			b.Fatal(err)
		}
		e.ids = append(e.ids, u.ID)
	}
	return e
}

func BenchmarkORMReadByID(b *testing.B) {
	e := newORM(b)
	byID := func(id int) *orm.FindArgs { return &orm.FindArgs{Where: orm.Where{orm.Eq("id", id)}} }
	impls := []readImpl[int]{
		{"orm_uncached", func(ctx context.Context, id int) error {
			_, err := orm.FindUnique[ormtest.User](ctx, e.plain, ormtest.UserModel, byID(id))
			return err
		}},
		{"cache_aside", func(ctx context.Context, id int) error {
			_, err := cache.Get(ctx, e.aside, fmt.Sprint("user:", id), func(ctx context.Context) (*ormtest.User, error) {
				return orm.FindUnique[ormtest.User](ctx, e.plain, ormtest.UserModel, byID(id))
			}, nil)
			return err
		}},
		{"ormcache", func(ctx context.Context, id int) error {
			_, err := ormcache.FindUnique[ormtest.User](ctx, e.oc, e.invalidating, ormtest.UserModel, byID(id), nil)
			return err
		}},
	}
	runReads(b, e.ids, impls)
}

func BenchmarkORMUpdateByID(b *testing.B) {
	e := newORM(b)
	for _, impl := range []struct {
		name string
		c    *orm.Client
	}{{"orm_update", e.plain}, {"orm_update_invalidating", e.invalidating}} {
		b.Run("impl="+impl.name, func(b *testing.B) {
			ctx := context.Background()
			i := 0
			for b.Loop() {
				i++
				_, err := orm.Update[ormtest.User](ctx, impl.c, ormtest.UserModel, &orm.UpdateArgs{
					Where: orm.Where{orm.Eq("id", e.ids[i%len(e.ids)])}, Data: orm.Data{"name": fmt.Sprint("n", i)}})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

type Item struct {
	ID    bson.ObjectID `bson:"_id,omitempty"`
	Name  string        `bson:"name"`
	Price float64       `bson:"price"`
	Stock int64         `bson:"stock"`
}

type odmEnv struct {
	plain, invalidating *odm.Model[Item]
	oc                  *odmcache.Cache
	aside               *cache.Cache
	ids                 []bson.ObjectID
}

func newODM(b *testing.B) *odmEnv {
	ctx := context.Background()
	ns := devenv.Redis(b)
	e := &odmEnv{}
	var err error
	e.oc, err = odmcache.New(ns.Client, odmcache.Config{Prefix: ns.Prefix + "q:", TTL: time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	e.aside, err = cache.New(ns.Client, cache.Config{Prefix: ns.Prefix + "aside:", TTL: time.Minute, Codec: odmcache.BSON{}})
	if err != nil {
		b.Fatal(err)
	}
	db := devenv.Mongo(b)
	e.plain = odm.MustModel[Item](db, "Item", nil, nil)
	e.invalidating = odm.MustModel[Item](db, "Item", nil, &odm.ModelOpts{AfterWrite: e.oc.AfterWrite})
	docs := make([]*Item, rows)
	for i := range docs {
		docs[i] = &Item{Name: fmt.Sprint("item ", i), Price: float64(i), Stock: 10}
	}
	if err := e.plain.InsertMany(ctx, docs); err != nil {
		b.Fatal(err)
	}
	for _, d := range docs {
		e.ids = append(e.ids, d.ID)
	}
	return e
}

func BenchmarkODMFindByID(b *testing.B) {
	e := newODM(b)
	impls := []readImpl[bson.ObjectID]{
		{"odm_uncached", func(ctx context.Context, id bson.ObjectID) error {
			_, err := e.plain.FindByID(ctx, id)
			return err
		}},
		{"cache_aside", func(ctx context.Context, id bson.ObjectID) error {
			_, err := cache.Get(ctx, e.aside, "item:"+id.Hex(), func(ctx context.Context) (*Item, error) {
				return e.plain.FindByID(ctx, id)
			}, nil)
			return err
		}},
		{"odmcache", func(ctx context.Context, id bson.ObjectID) error {
			_, err := odmcache.FindByID(ctx, e.oc, e.invalidating, id, nil)
			return err
		}},
	}
	runReads(b, e.ids, impls)
}

func BenchmarkODMUpdateByID(b *testing.B) {
	e := newODM(b)
	inc := bson.D{{Key: "$inc", Value: bson.D{{Key: "stock", Value: 1}}}}
	for _, impl := range []struct {
		name string
		m    *odm.Model[Item]
	}{{"odm_update", e.plain}, {"odm_update_invalidating", e.invalidating}} {
		b.Run("impl="+impl.name, func(b *testing.B) {
			ctx := context.Background()
			i := 0
			for b.Loop() {
				i++
				if _, err := impl.m.UpdateOne(ctx, bson.D{{Key: "_id", Value: e.ids[i%len(e.ids)]}}, inc, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
