package odm_test

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// recorder captures the commands a client sends.
type recorder struct {
	mu   sync.Mutex
	cmds []bson.Raw
}

func (r *recorder) started(_ context.Context, e *event.CommandStartedEvent) {
	switch e.CommandName {
	case "hello", "isMaster", "ismaster", "ping", "endSessions", "buildInfo", "saslStart", "saslContinue":
		return
	}
	r.mu.Lock()
	r.cmds = append(r.cmds, append(bson.Raw(nil), e.Command...))
	r.mu.Unlock()
}

func (r *recorder) reset() {
	r.mu.Lock()
	r.cmds = nil
	r.mu.Unlock()
}

// normalized renders the commands as canonical extended JSON (key order
// kept: it matters for sorts and indexes) without the per-connection
// fields (lsid, $db, $clusterTime, ...).
func (r *recorder) normalized(t *testing.T) string {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	var out strings.Builder
	for _, c := range r.cmds {
		var d bson.D
		require.NoError(t, bson.Unmarshal(c, &d))
		kept := bson.D{}
		for _, e := range d {
			if e.Key == "lsid" || e.Key[0] == '$' || e.Key == "apiVersion" {
				continue
			}
			kept = append(kept, e)
		}
		b, err := bson.MarshalExtJSONIndent(kept, true, false, "", "  ")
		require.NoError(t, err)
		out.Write(b)
		out.WriteString("\n")
	}
	return out.String()
}

// goldenClient connects a recording client to the test server and returns
// a fresh database on it with a fixed name, so that golden files are
// stable.
func goldenClient(t *testing.T) (*mongo.Database, *recorder) {
	t.Helper()
	srv := devenv.MongoServer(t)
	rec := &recorder{}
	c, err := mongo.Connect(options.Client().ApplyURI(srv.URL).SetMonitor(&event.CommandMonitor{Started: rec.started}).SetServerSelectionTimeout(5 * time.Second))
	require.NoError(t, err)
	db := c.Database("golden_" + devenv.UniqueName(""))
	t.Cleanup(func() {
		ctx := context.Background()
		_ = db.Drop(ctx)
		_ = c.Disconnect(ctx)
	})
	return db, rec
}

// checkGolden compares got with testdata/<name>/commands.json (one
// command per JSON document).
func checkGolden(t *testing.T, name string, got string) {
	t.Helper()
	path := filepath.Join("testdata", name, "commands.json")
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run with -update to create %s", path)
	if diff := cmp.Diff(strings.Split(string(want), "\n"), strings.Split(got, "\n")); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

// fixedNow stamps the golden command documents; clock-free: the documents
// are compared as text, never run against a clock (TTL indexes included).
var fixedNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func clock() time.Time { return fixedNow }

// The index kinds FerretDB lacks (text with weights, 2dsphere, hashed,
// TTL, partial, collation, sparse compound) are pinned by the exact
// createIndexes command SyncIndexes sends. On a real MongoDB the same
// command must succeed.
func TestGoldenSyncIndexes(t *testing.T) {
	ctx := context.Background()
	db, rec := goldenClient(t)
	ttl := 30 * 24 * time.Hour
	s, err := odm.SchemaFor[Order](nil)
	require.NoError(t, err)
	s.AddIndex(odm.Index{Keys: bson.D{{Key: "note", Value: "text"}, {Key: "extra.body", Value: "text"}}, Weights: bson.D{{Key: "note", Value: 10}, {Key: "extra.body", Value: 1}}, DefaultLanguage: "english"})
	s.AddIndex(odm.Index{Keys: bson.D{{Key: "extra.loc", Value: "2dsphere"}}})
	s.AddIndex(odm.Index{Keys: bson.D{{Key: "customer", Value: "hashed"}}, Name: "customer_hashed"})
	s.AddIndex(odm.Index{Keys: bson.D{{Key: "placedAt", Value: 1}}, ExpireAfter: &ttl})
	s.AddIndex(odm.Index{Keys: bson.D{{Key: "customer", Value: 1}, {Key: "paid", Value: 1}}, PartialFilter: bson.D{{Key: "paid", Value: bson.D{{Key: "$eq", Value: false}}}}})
	s.AddIndex(odm.Index{Keys: bson.D{{Key: "note", Value: 1}}, Collation: bson.D{{Key: "locale", Value: "en"}, {Key: "strength", Value: 2}}, Name: "note_ci"})
	s.AddIndex(odm.Index{Keys: bson.D{{Key: "note", Value: 1}, {Key: "paid", Value: -1}}, Unique: true, Sparse: true})
	m, err := odm.NewModel[Order](db, "Order", s, &odm.ModelOpts{Collection: "orders"})
	require.NoError(t, err)
	rec.reset()
	diff, err := m.SyncIndexes(ctx, nil)
	if devenv.RealMongo() {
		require.NoError(t, err)
	}
	require.Equal(t, []string{"customer_1", "note_text_extra.body_text", "extra.loc_2dsphere", "customer_hashed", "placedAt_1", "customer_1_paid_1", "note_ci", "note_1_paid_-1"}, diff.Created)
	checkGolden(t, "sync_indexes", rec.normalized(t))
}

func TestGoldenCreateCollection(t *testing.T) {
	ctx := context.Background()
	db, rec := goldenClient(t)
	type Tick struct {
		At     time.Time `bson:"at"`
		Symbol string    `bson:"symbol"`
		Price  float64   `bson:"price"`
	}
	ts, err := odm.SchemaFor[Tick](&odm.SchemaOpts{TimeSeries: &odm.TimeSeries{TimeField: "at", MetaField: "symbol", Granularity: "seconds", ExpireAfter: 24 * time.Hour}})
	require.NoError(t, err)
	capped, err := odm.SchemaFor[Tick](&odm.SchemaOpts{Capped: &odm.Capped{Size: 1 << 20, Max: 1000}})
	require.NoError(t, err)
	rec.reset()
	err = odm.MustModel[Tick](db, "Tick", ts, nil).CreateCollection(ctx)
	if devenv.RealMongo() {
		require.NoError(t, err)
	}
	require.NoError(t, odm.MustModel[Tick](db, "Log", capped, nil).CreateCollection(ctx))
	checkGolden(t, "create_collection", rec.normalized(t))
}

// TestGoldenWrites pins the commands of validated writes: the cast update
// with timestamps and version, Save's changed-paths-only update guarded by
// the version, and a keyset page's filter.
func TestGoldenWrites(t *testing.T) {
	ctx := context.Background()
	db, rec := goldenClient(t)
	s, err := odm.SchemaFor[User](&odm.SchemaOpts{Timestamps: odm.DefaultTimestamps})
	require.NoError(t, err)
	users, err := odm.NewModel[User](db, "User", s, &odm.ModelOpts{Clock: clock})
	require.NoError(t, err)
	id, _ := bson.ObjectIDFromHex("64b7f0c2a1b2c3d4e5f60718")
	rec.reset()
	u := &User{ID: id, Username: " Ann ", Email: "ann@x.io", Age: ptr(30), Tags: []string{"a"}}
	require.NoError(t, users.Create(ctx, u))
	_, err = users.UpdateOne(ctx, bson.M{"_id": id.Hex()}, bson.D{{Key: "$set", Value: bson.D{{Key: "age", Value: "31"}}}, {Key: "$push", Value: bson.D{{Key: "tags", Value: 5}}}}, nil)
	require.NoError(t, err)
	got, err := users.FindByID(ctx, id)
	require.NoError(t, err)
	got.Status = "inactive"
	got.Address = &Address{City: "Oslo"}
	require.NoError(t, users.Save(ctx, got))
	_, err = users.Find(bson.M{"status": "inactive"}).Sort("-age").Keyset(ctx, "", 1)
	require.NoError(t, err)
	checkGolden(t, "writes", rec.normalized(t))
}

// TestGoldenTransaction pins the command sequence of the money transfer
// (FerretDB refuses transactions, so there the sequence ends with the
// abort; on a real MongoDB it commits).
func TestGoldenTransaction(t *testing.T) {
	ctx := context.Background()
	db, rec := goldenClient(t)
	accounts := odm.MustModel[Account](db, "Account", nil, nil)
	transfers := odm.MustModel[Transfer](db, "Transfer", nil, &odm.ModelOpts{Clock: clock})
	require.NoError(t, accounts.Create(ctx, &Account{ID: "alice", Owner: "alice", Balance: 100}))
	require.NoError(t, accounts.Create(ctx, &Account{ID: "bob", Owner: "bob", Balance: 0}))
	rec.reset()
	tid, _ := bson.ObjectIDFromHex("64b7f0c2a1b2c3d4e5f60719")
	err := transferMoney(ctx, db.Client(), accounts, transfers, tid, "alice", "bob", 30)
	if devenv.RealMongo() {
		require.NoError(t, err)
	} else {
		require.Error(t, err, "FerretDB has no transactions")
	}
	if !devenv.RealMongo() {
		checkGolden(t, "transaction_ferretdb", rec.normalized(t))
		return
	}
	// On MongoDB the whole transfer commits in one transaction; responses
	// (and retries under load) vary, so check the protocol's shape.
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var names []string
	for i, c := range rec.cmds {
		elems, err := c.Elements()
		require.NoError(t, err)
		names = append(names, elems[0].Key())
		require.Equal(t, false, c.Lookup("autocommit").Boolean(), "command %d in the transaction", i)
		require.Equal(t, int64(1), c.Lookup("txnNumber").Int64())
		_, starts := c.Lookup("startTransaction").BooleanOK()
		require.Equal(t, i == 0, starts)
	}
	require.Equal(t, []string{"findAndModify", "update", "insert", "commitTransaction"}, names)
}

// The retry loop runs against the real driver session too: transient
// errors raised by the body are retried, then the (empty) transaction
// commits without reaching the server.
func TestTransactionRetriesWithDriverSession(t *testing.T) {
	client := devenv.MongoClient(t)
	runs := 0
	err := odm.WithTransaction(context.Background(), client, func(ctx context.Context) error {
		runs++
		require.NotNil(t, mongo.SessionFromContext(ctx), "model calls see the session")
		if runs < 3 {
			return mongo.CommandError{Code: 112, Name: "WriteConflict", Labels: []string{odm.LabelTransientTransaction}}
		}
		return nil
	}, nil)
	require.NoError(t, err)
	require.Equal(t, 3, runs)

	boom := errors.New("boom")
	err = odm.WithTransaction(context.Background(), client, func(ctx context.Context) error { return boom }, nil)
	require.ErrorIs(t, err, boom)
}
