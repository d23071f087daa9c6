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

// Mongoose's discriminator example: events of several kinds in one
// collection.
type Event struct {
	ID   bson.ObjectID `bson:"_id,omitempty"`
	Kind string        `bson:"__t,omitempty"`
	User string        `bson:"user" odm:"required,trim"`
	At   time.Time     `bson:"at"`
	V    int64         `bson:"__v"`
}

type ClickEvent struct {
	Event `bson:",inline"`
	URL   string `bson:"url" odm:"required"`
}

type PurchaseEvent struct {
	Event  `bson:",inline"`
	Amount float64 `bson:"amount" odm:"min=0"`
}

func TestDiscriminators(t *testing.T) {
	ctx := context.Background()
	bs := odm.MustSchemaFor[Event](nil)
	var schemaHooks []string
	bs.Pre(odm.EventSave, func(ctx context.Context, h *odm.Hook) error {
		schemaHooks = append(schemaHooks, h.Model)
		return nil
	})
	events := odm.MustModel[Event](devenv.Mongo(t), "Event", bs, nil)
	clicks, err := odm.Discriminator[ClickEvent](events, "Click", nil, nil)
	require.NoError(t, err)
	purchases, err := odm.Discriminator[PurchaseEvent](events, "Purchase", nil, &odm.DiscriminatorOpts{Value: "buy"})
	require.NoError(t, err)
	require.Equal(t, events.Collection().Name(), clicks.Collection().Name())
	var childHooks []string
	clicks.Pre(odm.EventSave, func(ctx context.Context, op *odm.Op[ClickEvent]) error {
		childHooks = append(childHooks, op.Doc.URL)
		return nil
	})

	require.NoError(t, events.Create(ctx, &Event{User: "plain"}))
	c := &ClickEvent{Event: Event{User: " ann "}, URL: "/home"}
	require.NoError(t, clicks.Create(ctx, c))
	require.Equal(t, "ann", c.User, "base path options apply to the child")
	require.Equal(t, "Click", c.Kind)
	require.NoError(t, purchases.InsertMany(ctx, []*PurchaseEvent{{Event: Event{User: "bob"}, Amount: 10}, {Event: Event{User: "ann"}, Amount: 5}}))
	require.Equal(t, []string{"Event", "Click"}, schemaHooks, "base schema hooks run for the child")
	require.Equal(t, []string{"/home"}, childHooks)

	// Validation: base's required and the child's own.
	err = clicks.Create(ctx, &ClickEvent{})
	require.ErrorIs(t, err, odm.ErrValidation)
	require.ErrorContains(t, err, "user")
	require.ErrorContains(t, err, "url")
	require.ErrorContains(t, purchases.Create(ctx, &PurchaseEvent{Event: Event{User: "x"}, Amount: -1}), "amount")

	// Queries on a discriminator see only its documents, filters combine.
	n, err := events.Count(ctx, nil)
	require.NoError(t, err)
	require.Equal(t, int64(4), n)
	n, err = purchases.Count(ctx, nil)
	require.NoError(t, err)
	require.Equal(t, int64(2), n)
	got, err := purchases.Find(bson.M{"user": "ann"}).All(ctx)
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, 5.0, got[0].Amount)
	require.Equal(t, "buy", got[0].Kind)
	_, err = clicks.FindOne(bson.M{"user": "bob"}).One(ctx)
	require.ErrorIs(t, err, odm.ErrNotFound, "a purchase is not a click")
	// Even a filter naming another kind cannot escape the scope: as in
	// Mongoose, the key is set over it (ann's click is the one click).
	n, err = clicks.Count(ctx, bson.M{"__t": "buy"})
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	n, err = clicks.Count(ctx, bson.M{"$or": bson.A{bson.M{"__t": "buy"}}})
	require.NoError(t, err)
	require.Zero(t, n)

	// Updates, deletes and aggregates are scoped too.
	res, err := purchases.UpdateMany(ctx, nil, bson.M{"$inc": bson.M{"amount": 1}}, nil)
	require.NoError(t, err)
	require.Equal(t, int64(2), res.MatchedCount)
	deleted, err := clicks.DeleteMany(ctx, bson.M{"user": "bob"})
	require.NoError(t, err)
	require.Zero(t, deleted)
	var kinds []bson.M
	require.NoError(t, purchases.Aggregate(ctx, []bson.D{{{Key: "$group", Value: bson.D{{Key: "_id", Value: "$__t"}, {Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}}}}}}, &kinds))
	require.Len(t, kinds, 1)
	require.Equal(t, "buy", kinds[0]["_id"])

	// The base model sees every kind; B's Kind field tells them apart.
	all, err := events.Find(nil).Sort("user").All(ctx)
	require.NoError(t, err)
	var seen []string
	for _, e := range all {
		seen = append(seen, e.User+":"+e.Kind)
	}
	require.ElementsMatch(t, []string{"ann:Click", "ann:buy", "bob:buy", "plain:"}, seen)

	// Save of a loaded child keeps its key; the key is immutable.
	p, err := purchases.FindOne(bson.M{"user": "bob"}).One(ctx)
	require.NoError(t, err)
	p.Amount, p.Kind = 99, "Click"
	require.NoError(t, purchases.Save(ctx, p))
	back, err := purchases.FindByID(ctx, p.ID)
	require.NoError(t, err)
	require.Equal(t, 99.0, back.Amount)
	require.Equal(t, "buy", back.Kind)

	_, err = odm.Discriminator[ClickEvent, Event](nil, "X", nil, nil)
	require.Error(t, err)
	_, err = odm.Discriminator[ClickEvent](clicks, "Y", nil, nil)
	require.Error(t, err)
}
