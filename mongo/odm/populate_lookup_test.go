package odm_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm"
)

func lookupQuery(b *blog) *odm.PopulatedQuery[BlogPost] {
	return b.posts.Find(bson.M{"title": bson.M{"$in": bson.A{"post 0", "post 1", "post 2"}}}).Sort("title").Populate(
		odm.PopulateOpts{Path: "author", From: b.users, Select: "name email avatar"},
		odm.PopulateOpts{Path: "comments", From: b.comments, Sort: "-createdAt", PerDocumentLimit: 2, Match: bson.M{"approved": true},
			Populate: []odm.PopulateOpts{{Path: "author", From: b.users, Select: "name"}}},
		odm.PopulateOpts{Path: "tags", From: b.tags},
		odm.PopulateOpts{Path: "likes", From: b.likes, ForeignField: "postId", Count: true},
	).Strategy(odm.Lookup)
}

// The $lookup strategy's aggregate is pinned (FerretDB has no $lookup, so
// only a real MongoDB runs it).
func TestGoldenPopulateLookup(t *testing.T) {
	b := newBlog(t)
	pl, err := lookupQuery(b).LookupPipeline(context.Background())
	require.NoError(t, err)
	js, err := bson.MarshalExtJSONIndent(bson.D{{Key: "pipeline", Value: pl}}, true, false, "", "  ")
	require.NoError(t, err)
	checkGolden(t, "populate_lookup", string(js)+"\n")
}

func TestPopulateLookupGlobalLimitRefused(t *testing.T) {
	b := newBlog(t)
	_, err := b.posts.Find(nil).Populate(odm.PopulateOpts{Path: "comments", From: b.comments, Limit: 3}).Strategy(odm.Lookup).All(context.Background())
	require.ErrorIs(t, err, odm.ErrPopulate)
	require.ErrorContains(t, err, "PerDocumentLimit")
}

func TestPopulateLookupOnFerretDBFails(t *testing.T) {
	if devenv.RealMongo() {
		t.Skip("FerretDB only")
	}
	b := newBlog(t)
	b.seed(t, 1, 1)
	_, err := lookupQuery(b).All(context.Background())
	require.Error(t, err, "FerretDB has no $lookup: the error reaches the caller")
}

// Both strategies give the same documents.
func TestPopulateLookupMatchesBatched(t *testing.T) {
	devenv.RequireRealMongo(t, "$lookup")
	ctx := context.Background()
	b := newBlog(t)
	b.seed(t, 4, 5)
	viaLookup, err := lookupQuery(b).All(ctx)
	require.NoError(t, err)
	require.Equal(t, map[string]int{"aggregate": 1, "find": 1}, b.cmds.take(), "one aggregate, then the nested authors batched")
	batched, err := lookupQuery(b).Strategy(odm.Batched).All(ctx)
	require.NoError(t, err)
	require.Len(t, viaLookup, 3)
	for i := range batched {
		l, p := viaLookup[i], batched[i]
		require.Equal(t, p.Title, l.Title)
		require.Equal(t, p.Author.Doc(), l.Author.Doc())
		require.Equal(t, p.Likes, l.Likes)
		require.Equal(t, fmt.Sprint(i), fmt.Sprint(l.Likes))
		require.Len(t, l.Comments.Docs(), 2)
		for j := range p.Comments.Docs() {
			require.Equal(t, p.Comments.Docs()[j].Body, l.Comments.Docs()[j].Body)
			require.Equal(t, p.Comments.Docs()[j].Author.Doc(), l.Comments.Docs()[j].Author.Doc())
		}
		require.Len(t, l.Tags.Docs(), 2)
		require.Len(t, l.Comments.IDs, 5, "IDs are kept whole")
	}
	// The hydrated post saves without the temporary $lookup fields.
	viaLookup[0].Title = "post 0 edited"
	require.NoError(t, b.posts.Save(ctx, viaLookup[0]))
	raw, err := b.posts.Collection().FindOne(ctx, bson.D{{Key: "_id", Value: viaLookup[0].ID}}).Raw()
	require.NoError(t, err)
	_, err = raw.LookupErr("__populate0")
	require.Error(t, err)
}

// The batched strategy's commands are pinned: one find per path with the
// IDs in $in, the selection, and the aggregate counting likes.
func TestGoldenPopulateBatched(t *testing.T) {
	ctx := context.Background()
	db, rec := goldenClient(t)
	users := odm.MustModel[BlogUser](db, "User", nil, nil)
	comments := odm.MustModel[BlogComment](db, "Comment", nil, nil)
	likes := odm.MustModel[BlogLike](db, "Like", nil, nil)
	posts := odm.MustModel[BlogPost](db, "Post", nil, nil)
	oid := func(n int) bson.ObjectID {
		id, err := bson.ObjectIDFromHex(fmt.Sprintf("64b7f0c2a1b2c3d4e5f6%04x", n))
		require.NoError(t, err)
		return id
	}
	require.NoError(t, users.Create(ctx, &BlogUser{ID: oid(1), Name: "ann"}))
	require.NoError(t, comments.Create(ctx, &BlogComment{ID: oid(2), Body: "hi", Author: odm.RefTo[BlogUser](oid(1))}))
	require.NoError(t, posts.Create(ctx, &BlogPost{ID: oid(3), Title: "t", Author: odm.RefTo[BlogUser](oid(1)), Comments: odm.RefsTo[BlogComment](oid(2), oid(4))}))
	rec.reset()
	_, err := posts.Find(nil).Populate(
		odm.PopulateOpts{Path: "author", From: users, Select: "name"},
		odm.PopulateOpts{Path: "comments", From: comments, Sort: "-createdAt", Match: bson.M{"approved": false},
			Populate: []odm.PopulateOpts{{Path: "author", From: users, Select: "-email"}}},
		odm.PopulateOpts{Path: "likes", From: likes, ForeignField: "postId", Count: true},
	).All(ctx)
	require.NoError(t, err)
	checkGolden(t, "populate_batched", rec.normalized(t))
}
