package odmcache_test

import (
	"context"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/internal/nopanic"
	"github.com/polystore/polystore/mongo/odm"
	"github.com/polystore/polystore/mongo/odm/odmcache"
)

// Nil or empty arguments never panic: a missing client, cache or model is
// an error, a nil filter reads everything as the model does, and writes
// reported to a nil cache or as nil or empty invalidate nothing.
func TestNilAndEmptyArguments(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var nilCache *odmcache.Cache
	var nilModel *odm.Model[Item]
	nopanic.Run(t, []nopanic.Case{
		{Name: "New nil client", Call: func() error { _, err := odmcache.New(nil, odmcache.Config{}); return err }, WantErr: true},
		{Name: "Find nil cache", Call: func() error { _, err := odmcache.Find(ctx, nil, e.items, nil, nil, nil); return err }, WantErr: true},
		{Name: "Find nil model", Call: func() error { _, err := odmcache.Find(ctx, e.oc, nilModel, nil, nil, nil); return err }, WantErr: true},
		{Name: "Find nil filter", Call: func() error { _, err := odmcache.Find(ctx, e.oc, e.items, nil, nil, nil); return err }},
		{Name: "Find empty filter", Call: func() error {
			_, err := odmcache.Find(ctx, e.oc, e.items, bson.M{}, &odmcache.FindOpts{}, &odmcache.Opts{})
			return err
		}},
		{Name: "FindOne nil filter", Call: func() error { _, err := odmcache.FindOne(ctx, e.oc, e.items, nil, nil); return err }},
		{Name: "FindByID nil id", Call: func() error { _, err := odmcache.FindByID(ctx, e.oc, e.items, nil, nil); return err }},
		{Name: "FindByID empty id", Call: func() error { _, err := odmcache.FindByID(ctx, e.oc, e.items, "", nil); return err }},
		{Name: "CountDocuments nil filter", Call: func() error { _, err := odmcache.CountDocuments(ctx, e.oc, e.items, nil, nil); return err }},
		{Name: "CountDocuments nil cache", Call: func() error { _, err := odmcache.CountDocuments(ctx, nil, e.items, nil, nil); return err }, WantErr: true},
		{Name: "Invalidate nil cache", Call: func() error { return odmcache.Invalidate(ctx, nil, e.items) }, WantErr: true},
		{Name: "Invalidate nil model", Call: func() error { return odmcache.Invalidate(ctx, e.oc, nilModel) }, WantErr: true},
		{Name: "Invalidate nil id", Call: func() error { return odmcache.Invalidate(ctx, e.oc, e.items, nil) }},
		{Name: "AfterWrite nil", Call: func() error { e.oc.AfterWrite(ctx, nil); return nil }},
		{Name: "AfterWrite empty write", Call: func() error { e.oc.AfterWrite(ctx, []odm.Written{{}}); return nil }},
		{Name: "nil Cache AfterWrite", Call: func() error { nilCache.AfterWrite(ctx, []odm.Written{{Collection: "items"}}); return nil }},
		{Name: "nil Cache Underlying", Call: func() error { nilCache.Underlying(); return nil }},
	})
}
