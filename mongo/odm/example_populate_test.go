package odm_test

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm"
)

// The guide's blog post: the author with a few fields, the newest
// comments with their authors, the tags, and the like count from the
// reverse relation. Each path is one query, whatever the number of posts.
func ExampleModel_Populate() {
	type User struct {
		ID     bson.ObjectID `bson:"_id,omitempty"`
		Name   string        `bson:"name"`
		Email  string        `bson:"email"`
		Avatar string        `bson:"avatar"`
	}
	type Comment struct {
		ID        bson.ObjectID `bson:"_id,omitempty"`
		Text      string        `bson:"text"`
		Author    odm.Ref[User] `bson:"author" odm:"ref=User"`
		CreatedAt time.Time     `bson:"createdAt"`
	}
	type Tag struct {
		ID   bson.ObjectID `bson:"_id,omitempty"`
		Name string        `bson:"name"`
	}
	type Like struct {
		ID   bson.ObjectID `bson:"_id,omitempty"`
		Post bson.ObjectID `bson:"postId"`
	}
	type BlogPost struct {
		ID       bson.ObjectID     `bson:"_id,omitempty"`
		Title    string            `bson:"title"`
		Author   odm.Ref[User]     `bson:"author" odm:"ref=User"`
		Comments odm.Refs[Comment] `bson:"comments" odm:"ref=Comment"`
		Tags     odm.Refs[Tag]     `bson:"tags" odm:"ref=Tag"`
		Likes    int               `bson:"-" odm:"virtual=likes"` // count of Likes pointing here
	}

	ctx := context.Background()
	db, done := exampleDB(ctx)
	defer done()

	users := odm.MustModel[User](db, "User", nil, nil)
	comments := odm.MustModel[Comment](db, "Comment", nil, nil)
	tags := odm.MustModel[Tag](db, "Tag", nil, nil)
	likes := odm.MustModel[Like](db, "Like", nil, nil)
	posts := odm.MustModel[BlogPost](db, "Post", nil, nil)

	ann, bob := &User{Name: "Ann", Email: "ann@example.com", Avatar: "ann.png"}, &User{Name: "Bob", Email: "bob@example.com"}
	must(users.InsertMany(ctx, []*User{ann, bob}))
	goTag := &Tag{Name: "go"}
	must(tags.Create(ctx, goTag))
	post := &BlogPost{Title: "Populate in Go", Author: odm.RefTo[User](ann.ID), Tags: odm.RefsTo[Tag](goTag.ID)}
	for i, who := range []*User{bob, ann, bob} {
		c := &Comment{Text: fmt.Sprintf("comment %d", i+1), Author: odm.RefTo[User](who.ID), CreatedAt: time.Date(2026, 1, i+1, 0, 0, 0, 0, time.UTC)}
		must(comments.Create(ctx, c))
		post.Comments.Add(c.ID, nil)
	}
	must(posts.Create(ctx, post))
	must(likes.InsertMany(ctx, []*Like{{Post: post.ID}, {Post: post.ID}}))

	got, err := posts.FindByID(ctx, post.ID)
	must(err)
	must(posts.Populate(ctx, []*BlogPost{got},
		odm.PopulateOpts{Path: "author", From: users, Select: "name email avatar"},
		odm.PopulateOpts{Path: "comments", From: comments, Sort: "-createdAt", Limit: 10,
			Populate: []odm.PopulateOpts{{Path: "author", From: users, Select: "name avatar"}}},
		odm.PopulateOpts{Path: "tags", From: tags},
		odm.PopulateOpts{Path: "likes", From: likes, ForeignField: "postId", Count: true},
	))
	fmt.Println(got.Title, "by", got.Author.Doc().Name, "-", got.Likes, "likes")
	for _, c := range got.Comments.Docs() {
		fmt.Printf("  %s (%s)\n", c.Text, c.Author.Doc().Name)
	}
	fmt.Println("  tags:", got.Tags.Docs()[0].Name)

	// Saved or rendered unpopulated, references are IDs again.
	raw, err := bson.Marshal(got)
	must(err)
	fmt.Println(bson.Raw(raw).Lookup("author").Type, bson.Raw(raw).Lookup("comments").Type)
	// Output:
	// Populate in Go by Ann - 2 likes
	//   comment 3 (Bob)
	//   comment 2 (Ann)
	//   comment 1 (Bob)
	//   tags: go
	// objectID array
}

// exampleDB is a fresh database on the server the tests use (the embedded
// one unless POLYSTORE_MONGO_URL names a MongoDB); done drops it and
// disconnects.
func exampleDB(ctx context.Context) (*mongo.Database, func()) {
	srv, err := devenv.ResolveMongo(ctx, nil)
	if err != nil {
		panic(err)
	}
	client, err := devenv.ConnectMongo(srv.URL)
	if err != nil {
		panic(err)
	}
	db := client.Database(devenv.UniqueName("example_"))
	return db, func() {
		_ = db.Drop(ctx)
		_ = client.Disconnect(ctx)
		_ = srv.Close(ctx)
	}
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// A reference marshals as its ID; once populated, JSON shows the document.
func ExampleRef() {
	type User struct {
		ID   bson.ObjectID `bson:"_id" json:"id"`
		Name string        `bson:"name" json:"name"`
	}
	type Post struct {
		Author odm.Ref[User] `bson:"author" json:"author"`
	}
	id, _ := bson.ObjectIDFromHex("64b7f0c2a1b2c3d4e5f60718")
	p := Post{Author: odm.RefTo[User](id)}
	js, _ := json.Marshal(p)
	fmt.Println(string(js))

	p.Author.Set(id, &User{ID: id, Name: "Ann"})
	js, _ = json.Marshal(p)
	fmt.Println(string(js))
	raw, _ := bson.Marshal(p)
	fmt.Println(bson.Raw(raw))
	// Output:
	// {"author":"64b7f0c2a1b2c3d4e5f60718"}
	// {"author":{"id":"64b7f0c2a1b2c3d4e5f60718","name":"Ann"}}
	// {"author": {"$oid":"64b7f0c2a1b2c3d4e5f60718"}}
}

// Geospatial helpers check coordinates and build the filter.
func ExampleNear() {
	near, err := odm.Near("location", odm.NewPoint(2.3522, 48.8566), &odm.NearOpts{MaxDistance: 5000})
	fmt.Println(bson.D{near}, err)
	_, err = odm.Near("location", odm.NewPoint(48.8566, 182.35), nil)
	fmt.Println(err)
	// Output:
	// {"location":{"$near":{"$geometry":{"type":"Point","coordinates":[{"$numberDouble":"2.3522"},{"$numberDouble":"48.8566"}]},"$maxDistance":{"$numberDouble":"5000.0"}}}} <nil>
	// odm: geo filter on "location": [48.8566, 182.35] is not a [longitude, latitude] pair within [-180, 180] x [-90, 90]
}

// An explain reply (here a recorded one) summarised.
func ExampleSummarizeExplain() {
	var raw bson.Raw
	_ = bson.UnmarshalExtJSON([]byte(`{"explainVersion": "1",
		"queryPlanner": {"winningPlan": {"stage": "FETCH", "inputStage": {"stage": "IXSCAN", "indexName": "email_1"}}},
		"executionStats": {"nReturned": 1, "totalKeysExamined": 1, "totalDocsExamined": 1}, "ok": 1}`), false, &raw)
	s, err := odm.SummarizeExplain(raw)
	fmt.Println(s, err)
	fmt.Println("uses an index:", s.UsesIndex())
	// Output:
	// classic plan FETCH > IXSCAN, index email_1, examined 1 docs / 1 keys for 1 returned <nil>
	// uses an index: true
}
