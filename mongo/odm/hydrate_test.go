package odm_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm"
)

type hydLine struct {
	SKU string `bson:"sku"`
	Qty int    `bson:"qty" odm:"default=1"`
}

type hydOrder struct {
	ID     bson.ObjectID `bson:"_id,omitempty"`
	Name   string        `bson:"name"`
	Status string        `bson:"status" odm:"default=open"`
	Rank   *int          `bson:"rank,omitempty" odm:"default=5"`
	Lines  []hydLine     `bson:"lines"`
	V      int64         `bson:"__v"`
}

// TestReadAppliesDefaults: a hydrated read fills the defaults of the paths
// the stored document lacks (also inside array subdocuments), unless the
// projection leaves them out or the read is lean, and the next Save
// writes them, as Mongoose's hydration and save do (output cases "find
// without lean applies defaults ...").
func TestReadAppliesDefaults(t *testing.T) {
	ctx := context.Background()
	m := odm.MustModel[hydOrder](devenv.Mongo(t), "HydOrder", odm.MustSchemaFor[hydOrder](nil), nil)
	_, err := m.Collection().DeleteMany(ctx, bson.D{})
	require.NoError(t, err)
	id := bson.NewObjectID()
	_, err = m.Collection().InsertOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "name", Value: "a"}, {Key: "__v", Value: 0},
		{Key: "lines", Value: bson.A{bson.D{{Key: "sku", Value: "x"}}, bson.D{{Key: "sku", Value: "y"}, {Key: "qty", Value: 0}}}}})
	require.NoError(t, err)

	got, err := m.FindByID(ctx, id)
	require.NoError(t, err)
	require.Equal(t, "open", got.Status)
	require.NotNil(t, got.Rank)
	require.Equal(t, 5, *got.Rank)
	require.Equal(t, []hydLine{{SKU: "x", Qty: 1}, {SKU: "y", Qty: 0}}, got.Lines, "a stored 0 is a value")

	all, err := m.Find(bson.M{"name": "a"}).All(ctx)
	require.NoError(t, err)
	require.Len(t, all, 1)
	require.Equal(t, got, all[0])

	lean, err := m.FindOne(bson.M{"_id": id}).Lean().One(ctx)
	require.NoError(t, err)
	require.Equal(t, "", lean.Status)
	require.Nil(t, lean.Rank)
	require.Equal(t, 0, lean.Lines[0].Qty)

	sel, err := m.FindOne(bson.M{"_id": id}).Select("name", "rank").One(ctx)
	require.NoError(t, err)
	require.Equal(t, "", sel.Status, "status is not selected")
	require.NotNil(t, sel.Rank)

	excl, err := m.FindOne(bson.M{"_id": id}).Select("-status").One(ctx)
	require.NoError(t, err)
	require.Equal(t, "", excl.Status, "status is excluded")
	require.Equal(t, 1, excl.Lines[0].Qty)

	// Save writes the defaults read, as Mongoose's save does.
	got.Name = "b"
	require.NoError(t, m.Save(ctx, got))
	var stored bson.M
	require.NoError(t, m.Collection().FindOne(ctx, bson.M{"_id": id}).Decode(&stored))
	require.Equal(t, "b", stored["name"])
	require.Equal(t, "open", stored["status"])
	require.EqualValues(t, 5, stored["rank"])
}

// TestHydrateAppliesDefaults: Model.Hydrate (Mongoose's Model.hydrate)
// applies defaults to a map-backed document too, with Mongoose's [] for a
// missing array and the defaults inside a stored subdocument.
func TestHydrateAppliesDefaults(t *testing.T) {
	s := odm.NewSchema(nil,
		odm.String("name"),
		odm.Number("n").Default(5),
		odm.Array("arr", odm.String("")),
		odm.Subdoc("sub", odm.NewSchema(&odm.SchemaOpts{NoID: true}, odm.String("a").Default("x"), odm.String("b"))),
	)
	m := odm.MustModel[map[string]any](nil, "HydMap", s, nil)
	raw, err := bson.Marshal(bson.D{{Key: "name", Value: "a"}, {Key: "sub", Value: bson.D{{Key: "b", Value: "y"}}}})
	require.NoError(t, err)
	doc, err := m.Hydrate(raw)
	require.NoError(t, err)
	require.EqualValues(t, 5, (*doc)["n"])
	require.Equal(t, []any{}, (*doc)["arr"])
	sub, ok := (*doc)["sub"].(bson.D)
	require.True(t, ok, "%T", (*doc)["sub"])
	require.Equal(t, bson.D{{Key: "b", Value: "y"}, {Key: "a", Value: "x"}}, sub)
}
