// Package embedded_test measures what the write gate of mongo/embedded
// costs: the same operations on a gated and an ungated embedded server,
// started in the same run.
//
//	cd bench && go test -run XXX -bench . -benchtime 2s -count 3 ./embedded/
package embedded_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/polystore/polystore/mongo/embedded"
)

// servers starts both variants; each benchmark runs its body on both as
// sub-benchmarks gate=on and gate=off.
func servers(b *testing.B, body func(b *testing.B, coll *mongo.Collection)) {
	ctx := context.Background()
	for _, gated := range []bool{true, false} {
		name := "gate=on"
		if !gated {
			name = "gate=off"
		}
		b.Run(name, func(b *testing.B) {
			srv, err := embedded.Start(ctx, embedded.Config{Dir: b.TempDir(), DisableWriteGate: !gated})
			if err != nil {
				b.Fatal(err)
			}
			defer srv.Close(ctx)
			c, err := mongo.Connect(options.Client().ApplyURI(srv.URI()))
			if err != nil {
				b.Fatal(err)
			}
			defer c.Disconnect(ctx)
			coll := c.Database("bench").Collection("docs")
			docs := make([]any, 64)
			for i := range docs {
				docs[i] = bson.D{{Key: "_id", Value: i}, {Key: "n", Value: 0}, {Key: "s", Value: "payload payload payload"}}
			}
			if _, err := coll.InsertMany(ctx, docs); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			body(b, coll)
		})
	}
}

var inc = bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: 1}}}}

// BenchmarkFindOne: a read passes the gate without a lock.
func BenchmarkFindOne(b *testing.B) {
	servers(b, func(b *testing.B, coll *mongo.Collection) {
		ctx := context.Background()
		for i := 0; b.Loop(); i++ {
			if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: i % 64}}).Err(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkUpdateOne: one writer, so the lock is never contended.
func BenchmarkUpdateOne(b *testing.B) {
	servers(b, func(b *testing.B, coll *mongo.Collection) {
		ctx := context.Background()
		for i := 0; b.Loop(); i++ {
			if _, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: i % 64}}, inc); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkUpdateParallel: 8 writers per core on different documents of
// one database, which the gate serializes.
func BenchmarkUpdateParallel(b *testing.B) {
	servers(b, func(b *testing.B, coll *mongo.Collection) {
		ctx := context.Background()
		var next atomic.Int64
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			id := next.Add(1) % 64
			for pb.Next() {
				if _, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, inc); err != nil {
					panic(fmt.Sprint(err))
				}
			}
		})
	})
}

// BenchmarkMixedParallel: 8 goroutines per core, one write in four.
func BenchmarkMixedParallel(b *testing.B) {
	servers(b, func(b *testing.B, coll *mongo.Collection) {
		ctx := context.Background()
		var next atomic.Int64
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			id := next.Add(1) % 64
			for i := 0; pb.Next(); i++ {
				var err error
				if i%4 == 0 {
					_, err = coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, inc)
				} else {
					err = coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Err()
				}
				if err != nil {
					panic(fmt.Sprint(err))
				}
			}
		})
	})
}
