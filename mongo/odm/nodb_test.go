package odm_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/mongo/odm"
)

type offlineDoc struct {
	ID   bson.ObjectID `bson:"_id,omitempty"`
	Name string        `bson:"name" odm:"required"`
	Tags []string      `bson:"tags"`
}

// A model made without a database casts and validates, and every
// operation that needs the database returns ErrNoDatabase instead of
// panicking; so does a nil *Model's.
func TestModelWithoutDatabase(t *testing.T) {
	ctx := context.Background()
	m, err := odm.NewModel[offlineDoc](nil, "Offline", nil, nil)
	require.NoError(t, err)
	require.Error(t, m.Validate(ctx, &offlineDoc{}), "validation works offline")
	sub, err := odm.Discriminator[offlineDoc](m, "OfflineSub", nil, nil)
	require.NoError(t, err, "a discriminator of a model without a database has none either")
	require.ErrorIs(t, sub.Create(ctx, &offlineDoc{Name: "a"}), odm.ErrNoDatabase)
	var nilModel *odm.Model[offlineDoc]
	for _, mm := range []*odm.Model[offlineDoc]{m, nilModel} {
		doc := &offlineDoc{Name: "a"}
		calls := map[string]func() error{
			"Create":      func() error { return mm.Create(ctx, doc) },
			"InsertMany":  func() error { return mm.InsertMany(ctx, []*offlineDoc{doc}) },
			"Save":        func() error { return mm.Save(ctx, doc) },
			"Find.All":    func() error { _, err := mm.Find(bson.D{}).All(ctx); return err },
			"FindOne.One": func() error { _, err := mm.FindOne(bson.D{}).One(ctx); return err },
			"Find.Count":  func() error { _, err := mm.Find(bson.D{}).Count(ctx); return err },
			"Exists":      func() error { _, err := mm.Exists(ctx, bson.D{}); return err },
			"Distinct":    func() error { _, err := mm.Distinct(ctx, "name", bson.D{}); return err },
			"UpdateOne": func() error {
				_, err := mm.UpdateOne(ctx, bson.D{}, bson.D{{Key: "$set", Value: bson.D{{Key: "name", Value: "b"}}}}, nil)
				return err
			},
			"DeleteMany": func() error { _, err := mm.DeleteMany(ctx, bson.D{}); return err },
			"FindOneAndUpdate": func() error {
				_, err := mm.FindOneAndUpdate(ctx, bson.D{}, bson.D{{Key: "$set", Value: bson.D{{Key: "name", Value: "b"}}}}, nil)
				return err
			},
			"Aggregate":              func() error { return mm.Aggregate(ctx, nil, &[]bson.M{}) },
			"SyncIndexes":            func() error { _, err := mm.SyncIndexes(ctx, nil); return err },
			"EstimatedDocumentCount": func() error { _, err := mm.EstimatedDocumentCount(ctx); return err },
		}
		for name, call := range calls {
			var err error
			require.NotPanics(t, func() { err = call() }, name)
			require.ErrorIs(t, err, odm.ErrNoDatabase, name)
		}
	}
}
