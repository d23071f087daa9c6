package odm_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm"
)

type Place struct {
	ID       bson.ObjectID `bson:"_id,omitempty"`
	Name     string        `bson:"name" odm:"required"`
	About    string        `bson:"about"`
	Location odm.Point     `bson:"location"`
}

type Article struct {
	ID    bson.ObjectID `bson:"_id,omitempty"`
	Title string        `bson:"title"`
	Body  string        `bson:"body"`
	Draft bool          `bson:"draft"`
}

func articleModel(t *testing.T) *odm.Model[Article] {
	t.Helper()
	s := odm.MustSchemaFor[Article](nil)
	s.AddIndex(odm.Index{Keys: bson.D{{Key: "title", Value: "text"}, {Key: "body", Value: "text"}}, Weights: bson.D{{Key: "title", Value: 10}}})
	return odm.MustModel[Article](devenv.Mongo(t), "Article", s, nil)
}

func placeModel(t *testing.T) *odm.Model[Place] {
	t.Helper()
	s := odm.MustSchemaFor[Place](nil)
	s.AddIndex(odm.Index{Keys: bson.D{{Key: "location", Value: "2dsphere"}}})
	return odm.MustModel[Place](devenv.Mongo(t), "Place", s, nil)
}

var (
	paris  = odm.NewPoint(2.3522, 48.8566)
	london = odm.NewPoint(-0.1276, 51.5072)
	berlin = odm.NewPoint(13.4050, 52.5200)
)

// The commands of text and geospatial queries are pinned: FerretDB has
// neither text nor 2dsphere indexes, so only a real MongoDB runs them.
func TestGoldenSearchCommands(t *testing.T) {
	ctx := context.Background()
	db, rec := goldenClient(t)
	places := odm.MustModel[Place](db, "Place", nil, nil)
	articles := odm.MustModel[Article](db, "Article", nil, nil)
	rec.reset()
	_, _ = articles.TextSearch(ctx, "mongodb -sql", &odm.TextSearchOpts{TextOpts: odm.TextOpts{Language: "english"}, Filter: bson.M{"draft": "false"}, Limit: 5})
	near, err := odm.Near("location", paris, &odm.NearOpts{MaxDistance: 500_000})
	require.NoError(t, err)
	_, _ = places.Find(bson.D{near}).Limit(3).All(ctx)
	radius, err := odm.WithinRadius("location", paris, 1_000_000)
	require.NoError(t, err)
	_, _ = places.Find(bson.D{radius}).Sort("name").All(ctx)
	box, err := odm.WithinBox("location", odm.NewPoint(-1, 48), odm.NewPoint(3, 52))
	require.NoError(t, err)
	_, _ = places.Find(bson.D{box}).Sort("name").All(ctx)
	checkGolden(t, "search", rec.normalized(t))
}

func TestGeoHelpersRejectBadInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		make func() (bson.E, error)
		msg  string
	}{
		{"latitude out of range", func() (bson.E, error) { return odm.Near("loc", odm.NewPoint(2, 91), nil) }, "longitude, latitude"},
		{"swapped pair", func() (bson.E, error) { return odm.Near("loc", odm.NewPoint(48.8, 200), nil) }, "longitude, latitude"},
		{"NaN", func() (bson.E, error) { return odm.WithinRadius("loc", odm.NewPoint(math.NaN(), 0), 10) }, "longitude, latitude"},
		{"negative distance", func() (bson.E, error) { return odm.Near("loc", paris, &odm.NearOpts{MaxDistance: -1}) }, "MaxDistance"},
		{"max below min", func() (bson.E, error) { return odm.Near("loc", paris, &odm.NearOpts{MinDistance: 10, MaxDistance: 5}) }, "below"},
		{"infinite radius", func() (bson.E, error) { return odm.WithinRadius("loc", paris, math.Inf(1)) }, "radius"},
		{"two vertices", func() (bson.E, error) {
			return odm.WithinPolygon("loc", [2]float64{0, 0}, [2]float64{1, 1}, [2]float64{0, 0})
		}, "3 distinct"},
		{"upside-down box", func() (bson.E, error) { return odm.WithinBox("loc", odm.NewPoint(3, 52), odm.NewPoint(-1, 48)) }, "southWest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.make()
			require.ErrorIs(t, err, odm.ErrInvalidGeo)
			require.ErrorContains(t, err, tc.msg)
		})
	}
	e, err := odm.WithinPolygon("loc", [2]float64{0, 0}, [2]float64{1, 0}, [2]float64{1, 1})
	require.NoError(t, err)
	ring := e.Value.(bson.D)[0].Value.(bson.D)[0].Value.(bson.D)[1].Value.(bson.A)[0].(bson.A)
	require.Len(t, ring, 4, "the ring is closed")
	require.Equal(t, ring[0], ring[3])
}

func TestSearchOnFerretDBIsUnsupported(t *testing.T) {
	if devenv.RealMongo() {
		t.Skip("FerretDB only")
	}
	ctx := context.Background()
	articles := odm.MustModel[Article](devenv.Mongo(t), "Article", nil, nil)
	require.NoError(t, articles.Create(ctx, &Article{Title: "x"}))
	_, err := articles.TextSearch(ctx, "x", nil)
	require.True(t, odm.IsUnsupported(err), "got %v", err)
	var ue *odm.UnsupportedError
	require.ErrorAs(t, err, &ue)
	require.Equal(t, "text search", ue.Feature)

	_, err = articles.Watch(ctx, nil)
	require.True(t, odm.IsUnsupported(err), "got %v", err)
	require.ErrorAs(t, err, &ue)
	require.Equal(t, "change streams", ue.Feature)
}

func TestTextSearchOnRealMongo(t *testing.T) {
	devenv.RequireRealMongo(t, "text indexes")
	ctx := context.Background()
	articles := articleModel(t)
	_, err := articles.SyncIndexes(ctx, nil)
	require.NoError(t, err)
	require.NoError(t, articles.InsertMany(ctx, []*Article{
		{Title: "MongoDB indexes", Body: "how mongodb picks an index"},
		{Title: "Cooking", Body: "a note on mongodb at the end"},
		{Title: "Go generics", Body: "type parameters"},
		{Title: "MongoDB drafts", Body: "mongodb", Draft: true},
	}))
	res, err := articles.TextSearch(ctx, "mongodb", &odm.TextSearchOpts{Filter: bson.M{"draft": false}})
	require.NoError(t, err)
	require.Len(t, res, 2)
	require.Equal(t, "MongoDB indexes", res[0].Doc.Title, "title matches weigh more")
	require.Greater(t, res[0].Score, res[1].Score)
	// Scored documents are hydrated and save cleanly (no score field).
	res[0].Doc.Body = "edited"
	require.NoError(t, articles.Save(ctx, res[0].Doc))
	raw, err := articles.Collection().FindOne(ctx, bson.D{{Key: "_id", Value: res[0].Doc.ID}}).Raw()
	require.NoError(t, err)
	require.False(t, strings.Contains(raw.String(), "Score"))
}

func TestGeoQueriesOnRealMongo(t *testing.T) {
	devenv.RequireRealMongo(t, "2dsphere indexes")
	ctx := context.Background()
	places := placeModel(t)
	_, err := places.SyncIndexes(ctx, nil)
	require.NoError(t, err)
	require.NoError(t, places.InsertMany(ctx, []*Place{{Name: "berlin", Location: berlin}, {Name: "paris", Location: paris}, {Name: "london", Location: london}}))

	near, err := odm.Near("location", odm.NewPoint(2.0, 49.0), &odm.NearOpts{MaxDistance: 800_000})
	require.NoError(t, err)
	got, err := places.Find(bson.D{near}).All(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"paris", "london"}, names(got), "nearest first, Berlin is beyond 800 km")

	within, err := odm.WithinRadius("location", paris, 400_000)
	require.NoError(t, err)
	got, err = places.Find(bson.D{within}).Sort("name").All(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"london", "paris"}, names(got))

	box, err := odm.WithinBox("location", odm.NewPoint(-1, 48), odm.NewPoint(3, 52))
	require.NoError(t, err)
	got, err = places.Find(bson.D{box}).Sort("name").All(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"london", "paris"}, names(got))
}

func names(ps []*Place) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return out
}
