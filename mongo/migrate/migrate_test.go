package migrate_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/migrate"
	"github.com/polystore/polystore/mongo/odm"
)

func TestMain(m *testing.M) { devenv.Main(m) }

type User struct {
	ID    bson.ObjectID `bson:"_id,omitempty"`
	Name  string        `bson:"name"`
	Email string        `bson:"email" odm:"unique"`
	Plan  string        `bson:"plan"`
}

// migrations: an index from the schema, a backfill counted by ran.
func migrations(users *odm.Model[User], ran *[3]atomic.Int32) []migrate.Migration {
	return []migrate.Migration{
		{ID: "002_backfill_plan", Description: "users without a plan get free",
			Up: func(ctx context.Context, db *mongo.Database) error {
				ran[1].Add(1)
				_, err := db.Collection("users").UpdateMany(ctx, bson.M{"plan": bson.M{"$exists": false}}, bson.M{"$set": bson.M{"plan": "free"}})
				return err
			},
			Down: func(ctx context.Context, db *mongo.Database) error {
				_, err := db.Collection("users").UpdateMany(ctx, bson.M{"plan": "free"}, bson.M{"$unset": bson.M{"plan": ""}})
				return err
			}},
		{ID: "001_user_email_unique", Indexes: []migrate.IndexSyncer{users},
			Up: func(ctx context.Context, db *mongo.Database) error { ran[0].Add(1); return nil }},
		{ID: "003_count", Up: func(ctx context.Context, db *mongo.Database) error {
			ran[2].Add(1)
			_, err := db.Collection("counters").UpdateOne(ctx, bson.M{"_id": "runs"}, bson.M{"$inc": bson.M{"n": 1}}, nil)
			if err != nil {
				return err
			}
			_, err = db.Collection("counters").UpdateOne(ctx, bson.M{"_id": "runs"}, bson.M{"$inc": bson.M{"n": 0}})
			return err
		}},
	}
}

func seed(t *testing.T, db *mongo.Database) *odm.Model[User] {
	ctx := context.Background()
	_, err := db.Collection("users").InsertMany(ctx, []any{bson.M{"name": "ann", "email": "a@x"}, bson.M{"name": "bob", "email": "b@x", "plan": "pro"}})
	require.NoError(t, err)
	_, err = db.Collection("counters").InsertOne(ctx, bson.M{"_id": "runs", "n": 0})
	require.NoError(t, err)
	return odm.MustModel[User](db, "User", nil, nil)
}

func TestUpStatusDryRunDown(t *testing.T) {
	ctx := context.Background()
	db := devenv.Mongo(t)
	users := seed(t, db)
	var ran [3]atomic.Int32
	r, err := migrate.New(db, migrations(users, &ran), nil)
	require.NoError(t, err)

	// Dry run: the plan with the index diff, nothing written.
	steps, err := r.Up(ctx, &migrate.UpOpts{DryRun: true})
	require.NoError(t, err)
	require.Len(t, steps, 3)
	require.Equal(t, "001_user_email_unique", steps[0].ID, "ID order")
	require.Equal(t, []string{"email_1"}, steps[0].Indexes["User"].Created)
	require.True(t, steps[1].Data)
	require.Zero(t, ran[0].Load()+ran[1].Load()+ran[2].Load())
	idx, err := db.Collection("users").Indexes().ListSpecifications(ctx)
	require.NoError(t, err)
	require.Len(t, idx, 1, "dry run creates no index")
	st, err := r.Status(ctx)
	require.NoError(t, err)
	for _, s := range st {
		require.False(t, s.Applied)
	}

	// Up to the second, then the rest.
	steps, err = r.Up(ctx, &migrate.UpOpts{To: "002_backfill_plan"})
	require.NoError(t, err)
	require.Len(t, steps, 2)
	var ann bson.M
	require.NoError(t, db.Collection("users").FindOne(ctx, bson.M{"name": "ann"}).Decode(&ann))
	require.Equal(t, "free", ann["plan"])
	steps, err = r.Up(ctx, nil)
	require.NoError(t, err)
	require.Len(t, steps, 1)
	steps, err = r.Up(ctx, nil)
	require.NoError(t, err)
	require.Empty(t, steps, "nothing left")
	require.Equal(t, [3]int32{1, 1, 1}, [3]int32{ran[0].Load(), ran[1].Load(), ran[2].Load()})
	st, err = r.Status(ctx)
	require.NoError(t, err)
	require.Len(t, st, 3)
	for _, s := range st {
		require.True(t, s.Applied, s.ID)
		require.False(t, s.AppliedAt.IsZero())
	}
	_, err = db.Collection("users").InsertOne(ctx, bson.M{"name": "dup", "email": "a@x"})
	require.True(t, mongo.IsDuplicateKeyError(err), "the migration created the unique index: %v", err)

	// A program that knows fewer migrations sees the others as unknown.
	r1, err := migrate.New(db, migrations(users, &ran)[1:2], nil)
	require.NoError(t, err)
	st, err = r1.Status(ctx)
	require.NoError(t, err)
	require.Len(t, st, 3)
	require.True(t, st[1].Unknown && st[2].Unknown)

	// Down: 003 has no Down.
	_, err = r.Down(ctx)
	require.ErrorIs(t, err, migrate.ErrNoDown)
	r2, err := migrate.New(db, migrations(users, &ran)[:2], nil)
	require.NoError(t, err)
	_, err = db.Collection(migrate.DefaultHistory).DeleteOne(ctx, bson.M{"_id": "003_count"})
	require.NoError(t, err)
	id, err := r2.Down(ctx)
	require.NoError(t, err)
	require.Equal(t, "002_backfill_plan", id)
	var after bson.M
	require.NoError(t, db.Collection("users").FindOne(ctx, bson.M{"name": "ann"}).Decode(&after))
	require.NotContains(t, after, "plan")
	st, err = r2.Status(ctx)
	require.NoError(t, err)
	require.False(t, st[1].Applied)
}

func TestFailedMigrationIsNotRecorded(t *testing.T) {
	ctx := context.Background()
	db := devenv.Mongo(t)
	boom := errors.New("boom")
	fail := true
	migs := []migrate.Migration{
		{ID: "1", Up: func(context.Context, *mongo.Database) error { return nil }},
		{ID: "2", Up: func(context.Context, *mongo.Database) error {
			if fail {
				return boom
			}
			return nil
		}},
		{ID: "3", Up: func(context.Context, *mongo.Database) error { return nil }},
	}
	r, err := migrate.New(db, migs, nil)
	require.NoError(t, err)
	steps, err := r.Up(ctx, nil)
	require.ErrorIs(t, err, boom)
	require.Len(t, steps, 1)
	st, err := r.Status(ctx)
	require.NoError(t, err)
	require.Equal(t, []bool{true, false, false}, []bool{st[0].Applied, st[1].Applied, st[2].Applied})
	fail = false
	steps, err = r.Up(ctx, nil)
	require.NoError(t, err)
	require.Len(t, steps, 2)
	n, err := db.Collection(migrate.DefaultHistory).CountDocuments(ctx, bson.M{})
	require.NoError(t, err)
	require.Equal(t, int64(3), n, "three records, the lock released")
}

// TestConcurrentRunnersRunOnce: runners starting together (as instances
// of a service do) apply each migration exactly once. Invariant: every
// Up function ran once and the counter document was incremented once.
func TestConcurrentRunnersRunOnce(t *testing.T) {
	ctx := context.Background()
	db := devenv.Mongo(t)
	users := seed(t, db)
	var ran [3]atomic.Int32
	const runners = 6
	var wg sync.WaitGroup
	errs := make([]error, runners)
	applied := make([]int, runners)
	for i := range runners {
		r, err := migrate.New(db, migrations(users, &ran), &migrate.Opts{LockTTL: 10 * time.Second})
		require.NoError(t, err)
		wg.Add(1)
		go func() {
			defer wg.Done()
			steps, err := r.Up(ctx, nil)
			errs[i], applied[i] = err, len(steps)
		}()
	}
	wg.Wait()
	total := 0
	for i := range runners {
		require.NoError(t, errs[i])
		total += applied[i]
	}
	require.Equal(t, 3, total, "each migration applied by exactly one runner")
	require.Equal(t, [3]int32{1, 1, 1}, [3]int32{ran[0].Load(), ran[1].Load(), ran[2].Load()})
	var c bson.M
	require.NoError(t, db.Collection("counters").FindOne(ctx, bson.M{"_id": "runs"}).Decode(&c))
	require.EqualValues(t, 1, c["n"])
}

func TestLock(t *testing.T) {
	ctx := context.Background()
	db := devenv.Mongo(t)
	clock := time.Unix(1_000_000, 0) // clock-free: a fixed fake clock
	now := func() time.Time { return clock }
	migs := []migrate.Migration{{ID: "1", Up: func(context.Context, *mongo.Database) error { return nil }}}
	// A live lock of another runner: ErrLocked after LockWait.
	_, err := db.Collection(migrate.DefaultHistory).InsertOne(ctx, bson.M{"_id": "lock", "owner": "other", "expiresAt": clock.Add(time.Hour)})
	require.NoError(t, err)
	r, err := migrate.New(db, migs, &migrate.Opts{Clock: now, LockWait: time.Millisecond})
	require.NoError(t, err)
	_, err = r.Up(ctx, nil)
	require.ErrorIs(t, err, migrate.ErrLocked)
	// The other runner died: its lock expires and is taken over.
	clock = clock.Add(2 * time.Hour)
	steps, err := r.Up(ctx, nil)
	require.NoError(t, err)
	require.Len(t, steps, 1)
}

func TestNewRejectsBadMigrations(t *testing.T) {
	db := devenv.Mongo(t)
	up := func(context.Context, *mongo.Database) error { return nil }
	for _, migs := range [][]migrate.Migration{
		{{ID: "", Up: up}},
		{{ID: "lock", Up: up}},
		{{ID: "a", Up: up}, {ID: "a", Up: up}},
		{{ID: "a"}},
	} {
		_, err := migrate.New(db, migs, nil)
		require.ErrorIs(t, err, migrate.ErrInvalid)
	}
	_, err := migrate.New(nil, nil, nil)
	require.ErrorIs(t, err, migrate.ErrInvalid)
	r, err := migrate.New(db, []migrate.Migration{{ID: "a", Up: up}}, nil)
	require.NoError(t, err)
	_, err = r.Up(context.Background(), &migrate.UpOpts{To: "zzz"})
	require.ErrorIs(t, err, migrate.ErrInvalid)
}
