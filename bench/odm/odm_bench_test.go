// Package odm_test compares the ODM with the raw mongo-go-driver v2 on the
// same server (end to end) and on the client side alone (the same
// documents encoded, decoded and validated without a server).
package odm_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm"
)

func TestMain(m *testing.M) { devenv.Main(m) }

type Address struct {
	Street string `bson:"street" odm:"trim"`
	City   string `bson:"city" odm:"required"`
	Zip    string `bson:"zip" odm:"match=^[0-9]{5}$"`
}

type User struct {
	ID        bson.ObjectID `bson:"_id,omitempty"`
	Username  string        `bson:"username" odm:"required,trim,lowercase,minlength=3,maxlength=30"`
	Email     string        `bson:"email" odm:"required,match=^[^@]+@[^@]+$"`
	Age       int           `bson:"age" odm:"min=18,max=120"`
	Status    string        `bson:"status" odm:"enum=active|inactive|suspended,default=active"`
	Score     float64       `bson:"score" odm:"min=0"`
	Tags      []string      `bson:"tags"`
	Address   Address       `bson:"address"`
	CreatedAt time.Time     `bson:"createdAt"`
	UpdatedAt time.Time     `bson:"updatedAt"`
	V         int64         `bson:"__v"`
}

func sample(i int) *User {
	return &User{
		Username: fmt.Sprintf("user%05d", i), Email: fmt.Sprintf("user%d@example.com", i),
		Age: 18 + i%60, Status: "active", Score: float64(i) / 7, Tags: []string{"a", "b", "c"},
		Address:   Address{Street: "1 Main Street", City: "Paris", Zip: "75001"},
		CreatedAt: time.Unix(1700000000, 0).UTC(), UpdatedAt: time.Unix(1700000000, 0).UTC(),
	}
}

func model(b *testing.B, db *mongo.Database) *odm.Model[User] {
	s, err := odm.SchemaFor[User](&odm.SchemaOpts{Timestamps: odm.DefaultTimestamps})
	if err != nil {
		b.Fatal(err)
	}
	m, err := odm.NewModel[User](db, "User", s, nil)
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// seeded returns a model over a collection of n documents and their ids.
func seeded(b *testing.B, n int) (*odm.Model[User], []bson.ObjectID) {
	db := devenv.Mongo(b)
	m := model(b, db)
	docs := make([]*User, n)
	ids := make([]bson.ObjectID, n)
	for i := range docs {
		docs[i] = sample(i)
	}
	ctx := context.Background()
	for i := 0; i < n; i += 500 {
		if err := m.InsertMany(ctx, docs[i:min(i+500, n)]); err != nil {
			b.Fatal(err)
		}
	}
	for i, d := range docs {
		ids[i] = d.ID
	}
	return m, ids
}

// readOps are the end-to-end reads compared, shared by the plain and the
// paired benchmarks: FindOne by _id into a struct (i picks the id) and a
// Find of every document, raw driver vs. ODM (lean and hydrated).
type readOps struct {
	findOne map[string]func(i int)
	findAll map[string]func(i int)
}

func newReadOps(b *testing.B, m *odm.Model[User], ids []bson.ObjectID, n int) readOps {
	coll := m.Collection()
	ctx := context.Background()
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	check := func(err error, got int) {
		if err != nil || got != n {
			b.Fatal(err, got)
		}
	}
	return readOps{
		findOne: map[string]func(int){
			"raw": func(i int) {
				var u User
				must(coll.FindOne(ctx, bson.D{{Key: "_id", Value: ids[i%len(ids)]}}).Decode(&u))
			},
			"odm-lean": func(i int) {
				_, err := m.FindOne(bson.D{{Key: "_id", Value: ids[i%len(ids)]}}).Lean().One(ctx)
				must(err)
			},
			"odm-hydrated": func(i int) {
				_, err := m.FindByID(ctx, ids[i%len(ids)])
				must(err)
			},
		},
		findAll: map[string]func(int){
			"raw": func(int) {
				cur, err := coll.Find(ctx, bson.D{})
				if err != nil {
					b.Fatal(err)
				}
				var out []User
				check(cur.All(ctx, &out), len(out))
			},
			"odm-lean": func(int) {
				out, err := m.Find(nil).Lean().All(ctx)
				check(err, len(out))
			},
			"odm-hydrated": func(int) {
				out, err := m.Find(nil).All(ctx)
				check(err, len(out))
			},
		},
	}
}

var impls = []string{"raw", "odm-lean", "odm-hydrated"}

func runImpls(b *testing.B, ops map[string]func(int)) {
	for _, impl := range impls {
		b.Run("impl="+impl, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				ops[impl](i)
			}
		})
	}
}

// FindOne by _id into a struct, end to end on the test server.
func BenchmarkFindOneByID(b *testing.B) {
	m, ids := seeded(b, 1000)
	runImpls(b, newReadOps(b, m, ids, 1000).findOne)
}

// Find of 1,000 documents decoded into structs, end to end.
func BenchmarkFind1000(b *testing.B) {
	m, ids := seeded(b, 1000)
	runImpls(b, newReadOps(b, m, ids, 1000).findAll)
}

// Create with validation, end to end (report only).
func BenchmarkCreate(b *testing.B) {
	db := devenv.Mongo(b)
	m := model(b, db)
	coll := m.Collection()
	ctx := context.Background()
	b.Run("impl=raw", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			u := sample(i)
			u.ID = bson.NewObjectID()
			if _, err := coll.InsertOne(ctx, u); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=odm", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if err := m.Create(ctx, sample(1_000_000+i)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// Client side only: decode one recorded document (as the server returns
// it) into a struct, vs. the ODM's hydrated decode (decode + snapshot for
// change tracking).
func BenchmarkClientDecode(b *testing.B) {
	m := model(b, nil)
	u := sample(1)
	u.ID = bson.NewObjectID()
	raw, err := bson.Marshal(u)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("impl=raw", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out User
			if err := bson.Unmarshal(raw, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=odm-hydrated", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := m.Hydrate(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// Client side only: what Create does before the network (defaults,
// transforms, validation, encode) vs. the raw driver's marshal.
func BenchmarkClientEncodeValidate(b *testing.B) {
	m := model(b, nil)
	ctx := context.Background()
	b.Run("impl=raw", func(b *testing.B) {
		b.ReportAllocs()
		u := sample(1)
		for b.Loop() {
			if _, err := bson.Marshal(u); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=odm", func(b *testing.B) {
		b.ReportAllocs()
		u := sample(1)
		for b.Loop() {
			if err := m.Validate(ctx, u); err != nil {
				b.Fatal(err)
			}
			if _, err := bson.Marshal(u); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// Client side only: building a validated document from JSON-like input.
func BenchmarkClientCast(b *testing.B) {
	m := model(b, nil)
	ctx := context.Background()
	in := map[string]any{"username": " Ann_Lee ", "email": "ann@example.com", "age": "34", "score": 12.5,
		"tags": []any{"a", "b"}, "address": map[string]any{"street": "1 Main", "city": "Paris", "zip": "75001"}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Cast(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}
