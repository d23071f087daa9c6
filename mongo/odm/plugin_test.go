package odm_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm"
)

type Person struct {
	ID       bson.ObjectID `bson:"_id,omitempty"`
	TenantID string        `bson:"tenantId"`
	Name     string        `bson:"name" odm:"required"`
}

type Note struct {
	ID       bson.ObjectID `bson:"_id,omitempty"`
	TenantID string        `bson:"tenantId"`
	Doc      bson.ObjectID `bson:"doc"`
	Text     string        `bson:"text"`
}

type Paper struct {
	ID       bson.ObjectID   `bson:"_id,omitempty"`
	TenantID string          `bson:"tenantId"`
	Title    string          `bson:"title" odm:"required"`
	Author   odm.Ref[Person] `bson:"author,omitempty" odm:"ref=Person"`
	Qty      int             `bson:"qty"`
	V        int64           `bson:"__v"`

	NoteCount int64   `bson:"-" odm:"virtual=noteCount"`
	Notes     []*Note `bson:"-" odm:"virtual=notes"`
}

type scoped struct {
	people *odm.Model[Person]
	notes  *odm.Model[Note]
	papers *odm.Model[Paper]
}

func scopedModels(t *testing.T, db *mongo.Database, plugin odm.Plugin) scoped {
	t.Helper()
	mk := func(s *odm.Schema) *odm.Schema {
		require.NoError(t, s.Plugin(plugin))
		return s
	}
	return scoped{
		people: odm.MustModel[Person](db, "Person", mk(odm.MustSchemaFor[Person](nil)), nil),
		notes:  odm.MustModel[Note](db, "Note", mk(odm.MustSchemaFor[Note](nil)), nil),
		papers: odm.MustModel[Paper](db, "Paper", mk(odm.MustSchemaFor[Paper](nil)), nil),
	}
}

func (s scoped) populate() []odm.PopulateOpts {
	return []odm.PopulateOpts{
		{Path: "author", From: s.people},
		{Path: "notes", From: s.notes, ForeignField: "doc"},
		{Path: "noteCount", From: s.notes, ForeignField: "doc", Count: true},
	}
}

// requireHidden runs every read and write path of the papers model in ctx
// and checks that the paper hidden (another tenant's, or deleted) is never
// seen or touched, while visible (the only one in scope) is.
func requireHidden(t *testing.T, ctx context.Context, s scoped, visible, hidden *Paper) {
	t.Helper()
	byID := func(id bson.ObjectID) bson.D { return bson.D{{Key: "_id", Value: id}} }
	all, err := s.papers.Find(nil).All(ctx)
	require.NoError(t, err)
	require.Len(t, all, 1)
	require.Equal(t, visible.ID, all[0].ID)
	lean, err := s.papers.Find(nil).Lean().All(ctx)
	require.NoError(t, err)
	require.Len(t, lean, 1)
	var each int
	require.NoError(t, s.papers.Find(nil).Each(ctx, func(p *Paper) error { each++; return nil }))
	require.Equal(t, 1, each)
	_, err = s.papers.FindByID(ctx, hidden.ID)
	require.ErrorIs(t, err, odm.ErrNotFound)
	_, err = s.papers.FindOne(byID(hidden.ID)).Lean().One(ctx)
	require.ErrorIs(t, err, odm.ErrNotFound)
	ok, err := s.papers.Exists(ctx, byID(hidden.ID))
	require.NoError(t, err)
	require.False(t, ok)
	n, err := s.papers.Count(ctx, nil)
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	n, err = s.papers.EstimatedDocumentCount(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	titles, err := s.papers.Distinct(ctx, "title", nil)
	require.NoError(t, err)
	require.Equal(t, []any{visible.Title}, titles)
	page, err := s.papers.Find(nil).Page(ctx, 1, 10)
	require.NoError(t, err)
	require.Equal(t, int64(1), page.Total)
	require.Len(t, page.Items, 1)
	kp, err := s.papers.Find(nil).Keyset(ctx, "", 10)
	require.NoError(t, err)
	require.Len(t, kp.Items, 1)
	var agg []bson.M
	require.NoError(t, s.papers.Aggregate(ctx, []bson.D{{{Key: "$project", Value: bson.D{{Key: "title", Value: 1}}}}}, &agg))
	require.Len(t, agg, 1)
	require.Equal(t, visible.Title, agg[0]["title"])

	// Populate: the visible paper's author, notes and note count come
	// through the referenced models' scopes.
	pop, err := s.papers.Find(nil).Populate(s.populate()...).All(ctx)
	require.NoError(t, err)
	require.Len(t, pop, 1)
	require.Nil(t, pop[0].Author.Doc(), "the author is out of scope")
	require.Len(t, pop[0].Notes, 1)
	require.Equal(t, "visible note", pop[0].Notes[0].Text)
	require.Equal(t, int64(1), pop[0].NoteCount)
	popLean, err := s.papers.Find(nil).Lean().Populate(s.populate()...).All(ctx)
	require.NoError(t, err)
	require.Nil(t, popLean[0].Author.Doc())
	require.Len(t, popLean[0].Notes, 1)

	// Writes aimed at the hidden paper touch nothing.
	res, err := s.papers.UpdateOne(ctx, byID(hidden.ID), bson.M{"$set": bson.M{"qty": 99}}, nil)
	require.NoError(t, err)
	require.Zero(t, res.MatchedCount)
	res, err = s.papers.UpdateMany(ctx, bson.M{"title": hidden.Title}, bson.M{"$set": bson.M{"qty": 99}}, nil)
	require.NoError(t, err)
	require.Zero(t, res.MatchedCount)
	res, err = s.papers.ReplaceOne(ctx, byID(hidden.ID), &Paper{Title: "replaced"}, nil)
	require.NoError(t, err)
	require.Zero(t, res.MatchedCount)
	_, err = s.papers.FindOneAndUpdate(ctx, byID(hidden.ID), bson.M{"$set": bson.M{"qty": 99}}, nil)
	require.ErrorIs(t, err, odm.ErrNotFound)
	_, err = s.papers.FindOneAndReplace(ctx, byID(hidden.ID), &Paper{Title: "replaced"}, nil)
	require.ErrorIs(t, err, odm.ErrNotFound)
	_, err = s.papers.FindOneAndDelete(ctx, byID(hidden.ID), nil)
	require.ErrorIs(t, err, odm.ErrNotFound)
	d, err := s.papers.DeleteOne(ctx, byID(hidden.ID))
	require.NoError(t, err)
	require.Zero(t, d)
	d, err = s.papers.DeleteMany(ctx, bson.M{"title": hidden.Title})
	require.NoError(t, err)
	require.Zero(t, d)
	br, err := s.papers.BulkWrite(ctx, []odm.Write{
		odm.UpdateOneWrite(byID(hidden.ID), bson.M{"$set": bson.M{"qty": 99}}, false),
		odm.UpdateManyWrite(bson.M{"title": hidden.Title}, bson.M{"$set": bson.M{"qty": 99}}, false),
		odm.ReplaceOneWrite(byID(hidden.ID), &Paper{Title: "replaced"}, false),
		odm.DeleteOneWrite(byID(hidden.ID)),
		odm.DeleteManyWrite(bson.M{"title": hidden.Title}),
	}, nil)
	require.NoError(t, err)
	require.Zero(t, br.MatchedCount+br.DeletedCount+br.ModifiedCount)
}

// seedScoped creates in ctxA and ctxB one paper, its author and one note
// each, plus traps: a note of B pointing at A's paper, and A's paper's
// author being B's person.
func seedScoped(t *testing.T, ctxA, ctxB context.Context, s scoped) (a, b *Paper) {
	t.Helper()
	pb := &Person{Name: "bob"}
	require.NoError(t, s.people.Create(ctxB, pb))
	a = &Paper{Title: "paper A", Author: odm.RefTo[Person](pb.ID)}
	require.NoError(t, s.papers.Create(ctxA, a))
	b = &Paper{Title: "paper B", Author: odm.RefTo[Person](pb.ID)}
	require.NoError(t, s.papers.Create(ctxB, b))
	require.NoError(t, s.notes.Create(ctxA, &Note{Doc: a.ID, Text: "visible note"}))
	require.NoError(t, s.notes.Create(ctxB, &Note{Doc: a.ID, Text: "B's note on A's paper"}))
	return a, b
}

func TestTenantPluginScopesEveryPath(t *testing.T) {
	ctx := context.Background()
	s := scopedModels(t, devenv.Mongo(t), odm.Tenant(nil))
	ctxA, ctxB := odm.WithTenant(ctx, "A"), odm.WithTenant(ctx, "B")
	a, b := seedScoped(t, ctxA, ctxB, s)
	require.Equal(t, "A", a.TenantID, "stamped from ctx")
	requireHidden(t, ctxA, s, a, b)

	// B's paper is exactly as it was.
	got, err := s.papers.FindByID(ctxB, b.ID)
	require.NoError(t, err)
	require.Equal(t, "paper B", got.Title)
	require.Zero(t, got.Qty)
	require.Equal(t, "B", got.TenantID)

	// Writing another tenant's document is refused; the tenant cannot be
	// changed by an update or a save.
	err = s.papers.Create(ctxA, &Paper{TenantID: "B", Title: "smuggled"})
	require.ErrorIs(t, err, odm.ErrTenantMismatch)
	err = s.papers.InsertMany(ctxA, []*Paper{{Title: "ok"}, {TenantID: "B", Title: "smuggled"}})
	require.ErrorIs(t, err, odm.ErrTenantMismatch)
	res, err := s.papers.UpdateOne(ctxA, bson.M{"_id": a.ID}, bson.M{"$set": bson.M{"tenantId": "B"}}, nil)
	require.NoError(t, err, "the immutable tenant path is dropped")
	require.Zero(t, res.ModifiedCount)
	mine, err := s.papers.FindByID(ctxA, a.ID)
	require.NoError(t, err)
	mine.TenantID = "B"
	require.ErrorIs(t, s.papers.Save(ctxA, mine), odm.ErrTenantMismatch)
	_, err = s.papers.BulkWrite(ctxA, []odm.Write{odm.InsertWrite(&Paper{TenantID: "B", Title: "smuggled"})}, nil)
	require.ErrorIs(t, err, odm.ErrTenantMismatch)

	// An upsert creates the document in the caller's tenant.
	_, err = s.papers.UpdateOne(ctxA, bson.M{"title": "upserted"}, bson.M{"$set": bson.M{"qty": 1}}, &odm.UpdateOpts{Upsert: true})
	require.NoError(t, err)
	up, err := s.papers.FindOne(bson.M{"title": "upserted"}).One(ctxA)
	require.NoError(t, err)
	require.Equal(t, "A", up.TenantID)
	n, err := s.papers.Count(ctxB, bson.M{"title": "upserted"})
	require.NoError(t, err)
	require.Zero(t, n)

	// The $lookup strategy scopes the joined documents in its sub-pipelines.
	pl, err := s.papers.Find(nil).Populate(odm.PopulateOpts{Path: "author", From: s.people}).Strategy(odm.Lookup).LookupPipeline(ctxA)
	require.NoError(t, err)
	js, err := bson.MarshalExtJSON(bson.D{{Key: "p", Value: pl}}, false, false)
	require.NoError(t, err)
	require.Contains(t, string(js), `"pipeline":[{"$match":{"tenantId":"A"}}]`)

	// Without a tenant every operation fails closed.
	for name, run := range map[string]func() error{
		"find":      func() error { _, err := s.papers.Find(nil).All(ctx); return err },
		"count":     func() error { _, err := s.papers.EstimatedDocumentCount(ctx); return err },
		"create":    func() error { return s.papers.Create(ctx, &Paper{Title: "x"}) },
		"aggregate": func() error { var out []bson.M; return s.papers.Aggregate(ctx, nil, &out) },
		"bulk": func() error {
			_, err := s.papers.BulkWrite(ctx, []odm.Write{odm.DeleteManyWrite(nil)}, nil)
			return err
		},
		"delete": func() error { _, err := s.papers.DeleteMany(ctx, nil); return err },
		"populate": func() error {
			return s.papers.Populate(ctx, []*Paper{a}, odm.PopulateOpts{Path: "author", From: s.people})
		},
	} {
		require.ErrorIs(t, run(), odm.ErrNoTenant, name)
	}
}

func TestSoftDeletePluginHidesEveryPath(t *testing.T) {
	ctx := context.Background()
	s := scopedModels(t, devenv.Mongo(t), odm.SoftDelete(nil))
	visible, hidden := seedScoped(t, ctx, ctx, s)
	// Delete what must be hidden: B's paper, the author, B's note.
	n, err := s.papers.DeleteOne(ctx, bson.M{"_id": hidden.ID})
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	_, err = s.people.DeleteMany(ctx, nil)
	require.NoError(t, err)
	_, err = s.notes.FindOneAndDelete(ctx, bson.M{"text": "B's note on A's paper"}, nil)
	require.NoError(t, err)
	requireHidden(t, ctx, s, visible, hidden)

	// The documents are still stored, marked deleted.
	all, err := s.papers.Find(nil).Sort("title").All(odm.WithDeleted(ctx))
	require.NoError(t, err)
	require.Len(t, all, 2)
	var raw bson.M
	require.NoError(t, s.papers.Collection().FindOne(ctx, bson.M{"_id": hidden.ID}).Decode(&raw))
	require.Equal(t, true, raw["deleted"])
	require.NotNil(t, raw["deletedAt"])
	require.EqualValues(t, 0, raw["qty"], "no write through the hidden document")

	// Deletes in bulk are soft too; Restore brings documents back;
	// HardDelete removes them.
	_, err = s.papers.BulkWrite(ctx, []odm.Write{odm.DeleteOneWrite(bson.M{"_id": visible.ID})}, nil)
	require.NoError(t, err)
	n, err = s.papers.Count(ctx, nil)
	require.NoError(t, err)
	require.Zero(t, n)
	n, err = odm.Restore(ctx, s.papers, nil)
	require.NoError(t, err)
	require.Equal(t, int64(2), n)
	n, err = s.papers.Count(ctx, nil)
	require.NoError(t, err)
	require.Equal(t, int64(2), n)
	n, err = s.papers.DeleteMany(odm.HardDelete(ctx), nil)
	require.NoError(t, err)
	require.Equal(t, int64(2), n)
	stored, err := s.papers.Collection().CountDocuments(ctx, bson.D{})
	require.NoError(t, err)
	require.Zero(t, stored)
}

// A global plugin reaches every schema built afterwards.
func TestGlobalPlugin(t *testing.T) {
	ctx := context.Background()
	var seen []string
	odm.GlobalPlugin(func(s *odm.Schema) error {
		s.Pre(odm.EventSave, func(ctx context.Context, h *odm.Hook) error {
			if h.Collection == "globalplugins" {
				seen = append(seen, h.Model)
			}
			return nil
		})
		s.Method("hello", func() string { return "hi" })
		return nil
	})
	m := odm.MustModel[Person](devenv.Mongo(t), "GlobalPlugin", nil, nil)
	require.NoError(t, m.Create(ctx, &Person{Name: "x"}))
	require.Equal(t, []string{"GlobalPlugin"}, seen)
	fn, ok := m.Method("hello")
	require.True(t, ok)
	require.Equal(t, "hi", fn.(func() string)())
}

func TestAnd(t *testing.T) {
	require.Equal(t, bson.D{{Key: "a", Value: 1}, {Key: "t", Value: "x"}}, odm.And(bson.D{{Key: "a", Value: 1}}, bson.E{Key: "t", Value: "x"}))
	require.Equal(t, bson.D{{Key: "$and", Value: bson.A{bson.D{{Key: "t", Value: "y"}}, bson.D{{Key: "t", Value: "x"}}}}},
		odm.And(bson.D{{Key: "t", Value: "y"}}, bson.E{Key: "t", Value: "x"}))
}
