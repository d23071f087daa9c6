package odm_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm"
)

type item struct {
	ID    string `bson:"_id"`
	Name  string `bson:"name"`
	Stock int    `bson:"stock"`
}

type writeLog struct {
	mu    sync.Mutex
	calls [][]odm.Written
}

func (l *writeLog) afterWrite(_ context.Context, w []odm.Written) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, w)
}

func (l *writeLog) take() []odm.Written {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []odm.Written
	for _, c := range l.calls {
		for _, w := range c {
			if w.Collection == "" {
				panic("a report without its collection")
			}
			w.Collection = "" // compared apart
			out = append(out, w)
		}
	}
	l.calls = nil
	return out
}

// TestAfterWriteReportsEveryWrite: each write path reports the ids it
// names, or the whole model when its filter names none.
func TestAfterWriteReportsEveryWrite(t *testing.T) {
	ctx := context.Background()
	l := &writeLog{}
	items, err := odm.NewModel[item](devenv.Mongo(t), "Item", nil, &odm.ModelOpts{AfterWrite: l.afterWrite})
	require.NoError(t, err)
	ids := func(v ...any) []odm.Written { return []odm.Written{{Model: "Item", IDs: v}} }
	all := []odm.Written{{Model: "Item", All: true}}
	byID := func(id string) bson.D { return bson.D{{Key: "_id", Value: id}} }
	byName := bson.D{{Key: "name", Value: "a"}}
	inc := bson.D{{Key: "$inc", Value: bson.D{{Key: "stock", Value: 1}}}}

	a := &item{ID: "a", Name: "a"}
	require.NoError(t, items.Create(ctx, a))
	require.Equal(t, ids("a"), l.take(), "create")
	require.NoError(t, items.InsertMany(ctx, []*item{{ID: "b", Name: "b"}, {ID: "c", Name: "c"}}))
	require.Equal(t, ids("b", "c"), l.take(), "insertMany")
	a.Stock = 5
	require.NoError(t, items.Save(ctx, a))
	require.Equal(t, ids("a"), l.take(), "save of a loaded document")

	_, err = items.FindByID(ctx, "a")
	require.NoError(t, err)
	_, err = items.Find(nil).All(ctx)
	require.NoError(t, err)
	require.Empty(t, l.take(), "reads report nothing")

	_, err = items.UpdateOne(ctx, byID("b"), inc, nil)
	require.NoError(t, err)
	require.Equal(t, ids("b"), l.take(), "updateOne by id")
	_, err = items.UpdateOne(ctx, byName, inc, nil)
	require.NoError(t, err)
	require.Equal(t, all, l.take(), "updateOne by another field")
	_, err = items.UpdateMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{"a", "b"}}}}}, inc, nil)
	require.NoError(t, err)
	require.Equal(t, ids("a", "b"), l.take(), "updateMany by $in")
	_, err = items.UpdateMany(ctx, nil, inc, nil)
	require.NoError(t, err)
	require.Equal(t, all, l.take(), "updateMany")
	_, err = items.ReplaceOne(ctx, byID("c"), &item{ID: "c", Name: "c2"}, nil)
	require.NoError(t, err)
	require.Equal(t, ids("c"), l.take(), "replaceOne")
	_, err = items.FindOneAndUpdate(ctx, byID("a"), inc, nil)
	require.NoError(t, err)
	require.Equal(t, ids("a"), l.take(), "findOneAndUpdate")
	_, err = items.FindOneAndReplace(ctx, byName, &item{ID: "a", Name: "a"}, nil)
	require.NoError(t, err)
	require.Equal(t, all, l.take(), "findOneAndReplace by another field")
	_, err = items.FindOneAndDelete(ctx, byID("c"), nil)
	require.NoError(t, err)
	require.Equal(t, ids("c"), l.take(), "findOneAndDelete")
	_, err = items.DeleteOne(ctx, byID("b"))
	require.NoError(t, err)
	require.Equal(t, ids("b"), l.take(), "deleteOne")

	_, err = items.BulkWrite(ctx, []odm.Write{
		odm.InsertWrite(&item{ID: "d"}),
		odm.UpdateOneWrite(byID("a"), inc, false),
		odm.DeleteOneWrite(byID("d")),
	}, nil)
	require.NoError(t, err)
	require.Equal(t, ids("d", "a", "d"), l.take(), "bulkWrite naming ids")
	_, err = items.BulkWrite(ctx, []odm.Write{odm.UpdateOneWrite(byID("a"), inc, false), odm.DeleteManyWrite(byName)}, nil)
	require.NoError(t, err)
	require.Equal(t, []odm.Written{{Model: "Item", IDs: []any{"a"}, All: true}}, l.take(), "bulkWrite with a filter")

	_, err = items.DeleteMany(ctx, nil)
	require.NoError(t, err)
	require.Equal(t, all, l.take(), "deleteMany")

	// A failed write that may have partly applied is reported: an ordered
	// insertMany stops at the duplicate after inserting the first.
	require.NoError(t, items.Create(ctx, &item{ID: "dup"}))
	l.take()
	require.Error(t, items.InsertMany(ctx, []*item{{ID: "e"}, {ID: "dup"}}))
	require.Equal(t, ids("e", "dup"), l.take())

	loaded, err := items.FindByID(ctx, "dup")
	require.NoError(t, err)
	loaded.Name = "d2"
	_, err = items.BulkSave(ctx, []*item{loaded, {ID: "f"}}, nil)
	require.NoError(t, err)
	require.Equal(t, ids("dup", "f"), l.take(), "bulkSave")

	// Validation failures send nothing and report nothing.
	_, err = items.UpdateOne(ctx, byID("a"), bson.D{{Key: "$set", Value: bson.D{{Key: "stock", Value: "many"}}}}, nil)
	require.Error(t, err)
	require.Empty(t, l.take())
}

// TestAfterWriteObjectIDs: server-assigned ids are reported as the
// ObjectIDs the ODM generates; a filter's hex string is cast first.
func TestAfterWriteObjectIDs(t *testing.T) {
	ctx := context.Background()
	l := &writeLog{}
	s, err := odm.SchemaFor[User](nil)
	require.NoError(t, err)
	users, err := odm.NewModel[User](devenv.Mongo(t), "User", s, &odm.ModelOpts{AfterWrite: l.afterWrite})
	require.NoError(t, err)
	u := &User{Username: "ada", Email: "ada@x"}
	require.NoError(t, users.Create(ctx, u))
	require.Equal(t, []odm.Written{{Model: "User", IDs: []any{u.ID}}}, l.take())
	_, err = users.UpdateOne(ctx, bson.D{{Key: "_id", Value: u.ID.Hex()}}, bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: "inactive"}}}}, nil)
	require.NoError(t, err)
	require.Equal(t, []odm.Written{{Model: "User", IDs: []any{u.ID}}}, l.take(), "the hex string is reported as the ObjectID it matches")
}
