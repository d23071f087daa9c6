package embedded_test

import (
	"context"
	"fmt"
	"os"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/polystore/polystore/mongo/embedded"
)

func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "example-")
	defer os.RemoveAll(dir)

	srv, err := embedded.Start(ctx, embedded.Config{Dir: dir})
	if err != nil {
		panic(err)
	}
	defer srv.Close(ctx)

	client, err := mongo.Connect(options.Client().ApplyURI(srv.URI()))
	if err != nil {
		panic(err)
	}
	defer client.Disconnect(ctx)

	coll := client.Database("app").Collection("greetings")
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "text", Value: "hello"}}); err != nil {
		panic(err)
	}
	var doc struct {
		Text string `bson:"text"`
	}
	if err := coll.FindOne(ctx, bson.D{}).Decode(&doc); err != nil {
		panic(err)
	}
	fmt.Println(doc.Text, srv.Backend())
	// Output: hello sqlite
}
