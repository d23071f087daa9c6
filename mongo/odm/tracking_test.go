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

type trackLine struct {
	SKU       string    `bson:"sku"`
	Qty       int       `bson:"qty"`
	UpdatedAt time.Time `bson:"updatedAt"`
}

type trackCart struct {
	ID    bson.ObjectID `bson:"_id,omitempty"`
	Owner string        `bson:"owner"`
	Tags  []string      `bson:"tags"`
	Lines []trackLine   `bson:"lines"`
	Meta  bson.M        `bson:"meta"`
	V     int64         `bson:"__v"`
}

// TestChangeTrackingTyped: the typed API of Mongoose's change tracking on
// a struct model: IsNew, IsModified, ModifiedPaths, MarkModified, array
// versioning (a push increments __v; a change inside an element is guarded
// by it, so a copy read before another writer's push fails with a
// *StaleDocumentError, Mongoose's VersionError) and updatedAt of a modified
// array subdocument (its schema has timestamps).
func TestChangeTrackingTyped(t *testing.T) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second) // the model's clock, moved by the test only
	s := odm.MustSchemaFor[trackCart](nil)
	s.Path("lines").Elem.Schema.SetTimestamps(&odm.Timestamps{UpdatedAt: "updatedAt"})
	m := odm.MustModel[trackCart](devenv.Mongo(t), "TrackCart", s, &odm.ModelOpts{Clock: func() time.Time { return now }})

	c := &trackCart{Owner: "ann", Tags: []string{"a"}, Lines: []trackLine{{SKU: "x", Qty: 1}}, Meta: bson.M{"k": int32(1)}}
	require.True(t, m.IsNew(c))
	require.False(t, m.IsModified(c))
	require.NoError(t, m.Create(ctx, c))
	require.False(t, m.IsNew(c))
	require.True(t, c.Lines[0].UpdatedAt.Equal(now), "a new subdocument is stamped")

	a, err := m.FindByID(ctx, c.ID)
	require.NoError(t, err)
	b, err := m.FindByID(ctx, c.ID)
	require.NoError(t, err)
	require.False(t, m.IsModified(a))
	require.Empty(t, m.ModifiedPaths(a))

	// A scalar change: not versioned.
	a.Owner = "bob"
	require.True(t, m.IsModified(a))
	require.True(t, m.IsModified(a, "owner"))
	require.False(t, m.IsModified(a, "tags"))
	require.Equal(t, []string{"owner"}, m.ModifiedPaths(a))
	require.NoError(t, m.Save(ctx, a))
	require.Equal(t, int64(0), a.V)
	require.False(t, m.IsModified(a))

	// A push increments the version; b (read before) still saves a scalar.
	a.Tags = append(a.Tags, "b")
	require.Equal(t, []string{"tags"}, m.ModifiedPaths(a))
	require.NoError(t, m.Save(ctx, a))
	require.Equal(t, int64(1), a.V)

	// b changes a field inside an array element: guarded by __v 0, stale.
	b.Lines[0].Qty = 5
	require.Equal(t, []string{"lines", "lines.0", "lines.0.qty"}, m.ModifiedPaths(b))
	require.True(t, m.IsModified(b, "lines"))
	require.True(t, m.IsModified(b, "lines.0.qty"))
	err = m.Save(ctx, b)
	require.True(t, odm.IsStale(err), "%v", err)
	var se *odm.StaleDocumentError
	require.ErrorAs(t, err, &se)
	require.Equal(t, []string{"lines.0.qty"}, se.ModifiedPaths)
	require.Equal(t, `No matching document found for id "`+c.ID.Hex()+`" version 0 modifiedPaths "lines.0.qty"`, err.Error())

	now = now.Add(time.Hour)
	// The same change on the current copy is saved, and moves the
	// modified subdocument's updatedAt; the version stays.
	a.Lines[0].Qty = 5
	require.NoError(t, m.Save(ctx, a))
	require.Equal(t, int64(1), a.V)
	require.True(t, a.Lines[0].UpdatedAt.Equal(now))
	got, err := m.FindByID(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, "bob", got.Owner)
	require.Equal(t, []string{"a", "b"}, got.Tags)
	require.Equal(t, 5, got.Lines[0].Qty)
	require.True(t, got.Lines[0].UpdatedAt.Equal(now))

	// MarkModified sends a path whole although nothing changed.
	m.MarkModified(got, "meta")
	require.True(t, m.IsModified(got, "meta.k"))
	require.Equal(t, []string{"meta"}, m.ModifiedPaths(got))
	require.NoError(t, m.Save(ctx, got))
	require.False(t, m.IsModified(got))

	// Deleted in between: an unversioned save finds nothing.
	got.Owner = "cy"
	_, err = m.Collection().DeleteOne(ctx, bson.M{"_id": c.ID})
	require.NoError(t, err)
	err = m.Save(ctx, got)
	require.ErrorIs(t, err, odm.ErrNotFound)
	require.Equal(t, `No document found for query "{ _id: new ObjectId('`+c.ID.Hex()+`') }" on model "TrackCart"`, err.Error())
}
