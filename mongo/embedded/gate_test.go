package embedded_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"

	"github.com/polystore/polystore/mongo/embedded"
)

const (
	writers   = 8
	perWriter = 100
)

// hammer runs op perWriter times in each of writers goroutines, each on
// its own client (so on its own connections), and fails on any error.
func hammer(t *testing.T, s *embedded.Server, op func(ctx context.Context, c *mongo.Collection, w, i int) error) {
	t.Helper()
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		coll := connect(t, s).Database("gate").Collection("counters")
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				if err := op(ctx, coll, w, i); err != nil {
					errs <- fmt.Errorf("writer %d op %d: %w", w, i, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

func counter(t *testing.T, s *embedded.Server, filter bson.D) (n int64, docs int64) {
	t.Helper()
	ctx := context.Background()
	coll := connect(t, s).Database("gate").Collection("counters")
	docs, err := coll.CountDocuments(ctx, filter)
	require.NoError(t, err)
	var got struct {
		N int64 `bson:"n"`
	}
	require.NoError(t, coll.FindOne(ctx, filter).Decode(&got))
	return got.N, docs
}

var inc = bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: 1}}}}

// Invariant for every test below: each acknowledged $inc of 1 shows in
// the final value, so 8 writers × 100 increments end at exactly 800, in
// exactly one document.

func TestConcurrentIncNoLostUpdate(t *testing.T) {
	s := start(t, embedded.Config{Dir: t.TempDir()})
	_, err := connect(t, s).Database("gate").Collection("counters").InsertOne(context.Background(), bson.D{{Key: "_id", Value: "c"}, {Key: "n", Value: 0}})
	require.NoError(t, err)
	hammer(t, s, func(ctx context.Context, c *mongo.Collection, _, _ int) error {
		res, err := c.UpdateOne(ctx, bson.D{{Key: "_id", Value: "c"}}, inc)
		if err == nil && res.ModifiedCount != 1 {
			err = fmt.Errorf("modified %d documents", res.ModifiedCount)
		}
		return err
	})
	n, docs := counter(t, s, bson.D{{Key: "_id", Value: "c"}})
	require.EqualValues(t, writers*perWriter, n)
	require.EqualValues(t, 1, docs)
}

func TestConcurrentUpsertNoLostUpdate(t *testing.T) {
	s := start(t, embedded.Config{Dir: t.TempDir()})
	// No document and no unique index: the first upsert inserts, the
	// others must find it rather than insert a second one.
	hammer(t, s, func(ctx context.Context, c *mongo.Collection, _, _ int) error {
		_, err := c.UpdateOne(ctx, bson.D{{Key: "k", Value: "u"}}, inc, options.UpdateOne().SetUpsert(true))
		return err
	})
	n, docs := counter(t, s, bson.D{{Key: "k", Value: "u"}})
	require.EqualValues(t, writers*perWriter, n)
	require.EqualValues(t, 1, docs)
}

func TestConcurrentFindAndModifyNoLostUpdate(t *testing.T) {
	s := start(t, embedded.Config{Dir: t.TempDir()})
	seen := make([]map[int64]bool, writers)
	hammer(t, s, func(ctx context.Context, c *mongo.Collection, w, _ int) error {
		var got struct {
			N int64 `bson:"n"`
		}
		err := c.FindOneAndUpdate(ctx, bson.D{{Key: "k", Value: "f"}}, inc,
			options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&got)
		if seen[w] == nil {
			seen[w] = map[int64]bool{}
		}
		seen[w][got.N] = true
		return err
	})
	n, docs := counter(t, s, bson.D{{Key: "k", Value: "f"}})
	require.EqualValues(t, writers*perWriter, n)
	require.EqualValues(t, 1, docs)
	// Each returned value was seen by exactly one writer: 1..800 once each.
	all := map[int64]bool{}
	for _, m := range seen {
		for v := range m {
			require.False(t, all[v], "value %d returned twice", v)
			all[v] = true
		}
	}
	require.Len(t, all, writers*perWriter)
}

func TestConcurrentUnacknowledgedWrites(t *testing.T) {
	s := start(t, embedded.Config{Dir: t.TempDir()})
	_, err := connect(t, s).Database("gate").Collection("counters").InsertOne(context.Background(), bson.D{{Key: "_id", Value: "w0"}, {Key: "n", Value: 0}})
	require.NoError(t, err)
	w0 := options.Collection().SetWriteConcern(writeconcern.Unacknowledged())
	const each = 25 // per writer: the driver does not wait, so writes queue up
	hammer(t, s, func(ctx context.Context, c *mongo.Collection, _, i int) error {
		if i >= each {
			return nil
		}
		_, err := c.Database().Collection(c.Name(), w0).UpdateOne(ctx, bson.D{{Key: "_id", Value: "w0"}}, inc)
		return err
	})
	// The driver returns before the server read an unacknowledged write,
	// so wait while the count still grows; none may be lost.
	coll := connect(t, s).Database("gate").Collection("counters")
	var n, last int64
	lastChange := time.Now()
	for n < writers*each && time.Since(lastChange) < 15*time.Second {
		time.Sleep(50 * time.Millisecond)
		var got struct {
			N int64 `bson:"n"`
		}
		require.NoError(t, coll.FindOne(context.Background(), bson.D{{Key: "_id", Value: "w0"}}).Decode(&got))
		if n = got.N; n != last {
			last, lastChange = n, time.Now()
		}
	}
	require.EqualValues(t, writers*each, n)
}

// TestUngatedLosesWrites documents why the gate exists; it is informative
// only (FerretDB might one day be fixed), so it logs instead of failing.
func TestUngatedLosesWrites(t *testing.T) {
	s := start(t, embedded.Config{Dir: t.TempDir(), DisableWriteGate: true})
	_, err := connect(t, s).Database("gate").Collection("counters").InsertOne(context.Background(), bson.D{{Key: "_id", Value: "c"}, {Key: "n", Value: 0}})
	require.NoError(t, err)
	hammer(t, s, func(ctx context.Context, c *mongo.Collection, _, _ int) error {
		_, err := c.UpdateOne(ctx, bson.D{{Key: "_id", Value: "c"}}, inc)
		return err
	})
	n, _ := counter(t, s, bson.D{{Key: "_id", Value: "c"}})
	t.Logf("without the gate: %d of %d increments kept", n, writers*perWriter)
}

// FerretDB 1.x has no transactions: it fails their first command with
// FailedToParse about "startTransaction". The gate answers it with a
// typed error that says so, nothing is written, and the client goes on.
func TestTransactionsUnsupported(t *testing.T) {
	ctx := context.Background()
	s := start(t, embedded.Config{Dir: t.TempDir()})
	c := connect(t, s)
	coll := c.Database("gate").Collection("tx")
	sess, err := c.StartSession()
	require.NoError(t, err)
	defer sess.EndSession(ctx)
	_, err = sess.WithTransaction(ctx, func(ctx context.Context) (any, error) {
		return coll.InsertOne(ctx, bson.D{{Key: "x", Value: 1}})
	})
	require.True(t, embedded.IsUnsupported(err), "got %v", err)
	require.ErrorContains(t, err, "does not support transactions (insert with startTransaction)")
	n, err := coll.CountDocuments(ctx, bson.D{})
	require.NoError(t, err)
	require.Zero(t, n, "nothing of the refused transaction was written")
	_, err = coll.InsertOne(ctx, bson.D{{Key: "x", Value: 2}})
	require.NoError(t, err, "the client stays usable")
}

// FerretDB 1.x answers a createIndexes of a text, 2dsphere, 2d or hashed
// index with IndexNotFound ("can't find index with key"), which reads
// like a bug of the caller; the gate says what is missing instead.
// Ordinary indexes in the same client still work.
func TestSpecialIndexKindsUnsupported(t *testing.T) {
	ctx := context.Background()
	s := start(t, embedded.Config{Dir: t.TempDir()})
	coll := connect(t, s).Database("gate").Collection("ix")
	for _, kind := range []string{"text", "2dsphere", "2d", "hashed"} {
		_, err := coll.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "a", Value: 1}, {Key: "f", Value: kind}}})
		require.True(t, embedded.IsUnsupported(err), "%s: got %v", kind, err)
		require.ErrorContains(t, err, fmt.Sprintf("does not support %q indexes (f: %q)", kind, kind))
	}
	// A batch holding one such index is refused whole.
	_, err := coll.Indexes().CreateMany(ctx, []mongo.IndexModel{{Keys: bson.D{{Key: "b", Value: 1}}}, {Keys: bson.D{{Key: "t", Value: "text"}}}})
	require.True(t, embedded.IsUnsupported(err), "got %v", err)
	name, err := coll.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "a", Value: 1}, {Key: "b", Value: -1}}})
	require.NoError(t, err)
	require.Equal(t, "a_1_b_-1", name)
	specs, err := coll.Indexes().ListSpecifications(ctx)
	require.NoError(t, err)
	require.Len(t, specs, 2, "_id and a_1_b_-1 only")
}

// FerretDB closes the connection on a Decimal128 (in a document, a
// filter or an update), and the driver then marks the server unknown; the
// gate answers such a command with a typed error instead, and the client
// stays usable.
func TestDecimal128RefusedWithATypedError(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s := start(t, embedded.Config{Dir: t.TempDir()})
	c := connect(t, s).Database("odm18_dec").Collection("prices")
	d, err := bson.ParseDecimal128("19.99")
	require.NoError(t, err)
	_, err = c.InsertOne(ctx, bson.D{{Key: "price", Value: d}})
	require.True(t, embedded.IsUnsupported(err), "insert: %v", err)
	require.ErrorContains(t, err, "Decimal128 values (documents.0.price)")
	_, err = c.InsertMany(ctx, []any{bson.D{{Key: "n", Value: 1}}, bson.D{{Key: "m", Value: bson.A{1, bson.D{{Key: "x", Value: d}}}}}})
	require.True(t, embedded.IsUnsupported(err), "insertMany: %v", err)
	require.ErrorContains(t, err, "documents.1.m.1.x")
	err = c.FindOne(ctx, bson.D{{Key: "price", Value: bson.D{{Key: "$gt", Value: d}}}}).Err()
	require.True(t, embedded.IsUnsupported(err), "find: %v", err)
	_, err = c.UpdateOne(ctx, bson.D{}, bson.D{{Key: "$set", Value: bson.D{{Key: "price", Value: d}}}})
	require.True(t, embedded.IsUnsupported(err), "update: %v", err)
	// Unacknowledged: dropped, nothing stored, the connection stays.
	unack := connect(t, s).Database("odm18_dec").Collection("prices", options.Collection().SetWriteConcern(writeconcern.Unacknowledged()))
	_, err = unack.InsertOne(ctx, bson.D{{Key: "price", Value: d}})
	require.NoError(t, err)

	// Nothing was written, and the same client goes on working.
	_, err = c.InsertOne(ctx, bson.D{{Key: "price", Value: "19.99"}})
	require.NoError(t, err)
	n, err := c.CountDocuments(ctx, bson.D{})
	require.NoError(t, err)
	require.EqualValues(t, 1, n)
	require.False(t, embedded.IsUnsupported(nil))
}
