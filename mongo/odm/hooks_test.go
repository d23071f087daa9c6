package odm_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm"
)

type Gadget struct {
	ID    bson.ObjectID   `bson:"_id,omitempty"`
	Name  string          `bson:"name" odm:"required"`
	Qty   int             `bson:"qty"`
	Owner odm.Ref[Gadget] `bson:"owner,omitempty" odm:"ref=Gadget"`
	V     int64           `bson:"__v"`
}

var everyEvent = []odm.Event{
	odm.EventValidate, odm.EventSave, odm.EventInsertMany, odm.EventBulkWrite, odm.EventAggregate,
	odm.EventFind, odm.EventFindOne, odm.EventCountDocuments, odm.EventEstimatedDocumentCount,
	odm.EventDistinct, odm.EventFindOneAndUpdate, odm.EventFindOneAndReplace, odm.EventFindOneAndDelete,
	odm.EventUpdateOne, odm.EventUpdateMany, odm.EventReplaceOne, odm.EventDeleteOne, odm.EventDeleteMany,
}

// recordHooks registers a pre and a post hook on every event of m and
// returns the log they write ("pre find", "post find", ...).
func recordHooks[T any](m *odm.Model[T]) *[]string {
	log := &[]string{}
	for _, e := range everyEvent {
		m.Pre(e, func(ctx context.Context, op *odm.Op[T]) error {
			*log = append(*log, "pre "+string(op.Event))
			return nil
		})
		m.Post(e, func(ctx context.Context, op *odm.Op[T]) error {
			*log = append(*log, "post "+string(op.Event))
			return nil
		})
	}
	return log
}

// TestHooksOnEveryPath is the table of docs/odm.md ("Which hooks run"):
// one row per operation, with the hooks it must run, in order.
func TestHooksOnEveryPath(t *testing.T) {
	ctx := context.Background()
	items := odm.MustModel[Gadget](devenv.Mongo(t), "Gadget", nil, nil)
	seed := []*Gadget{{Name: "a", Qty: 1}, {Name: "b", Qty: 2}, {Name: "c", Qty: 3}}
	require.NoError(t, items.InsertMany(ctx, seed))
	log := recordHooks(items)
	byName := func(n string) bson.D { return bson.D{{Key: "name", Value: n}} }

	rows := []struct {
		op   string
		run  func() error
		want []string
	}{
		{"Create", func() error { return items.Create(ctx, &Gadget{Name: "d"}) },
			[]string{"pre validate", "post validate", "pre save", "post save"}},
		{"Save (tracked)", func() error {
			it, err := items.FindOne(byName("d")).One(ctx)
			if err != nil {
				return err
			}
			*log = nil
			it.Qty = 9
			return items.Save(ctx, it)
		}, []string{"pre validate", "post validate", "pre save", "post save"}},
		{"InsertMany", func() error { return items.InsertMany(ctx, []*Gadget{{Name: "e"}, {Name: "f"}}) },
			[]string{"pre insertMany", "pre validate", "pre validate", "post validate", "post validate", "post insertMany"}},
		{"Find.All", func() error { _, err := items.Find(nil).All(ctx); return err }, []string{"pre find", "post find"}},
		{"Find.Lean.All", func() error { _, err := items.Find(nil).Lean().All(ctx); return err }, []string{"pre find", "post find"}},
		{"Find.Each (cursor)", func() error { return items.Find(nil).Each(ctx, func(*Gadget) error { return nil }) }, []string{"pre find"}},
		{"FindOne.One", func() error { _, err := items.FindOne(byName("a")).One(ctx); return err }, []string{"pre findOne", "post findOne"}},
		{"FindOne.Lean.One", func() error { _, err := items.FindOne(byName("a")).Lean().One(ctx); return err }, []string{"pre findOne", "post findOne"}},
		{"FindByID", func() error { _, err := items.FindByID(ctx, seed[0].ID); return err }, []string{"pre findOne", "post findOne"}},
		{"Exists", func() error { _, err := items.Exists(ctx, byName("a")); return err }, []string{"pre findOne", "post findOne"}},
		{"Count", func() error { _, err := items.Count(ctx, nil); return err }, []string{"pre countDocuments", "post countDocuments"}},
		{"EstimatedDocumentCount", func() error { _, err := items.EstimatedDocumentCount(ctx); return err },
			[]string{"pre estimatedDocumentCount", "post estimatedDocumentCount"}},
		{"Distinct", func() error { _, err := items.Distinct(ctx, "name", nil); return err }, []string{"pre distinct", "post distinct"}},
		{"Page", func() error { _, err := items.Find(nil).Page(ctx, 1, 2); return err },
			[]string{"pre countDocuments", "post countDocuments", "pre find", "post find"}},
		{"Keyset", func() error { _, err := items.Find(nil).Keyset(ctx, "", 2); return err }, []string{"pre find", "post find"}},
		{"FindOneAndUpdate", func() error {
			_, err := items.FindOneAndUpdate(ctx, byName("a"), bson.M{"$inc": bson.M{"qty": 1}}, nil)
			return err
		}, []string{"pre findOneAndUpdate", "post findOneAndUpdate"}},
		{"FindOneAndReplace", func() error {
			_, err := items.FindOneAndReplace(ctx, byName("e"), &Gadget{Name: "e2"}, nil)
			return err
		}, []string{"pre findOneAndReplace", "pre validate", "post validate", "post findOneAndReplace"}},
		{"FindOneAndDelete", func() error { _, err := items.FindOneAndDelete(ctx, byName("e2"), nil); return err },
			[]string{"pre findOneAndDelete", "post findOneAndDelete"}},
		{"UpdateOne", func() error {
			_, err := items.UpdateOne(ctx, byName("a"), bson.M{"$set": bson.M{"qty": 5}}, nil)
			return err
		},
			[]string{"pre updateOne", "post updateOne"}},
		{"UpdateMany", func() error { _, err := items.UpdateMany(ctx, nil, bson.M{"$inc": bson.M{"qty": 1}}, nil); return err },
			[]string{"pre updateMany", "post updateMany"}},
		{"ReplaceOne", func() error { _, err := items.ReplaceOne(ctx, byName("f"), &Gadget{Name: "f2"}, nil); return err },
			[]string{"pre replaceOne", "pre validate", "post validate", "post replaceOne"}},
		{"DeleteOne", func() error { _, err := items.DeleteOne(ctx, byName("f2")); return err }, []string{"pre deleteOne", "post deleteOne"}},
		{"DeleteMany", func() error { _, err := items.DeleteMany(ctx, byName("none")); return err }, []string{"pre deleteMany", "post deleteMany"}},
		{"Aggregate", func() error {
			var out []bson.M
			return items.Aggregate(ctx, []bson.D{{{Key: "$match", Value: bson.D{}}}}, &out)
		}, []string{"pre aggregate", "post aggregate"}},
		{"BulkSave", func() error {
			it, err := items.FindOne(byName("a")).One(ctx)
			if err != nil {
				return err
			}
			*log = nil
			it.Qty = 7
			_, err = items.BulkSave(ctx, []*Gadget{it, {Name: "bs"}}, nil)
			return err
		}, []string{"pre validate", "post validate", "pre save", "pre validate", "post validate", "pre save", "post save", "post save"}},
		{"BulkWrite", func() error {
			_, err := items.BulkWrite(ctx, []odm.Write{
				odm.InsertWrite(&Gadget{Name: "g"}),
				odm.UpdateOneWrite(byName("g"), bson.M{"$set": bson.M{"qty": 1}}, false),
				odm.UpdateManyWrite(byName("g"), bson.M{"$set": bson.M{"qty": 2}}, false),
				odm.ReplaceOneWrite(byName("g"), &Gadget{Name: "g"}, false),
				odm.DeleteOneWrite(byName("g")),
				odm.DeleteManyWrite(byName("g")),
			}, nil)
			return err
		}, []string{"pre bulkWrite", "pre validate", "post validate", "pre updateOne", "pre updateMany",
			"pre replaceOne", "pre validate", "post validate", "pre deleteOne", "pre deleteMany", "post bulkWrite"}},
		{"Populate (batched)", func() error {
			_, err := items.Find(byName("a")).Populate(odm.PopulateOpts{Path: "owner", From: items}).All(ctx)
			return err
		}, []string{"pre find", "post find"}}, // no owner set: no populate query
	}
	mongoose := mongooseHooks(t)
	checked := 0
	for _, r := range rows {
		t.Run(r.op, func(t *testing.T) {
			*log = nil
			require.NoError(t, r.run())
			require.Equal(t, r.want, *log)
			if rec, ok := mongoose[r.op]; ok {
				checked++
				require.Equal(t, rec, *log, "Mongoose ran these hooks (testdata/mongoose/hooks.json)")
			}
		})
	}
	require.Len(t, mongoose, checked, "every operation hooks.js recorded is a row here")

	// Populate issues its query through the referenced model's find hooks.
	a, err := items.FindOne(byName("a")).One(ctx)
	require.NoError(t, err)
	_, err = items.UpdateOne(ctx, byName("b"), bson.M{"$set": bson.M{"owner": a.ID}}, nil)
	require.NoError(t, err)
	*log = nil
	_, err = items.Find(byName("b")).Populate(odm.PopulateOpts{Path: "owner", From: items}).All(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"pre find", "post find", "pre find", "post find"}, *log)
}

// Group events expand to every event of the group, and a hook on a group
// registered on the schema (as plugins do) runs before the model's own.
func TestHookGroupsAndSchemaHooks(t *testing.T) {
	ctx := context.Background()
	s := odm.MustSchemaFor[Gadget](nil)
	var log []string
	s.Pre(odm.EventQuery, func(ctx context.Context, h *odm.Hook) error {
		log = append(log, "schema "+string(h.Event)+" "+h.Model+" "+h.Collection)
		return nil
	})
	items := odm.MustModel[Gadget](devenv.Mongo(t), "Gadget", s, nil)
	items.Pre(odm.EventRead, func(ctx context.Context, op *odm.Op[Gadget]) error {
		log = append(log, "model "+string(op.Event))
		return nil
	})
	_, err := items.Count(ctx, nil)
	require.NoError(t, err)
	_, err = items.DeleteMany(ctx, nil)
	require.NoError(t, err)
	require.Equal(t, []string{"schema countDocuments Gadget gadgets", "model countDocuments", "schema deleteMany Gadget gadgets"}, log)
}

// A pre-delete hook that sets Update turns the deletion into an update;
// a pre-estimatedDocumentCount hook that sets a filter makes it exact.
func TestHookRewritesOperation(t *testing.T) {
	ctx := context.Background()
	items := odm.MustModel[Gadget](devenv.Mongo(t), "Gadget", nil, nil)
	require.NoError(t, items.InsertMany(ctx, []*Gadget{{Name: "a", Qty: 1}, {Name: "b", Qty: 2}}))
	items.Pre(odm.EventDeleteMany, func(ctx context.Context, op *odm.Op[Gadget]) error {
		op.Update = bson.D{{Key: "$set", Value: bson.D{{Key: "qty", Value: "0"}}}}
		return nil
	})
	n, err := items.DeleteMany(ctx, nil)
	require.NoError(t, err)
	require.Equal(t, int64(2), n)
	left, err := items.Find(nil).Sort("name").All(ctx)
	require.NoError(t, err)
	require.Len(t, left, 2)
	require.Equal(t, 0, left[0].Qty)
	require.Equal(t, 0, left[0].Qty, `the update went through update casting ("0" stored as a number)`)

	items.Pre(odm.EventEstimatedDocumentCount, func(ctx context.Context, op *odm.Op[Gadget]) error {
		op.Filter = bson.D{{Key: "name", Value: "a"}}
		return nil
	})
	n, err = items.EstimatedDocumentCount(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(1), n)

	items.Pre(odm.EventAggregate, func(ctx context.Context, op *odm.Op[Gadget]) error {
		op.PrependMatch(bson.D{{Key: "name", Value: "b"}})
		return nil
	})
	var out []bson.M
	require.NoError(t, items.Aggregate(ctx, []bson.D{{{Key: "$project", Value: bson.D{{Key: "name", Value: 1}}}}}, &out))
	require.Len(t, out, 1)
	require.Equal(t, "b", out[0]["name"])
}

// Every event name in docs/odm.md's table exists, and every event is there.
func TestHookTableInDocs(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "odm.md"))
	require.NoError(t, err)
	for _, e := range everyEvent {
		require.Truef(t, strings.Contains(string(b), "`"+string(e)+"`"), "docs/odm.md does not name event %s", e)
	}
}

// mongooseHooks reads testdata/mongoose/hooks.json: the hooks Mongoose 9
// ran, in order, for the operations of TestHooksOnEveryPath (by row name),
// recorded by hooks.js with stubbed collections and runValidators on.
func mongooseHooks(t *testing.T) map[string][]string {
	var fx struct {
		Ops []struct {
			Op    string   `json:"op"`
			Hooks []string `json:"hooks"`
			Error *string  `json:"error"`
		} `json:"ops"`
	}
	readHooksFixture(t, &fx)
	out := map[string][]string{}
	for _, o := range fx.Ops {
		require.Nil(t, o.Error, "Mongoose failed %s", o.Op)
		out[o.Op] = o.Hooks
	}
	return out
}

// readHooksFixture decodes testdata/mongoose/hooks.json into v.
func readHooksFixture(t *testing.T, v any) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "mongoose", "hooks.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, v))
}
