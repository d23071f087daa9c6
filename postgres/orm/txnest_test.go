package orm_test

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/polystore/polystore/postgres/orm"
	"github.com/stretchr/testify/require"
)

// Invariant: with a single pooled connection (connection_limit=1), a
// Transaction called inside a transaction joins it: it runs on the same
// connection and transaction (no pool wait, no deadlock), its work commits
// or rolls back with the outer transaction, and a failing inner call
// undoes only its own work.
func TestNestedTransactionJoinsOuter(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	u, err := url.Parse(e.url)
	require.NoError(t, err)
	q := u.Query()
	q.Set("connection_limit", "1")
	q.Set("pool_timeout", "1")
	u.RawQuery = q.Encode()
	cfg, err := orm.ParseConfig(u.String())
	require.NoError(t, err)
	c, err := orm.New(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(c.Close)
	require.EqualValues(t, 1, c.Pool().Config().MaxConns)
	ids := accounts(t, e, 3, 100)
	balances := func(db orm.DB, ctx context.Context) []int64 {
		as, err := orm.FindMany[Account](ctx, db, AccountModel, &orm.FindArgs{OrderBy: []orm.Order{orm.Asc("id")}})
		require.NoError(t, err)
		out := make([]int64, len(as))
		for i, a := range as {
			out[i] = a.Balance
		}
		return out
	}
	type txID struct {
		PID int64 `db:"pid"`
		XID int64 `db:"xid"`
	}
	whoami := func(ctx context.Context, db orm.DB) txID {
		r, err := orm.QueryRaw[txID](ctx, db, orm.SQL("SELECT pg_backend_pid()::bigint AS pid, txid_current() AS xid"))
		require.NoError(t, err)
		return r[0]
	}
	errBoom := errors.New("boom")
	short := &orm.TxOpts{MaxWait: 100 * time.Millisecond}
	var done context.Context

	err = c.Transaction(ctx, func(ctx context.Context, tx *orm.Tx) error {
		done = ctx
		outer := whoami(ctx, tx)
		// transfer calls Transaction itself: it joins instead of waiting for a connection.
		require.NoError(t, transfer(ctx, c, ids[0], ids[1], 10, short))
		err := c.Transaction(ctx, func(ctx context.Context, itx *orm.Tx) error {
			require.Equal(t, outer, whoami(ctx, itx), "same connection, same transaction")
			require.Equal(t, []int64{90, 110, 100}, balances(itx, ctx), "the inner call sees the outer's work")
			// Two levels deep, through a client derived with With.
			return c.With(&orm.Extension{Name: "noop"}).Transaction(ctx, func(ctx context.Context, itx2 *orm.Tx) error {
				require.Equal(t, outer, whoami(ctx, itx2))
				return nil
			}, short)
		}, short)
		require.NoError(t, err)

		// A failing inner call undoes only its own work.
		err = c.Transaction(ctx, func(ctx context.Context, itx *orm.Tx) error {
			_, err := orm.UpdateMany(ctx, itx, AccountModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", ids[2])}, Data: orm.Data{"balance": 0}})
			require.NoError(t, err)
			return errBoom
		}, short)
		require.ErrorIs(t, err, errBoom)
		// So does a failing statement: the transaction stays usable.
		err = c.Transaction(ctx, func(ctx context.Context, itx *orm.Tx) error {
			_, err := orm.ExecRaw(ctx, itx, orm.SQL("SELECT 1/0"))
			return err
		}, short)
		require.Error(t, err)
		// Batch joins too.
		_, err = c.Batch(ctx, []orm.BatchOp{orm.Step(func(ctx context.Context, db orm.DB) (int64, error) {
			return orm.UpdateMany(ctx, db, AccountModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", ids[2])}, Data: orm.Data{"balance": orm.Increment(1)}})
		})}, short)
		require.NoError(t, err)
		require.Equal(t, []int64{90, 110, 101}, balances(tx, ctx))
		return nil
	}, &orm.TxOpts{Timeout: 30 * time.Second})
	require.NoError(t, err)
	require.Equal(t, []int64{90, 110, 101}, balances(c, ctx), "inner work committed with the outer transaction")
	n, err := orm.Count(ctx, c, TransactionModel, nil)
	require.NoError(t, err)
	require.EqualValues(t, 1, n)

	// An outer rollback undoes the inner calls' work.
	err = c.Transaction(ctx, func(ctx context.Context, tx *orm.Tx) error {
		require.NoError(t, transfer(ctx, c, ids[0], ids[1], 5, short))
		return errBoom
	}, nil)
	require.ErrorIs(t, err, errBoom)
	require.Equal(t, []int64{90, 110, 101}, balances(c, ctx))

	// The context of a finished transaction starts a new one.
	require.NoError(t, transfer(context.WithoutCancel(done), c, ids[0], ids[1], 5, short))
	require.Equal(t, []int64{85, 115, 101}, balances(c, ctx))
}
