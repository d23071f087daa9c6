package odmcache_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm"
	"github.com/polystore/polystore/mongo/odm/odmcache"
)

func TestMain(m *testing.M) { devenv.Main(m) }

type Item struct {
	ID    bson.ObjectID `bson:"_id,omitempty"`
	Name  string        `bson:"name"`
	Stock int64         `bson:"stock"`
	V     int64         `bson:"__v"`
}

// env is a model whose writes invalidate oc, counting the queries that
// reach MongoDB.
type env struct {
	oc      *odmcache.Cache
	items   *odm.Model[Item]
	queries atomic.Int64
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ns := devenv.Redis(t)
	e := &env{}
	var err error
	e.oc, err = odmcache.New(ns.Client, odmcache.Config{Prefix: ns.Prefix, TTL: time.Minute})
	require.NoError(t, err)
	e.items, err = odm.NewModel[Item](devenv.Mongo(t), "Item", nil, &odm.ModelOpts{AfterWrite: e.oc.AfterWrite})
	require.NoError(t, err)
	count := func(context.Context, *odm.Op[Item]) error { e.queries.Add(1); return nil }
	for _, ev := range []odm.Event{odm.EventFind, odm.EventFindOne, odm.EventCountDocuments} {
		e.items.Pre(ev, count)
	}
	return e
}

// sent returns how many queries f sent to MongoDB.
func (e *env) sent(f func()) int64 {
	before := e.queries.Load()
	f()
	return e.queries.Load() - before
}

func (e *env) create(t *testing.T, name string) *Item {
	it := &Item{Name: name}
	require.NoError(t, e.items.Create(context.Background(), it))
	return it
}

func (e *env) byID(t *testing.T, id any) *Item {
	t.Helper()
	got, err := odmcache.FindByID(context.Background(), e.oc, e.items, id, nil)
	require.NoError(t, err)
	return got
}

func TestCachedUntilWritten(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.create(t, "a")
	require.Equal(t, int64(1), e.sent(func() { require.Equal(t, "a", e.byID(t, a.ID).Name) }))
	require.Zero(t, e.sent(func() { e.byID(t, a.ID) }), "served from the cache")
	require.Zero(t, e.sent(func() { e.byID(t, a.ID.Hex()) }), "the hex string is cast: the same entry")

	got := e.byID(t, a.ID)
	got.Name = "a2"
	require.NoError(t, e.items.Save(ctx, got), "a cached document is tracked: Save updates it")
	require.Equal(t, int64(0), got.V, "a change of a scalar path is not versioned, as in Mongoose")
	require.Equal(t, int64(1), e.sent(func() { require.Equal(t, "a2", e.byID(t, a.ID).Name) }), "the save invalidated it")
	n, err := odmcache.CountDocuments(ctx, e.oc, e.items, nil, nil)
	require.NoError(t, err)
	require.Equal(t, int64(1), n, "Save updated, did not insert")

	// Absence is cached, and ended by the insert that fills it.
	id := bson.NewObjectID()
	_, err = odmcache.FindByID(ctx, e.oc, e.items, id, nil)
	require.ErrorIs(t, err, odm.ErrNotFound)
	require.Zero(t, e.sent(func() {
		_, err := odmcache.FindByID(ctx, e.oc, e.items, id, nil)
		require.ErrorIs(t, err, odm.ErrNotFound)
	}))
	require.NoError(t, e.items.Create(ctx, &Item{ID: id, Name: "new"}))
	require.Equal(t, "new", e.byID(t, id).Name)

	// Lists and counts depend on the whole model.
	n, err = odmcache.CountDocuments(ctx, e.oc, e.items, nil, nil)
	require.NoError(t, err)
	require.Equal(t, int64(2), n)
	list, err := odmcache.Find(ctx, e.oc, e.items, bson.D{{Key: "stock", Value: bson.D{{Key: "$gte", Value: 0}}}}, &odmcache.FindOpts{Sort: []string{"name"}}, nil)
	require.NoError(t, err)
	require.Len(t, list, 2)
	e.create(t, "c")
	n, err = odmcache.CountDocuments(ctx, e.oc, e.items, nil, nil)
	require.NoError(t, err)
	require.Equal(t, int64(3), n, "a create ends the count")
}

// TestPerIDGranularity: an entry by id survives writes to other ids and
// ends with a write to its id or a write that names no id.
func TestPerIDGranularity(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a, b := e.create(t, "a"), e.create(t, "b")
	inc := bson.D{{Key: "$inc", Value: bson.D{{Key: "stock", Value: 1}}}}
	all := func() []*Item {
		got, err := odmcache.Find(ctx, e.oc, e.items, nil, nil, nil)
		require.NoError(t, err)
		return got
	}
	e.byID(t, a.ID)
	all()
	_, err := e.items.UpdateOne(ctx, bson.D{{Key: "_id", Value: b.ID}}, inc, nil)
	require.NoError(t, err)
	require.Zero(t, e.sent(func() { require.Zero(t, e.byID(t, a.ID).Stock) }), "a write to B leaves A's entry cached")
	require.Equal(t, int64(1), e.sent(func() { all() }), "a write to B ends the list")

	_, err = e.items.DeleteOne(ctx, bson.D{{Key: "_id", Value: b.ID}})
	require.NoError(t, err)
	require.Zero(t, e.sent(func() { e.byID(t, a.ID) }), "deleting B leaves A alone")

	_, err = e.items.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: a.ID}}, inc, nil)
	require.NoError(t, err)
	require.Equal(t, int64(1), e.byID(t, a.ID).Stock, "a write to A ends A's entry")

	_, err = e.items.UpdateMany(ctx, bson.D{{Key: "name", Value: "a"}}, inc, nil)
	require.NoError(t, err)
	require.Equal(t, int64(2), e.byID(t, a.ID).Stock, "a write that names no id ends every entry")

	_, err = e.items.BulkWrite(ctx, []odm.Write{odm.UpdateOneWrite(bson.D{{Key: "_id", Value: a.ID}}, inc, false)}, nil)
	require.NoError(t, err)
	require.Equal(t, int64(3), e.byID(t, a.ID).Stock, "bulk writes report their ids")

	// Behind the model's back: the driver's own collection.
	_, err = e.items.Collection().UpdateOne(ctx, bson.D{{Key: "_id", Value: a.ID}}, inc)
	require.NoError(t, err)
	require.Equal(t, int64(3), e.byID(t, a.ID).Stock, "a raw driver write is invisible (documented)")
	require.NoError(t, odmcache.Invalidate(ctx, e.oc, e.items, a.ID))
	require.Equal(t, int64(4), e.byID(t, a.ID).Stock)
	_, err = e.items.Collection().UpdateMany(ctx, bson.D{}, inc)
	require.NoError(t, err)
	require.NoError(t, odmcache.Invalidate(ctx, e.oc, e.items))
	require.Equal(t, int64(5), e.byID(t, a.ID).Stock)
}

// TestScopeSeparatesTenants: the Tenant plugin's scope is part of the key.
func TestScopeSeparatesTenants(t *testing.T) {
	ns := devenv.Redis(t)
	oc, err := odmcache.New(ns.Client, odmcache.Config{Prefix: ns.Prefix})
	require.NoError(t, err)
	type Note struct {
		ID     bson.ObjectID `bson:"_id,omitempty"`
		Tenant string        `bson:"tenantId"`
		Text   string        `bson:"text"`
	}
	s, err := odm.SchemaFor[Note](nil)
	require.NoError(t, err)
	require.NoError(t, s.Plugin(odm.Tenant(nil)))
	items, err := odm.NewModel[Note](devenv.Mongo(t), "Note", s, &odm.ModelOpts{AfterWrite: oc.AfterWrite})
	require.NoError(t, err)
	t1, t2 := odm.WithTenant(context.Background(), "t1"), odm.WithTenant(context.Background(), "t2")
	require.NoError(t, items.Create(t1, &Note{Text: "one"}))
	got, err := odmcache.Find(t1, oc, items, nil, nil, nil)
	require.NoError(t, err)
	require.Len(t, got, 1)
	got, err = odmcache.Find(t2, oc, items, nil, nil, nil)
	require.NoError(t, err)
	require.Empty(t, got, "another tenant's query is another entry")
}

// TestNoStaleReadAfterWrite: one writer raises a document's stock through
// the model (by id, then by a filter that names no id, in turn), readers
// read it through the cache. Invariant: a read that starts after a write
// returned sees at least that write's value.
func TestNoStaleReadAfterWrite(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.create(t, "hot")
	var committed atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var reads, violations atomic.Int64
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				floor := committed.Load()
				got, err := odmcache.FindByID(ctx, e.oc, e.items, a.ID, nil)
				if err != nil {
					t.Error(err)
					return
				}
				reads.Add(1)
				if got.Stock < floor {
					violations.Add(1)
				}
			}
		}()
	}
	for i := int64(1); i <= 100; i++ {
		filter := bson.D{{Key: "_id", Value: a.ID}}
		if i%2 == 0 {
			filter = bson.D{{Key: "name", Value: "hot"}}
		}
		_, err := e.items.UpdateOne(ctx, filter, bson.D{{Key: "$set", Value: bson.D{{Key: "stock", Value: i}}}}, nil)
		require.NoError(t, err)
		committed.Store(i)
	}
	close(stop)
	wg.Wait()
	require.Zero(t, violations.Load(), "reads older than a returned write")
	require.Greater(t, reads.Load(), int64(100))
}

// TestTransactionInvalidatesAfterCommit needs transactions (a real MongoDB).
func TestTransactionInvalidatesAfterCommit(t *testing.T) {
	devenv.RequireRealMongo(t, "transactions")
	e := newEnv(t)
	ctx := context.Background()
	a := e.create(t, "a")
	client := e.items.Collection().Database().Client()
	e.byID(t, a.ID)
	boom := errors.New("boom")
	err := odm.WithTransaction(ctx, client, func(ctx context.Context) error {
		_, err := e.items.UpdateOne(ctx, bson.D{{Key: "_id", Value: a.ID}}, bson.D{{Key: "$set", Value: bson.D{{Key: "name", Value: "gone"}}}}, nil)
		require.NoError(t, err)
		return boom
	}, nil)
	require.ErrorIs(t, err, boom)
	require.Zero(t, e.sent(func() { require.Equal(t, "a", e.byID(t, a.ID).Name) }), "the aborted transaction invalidated nothing")
	err = odm.WithTransaction(ctx, client, func(ctx context.Context) error {
		_, err := e.items.UpdateOne(ctx, bson.D{{Key: "_id", Value: a.ID}}, bson.D{{Key: "$set", Value: bson.D{{Key: "name", Value: "kept"}}}}, nil)
		return err
	}, nil)
	require.NoError(t, err)
	require.Equal(t, "kept", e.byID(t, a.ID).Name)
}

func TestBadInput(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, err := odmcache.FindByID(ctx, nil, e.items, bson.NewObjectID(), nil)
	require.Error(t, err)
	_, err = odmcache.FindByID[Item](ctx, e.oc, nil, bson.NewObjectID(), nil)
	require.Error(t, err)
	_, err = odmcache.FindOne(ctx, e.oc, e.items, bson.D{{Key: "$where", Value: "1"}}, nil)
	require.Error(t, err, "filters are sanitized as the model's")
	_, err = odmcache.Find(ctx, e.oc, e.items, nil, nil, &odmcache.Opts{TTL: 48 * time.Hour})
	require.Error(t, err)
	_, err = odmcache.New(nil, odmcache.Config{})
	require.Error(t, err)
	require.Error(t, odmcache.Invalidate[Item](ctx, e.oc, nil))
}

// TestDiscriminatorSharesVersions: a base model and its discriminator
// write the same collection, so each one's writes end the other's entries.
func TestDiscriminatorSharesVersions(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	type Special struct {
		ID    bson.ObjectID `bson:"_id,omitempty"`
		Name  string        `bson:"name"`
		Stock int64         `bson:"stock"`
		Extra string        `bson:"extra"`
	}
	specials, err := odm.Discriminator[Special](e.items, "Special", nil, nil)
	require.NoError(t, err)
	s := &Special{Name: "s"}
	require.NoError(t, specials.Create(ctx, s))
	all := func() int {
		got, err := odmcache.Find(ctx, e.oc, e.items, nil, nil, nil)
		require.NoError(t, err)
		return len(got)
	}
	require.Equal(t, 1, all())
	require.NoError(t, specials.Create(ctx, &Special{Name: "t"}))
	require.Equal(t, 2, all(), "the discriminator's create ends the base model's list")
	require.Equal(t, int64(0), e.byID(t, s.ID).Stock)
	_, err = specials.UpdateOne(ctx, bson.D{{Key: "_id", Value: s.ID}}, bson.D{{Key: "$set", Value: bson.D{{Key: "stock", Value: 3}}}}, nil)
	require.NoError(t, err)
	require.Equal(t, int64(3), e.byID(t, s.ID).Stock, "and the base model's read by id")
}
