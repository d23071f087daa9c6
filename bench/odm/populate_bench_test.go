package odm_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm"
)

// The guide's blog, typed for the ODM (references) and for the raw driver
// (plain ObjectIDs, joined by hand).
type Author struct {
	ID     bson.ObjectID `bson:"_id,omitempty"`
	Name   string        `bson:"name"`
	Email  string        `bson:"email"`
	Avatar string        `bson:"avatar"`
}

type Comment struct {
	ID        bson.ObjectID `bson:"_id,omitempty"`
	Body      string        `bson:"body"`
	Author    bson.ObjectID `bson:"author"`
	CreatedAt time.Time     `bson:"createdAt"`
}

type Post struct {
	ID       bson.ObjectID     `bson:"_id,omitempty"`
	Title    string            `bson:"title"`
	Author   odm.Ref[Author]   `bson:"author" odm:"ref=Author"`
	Comments odm.Refs[Comment] `bson:"comments" odm:"ref=Comment"`
	V        int64             `bson:"__v"`
}

type rawPost struct {
	ID       bson.ObjectID   `bson:"_id,omitempty"`
	Title    string          `bson:"title"`
	Author   bson.ObjectID   `bson:"author"`
	Comments []bson.ObjectID `bson:"comments"`
	V        int64           `bson:"__v"`
}

// rawView is what the hand-written version hands back: each post with its
// author and comments.
type rawView struct {
	Post     *rawPost
	Author   *Author
	Comments []*Comment
}

type blogBench struct {
	db       *mongo.Database
	cmds     *atomic.Int64
	posts    *odm.Model[Post]
	authors  *odm.Model[Author]
	comments *odm.Model[Comment]
}

const (
	benchPosts       = 1000
	benchAuthors     = 100
	commentsPerPost  = 3
	benchSeedBatches = 500
)

// seedBlog stores 1,000 posts by 100 authors with 3 comments each, on a
// client that counts the commands (round trips) it sends.
func seedBlog(b *testing.B) *blogBench {
	name := devenv.Mongo(b).Name()
	var n atomic.Int64
	client, err := mongo.Connect(options.Client().ApplyURI(devenv.MongoServer(b).URL).SetMonitor(&event.CommandMonitor{
		Started: func(_ context.Context, e *event.CommandStartedEvent) {
			if e.DatabaseName == name {
				n.Add(1)
			}
		},
	}))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	db := client.Database(name)
	bb := &blogBench{db: db, cmds: &n,
		posts:    odm.MustModel[Post](db, "Post", nil, nil),
		authors:  odm.MustModel[Author](db, "Author", nil, nil),
		comments: odm.MustModel[Comment](db, "Comment", nil, nil),
	}
	ctx := context.Background()
	authors := make([]*Author, benchAuthors)
	for i := range authors {
		authors[i] = &Author{Name: fmt.Sprintf("author%d", i), Email: fmt.Sprintf("a%d@example.com", i), Avatar: "a.png"}
	}
	if err := bb.authors.InsertMany(ctx, authors); err != nil {
		b.Fatal(err)
	}
	posts := make([]*Post, benchPosts)
	var comments []*Comment
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range posts {
		p := &Post{Title: fmt.Sprintf("post %04d", i), Author: odm.RefTo[Author](authors[i%benchAuthors].ID)}
		for j := 0; j < commentsPerPost; j++ {
			c := &Comment{ID: bson.NewObjectID(), Body: fmt.Sprintf("comment %d on post %d", j, i), Author: authors[(i+j)%benchAuthors].ID, CreatedAt: base.Add(time.Duration(i*10+j) * time.Minute)}
			comments = append(comments, c)
			p.Comments.Add(c.ID, nil)
		}
		posts[i] = p
	}
	for i := 0; i < len(comments); i += benchSeedBatches {
		if err := bb.comments.InsertMany(ctx, comments[i:min(i+benchSeedBatches, len(comments))]); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; i < len(posts); i += benchSeedBatches {
		if err := bb.posts.InsertMany(ctx, posts[i:min(i+benchSeedBatches, len(posts))]); err != nil {
			b.Fatal(err)
		}
	}
	return bb
}

// handWritten is the raw-driver baseline: the posts, then one $in query
// for their authors and one for their comments, joined in maps.
func handWritten(ctx context.Context, db *mongo.Database) ([]rawView, error) {
	cur, err := db.Collection("posts").Find(ctx, bson.D{})
	if err != nil {
		return nil, err
	}
	var posts []*rawPost
	if err := cur.All(ctx, &posts); err != nil {
		return nil, err
	}
	seenA, seenC := map[bson.ObjectID]bool{}, map[bson.ObjectID]bool{}
	var authorIDs, commentIDs bson.A
	for _, p := range posts {
		if !seenA[p.Author] {
			seenA[p.Author] = true
			authorIDs = append(authorIDs, p.Author)
		}
		for _, c := range p.Comments {
			if !seenC[c] {
				seenC[c] = true
				commentIDs = append(commentIDs, c)
			}
		}
	}
	cur, err = db.Collection("authors").Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: authorIDs}}}})
	if err != nil {
		return nil, err
	}
	var authors []*Author
	if err := cur.All(ctx, &authors); err != nil {
		return nil, err
	}
	cur, err = db.Collection("comments").Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: commentIDs}}}})
	if err != nil {
		return nil, err
	}
	var comments []*Comment
	if err := cur.All(ctx, &comments); err != nil {
		return nil, err
	}
	byA := make(map[bson.ObjectID]*Author, len(authors))
	for _, a := range authors {
		byA[a.ID] = a
	}
	byC := make(map[bson.ObjectID]*Comment, len(comments))
	for _, c := range comments {
		byC[c.ID] = c
	}
	out := make([]rawView, len(posts))
	for i, p := range posts {
		out[i] = rawView{Post: p, Author: byA[p.Author]}
		for _, id := range p.Comments {
			if c, ok := byC[id]; ok {
				out[i].Comments = append(out[i].Comments, c)
			}
		}
	}
	return out, nil
}

// populateOps returns the three ways of loading 1,000 posts with their
// authors and comments, each checking its first result.
func populateOps(b *testing.B, bb *blogBench) map[string]func() {
	ctx := context.Background()
	check := func(posts, withAuthor, comments int) {
		if posts != benchPosts || withAuthor != benchPosts || comments != benchPosts*commentsPerPost {
			b.Fatalf("got %d posts, %d authors, %d comments", posts, withAuthor, comments)
		}
	}
	odmOp := func(lean bool) func() {
		return func() {
			q := bb.posts.Find(nil)
			if lean {
				q.Lean()
			}
			posts, err := q.Populate(
				odm.PopulateOpts{Path: "author", From: bb.authors},
				odm.PopulateOpts{Path: "comments", From: bb.comments},
			).All(ctx)
			if err != nil {
				b.Fatal(err)
			}
			na, nc := 0, 0
			for _, p := range posts {
				if p.Author.Doc() != nil {
					na++
				}
				nc += len(p.Comments.Docs())
			}
			check(len(posts), na, nc)
		}
	}
	return map[string]func(){
		"raw": func() {
			views, err := handWritten(ctx, bb.db)
			if err != nil {
				b.Fatal(err)
			}
			na, nc := 0, 0
			for _, v := range views {
				if v.Author != nil {
					na++
				}
				nc += len(v.Comments)
			}
			check(len(views), na, nc)
		},
		"odm-lean":     odmOp(true),
		"odm-hydrated": odmOp(false),
	}
}

var populateImpls = []string{"raw", "odm-lean", "odm-hydrated"}

// BenchmarkPopulate1000Posts populates 1,000 posts with their authors and
// comments. cmds/op counts the commands sent (find and getMore batches):
// every implementation must send the same number.
func BenchmarkPopulate1000Posts(b *testing.B) {
	bb := seedBlog(b)
	ops := populateOps(b, bb)
	for _, impl := range populateImpls {
		b.Run("impl="+impl, func(b *testing.B) {
			ops[impl]() // warm-up
			start := bb.cmds.Load()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				ops[impl]()
			}
			b.ReportMetric(float64(bb.cmds.Load()-start)/float64(b.N), "cmds/op")
		})
	}
}

// BenchmarkRatioPopulate1000Posts alternates the hand-written baseline and
// the ODM one operation at a time and reports candidate/baseline time as
// "ratio": the embedded server's drift and the machine's load then hit
// both sides alike, which separate runs cannot ensure.
func BenchmarkRatioPopulate1000Posts(b *testing.B) {
	bb := seedBlog(b)
	ops := populateOps(b, bb)
	for _, impl := range populateImpls[1:] {
		b.Run("cand="+impl, func(b *testing.B) {
			base, cand := ops["raw"], ops[impl]
			base()
			cand()
			var tb, tc time.Duration
			n := 0
			for b.Loop() {
				t0 := time.Now()
				base()
				t1 := time.Now()
				cand()
				tc += time.Since(t1)
				tb += t1.Sub(t0)
				n++
			}
			b.ReportMetric(float64(tc)/float64(tb), "ratio")
			b.ReportMetric(float64(tb.Nanoseconds())/float64(n), "base-ns/op")
			b.ReportMetric(float64(tc.Nanoseconds())/float64(n), "cand-ns/op")
		})
	}
}
