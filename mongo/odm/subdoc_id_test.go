package odm_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm"
)

type lineItem struct {
	ID        bson.ObjectID `bson:"_id"`
	SKU       string        `bson:"sku" odm:"required"`
	CreatedAt time.Time     `bson:"createdAt"`
	UpdatedAt time.Time     `bson:"updatedAt"`
}

type cart struct {
	ID    bson.ObjectID `bson:"_id,omitempty"`
	Owner lineItem      `bson:"owner"`
	Items []lineItem    `bson:"items"`
	Notes []note        `bson:"notes"`
}

// note declares no _id: a struct without the field is `_id: false`.
type note struct {
	Text string `bson:"text"`
}

// Mongoose gives every subdocument an ObjectId _id unless its schema says
// `_id: false` (output.json: "create gives subdocuments an _id"): a struct
// subdocument with an _id field gets one without any tag. Each is distinct,
// stored and read back; one given is kept; a subdocument pushed later and
// saved gets its own.
func TestSubdocumentIDs(t *testing.T) {
	ctx := context.Background()
	s, err := odm.SchemaFor[cart](nil)
	require.NoError(t, err)
	s.Path("items").Elem.Schema.SetTimestamps(odm.DefaultTimestamps)
	now := time.Now().UTC().Truncate(time.Millisecond)
	carts, err := odm.NewModel[cart](devenv.Mongo(t), "Cart", s, &odm.ModelOpts{Clock: func() time.Time { return now }})
	require.NoError(t, err)

	given := bson.NewObjectID()
	c := &cart{Owner: lineItem{SKU: "o"}, Items: []lineItem{{SKU: "a"}, {ID: given, SKU: "b"}}, Notes: []note{{Text: "n"}}}
	require.NoError(t, carts.Create(ctx, c))
	require.Equal(t, given, c.Items[1].ID, "a given _id is kept")
	seen := map[bson.ObjectID]bool{c.ID: true}
	for _, id := range []bson.ObjectID{c.Owner.ID, c.Items[0].ID, c.Items[1].ID} {
		require.False(t, id.IsZero(), "a subdocument got no _id")
		require.False(t, seen[id], "two documents share the _id %s", id.Hex())
		seen[id] = true
	}

	got, err := carts.FindByID(ctx, c.ID.Hex())
	require.NoError(t, err)
	require.Equal(t, c.Owner.ID, got.Owner.ID)
	require.Equal(t, c.Items, got.Items)
	raw, err := carts.Collection().FindOne(ctx, bson.M{"_id": c.ID}).Raw()
	require.NoError(t, err)
	_, err = raw.LookupErr("notes", "0", "_id")
	require.Error(t, err, "a struct without an _id field has none")

	// Subdocument timestamps (output.json: "create stamps subdocuments
	// with timestamps"): only the schema that has them.
	require.Equal(t, now, c.Items[0].CreatedAt)
	require.Equal(t, now, c.Items[0].UpdatedAt)
	require.True(t, c.Owner.CreatedAt.IsZero(), "owner's schema has no timestamps")

	created := now
	now = now.Add(time.Hour)
	require.NoError(t, carts.Save(ctx, got)) // nothing changed: nothing re-stamped
	got.Items = append(got.Items, lineItem{SKU: "c"})
	require.NoError(t, carts.Save(ctx, got))
	require.False(t, got.Items[2].ID.IsZero())
	require.False(t, seen[got.Items[2].ID])
	again, err := carts.FindByID(ctx, c.ID.Hex())
	require.NoError(t, err)
	require.Equal(t, got.Items[2].ID, again.Items[2].ID)
	require.Equal(t, created, again.Items[0].CreatedAt, "a stored subdocument keeps its createdAt")
	require.Equal(t, created, again.Items[0].UpdatedAt)
	require.Equal(t, now, again.Items[2].CreatedAt, "a new one is stamped on Save")
	require.Equal(t, now, again.Items[2].UpdatedAt)
}

// A programmatic subschema gets an implicit _id path (its documents carry
// one without declaring it); SchemaOpts.NoID is Mongoose's `_id: false`.
func TestSubdocumentIDsProgrammatic(t *testing.T) {
	ctx := context.Background()
	sub := func(noID bool) *odm.Schema { return odm.NewSchema(&odm.SchemaOpts{NoID: noID}, odm.String("r")) }
	s := odm.NewSchema(nil,
		odm.Subdoc("one", sub(false)),
		odm.Array("items", odm.Subdoc("", sub(false))),
		odm.MapOf("byKey", odm.Subdoc("", sub(false))),
		odm.Subdoc("off", sub(true)),
	)
	m, err := odm.NewModel[map[string]any](devenv.Mongo(t), "Bag", s, nil)
	require.NoError(t, err)
	doc, err := m.Cast(ctx, map[string]any{"one": map[string]any{"r": "a"}, "items": []any{map[string]any{"r": "b"}},
		"byKey": map[string]any{"k": map[string]any{"r": "c"}}, "off": map[string]any{"r": "d"}})
	require.NoError(t, err)
	require.NoError(t, m.Create(ctx, doc))

	raw, err := m.Collection().FindOne(ctx, bson.M{"_id": (*doc)["_id"]}).Raw()
	require.NoError(t, err)
	for _, at := range [][]string{{"one", "_id"}, {"items", "0", "_id"}, {"byKey", "k", "_id"}} {
		require.Equal(t, bson.TypeObjectID, raw.Lookup(at...).Type, "%v in %s", at, raw)
	}
	_, err = raw.LookupErr("off", "_id")
	require.Error(t, err, "a subschema with NoID has no _id")

	// The same programmatic subschema bound to a struct without an _id
	// field: the implicit path has nowhere to go and is left out.
	type plainSub struct {
		R string `bson:"r"`
	}
	type holder struct {
		ID  bson.ObjectID `bson:"_id,omitempty"`
		One plainSub      `bson:"one"`
	}
	hm, err := odm.NewModel[holder](devenv.Mongo(t), "Holder", odm.NewSchema(nil, odm.ObjectID("_id"), odm.Subdoc("one", sub(false))), nil)
	require.NoError(t, err)
	require.NoError(t, hm.Create(ctx, &holder{One: plainSub{R: "x"}}))
}
