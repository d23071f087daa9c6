// Command mongoosemodels shows the guide's Mongoose section in Go with
// mongo/odm: the user schema with its validators, defaults and unique
// indexes, a pre-save hook, validation errors with Mongoose's messages, a
// filter from an untrusted request body, a populated blog post and an
// aggregation.
//
// It uses the MongoDB at POLYSTORE_MONGO_URL, or starts the embedded
// MongoDB-compatible server (mongo/embedded) for the run, and works in a
// throwaway database that it drops at the end:
//
//	go run ./examples/mongoosemodels
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/polystore/polystore/mongo/embedded"
	"github.com/polystore/polystore/mongo/odm"
)

// User is the guide's userSchema:
//
//	username: { type: String, required: true, unique: true },
//	email:    { type: String, required: true, unique: true },
//	age:      { type: Number, min: 18, max: 100 },
//	createdAt: { type: Date, default: Date.now },
//	status:   { type: String, enum: ['active', 'inactive', 'suspended'], default: 'active' }
//
// Age is a pointer so that "no age" (nil) differs from 0, as undefined
// differs from 0 in JavaScript.
type User struct {
	ID        bson.ObjectID `bson:"_id,omitempty" json:"id"`
	Username  string        `bson:"username" json:"username" odm:"required,unique"`
	Email     string        `bson:"email" json:"email" odm:"required,unique,lowercase,trim"`
	Age       *int          `bson:"age,omitempty" json:"age,omitempty" odm:"min=18,max=100"`
	CreatedAt time.Time     `bson:"createdAt" json:"createdAt" odm:"default=now"`
	Status    string        `bson:"status" json:"status" odm:"enum=active|inactive|suspended,default=active"`
}

// Comment and BlogPost are the guide's populate example.
type Comment struct {
	ID     bson.ObjectID `bson:"_id,omitempty" json:"id"`
	Text   string        `bson:"text" json:"text" odm:"required"`
	Author odm.Ref[User] `bson:"author" json:"author" odm:"ref=User"`
}

// BlogPost references its author and comments by id.
type BlogPost struct {
	ID       bson.ObjectID     `bson:"_id,omitempty" json:"id"`
	Title    string            `bson:"title" json:"title"`
	Author   odm.Ref[User]     `bson:"author" json:"author" odm:"ref=User"`
	Comments odm.Refs[Comment] `bson:"comments" json:"comments" odm:"ref=Comment"`
}

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "mongoosemodels:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	url := os.Getenv("POLYSTORE_MONGO_URL")
	if url == "" {
		srv, err := embedded.Start(ctx, embedded.Config{})
		if err != nil {
			return fmt.Errorf("start the embedded server: %w", err)
		}
		defer srv.Close(context.Background()) //nolint:errcheck
		url = srv.URI()
		fmt.Fprintln(out, "using the embedded MongoDB-compatible server (set POLYSTORE_MONGO_URL for a real MongoDB)")
	}
	client, err := mongo.Connect(options.Client().ApplyURI(url))
	if err != nil {
		return err
	}
	defer client.Disconnect(context.Background()) //nolint:errcheck
	db := client.Database(fmt.Sprintf("mongoosemodels_%d", time.Now().UnixNano()))
	defer db.Drop(context.Background()) //nolint:errcheck
	return walkthrough(ctx, db, out)
}

func walkthrough(ctx context.Context, db *mongo.Database, out io.Writer) error {
	users, err := odm.NewModel[User](db, "User", nil, nil)
	if err != nil {
		return err
	}
	// Like Mongoose's autoIndex: create the unique indexes the schema declares.
	if _, err := users.SyncIndexes(ctx, nil); err != nil {
		return err
	}
	// A pre-save hook, Mongoose's userSchema.pre('save', ...).
	users.Pre(odm.EventSave, func(_ context.Context, op *odm.Op[User]) error {
		op.Doc.Username = strings.ToLower(op.Doc.Username)
		return nil
	})

	// new User({...}).save(): defaults, casting and the hook apply.
	john := &User{Username: "John_Doe", Email: "  John@Example.com "}
	if err := users.Create(ctx, john); err != nil {
		return err
	}
	fmt.Fprintf(out, "created %s <%s>, status %s\n", john.Username, john.Email, john.Status)

	// Validation reports every failing path, in Mongoose's words.
	tooYoung := 12
	err = users.Create(ctx, &User{Email: "kid@example.com", Age: &tooYoung, Status: "banned"})
	var ve *odm.ValidationError
	if errors.As(err, &ve) {
		paths := ve.Paths()
		sort.Strings(paths)
		for _, p := range paths {
			fmt.Fprintf(out, "  invalid %s: %s\n", p, ve.Errors[p].Message)
		}
	}

	// The unique index refuses a second john_doe.
	err = users.Create(ctx, &User{Username: "john_doe", Email: "other@example.com"})
	fmt.Fprintln(out, "duplicate username refused:", mongo.IsDuplicateKeyError(err))

	// User.find({ status: 'active' }) with the filter decoded from a request
	// body: an operator smuggled in as a value is not an operator.
	var body map[string]any
	_ = json.Unmarshal([]byte(`{"status": {"$ne": "nobody"}}`), &body)
	if _, err := users.Find(body).All(ctx); err != nil {
		fmt.Fprintln(out, "injected filter refused:", err)
	}
	active, err := users.Find(map[string]any{"status": "active"}).All(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "active users:", len(active))

	// Populate: one query per path, whatever the number of posts.
	comments, err := odm.NewModel[Comment](db, "Comment", nil, nil)
	if err != nil {
		return err
	}
	posts, err := odm.NewModel[BlogPost](db, "BlogPost", nil, nil)
	if err != nil {
		return err
	}
	c := &Comment{Text: "Nice post", Author: odm.RefTo[User](john.ID)}
	if err := comments.Create(ctx, c); err != nil {
		return err
	}
	post := &BlogPost{Title: "Mongoose in Go", Author: odm.RefTo[User](john.ID), Comments: odm.RefsTo[Comment](c.ID)}
	if err := posts.Create(ctx, post); err != nil {
		return err
	}
	got, err := posts.FindOne(bson.M{"_id": post.ID}).Populate(
		odm.PopulateOpts{Path: "author", From: users, Select: "username"},
		odm.PopulateOpts{Path: "comments", From: comments,
			Populate: []odm.PopulateOpts{{Path: "author", From: users, Select: "username"}}},
	).One(ctx)
	if err != nil {
		return err
	}
	for _, cm := range got.Comments.Docs() {
		fmt.Fprintf(out, "%q by %s: %q by %s\n", got.Title, got.Author.Doc().Username, cm.Text, cm.Author.Doc().Username)
	}

	// Order.aggregate([...]): users per status.
	if err := users.Create(ctx, &User{Username: "ann", Email: "ann@example.com", Status: "suspended"}); err != nil {
		return err
	}
	var rows []struct {
		Status string `bson:"_id"`
		N      int    `bson:"n"`
	}
	err = users.Aggregate(ctx, []bson.D{
		{{Key: "$group", Value: bson.D{{Key: "_id", Value: "$status"}, {Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}}}}},
		{{Key: "$sort", Value: bson.D{{Key: "_id", Value: 1}}}},
	}, &rows)
	if err != nil {
		return err
	}
	for _, r := range rows {
		fmt.Fprintf(out, "users %s: %d\n", r.Status, r.N)
	}
	return nil
}
