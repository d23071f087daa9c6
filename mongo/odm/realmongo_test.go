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
