package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/examples/prismaclient/db"
	"github.com/polystore/polystore/postgres/gen/typed"
	"github.com/polystore/polystore/postgres/orm"
)

var errInsufficientFunds = errors.New("insufficient funds")

// transfer is the guide's interactive transaction, done right: the debit's
// where carries balance >= amount, so a short account is a P2025 miss
// instead of a negative balance, and the whole function is retried on
// serialization failures.
func transfer(ctx context.Context, c *db.Client, from, to int, amount decimal.Decimal) (*db.Transfer, error) {
	var out *db.Transfer
	err := c.Transaction(ctx, func(ctx context.Context, tx *db.Client) error {
		_, err := tx.Account.Update(ctx, &db.AccountUpdateArgs{
			Where: db.AccountByID(from).And(db.AccountFields.Balance.Gte(amount)),
			Data:  []db.AccountSet{db.AccountFields.Balance.Decrement(amount)},
		})
		if orm.IsNotFound(err) {
			return errInsufficientFunds
		}
		if err != nil {
			return err
		}
		if _, err := tx.Account.Update(ctx, &db.AccountUpdateArgs{
			Where: db.AccountByID(to),
			Data:  []db.AccountSet{db.AccountFields.Balance.Increment(amount)},
		}); err != nil {
			return err
		}
		out, err = tx.Transfer.Create(ctx, &db.TransferCreateArgs{Data: []db.TransferSet{
			db.TransferFields.From.Connect(db.AccountByID(from)),
			db.TransferFields.To.Connect(db.AccountByID(to)),
			db.TransferFields.Amount.Set(amount),
			db.TransferFields.Type.Set("TRANSFER"),
		}})
		return err
	}, &orm.TxOpts{Isolation: orm.Serializable, MaxRetries: 200, RetryBackoff: time.Millisecond,
		MaxWait: 30 * time.Second, Timeout: 30 * time.Second})
	return out, err
}

func TestTransferGuardsBalance(t *testing.T) {
	c, _ := setup(t)
	ctx := context.Background()
	a, err := c.Account.Create(ctx, &db.AccountCreateArgs{Data: []db.AccountSet{
		db.AccountFields.Owner.Set("a"), db.AccountFields.Balance.Set(dec("10.50"))}})
	require.NoError(t, err)
	b, err := c.Account.Create(ctx, &db.AccountCreateArgs{Data: []db.AccountSet{
		db.AccountFields.Owner.Set("b"), db.AccountFields.Balance.Set(dec("0"))}})
	require.NoError(t, err)

	tr, err := transfer(ctx, c, a.ID, b.ID, dec("10.25"))
	require.NoError(t, err)
	require.Equal(t, "10.25", decText(t, tr.Amount))

	_, err = transfer(ctx, c, a.ID, b.ID, dec("0.26"))
	require.ErrorIs(t, err, errInsufficientFunds, "0.25 left: the guarded update misses")

	got, err := c.Account.FindUniqueOrThrow(ctx, db.AccountByID(a.ID), nil)
	require.NoError(t, err)
	require.Equal(t, "0.25", decText(t, got.Balance), "Decimal(10,2) stays exact")
	n, err := c.Transfer.Count(ctx, nil)
	require.NoError(t, err)
	require.Equal(t, int64(1), n, "the failed transfer rolled back entirely")
}

// 500 concurrent random transfers under Serializable with retry: the total
// balance is conserved, no balance goes negative, and the transfer log
// matches the successful transfers.
func TestConcurrentTransfersConserveTotal(t *testing.T) {
	c, _ := setup(t)
	ctx := context.Background()
	const accounts, transfers = 8, 500
	ids := make([]int, accounts)
	for i := range ids {
		a, err := c.Account.Create(ctx, &db.AccountCreateArgs{Data: []db.AccountSet{
			db.AccountFields.Owner.Set(fmt.Sprintf("owner%d", i)), db.AccountFields.Balance.Set(dec("100.00"))}})
		require.NoError(t, err)
		ids[i] = a.ID
	}
	var (
		mu           sync.Mutex
		ok, short    int
		otherErrs    []error
		wg           sync.WaitGroup
		sem          = make(chan struct{}, 16)
		expectedSent = map[int]int64{} // cents sent per account
	)
	for i := range transfers {
		from := ids[rand.IntN(accounts)]
		to := ids[(indexOf(ids, from)+1+rand.IntN(accounts-1))%accounts]
		cents := int64(1 + rand.IntN(4000))
		amount := dec(fmt.Sprintf("%d.%02d", cents/100, cents%100))
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			_, err := transfer(ctx, c, from, to, amount)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
				expectedSent[from] += cents
			case errors.Is(err, errInsufficientFunds):
				short++
			default:
				otherErrs = append(otherErrs, fmt.Errorf("transfer %d: %w", i, err))
			}
		}()
	}
	wg.Wait()
	require.Empty(t, otherErrs)
	require.Equal(t, transfers, ok+short)
	require.Positive(t, ok)

	agg, err := c.Account.Aggregate(ctx, &db.AccountAggregateArgs{
		Count: true, Sum: []db.AccountField{db.AccountFields.Balance}, Min: []db.AccountField{db.AccountFields.Balance}})
	require.NoError(t, err)
	require.Equal(t, int64(accounts), agg.Count)
	total, ok2, err := typed.AggOf[decimal.Decimal](agg.Sum, db.AccountFields.Balance)
	require.NoError(t, err)
	require.True(t, ok2)
	require.Equal(t, "800.00", decText(t, total), "the total is conserved exactly")
	negative, err := c.Account.Count(ctx, &db.AccountCountArgs{Where: []db.AccountCond{db.AccountFields.Balance.Lt(dec("0"))}})
	require.NoError(t, err)
	require.Zero(t, negative)

	logged, err := c.Transfer.Count(ctx, nil)
	require.NoError(t, err)
	require.Equal(t, int64(ok), logged, "one log row per successful transfer")
	groups, err := c.Transfer.GroupBy(ctx, &db.TransferGroupByArgs{
		By: []db.TransferField{db.TransferFields.FromID}, Sum: []db.TransferField{db.TransferFields.Amount}})
	require.NoError(t, err)
	for _, g := range groups {
		from, isInt := g.Key["fromId"].(int32)
		require.True(t, isInt, "%T", g.Key["fromId"])
		want := expectedSent[int(from)]
		require.Equal(t, fmt.Sprintf("%d.%02d", want/100, want%100), decText(t, g.Sum["amount"]), "account %d", from)
	}
}

func indexOf(ids []int, id int) int {
	for i, x := range ids {
		if x == id {
			return i
		}
	}
	return -1
}

// Decimals stay exact when loaded as nested JSON (join strategy) and as
// top-level columns (query strategy).
func TestDecimalInIncludes(t *testing.T) {
	c, _ := setup(t)
	ctx := context.Background()
	a, err := c.Account.Create(ctx, &db.AccountCreateArgs{Data: []db.AccountSet{
		db.AccountFields.Owner.Set("a"), db.AccountFields.Balance.Set(dec("99999999.99"))}})
	require.NoError(t, err)
	b, err := c.Account.Create(ctx, &db.AccountCreateArgs{Data: []db.AccountSet{
		db.AccountFields.Owner.Set("b"), db.AccountFields.Balance.Set(dec("0.10"))}})
	require.NoError(t, err)
	_, err = transfer(ctx, c, a.ID, b.ID, dec("0.20"))
	require.NoError(t, err)
	for _, st := range strategies {
		t.Run(st.name, func(t *testing.T) {
			got, err := c.Account.FindUniqueOrThrow(ctx, db.AccountByID(b.ID), &db.AccountFindArgs{
				Strategy: st.s,
				Include: []db.AccountInclude{db.AccountFields.Received.Include(&db.TransferFindArgs{
					Include: []db.TransferInclude{db.TransferFields.From.Include(nil)},
				})},
				Count: []db.AccountCountOf{db.AccountFields.Sent.Count(), db.AccountFields.Received.Count()},
			})
			require.NoError(t, err)
			require.Equal(t, "0.30", decText(t, got.Balance))
			require.Len(t, got.Received, 1)
			require.Equal(t, "0.20", decText(t, got.Received[0].Amount))
			require.Equal(t, "99999999.79", decText(t, got.Received[0].From.Balance), "no float rounding on the way")
			require.Equal(t, int64(0), got.Count.Sent)
			require.Equal(t, int64(1), got.Count.Received)
		})
	}
}
