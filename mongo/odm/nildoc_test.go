package odm_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm"
)

// noteDoc has no required path: a nil document used to be inserted as an
// empty one or to panic inside reflection.
type noteDoc struct {
	ID   bson.ObjectID `bson:"_id,omitempty"`
	Text string        `bson:"text"`
}

// Every call given a nil document answers an error wrapping ErrInvalid
// that names the model and the call, writes nothing and panics nowhere;
// nil hooks and virtuals register nothing.
func TestNilDocuments(t *testing.T) {
	ctx := context.Background()
	notes := odm.MustModel[noteDoc](devenv.Mongo(t), "Note", nil, nil)
	calls := map[string]func() error{
		"Create":     func() error { return notes.Create(ctx, nil) },
		"Save":       func() error { return notes.Save(ctx, nil) },
		"SaveWith":   func() error { return notes.SaveWith(ctx, nil, &odm.SaveOpts{}) },
		"Validate":   func() error { return notes.Validate(ctx, nil) },
		"InsertMany": func() error { return notes.InsertMany(ctx, []*noteDoc{{Text: "a"}, nil}) },
		"BulkSave":   func() error { _, err := notes.BulkSave(ctx, []*noteDoc{nil}, nil); return err },
		"ReplaceOne": func() error { _, err := notes.ReplaceOne(ctx, bson.M{}, nil, nil); return err },
		"ToObject":   func() error { _, err := notes.ToObject(nil, nil); return err },
	}
	for name, call := range calls {
		var err error
		require.NotPanics(t, func() { err = call() }, name)
		require.ErrorIs(t, err, odm.ErrInvalid, name)
		require.ErrorContains(t, err, "Note", name)
		require.ErrorContains(t, err, "nil document", name)
	}
	var ie *odm.IndexedError
	require.ErrorAs(t, notes.InsertMany(ctx, []*noteDoc{{Text: "a"}, nil}), &ie)
	require.Equal(t, 1, ie.Index)

	notes.Pre(odm.EventSave, nil)
	notes.Post(odm.EventSave, nil)
	notes.PostError(odm.EventSave, nil)
	notes.Virtual("", func(*noteDoc) any { return 1 })
	notes.Virtual("v", nil)
	doc := &noteDoc{Text: "kept"}
	require.NoError(t, notes.Create(ctx, doc), "nil hooks registered nothing")
	b, err := notes.JSON(doc, &odm.JSONOpts{Virtuals: true})
	require.NoError(t, err)
	require.JSONEq(t, `{"ID":"`+doc.ID.Hex()+`","Text":"kept"}`, string(b), "nil virtuals declared nothing")
	notes.Virtual("upper", func(d *noteDoc) any { return d.Text + "!" })
	b, err = notes.JSON(nil, &odm.JSONOpts{Virtuals: true})
	require.NoError(t, err)
	require.Equal(t, "null", string(b), "a nil document renders as null without calling virtuals")

	s, err := odm.SchemaFor[noteDoc](nil)
	require.NoError(t, err)
	s.Pre(odm.EventSave, nil).Post(odm.EventSave, nil).PostError(odm.EventSave, nil)
	other := odm.MustModel[noteDoc](devenv.Mongo(t), "Other", s, nil)
	require.NoError(t, other.Create(ctx, &noteDoc{Text: "x"}))

	n, err := notes.Count(ctx, nil)
	require.NoError(t, err)
	require.EqualValues(t, 1, n, "only the valid document was written")
}

// The other arguments a call cannot use answer ErrInvalid too, before
// anything is sent.
func TestInvalidArguments(t *testing.T) {
	ctx := context.Background()
	notes := odm.MustModel[noteDoc](devenv.Mongo(t), "Note", nil, nil)
	calls := map[string]func() error{
		"Distinct":  func() error { _, err := notes.Distinct(ctx, "", nil); return err },
		"Page":      func() error { _, err := notes.Find(nil).Page(ctx, 0, 10); return err },
		"Keyset":    func() error { _, err := notes.Find(nil).Sort("text").Keyset(ctx, "", 0); return err },
		"Each":      func() error { return notes.Find(nil).Each(ctx, nil) },
		"Aggregate": func() error { return notes.Aggregate(ctx, nil, nil) },
		"BulkWrite": func() error {
			_, err := notes.BulkWrite(ctx, []odm.Write{odm.InsertWrite((*noteDoc)(nil))}, nil)
			return err
		},
		"WithTx/nil":   func() error { return odm.WithTransaction(ctx, nil, func(context.Context) error { return nil }, nil) },
		"WithTx/nilfn": func() error { return odm.WithTransaction(ctx, notes.Collection().Database().Client(), nil, nil) },
	}
	for name, call := range calls {
		var err error
		require.NotPanics(t, func() { err = call() }, name)
		require.ErrorIs(t, err, odm.ErrInvalid, name)
	}
}

// As Mongoose's insertMany([]): an empty InsertMany sends nothing and
// succeeds; its hooks run.
func TestInsertManyEmpty(t *testing.T) {
	ctx := context.Background()
	notes := odm.MustModel[noteDoc](devenv.Mongo(t), "Note", nil, nil)
	var seen []string
	notes.Pre(odm.EventInsertMany, func(ctx context.Context, op *odm.Op[noteDoc]) error {
		seen = append(seen, "pre")
		return nil
	})
	notes.Post(odm.EventInsertMany, func(ctx context.Context, op *odm.Op[noteDoc]) error {
		seen = append(seen, "post")
		return nil
	})
	require.NoError(t, notes.InsertMany(ctx, nil))
	require.NoError(t, notes.InsertMany(ctx, []*noteDoc{}))
	require.Equal(t, []string{"pre", "post", "pre", "post"}, seen)
	// BulkWrite of nothing too (the driver refused the empty batch).
	res, err := notes.BulkWrite(ctx, nil, nil)
	require.NoError(t, err)
	require.Zero(t, res.InsertedCount+res.ModifiedCount+res.DeletedCount)
	n, err := notes.Count(ctx, nil)
	require.NoError(t, err)
	require.Zero(t, n)
}

// A server without transactions (the embedded FerretDB; a standalone
// MongoDB) makes WithTransaction fail with an *UnsupportedError naming
// transactions, with the server's error inside; a nil client or function
// is ErrInvalid. An index kind the server lacks fails SyncIndexes the
// same way.
func TestTransactionsUnsupportedIsTyped(t *testing.T) {
	if devenv.RealMongo() {
		t.Skip("the embedded server's refusal")
	}
	ctx := context.Background()
	db := devenv.Mongo(t)
	notes := odm.MustModel[noteDoc](db, "Note", nil, nil)
	err := odm.WithTransaction(ctx, db.Client(), func(ctx context.Context) error {
		return notes.Create(ctx, &noteDoc{Text: "in a transaction"})
	}, nil)
	require.True(t, odm.IsUnsupported(err), "got %v", err)
	var ue *odm.UnsupportedError
	require.ErrorAs(t, err, &ue)
	require.Equal(t, "transactions", ue.Feature)
	require.ErrorContains(t, err, "does not support transactions")
	n, err := notes.Count(ctx, nil)
	require.NoError(t, err)
	require.Zero(t, n)

	body := errors.New("the body's own error")
	err = odm.WithTransaction(ctx, db.Client(), func(ctx context.Context) error { return body }, nil)
	require.Same(t, body, err, "errors of the body stay as they are")

	require.ErrorIs(t, odm.WithTransaction(ctx, nil, func(ctx context.Context) error { return nil }, nil), odm.ErrInvalid)
	require.ErrorIs(t, odm.WithTransaction(ctx, db.Client(), nil, nil), odm.ErrInvalid)

	s, err := odm.SchemaFor[noteDoc](nil)
	require.NoError(t, err)
	s.AddIndex(odm.Index{Keys: bson.D{{Key: "text", Value: "text"}}})
	_, err = odm.MustModel[noteDoc](db, "Searchable", s, nil).SyncIndexes(ctx, nil)
	require.True(t, odm.IsUnsupported(err), "got %v", err)
	require.ErrorContains(t, err, `does not support "text" indexes`)
}

// A nil *Model answers ErrNoDatabase from every call that returns an
// error (as its database operations already did) and zero values from
// the others, instead of a nil pointer panic.
func TestNilModelMethods(t *testing.T) {
	ctx := context.Background()
	var m *odm.Model[noteDoc]
	doc := &noteDoc{Text: "a"}
	calls := map[string]func() error{
		"Cast":              func() error { _, err := m.Cast(ctx, map[string]any{}); return err },
		"CastJSON":          func() error { _, err := m.CastJSON(ctx, []byte(`{}`)); return err },
		"CastFilter":        func() error { _, err := m.CastFilter(bson.M{}); return err },
		"Validate":          func() error { return m.Validate(ctx, doc) },
		"Hydrate":           func() error { _, err := m.Hydrate(bson.Raw{}); return err },
		"JSON":              func() error { _, err := m.JSON(doc, nil); return err },
		"ToObject":          func() error { _, err := m.ToObject(doc, nil); return err },
		"ToJSON":            func() error { _, err := m.ToJSON(doc, nil); return err },
		"Populate":          func() error { return m.Populate(ctx, []*noteDoc{doc}) },
		"AggregatePipeline": func() error { return m.AggregatePipeline(ctx, nil, &[]bson.M{}) },
	}
	for name, call := range calls {
		var err error
		require.NotPanics(t, func() { err = call() }, name)
		require.ErrorIs(t, err, odm.ErrNoDatabase, name)
	}
	require.NotPanics(t, func() {
		require.False(t, m.IsNew(doc))
		require.False(t, m.IsModified(doc))
		require.Empty(t, m.ModifiedPaths(doc))
		m.MarkModified(doc, "text")
		m.Pre(odm.EventSave, func(context.Context, *odm.Op[noteDoc]) error { return nil })
		m.Post(odm.EventSave, func(context.Context, *odm.Op[noteDoc]) error { return nil })
		m.PostError(odm.EventSave, func(context.Context, *odm.Op[noteDoc], error) error { return nil })
		m.Virtual("v", func(*noteDoc) any { return 1 })
		_, ok := m.VirtualValue(doc, "v")
		require.False(t, ok)
		_, ok = m.Method("m")
		require.False(t, ok)
		require.Empty(t, m.Namespace())
		m.SetToObject(nil)
		m.SetToJSON(nil)
	})
}
