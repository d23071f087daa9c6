package odm_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm"
)

type lineItem struct {
	ID  bson.ObjectID `bson:"_id" odm:"default=auto"`
	SKU string        `bson:"sku" odm:"required"`
}

type cart struct {
	ID    bson.ObjectID `bson:"_id,omitempty"`
	Owner lineItem      `bson:"owner"`
	Items []lineItem    `bson:"items"`
}

// Mongoose gives every subdocument an _id; odm does when the subdocument's
// struct declares the path with a generated default (docs/odm.md,
// "Differences from Mongoose"). Each one is distinct, stored, and read back.
func TestSubdocumentIDsFromDefault(t *testing.T) {
	ctx := context.Background()
	s, err := odm.SchemaFor[cart](nil)
	require.NoError(t, err)
	carts, err := odm.NewModel[cart](devenv.Mongo(t), "Cart", s, nil)
	require.NoError(t, err)

	c := &cart{Owner: lineItem{SKU: "o"}, Items: []lineItem{{SKU: "a"}, {SKU: "b"}}}
	require.NoError(t, carts.Create(ctx, c))
	seen := map[bson.ObjectID]bool{c.ID: true}
	for _, id := range []bson.ObjectID{c.Owner.ID, c.Items[0].ID, c.Items[1].ID} {
		require.False(t, id.IsZero(), "a subdocument got no _id")
		require.False(t, seen[id], "two documents share the _id %s", id.Hex())
		seen[id] = true
	}

	got, err := carts.FindByID(ctx, c.ID.Hex())
	require.NoError(t, err)
	require.Equal(t, c.Owner.ID, got.Owner.ID)
	require.Equal(t, c.Items[1].ID, got.Items[1].ID)
}
