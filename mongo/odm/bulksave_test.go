package odm_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm"
)

func TestBulkSave(t *testing.T) {
	ctx := context.Background()
	items := odm.MustModel[Gadget](devenv.Mongo(t), "Gadget", odm.MustSchemaFor[Gadget](&odm.SchemaOpts{OptimisticConcurrency: true}), nil)
	require.NoError(t, items.InsertMany(ctx, []*Gadget{{Name: "a", Qty: 1}, {Name: "b", Qty: 2}, {Name: "c", Qty: 3}}))
	var pre, post atomic.Int32
	items.Pre(odm.EventSave, func(context.Context, *odm.Op[Gadget]) error { pre.Add(1); return nil })
	items.Post(odm.EventSave, func(context.Context, *odm.Op[Gadget]) error { post.Add(1); return nil })

	all, err := items.Find(nil).Sort("name").All(ctx)
	require.NoError(t, err)
	all[0].Qty = 10 // a changes
	all[1].Qty = 20 // b changes; c stays
	fresh := &Gadget{Name: "d", Qty: 4}
	res, err := items.BulkSave(ctx, append(all, fresh), nil)
	require.NoError(t, err)
	require.Equal(t, int64(1), res.InsertedCount)
	require.Equal(t, int64(2), res.ModifiedCount)
	require.Equal(t, int32(4), pre.Load())
	require.Equal(t, int32(4), post.Load())
	require.False(t, fresh.ID.IsZero())
	require.Equal(t, int64(1), all[0].V)
	require.Equal(t, int64(0), all[2].V, "unchanged document is not written")
	got, err := items.FindOne(bson.M{"name": "b"}).One(ctx)
	require.NoError(t, err)
	require.Equal(t, 20, got.Qty)
	require.Equal(t, int64(1), got.V)

	// Saved documents are tracked: a second BulkSave sends only new changes.
	fresh.Qty = 40
	res, err = items.BulkSave(ctx, []*Gadget{fresh, all[2]}, nil)
	require.NoError(t, err)
	require.Equal(t, int64(1), res.ModifiedCount)

	// An invalid document: nothing is written.
	all[2].Qty = 30
	_, err = items.BulkSave(ctx, []*Gadget{all[2], {Name: ""}}, nil)
	var ie *odm.IndexedError
	require.ErrorAs(t, err, &ie)
	require.Equal(t, 1, ie.Index)
	require.ErrorIs(t, err, odm.ErrValidation)
	got, err = items.FindOne(bson.M{"name": "c"}).One(ctx)
	require.NoError(t, err)
	require.Equal(t, 3, got.Qty)

	// A stale document: the others are saved, the stale one is reported.
	other, err := items.FindOne(bson.M{"name": "a"}).One(ctx)
	require.NoError(t, err)
	other.Qty = 99
	require.NoError(t, items.Save(ctx, other))
	all[0].Qty = 11 // all[0] was read before other's save
	_, err = items.BulkSave(ctx, []*Gadget{all[0], all[2]}, nil)
	require.ErrorAs(t, err, &ie)
	require.Equal(t, 0, ie.Index)
	require.True(t, odm.IsStale(err), "got %v", err)
	got, err = items.FindOne(bson.M{"name": "a"}).One(ctx)
	require.NoError(t, err)
	require.Equal(t, 99, got.Qty, "the stale copy did not overwrite")
	got, err = items.FindOne(bson.M{"name": "c"}).One(ctx)
	require.NoError(t, err)
	require.Equal(t, 30, got.Qty, "the other document was saved")

	_, err = items.BulkSave(ctx, []*Gadget{nil}, nil)
	require.ErrorAs(t, err, &ie)
	res, err = items.BulkSave(ctx, nil, nil)
	require.NoError(t, err)
	require.Zero(t, res.InsertedCount+res.ModifiedCount)
}
