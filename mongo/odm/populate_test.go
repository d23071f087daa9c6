package odm_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm"
)

// The guide's blog: posts reference their author, comments and tags;
// comments reference their author; likes point back at posts.
type BlogUser struct {
	ID       bson.ObjectID `bson:"_id,omitempty"`
	Name     string        `bson:"name" odm:"required"`
	Email    string        `bson:"email"`
	Avatar   string        `bson:"avatar"`
	Password string        `bson:"password,omitempty" odm:"select=false"`
}

type BlogComment struct {
	ID        bson.ObjectID     `bson:"_id,omitempty"`
	Body      string            `bson:"body"`
	Author    odm.Ref[BlogUser] `bson:"author" odm:"ref=User"`
	Post      bson.ObjectID     `bson:"post"`
	Approved  bool              `bson:"approved"`
	CreatedAt time.Time         `bson:"createdAt"`
}

type BlogTag struct {
	ID   bson.ObjectID `bson:"_id,omitempty"`
	Name string        `bson:"name"`
}

type BlogLike struct {
	ID   bson.ObjectID `bson:"_id,omitempty"`
	Post bson.ObjectID `bson:"postId"`
}

type BlogPost struct {
	ID       bson.ObjectID         `bson:"_id,omitempty"`
	Title    string                `bson:"title" odm:"required"`
	Author   odm.Ref[BlogUser]     `bson:"author" odm:"ref=User,required"`
	Comments odm.Refs[BlogComment] `bson:"comments" odm:"ref=Comment"`
	Tags     odm.Refs[BlogTag]     `bson:"tags" odm:"ref=Tag"`
	V        int64                 `bson:"__v"`

	// Virtuals, filled by populate only.
	Likes      int64          `bson:"-" json:"likes" odm:"virtual=likes"`
	Discussion []*BlogComment `bson:"-" json:"discussion,omitempty" odm:"virtual=discussion"`
}

type blog struct {
	users    *odm.Model[BlogUser]
	comments *odm.Model[BlogComment]
	tags     *odm.Model[BlogTag]
	likes    *odm.Model[BlogLike]
	posts    *odm.Model[BlogPost]
	cmds     *commandCounter
}

// commandCounter counts the commands sent to one database: the round
// trips populate makes.
type commandCounter struct {
	db string
	mu sync.Mutex
	by map[string]int
}

func (c *commandCounter) started(_ context.Context, e *event.CommandStartedEvent) {
	if e.DatabaseName != c.db {
		return
	}
	c.mu.Lock()
	c.by[e.CommandName]++
	c.mu.Unlock()
}

// take returns the counts since the last call and resets them.
func (c *commandCounter) take() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.by
	c.by = map[string]int{}
	return out
}

// monitoredDB returns a fresh database on a client that counts commands.
func monitoredDB(t *testing.T) (*mongo.Database, *commandCounter) {
	t.Helper()
	name := devenv.Mongo(t).Name()
	cc := &commandCounter{db: name, by: map[string]int{}}
	client, err := mongo.Connect(options.Client().ApplyURI(devenv.MongoServer(t).URL).
		SetMonitor(&event.CommandMonitor{Started: cc.started}))
	require.NoError(t, err)
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	return client.Database(name), cc
}

func newBlog(t *testing.T) *blog {
	db, cc := monitoredDB(t)
	return &blog{
		users:    odm.MustModel[BlogUser](db, "User", nil, nil),
		comments: odm.MustModel[BlogComment](db, "Comment", nil, nil),
		tags:     odm.MustModel[BlogTag](db, "Tag", nil, nil),
		likes:    odm.MustModel[BlogLike](db, "Like", nil, nil),
		posts:    odm.MustModel[BlogPost](db, "Post", nil, nil),
		cmds:     cc,
	}
}

// seed creates nPosts posts by rotating authors, each with nComments
// comments (newest last) and two tags, and i likes on post i.
func (b *blog) seed(t *testing.T, nPosts, nComments int) []*BlogPost {
	ctx := context.Background()
	var users []*BlogUser
	for i := 0; i < 3; i++ {
		users = append(users, &BlogUser{Name: fmt.Sprintf("user%d", i), Email: fmt.Sprintf("u%d@example.com", i), Avatar: fmt.Sprintf("a%d.png", i), Password: "secret"})
	}
	require.NoError(t, b.users.InsertMany(ctx, users))
	tags := []*BlogTag{{Name: "go"}, {Name: "mongodb"}}
	require.NoError(t, b.tags.InsertMany(ctx, tags))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var posts []*BlogPost
	for i := 0; i < nPosts; i++ {
		p := &BlogPost{ID: bson.NewObjectID(), Title: fmt.Sprintf("post %d", i), Author: odm.RefTo[BlogUser](users[i%3].ID)}
		var cs []*BlogComment
		for j := 0; j < nComments; j++ {
			c := &BlogComment{Body: fmt.Sprintf("c%d.%d", i, j), Author: odm.RefTo[BlogUser](users[(i+j)%3].ID),
				Post: p.ID, Approved: j%2 == 0, CreatedAt: base.Add(time.Duration(i*100+j) * time.Minute)}
			cs = append(cs, c)
		}
		if len(cs) > 0 {
			require.NoError(t, b.comments.InsertMany(ctx, cs))
		}
		for _, c := range cs {
			p.Comments.Add(c.ID, nil)
		}
		p.Tags = odm.RefsTo[BlogTag](tags[0].ID, tags[1].ID)
		posts = append(posts, p)
		for k := 0; k < i; k++ {
			require.NoError(t, b.likes.Create(ctx, &BlogLike{Post: p.ID}))
		}
	}
	if len(posts) > 0 {
		require.NoError(t, b.posts.InsertMany(ctx, posts))
	}
	b.cmds.take()
	return posts
}

// The guide's single-post populate: author with a selection, the ten
// newest comments with their authors, the tags.
func TestPopulateGuidePost(t *testing.T) {
	ctx := context.Background()
	b := newBlog(t)
	posts := b.seed(t, 2, 12)

	post, err := b.posts.FindByID(ctx, posts[1].ID)
	require.NoError(t, err)
	b.cmds.take()
	require.NoError(t, b.posts.Populate(ctx, []*BlogPost{post},
		odm.PopulateOpts{Path: "author", From: b.users, Select: "name email avatar"},
		odm.PopulateOpts{Path: "comments", From: b.comments, Sort: "-createdAt", Limit: 10,
			Populate: []odm.PopulateOpts{{Path: "author", From: b.users, Select: "name avatar"}}},
		odm.PopulateOpts{Path: "tags", From: b.tags},
		odm.PopulateOpts{Path: "likes", From: b.likes, ForeignField: "postId", Count: true},
	))
	// author, comments, comments.author, tags, likes: one round trip each.
	require.Equal(t, map[string]int{"find": 4, "aggregate": 1}, b.cmds.take())

	require.True(t, post.Author.Populated())
	require.Equal(t, "user1", post.Author.Doc().Name)
	require.Equal(t, "u1@example.com", post.Author.Doc().Email)
	require.Empty(t, post.Author.Doc().Password, "select:false stays hidden")

	cs := post.Comments.Docs()
	require.Len(t, cs, 10)
	require.Len(t, post.Comments.IDs, 12, "IDs are never trimmed")
	for i, c := range cs {
		require.Equal(t, fmt.Sprintf("c1.%d", 11-i), c.Body, "newest first")
		require.True(t, c.Author.Populated())
		require.NotEmpty(t, c.Author.Doc().Name)
		require.Empty(t, c.Author.Doc().Email, "nested select")
	}
	require.Len(t, post.Tags.Docs(), 2)
	require.Equal(t, int64(1), post.Likes)

	// Saving the populated post stores the IDs only and changes nothing.
	post.Title = "renamed"
	require.NoError(t, b.posts.Save(ctx, post))
	raw, err := b.posts.Collection().FindOne(ctx, bson.D{{Key: "_id", Value: post.ID}}).Raw()
	require.NoError(t, err)
	require.Equal(t, bson.TypeObjectID, raw.Lookup("author").Type)
	ids, err := raw.Lookup("comments").Array().Values()
	require.NoError(t, err)
	require.Len(t, ids, 12)
	require.Equal(t, bson.TypeObjectID, ids[0].Type)
	require.Nil(t, raw.Lookup("likes").Value, "virtuals are not stored")
}

// Many posts: still one query per path and level, never one per post.
func TestPopulateManyIsBatched(t *testing.T) {
	ctx := context.Background()
	b := newBlog(t)
	b.seed(t, 30, 3)

	posts, err := b.posts.Find(nil).Sort("title").Populate(
		odm.PopulateOpts{Path: "author", From: b.users, Select: "name"},
		odm.PopulateOpts{Path: "comments", From: b.comments, Populate: []odm.PopulateOpts{{Path: "author", From: b.users}}},
	).All(ctx)
	require.NoError(t, err)
	require.Len(t, posts, 30)
	require.Equal(t, map[string]int{"find": 4}, b.cmds.take(), "posts, authors, comments, comment authors")
	for _, p := range posts {
		require.NotNil(t, p.Author.Doc())
		require.Len(t, p.Comments.Docs(), 3)
		for j, c := range p.Comments.Docs() {
			require.Equal(t, p.Comments.IDs[j], c.ID, "without Sort, Docs follow the stored order")
			require.Equal(t, c.Author.ID, c.Author.Doc().ID)
		}
	}
}

func TestPopulateLimits(t *testing.T) {
	ctx := context.Background()
	b := newBlog(t)
	b.seed(t, 3, 4)

	// Mongoose 9's limit: the query reads Limit × 3 posts = 9 comments
	// (the oldest first), and each post keeps at most Limit of them.
	posts, err := b.posts.Find(nil).Sort("title").Populate(
		odm.PopulateOpts{Path: "comments", From: b.comments, Sort: "createdAt", Limit: 3}).All(ctx)
	require.NoError(t, err)
	require.Len(t, posts[0].Comments.Docs(), 3)
	require.Equal(t, "c0.0", posts[0].Comments.Docs()[0].Body)
	require.Len(t, posts[1].Comments.Docs(), 3)
	require.Len(t, posts[2].Comments.Docs(), 1)
	require.Equal(t, "c2.0", posts[2].Comments.Docs()[0].Body)

	// PerDocumentLimit: at most 2 per post, still one query.
	b.cmds.take()
	posts, err = b.posts.Find(nil).Sort("title").Populate(
		odm.PopulateOpts{Path: "comments", From: b.comments, Sort: "-createdAt", PerDocumentLimit: 2},
		odm.PopulateOpts{Path: "discussion", From: b.comments, ForeignField: "post", Sort: "createdAt", PerDocumentLimit: 3}).All(ctx)
	require.NoError(t, err)
	require.Equal(t, map[string]int{"find": 3}, b.cmds.take())
	for i, p := range posts {
		require.Len(t, p.Comments.Docs(), 2)
		require.Equal(t, fmt.Sprintf("c%d.3", i), p.Comments.Docs()[0].Body)
		require.Len(t, p.Discussion, 3)
		require.Equal(t, fmt.Sprintf("c%d.0", i), p.Discussion[0].Body)
	}
}

func TestPopulateMatchAndMissing(t *testing.T) {
	ctx := context.Background()
	b := newBlog(t)
	seeded := b.seed(t, 2, 4)
	// Delete one author and one comment: their references become empty.
	_, err := b.users.DeleteOne(ctx, bson.D{{Key: "_id", Value: seeded[0].Author.ID}})
	require.NoError(t, err)
	_, err = b.comments.DeleteOne(ctx, bson.D{{Key: "_id", Value: seeded[1].Comments.IDs[0]}})
	require.NoError(t, err)
	b.cmds.take()

	posts, err := b.posts.Find(nil).Sort("title").Populate(
		odm.PopulateOpts{Path: "author", From: b.users},
		odm.PopulateOpts{Path: "comments", From: b.comments, Match: bson.M{"approved": "true"}}, // cast to bool
		odm.PopulateOpts{Path: "likes", From: b.likes, ForeignField: "postId", Count: true},
	).All(ctx)
	require.NoError(t, err)
	require.True(t, posts[0].Author.Populated())
	require.Nil(t, posts[0].Author.Doc(), "missing author is empty, not an error")
	require.Equal(t, seeded[0].Author.ID, posts[0].Author.ID, "the ID is kept")
	require.NotNil(t, posts[1].Author.Doc())
	require.Len(t, posts[0].Comments.Docs(), 2, "only approved comments")
	require.Len(t, posts[1].Comments.Docs(), 1, "approved minus the deleted one")
	for _, p := range posts {
		for _, c := range p.Comments.Docs() {
			require.True(t, c.Approved)
		}
	}
	require.Equal(t, int64(0), posts[0].Likes)
	require.Equal(t, int64(1), posts[1].Likes)

	// JSON renders populated documents and the IDs of the others.
	js, err := json.Marshal(posts[0])
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(js, &out))
	require.Nil(t, out["Author"])
	require.Len(t, out["Comments"], 2)
	require.Len(t, out["Tags"], 2)
	require.Equal(t, seeded[0].Tags.IDs[0].Hex(), out["Tags"].([]any)[0])
}

func TestPopulateNothingToLoad(t *testing.T) {
	ctx := context.Background()
	b := newBlog(t)
	p := &BlogPost{Title: "lonely", Author: odm.RefTo[BlogUser](bson.NewObjectID())}
	require.NoError(t, b.posts.Create(ctx, p))
	b.cmds.take()
	require.NoError(t, b.posts.Populate(ctx, []*BlogPost{p},
		odm.PopulateOpts{Path: "comments", From: b.comments},
		odm.PopulateOpts{Path: "author", From: b.users}))
	require.Equal(t, map[string]int{"find": 1}, b.cmds.take(), "no query for a path without references")
	require.True(t, p.Comments.Populated())
	require.Empty(t, p.Comments.Docs())
	require.Nil(t, p.Author.Doc())
}

func TestPopulateErrors(t *testing.T) {
	ctx := context.Background()
	b := newBlog(t)
	posts := []*BlogPost{{Title: "t", Author: odm.RefTo[BlogUser](bson.NewObjectID())}}
	for _, tc := range []struct {
		name string
		o    odm.PopulateOpts
		msg  string
	}{
		{"no model", odm.PopulateOpts{Path: "author"}, "From"},
		{"unknown path", odm.PopulateOpts{Path: "writer", From: b.users}, "no field stored as"},
		{"not a ref", odm.PopulateOpts{Path: "title", From: b.users}, "want odm.Ref"},
		{"wrong model", odm.PopulateOpts{Path: "author", From: b.tags}, "ref=User but From is model Tag"},
		{"no virtual field", odm.PopulateOpts{Path: "fans", From: b.likes, ForeignField: "postId"}, "virtual=fans"},
		{"count into a list", odm.PopulateOpts{Path: "discussion", From: b.comments, ForeignField: "post", Count: true}, "integer field"},
		{"list of the wrong type", odm.PopulateOpts{Path: "discussion", From: b.likes, ForeignField: "postId"}, "want []*"},
		{"javascript match", odm.PopulateOpts{Path: "author", From: b.users, Match: bson.M{"$where": "sleep(100)"}}, "$where"},
		{"negative limit", odm.PopulateOpts{Path: "author", From: b.users, Limit: -1}, "negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := b.posts.Populate(ctx, posts, tc.o)
			require.Error(t, err)
			require.ErrorContains(t, err, tc.msg)
			if tc.name != "javascript match" {
				var pe *odm.PopulateError
				require.True(t, errors.As(err, &pe))
				require.ErrorIs(t, err, odm.ErrPopulate)
			}
		})
	}
}

// Populate queries run the referenced model's find hooks, lean or not.
func TestPopulateHooksAndLean(t *testing.T) {
	ctx := context.Background()
	b := newBlog(t)
	b.seed(t, 2, 2)
	var finds int
	b.users.Pre(odm.EventFind, func(ctx context.Context, op *odm.Op[BlogUser]) error {
		finds++
		op.Filter = append(op.Filter, bson.E{Key: "name", Value: bson.D{{Key: "$ne", Value: "user0"}}})
		return nil
	})
	posts, err := b.posts.Find(nil).Sort("title").Populate(odm.PopulateOpts{Path: "author", From: b.users}).All(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, finds)
	require.Nil(t, posts[0].Author.Doc(), "the hook filtered user0 out")
	require.NotNil(t, posts[1].Author.Doc())

	posts, err = b.posts.Find(nil).Sort("title").Lean().Populate(odm.PopulateOpts{Path: "author", From: b.users}).All(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, finds, "lean populate runs the hooks too")
	require.Nil(t, posts[0].Author.Doc())
	require.NotNil(t, posts[1].Author.Doc())
}

type OrderLine struct {
	Tag odm.Ref[BlogTag] `bson:"tag" odm:"ref=Tag"`
	Qty int              `bson:"qty"`
}

type TagOrder struct {
	ID        bson.ObjectID       `bson:"_id,omitempty"`
	Lines     []OrderLine         `bson:"lines"`
	Reviewers []odm.Ref[BlogUser] `bson:"reviewers"`
	Owner     *odm.Ref[BlogUser]  `bson:"owner,omitempty"`
}

// References inside arrays of subdocuments, plain slices of Ref and
// pointers to Ref populate too, in one query per path.
func TestPopulateNestedPaths(t *testing.T) {
	ctx := context.Background()
	b := newBlog(t)
	b.seed(t, 0, 0)
	users, err := b.users.Find(nil).Sort("name").All(ctx)
	require.NoError(t, err)
	tags, err := b.tags.Find(nil).Sort("name").All(ctx)
	require.NoError(t, err)
	orders := odm.MustModel[TagOrder](b.posts.Collection().Database(), "TagOrder", nil, nil)
	o := &TagOrder{
		Lines:     []OrderLine{{Tag: odm.RefTo[BlogTag](tags[0].ID), Qty: 1}, {Tag: odm.RefTo[BlogTag](tags[1].ID), Qty: 2}, {Tag: odm.RefTo[BlogTag](bson.NewObjectID()), Qty: 3}},
		Reviewers: []odm.Ref[BlogUser]{odm.RefTo[BlogUser](users[2].ID), odm.RefTo[BlogUser](users[0].ID)},
		Owner:     ptr(odm.RefTo[BlogUser](users[1].ID)),
	}
	require.NoError(t, orders.Create(ctx, o))
	b.cmds.take()
	got, err := orders.Find(nil).Populate(
		odm.PopulateOpts{Path: "lines.tag", From: b.tags},
		odm.PopulateOpts{Path: "reviewers", From: b.users},
		odm.PopulateOpts{Path: "owner", From: b.users},
	).One(ctx)
	require.NoError(t, err)
	require.Equal(t, 4, b.cmds.take()["find"], "the order, then one query per path")
	require.Equal(t, "go", got.Lines[0].Tag.Doc().Name)
	require.Equal(t, "mongodb", got.Lines[1].Tag.Doc().Name)
	require.Nil(t, got.Lines[2].Tag.Doc())
	require.Equal(t, "user2", got.Reviewers[0].Doc().Name)
	require.Equal(t, "user0", got.Reviewers[1].Doc().Name)
	require.Equal(t, "user1", got.Owner.Doc().Name)
}

// Ref fields cast from JSON input like ObjectIDs and count as missing
// when zero.
func TestRefCastAndRequired(t *testing.T) {
	ctx := context.Background()
	b := newBlog(t)
	id := bson.NewObjectID()
	p, err := b.posts.Cast(ctx, map[string]any{"title": "t", "author": id.Hex(), "comments": []any{id.Hex()}})
	require.NoError(t, err)
	require.Equal(t, id, p.Author.ID)
	require.Equal(t, []bson.ObjectID{id}, p.Comments.IDs)

	_, err = b.posts.Cast(ctx, map[string]any{"title": "t", "author": "nope"})
	var ve *odm.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "ObjectId", ve.Errors["author"].Kind)

	err = b.posts.Create(ctx, &BlogPost{Title: "no author"})
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "required", ve.Errors["author"].Kind)
}
