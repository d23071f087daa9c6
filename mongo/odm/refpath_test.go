package odm_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm"
)

// odm18DB is a fresh database on the test server, dropped at cleanup.
func odm18DB(t *testing.T) *mongo.Database {
	t.Helper()
	db := devenv.MongoClient(t).Database(devenv.UniqueName("odm18_"))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = db.Drop(ctx)
	})
	return db
}

// Mongoose's refPath example: a reaction is on an article or a product,
// named by its onModel path.
type Story struct {
	ID       bson.ObjectID   `bson:"_id,omitempty"`
	TenantID string          `bson:"tenantId"`
	Title    string          `bson:"title"`
	Author   odm.Ref[Person] `bson:"author,omitempty" odm:"ref=Person"`
}

type Widget struct {
	ID       bson.ObjectID `bson:"_id,omitempty"`
	TenantID string        `bson:"tenantId"`
	Name     string        `bson:"name"`
}

type Mention struct {
	Kind   string     `bson:"kind"`
	Target odm.DynRef `bson:"target" odm:"refPath=mentions.kind"`
}

type Reaction struct {
	ID       bson.ObjectID `bson:"_id,omitempty"`
	TenantID string        `bson:"tenantId"`
	On       odm.DynRef    `bson:"on" odm:"refPath=onModel"`
	OnModel  string        `bson:"onModel" odm:"enum=Story|Widget"`
	// Inside an array of subdocuments: each element names its model.
	Mentions []Mention `bson:"mentions"`
	// An array of references with a parallel array of model names.
	Items     []odm.DynRef `bson:"items" odm:"refPath=itemKinds"`
	ItemKinds []string     `bson:"itemKinds"`
}

type reactionModels struct {
	people    *odm.Model[Person]
	stories   *odm.Model[Story]
	widgets   *odm.Model[Widget]
	reactions *odm.Model[Reaction]
	finds     map[string]int // pre-find hook runs per model
}

func newReactionModels(t *testing.T, db *mongo.Database, plugins ...odm.Plugin) *reactionModels {
	t.Helper()
	rm := &reactionModels{finds: map[string]int{}}
	schema := func(s *odm.Schema) *odm.Schema {
		require.NoError(t, s.Plugin(plugins...))
		s.Pre(odm.EventFind, func(_ context.Context, h *odm.Hook) error { rm.finds[h.Model]++; return nil })
		return s
	}
	rm.people = odm.MustModel[Person](db, "Person", schema(odm.MustSchemaFor[Person](nil)), nil)
	rm.stories = odm.MustModel[Story](db, "Story", schema(odm.MustSchemaFor[Story](nil)), nil)
	rm.widgets = odm.MustModel[Widget](db, "Widget", schema(odm.MustSchemaFor[Widget](nil)), nil)
	rm.reactions = odm.MustModel[Reaction](db, "Reaction", schema(odm.MustSchemaFor[Reaction](nil)), nil)
	return rm
}

func (rm *reactionModels) models() []odm.Populator {
	return []odm.Populator{rm.stories, rm.widgets}
}

func TestRefPathPopulate(t *testing.T) {
	ctx := context.Background()
	rm := newReactionModels(t, odm18DB(t))
	ann := &Person{Name: "Ann"}
	require.NoError(t, rm.people.Create(ctx, ann))
	art := &Story{Title: "Go generics", Author: odm.RefTo[Person](ann.ID)}
	require.NoError(t, rm.stories.Create(ctx, art))
	prod := &Widget{Name: "Gopher plush"}
	require.NoError(t, rm.widgets.Create(ctx, prod))
	gone := bson.NewObjectID()
	r1 := &Reaction{On: odm.DynRefTo(art.ID), OnModel: "Story",
		Mentions: []Mention{{Kind: "Widget", Target: odm.DynRefTo(prod.ID)}, {Kind: "Story", Target: odm.DynRefTo(art.ID)}},
		Items:    []odm.DynRef{odm.DynRefTo(prod.ID), odm.DynRefTo(art.ID), odm.DynRefTo(gone)}, ItemKinds: []string{"Widget", "Story", "Story"}}
	r2 := &Reaction{On: odm.DynRefTo(prod.ID), OnModel: "Widget"}
	r3 := &Reaction{On: odm.DynRefTo(gone), OnModel: "Widget"}
	require.NoError(t, rm.reactions.InsertMany(ctx, []*Reaction{r1, r2, r3}))

	// Stored as ObjectIDs, as Mongoose stores refPath references.
	var raw bson.M
	require.NoError(t, rm.reactions.Collection().FindOne(ctx, bson.M{"_id": r1.ID}).Decode(&raw))
	require.Equal(t, art.ID, raw["on"])
	require.Equal(t, bson.A{prod.ID, art.ID, gone}, raw["items"])

	clear(rm.finds)
	got, err := rm.reactions.Find(nil).Sort("_id").Populate(
		odm.PopulateOpts{Path: "on", Models: rm.models(), Populate: []odm.PopulateOpts{{Path: "author", From: rm.people, NotStrict: true}}},
		odm.PopulateOpts{Path: "mentions.target", Models: rm.models()},
		odm.PopulateOpts{Path: "items", Models: rm.models()},
	).All(ctx)
	require.NoError(t, err)
	require.Len(t, got, 3)
	// One query per model named, per path, whatever the number of reactions.
	require.Equal(t, map[string]int{"Reaction": 1, "Story": 3, "Widget": 3, "Person": 1}, rm.finds)

	a := odm.DynDoc[Story](got[0].On)
	require.NotNil(t, a)
	require.Equal(t, "Go generics", a.Title)
	require.Equal(t, "Story", got[0].On.Model())
	require.Equal(t, "Ann", a.Author.Doc().Name, "nested populate runs on the dynamic path's documents")
	require.Nil(t, odm.DynDoc[Widget](got[0].On), "a typed view of another model is nil")
	p := odm.DynDoc[Widget](got[1].On)
	require.NotNil(t, p)
	require.Equal(t, "Gopher plush", p.Name)
	require.True(t, got[2].On.Populated())
	require.Nil(t, got[2].On.Doc(), "a missing document populates as nil")
	require.Equal(t, gone, got[2].On.ID, "the ID is kept")

	require.Equal(t, "Gopher plush", odm.DynDoc[Widget](got[0].Mentions[0].Target).Name, "each array element names its model")
	require.Equal(t, "Go generics", odm.DynDoc[Story](got[0].Mentions[1].Target).Title)
	require.Equal(t, "Gopher plush", odm.DynDoc[Widget](got[0].Items[0]).Name, "parallel arrays pair by index")
	require.Equal(t, "Go generics", odm.DynDoc[Story](got[0].Items[1]).Title)
	require.Nil(t, got[0].Items[2].Doc())

	js, err := json.Marshal(got[1].On)
	require.NoError(t, err)
	require.JSONEq(t, `{"ID":"`+prod.ID.Hex()+`","TenantID":"","Name":"Gopher plush"}`, string(js))

	// Saving a populated document stores the IDs only.
	got[0].OnModel = "Story"
	require.NoError(t, rm.reactions.Save(ctx, got[0]))
	require.NoError(t, rm.reactions.Collection().FindOne(ctx, bson.M{"_id": r1.ID}).Decode(&raw))
	require.Equal(t, art.ID, raw["on"])

	// Lean populate, and Model.Populate on documents already read.
	lean, err := rm.reactions.Find(bson.M{"_id": r2.ID}).Lean().Populate(odm.PopulateOpts{Path: "on", Models: rm.models()}).One(ctx)
	require.NoError(t, err)
	require.Equal(t, "Gopher plush", odm.DynDoc[Widget](lean.On).Name)
	plain, err := rm.reactions.FindByID(ctx, r2.ID)
	require.NoError(t, err)
	require.NoError(t, rm.reactions.Populate(ctx, []*Reaction{plain}, odm.PopulateOpts{Path: "on", Models: rm.models(), Select: "name"}))
	require.Equal(t, "Gopher plush", odm.DynDoc[Widget](plain.On).Name)

	// Match filters each model's query.
	m, err := rm.reactions.Find(nil).Sort("_id").Populate(odm.PopulateOpts{Path: "on", Models: rm.models(), Match: bson.M{"name": "other"}}).All(ctx)
	require.NoError(t, err)
	require.Nil(t, m[1].On.Doc())
}

func TestRefPathPopulateErrors(t *testing.T) {
	ctx := context.Background()
	rm := newReactionModels(t, odm18DB(t))
	prod := &Widget{Name: "x"}
	require.NoError(t, rm.widgets.Create(ctx, prod))
	require.NoError(t, rm.reactions.Create(ctx, &Reaction{On: odm.DynRefTo(prod.ID), OnModel: "Widget"}))
	q := func(o odm.PopulateOpts) error {
		_, err := rm.reactions.Find(nil).Populate(o).All(ctx)
		return err
	}
	cases := map[string]odm.PopulateOpts{
		"no Models":                    {Path: "on", From: rm.widgets},
		"a model the path may name":    {Path: "on", Models: []odm.Populator{rm.stories}},
		"Models on a path w/o refPath": {Path: "onModel", Models: rm.models()},
		"a nil model":                  {Path: "on", Models: []odm.Populator{nil}},
	}
	for name, o := range cases {
		err := q(o)
		require.ErrorIs(t, err, odm.ErrPopulate, name)
	}
	_, err := rm.reactions.Find(nil).Populate(odm.PopulateOpts{Path: "on", Models: rm.models()}).Strategy(odm.Lookup).All(ctx)
	require.ErrorIs(t, err, odm.ErrPopulate, "the $lookup strategy has no per-document collection")
	// A reference whose model path is empty is left unpopulated.
	require.NoError(t, rm.reactions.Collection().FindOneAndUpdate(ctx, bson.M{}, bson.M{"$unset": bson.M{"onModel": 1}}).Err())
	got, err := rm.reactions.Find(nil).Populate(odm.PopulateOpts{Path: "on", Models: rm.models()}).All(ctx)
	require.NoError(t, err)
	require.False(t, got[0].On.Populated())
	require.Equal(t, prod.ID, got[0].On.ID)
}

// The queries a refPath populate sends go through each model's Find, so
// the Tenant and SoftDelete plugins scope them: a reaction that points at
// another tenant's or a deleted document populates it as missing.
func TestRefPathPopulateHonoursPlugins(t *testing.T) {
	ctx := context.Background()
	t.Run("tenant", func(t *testing.T) {
		rm := newReactionModels(t, odm18DB(t), odm.Tenant(nil))
		ctxA, ctxB := odm.WithTenant(ctx, "A"), odm.WithTenant(ctx, "B")
		artB := &Story{Title: "B's article"}
		require.NoError(t, rm.stories.Create(ctxB, artB))
		prodA := &Widget{Name: "A's product"}
		require.NoError(t, rm.widgets.Create(ctxA, prodA))
		require.NoError(t, rm.reactions.InsertMany(ctxA, []*Reaction{
			{On: odm.DynRefTo(artB.ID), OnModel: "Story"}, // smuggled: B's ID
			{On: odm.DynRefTo(prodA.ID), OnModel: "Widget", Items: []odm.DynRef{odm.DynRefTo(artB.ID)}, ItemKinds: []string{"Story"}},
		}))
		got, err := rm.reactions.Find(nil).Sort("_id").Populate(
			odm.PopulateOpts{Path: "on", Models: rm.models()},
			odm.PopulateOpts{Path: "items", Models: rm.models()}).All(ctxA)
		require.NoError(t, err)
		require.Len(t, got, 2)
		require.Nil(t, got[0].On.Doc(), "another tenant's article is never populated")
		require.Equal(t, "A's product", odm.DynDoc[Widget](got[1].On).Name)
		require.Nil(t, got[1].Items[0].Doc())
		// Without a tenant the populate query fails, as every other does.
		docs := got
		err = rm.reactions.Populate(ctx, docs, odm.PopulateOpts{Path: "on", Models: rm.models()})
		require.ErrorIs(t, err, odm.ErrNoTenant)
	})
	t.Run("soft delete", func(t *testing.T) {
		rm := newReactionModels(t, odm18DB(t), odm.SoftDelete(nil))
		art := &Story{Title: "kept"}
		require.NoError(t, rm.stories.Create(ctx, art))
		prod := &Widget{Name: "deleted"}
		require.NoError(t, rm.widgets.Create(ctx, prod))
		require.NoError(t, rm.reactions.InsertMany(ctx, []*Reaction{
			{On: odm.DynRefTo(art.ID), OnModel: "Story"},
			{On: odm.DynRefTo(prod.ID), OnModel: "Widget"},
		}))
		_, err := rm.widgets.DeleteOne(ctx, bson.M{"_id": prod.ID})
		require.NoError(t, err)
		got, err := rm.reactions.Find(nil).Sort("_id").Populate(odm.PopulateOpts{Path: "on", Models: rm.models()}).All(ctx)
		require.NoError(t, err)
		require.Equal(t, "kept", odm.DynDoc[Story](got[0].On).Title)
		require.Nil(t, got[1].On.Doc(), "a deleted product is never populated")
		got, err = rm.reactions.Find(nil).Sort("_id").Populate(odm.PopulateOpts{Path: "on", Models: rm.models()}).All(odm.WithDeleted(ctx))
		require.NoError(t, err)
		require.Equal(t, "deleted", odm.DynDoc[Widget](got[1].On).Name, "WithDeleted reaches it")
	})
}
