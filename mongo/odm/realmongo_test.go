package odm_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm"
)

// Invariant: 200 concurrent transfers between 10 accounts never create or
// destroy money, never overdraw, and every committed transfer has exactly
// one record.
func TestConcurrentTransfersConserveBalance(t *testing.T) {
	devenv.RequireRealMongo(t, "transactions; FerretDB also loses concurrent updates")
	ctx := context.Background()
	db := devenv.Mongo(t)
	accounts := odm.MustModel[Account](db, "Account", nil, nil)
	transfers := odm.MustModel[Transfer](db, "Transfer", nil, nil)
	const n, start = 10, 1000
	// Collections must exist before transactions create documents in them.
	for i := 0; i < n; i++ {
		require.NoError(t, accounts.Create(ctx, &Account{ID: fmt.Sprintf("acc%d", i), Owner: "o", Balance: start}))
	}
	require.NoError(t, transfers.Create(ctx, &Transfer{From: "seed", To: "seed", Amount: 1}))

	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, insufficient := 0, 0
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			from, to := rand.IntN(n), rand.IntN(n-1)
			if to >= from {
				to++
			}
			err := transferMoney(ctx, db.Client(), accounts, transfers, bson.NewObjectID(), fmt.Sprintf("acc%d", from), fmt.Sprintf("acc%d", to), int64(1+rand.IntN(400)))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, errInsufficientFunds):
				insufficient++
			default:
				t.Errorf("transfer: %v", err)
			}
		}()
	}
	wg.Wait()
	all, err := accounts.Find(nil).Lean().All(ctx)
	require.NoError(t, err)
	var total int64
	for _, a := range all {
		require.GreaterOrEqual(t, a.Balance, int64(0), a.ID)
		total += a.Balance
	}
	require.Equal(t, int64(n*start), total, "money conserved")
	recs, err := transfers.Count(ctx, bson.M{"from": bson.M{"$ne": "seed"}})
	require.NoError(t, err)
	require.Equal(t, int64(ok), recs, "one record per committed transfer")
	require.Equal(t, 200, ok+insufficient)
}

// Invariant: of N concurrent Saves of copies of one document loaded at the
// same version, exactly one wins; the others get a stale-document error.
func TestConcurrentSavesOneWinner(t *testing.T) {
	devenv.RequireRealMongo(t, "atomic conditional updates (FerretDB loses concurrent updates)")
	ctx := context.Background()
	users := userModel(t)
	docs := seedUsers(t, users, 1)
	const n = 16
	copies := make([]*User, n)
	for i := range copies {
		c, err := users.FindByID(ctx, docs[0].ID)
		require.NoError(t, err)
		copies[i] = c
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range copies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			copies[i].Email = fmt.Sprintf("w%d@x", i)
			errs[i] = users.Save(ctx, copies[i])
		}()
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		if err == nil {
			wins++
		} else {
			require.True(t, odm.IsStale(err), "%v", err)
		}
	}
	require.Equal(t, 1, wins)
}

// The driver's retry (which odm.WithTransaction uses) on a real MongoDB
// whose commitTransaction is made to fail by the failCommand fail point:
// an unknown commit result retries the commit alone (the body ran once,
// the document is there once, AfterWrite reported it once); a transient
// commit error reruns the body.
func TestTransactionCommitRetriesOnMongoDB(t *testing.T) {
	devenv.RequireRealMongo(t, "transactions and the failCommand fail point")
	ctx := context.Background()
	db := devenv.Mongo(t)
	admin := db.Client().Database("admin")
	var reported int
	accounts := odm.MustModel[Account](db, "Account", nil, &odm.ModelOpts{AfterWrite: func(context.Context, []odm.Written) { reported++ }})
	require.NoError(t, accounts.Create(ctx, &Account{ID: "seed", Owner: "o"}))
	failCommit := func(times int, code int32, label string) {
		require.NoError(t, admin.RunCommand(ctx, bson.D{
			{Key: "configureFailPoint", Value: "failCommand"},
			{Key: "mode", Value: bson.D{{Key: "times", Value: times}}},
			{Key: "data", Value: bson.D{
				{Key: "failCommands", Value: bson.A{"commitTransaction"}},
				{Key: "errorCode", Value: code},
				{Key: "errorLabels", Value: bson.A{label}},
			}},
		}).Err())
		t.Cleanup(func() {
			_ = admin.RunCommand(context.Background(), bson.D{{Key: "configureFailPoint", Value: "failCommand"}, {Key: "mode", Value: "off"}}).Err()
		})
	}
	for _, tc := range []struct {
		name     string
		code     int32
		label    string
		wantRuns int
	}{
		{"unknown commit result retries the commit alone", 91, odm.LabelUnknownCommitResult, 1},
		{"transient commit error reruns the transaction", 251, odm.LabelTransientTransaction, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reported = 0
			failCommit(1, tc.code, tc.label)
			id := devenv.UniqueName("acc_")
			runs := 0
			err := odm.WithTransaction(ctx, db.Client(), func(ctx context.Context) error {
				runs++
				return accounts.Create(ctx, &Account{ID: id, Owner: "o", Balance: 5})
			}, nil)
			require.NoError(t, err)
			require.Equal(t, tc.wantRuns, runs)
			n, err := accounts.Count(ctx, bson.M{"_id": id})
			require.NoError(t, err)
			require.Equal(t, int64(1), n)
			require.Equal(t, 1, reported)
		})
	}
}
