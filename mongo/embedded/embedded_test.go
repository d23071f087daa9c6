package embedded_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/polystore/polystore/mongo/embedded"
)

func start(t *testing.T, cfg embedded.Config) *embedded.Server {
	t.Helper()
	s, err := embedded.Start(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

func connect(t *testing.T, s *embedded.Server) *mongo.Client {
	t.Helper()
	c, err := mongo.Connect(options.Client().ApplyURI(s.URI()).SetServerSelectionTimeout(5 * time.Second))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Disconnect(context.Background()) })
	return c
}

type item struct {
	ID   bson.ObjectID `bson:"_id,omitempty"`
	SKU  string        `bson:"sku"`
	Qty  int           `bson:"qty"`
	Tags []string      `bson:"tags"`
}

func TestInsertAndFind(t *testing.T) {
	ctx := context.Background()
	s := start(t, embedded.Config{Dir: t.TempDir()})
	require.Equal(t, "sqlite", s.Backend())
	coll := connect(t, s).Database("shop").Collection("items")

	res, err := coll.InsertOne(ctx, item{SKU: "A-1", Qty: 3, Tags: []string{"x"}})
	require.NoError(t, err)
	_, err = coll.InsertMany(ctx, []any{item{SKU: "B-2", Qty: 5}, item{SKU: "C-3", Qty: 7}})
	require.NoError(t, err)

	var got item
	require.NoError(t, coll.FindOne(ctx, bson.D{{Key: "_id", Value: res.InsertedID}}).Decode(&got))
	require.Equal(t, "A-1", got.SKU)
	require.Equal(t, []string{"x"}, got.Tags)

	cur, err := coll.Find(ctx, bson.D{{Key: "qty", Value: bson.D{{Key: "$gte", Value: 5}}}},
		options.Find().SetSort(bson.D{{Key: "qty", Value: -1}}))
	require.NoError(t, err)
	var many []item
	require.NoError(t, cur.All(ctx, &many))
	require.Len(t, many, 2)
	require.Equal(t, "C-3", many[0].SKU)
	require.Equal(t, "B-2", many[1].SKU)
}

func TestUniqueIndexRejectsDuplicate(t *testing.T) {
	ctx := context.Background()
	s := start(t, embedded.Config{Dir: t.TempDir()})
	coll := connect(t, s).Database("shop").Collection("users")
	_, err := coll.Indexes().CreateOne(ctx, mongo.IndexModel{
		Keys: bson.D{{Key: "email", Value: 1}}, Options: options.Index().SetUnique(true),
	})
	require.NoError(t, err)
	_, err = coll.InsertOne(ctx, bson.D{{Key: "email", Value: "a@example.com"}})
	require.NoError(t, err)
	_, err = coll.InsertOne(ctx, bson.D{{Key: "email", Value: "a@example.com"}})
	require.Error(t, err)
	require.True(t, mongo.IsDuplicateKeyError(err), "want a duplicate key error, got %v", err)
	n, err := coll.CountDocuments(ctx, bson.D{})
	require.NoError(t, err)
	require.EqualValues(t, 1, n, "the duplicate must not be stored")
}

func TestRestartKeepsData(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()

	s1, err := embedded.Start(ctx, embedded.Config{Dir: dir})
	require.NoError(t, err)
	c1, err := mongo.Connect(options.Client().ApplyURI(s1.URI()))
	require.NoError(t, err)
	_, err = c1.Database("d").Collection("c").InsertOne(ctx, bson.D{{Key: "k", Value: "kept"}})
	require.NoError(t, err)
	require.NoError(t, c1.Disconnect(ctx))
	require.NoError(t, s1.Close(ctx))
	require.ErrorIs(t, s1.Close(ctx), embedded.ErrClosed)

	s2 := start(t, embedded.Config{Dir: dir})
	var doc struct {
		K string `bson:"k"`
	}
	require.NoError(t, connect(t, s2).Database("d").Collection("c").FindOne(ctx, bson.D{}).Decode(&doc))
	require.Equal(t, "kept", doc.K)
}

func TestTwoInstancesDoNotInterfere(t *testing.T) {
	ctx := context.Background()
	a := start(t, embedded.Config{Dir: t.TempDir()})
	b := start(t, embedded.Config{Dir: t.TempDir()})
	require.NotEqual(t, a.Addr(), b.Addr())
	ca, cb := connect(t, a).Database("d").Collection("c"), connect(t, b).Database("d").Collection("c")

	_, err := ca.InsertOne(ctx, bson.D{{Key: "from", Value: "a"}})
	require.NoError(t, err)
	n, err := cb.CountDocuments(ctx, bson.D{})
	require.NoError(t, err)
	require.Zero(t, n, "b must not see a's document")
	_, err = cb.InsertOne(ctx, bson.D{{Key: "from", Value: "b"}})
	require.NoError(t, err)
	n, err = ca.CountDocuments(ctx, bson.D{})
	require.NoError(t, err)
	require.EqualValues(t, 1, n)
}

func TestTempDirRemovedOnClose(t *testing.T) {
	ctx := context.Background()
	s, err := embedded.Start(ctx, embedded.Config{})
	require.NoError(t, err)
	require.DirExists(t, s.Dir())
	start := time.Now()
	require.NoError(t, s.Close(ctx))
	t.Logf("close took %v", time.Since(start))
	require.NoDirExists(t, s.Dir())
}

func TestInvalidAddress(t *testing.T) {
	_, err := embedded.Start(context.Background(), embedded.Config{Addr: "not an address", Dir: t.TempDir()})
	require.Error(t, err)
}

func TestCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := embedded.Start(ctx, embedded.Config{Dir: t.TempDir()})
	require.True(t, errors.Is(err, context.Canceled))
}
