package orm_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/polystore/polystore/postgres/orm"
	"github.com/stretchr/testify/require"
)

// transfer is the guide's interactive transaction: debit only if the
// balance covers the amount (a miss is P2025), credit, record.
func transfer(ctx context.Context, c *orm.Client, from, to int, amount int64, opts *orm.TxOpts) error {
	return c.Transaction(ctx, func(ctx context.Context, tx *orm.Tx) error {
		_, err := orm.Update[Account](ctx, tx, AccountModel, &orm.UpdateArgs{
			Where: orm.Where{orm.Eq("id", from), orm.Gte("balance", amount)},
			Data:  orm.Data{"balance": orm.Decrement(amount)},
		})
		if err != nil {
			return err
		}
		if _, err := orm.Update[Account](ctx, tx, AccountModel, &orm.UpdateArgs{
			Where: orm.Where{orm.Eq("id", to)}, Data: orm.Data{"balance": orm.Increment(amount)},
		}); err != nil {
			return err
		}
		_, err = orm.Create[TransactionRow](ctx, tx, TransactionModel, &orm.CreateArgs{Data: orm.Data{
			"fromAccountId": from, "toAccountId": to, "amount": amount, "type": "TRANSFER"}})
		return err
	}, opts)
}

func accounts(t testing.TB, e *env, n int, balance int64) []int {
	ids := make([]int, n)
	for i := range ids {
		a, err := orm.Create[Account](context.Background(), e.c, AccountModel, &orm.CreateArgs{Data: orm.Data{"owner": "acc" + itoa(i), "balance": balance}})
		require.NoError(t, err)
		ids[i] = a.ID
	}
	return ids
}

func TestTransferRollsBackOnInsufficientFunds(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	ids := accounts(t, e, 2, 100)
	opts := &orm.TxOpts{Isolation: orm.Serializable}
	require.NoError(t, transfer(ctx, e.c, ids[0], ids[1], 60, opts))
	err := transfer(ctx, e.c, ids[0], ids[1], 60, opts)
	require.True(t, orm.IsNotFound(err), "balance >= amount missed: %v", err)
	a, err := orm.FindMany[Account](ctx, e.c, AccountModel, &orm.FindArgs{OrderBy: []orm.Order{orm.Asc("id")}})
	require.NoError(t, err)
	require.EqualValues(t, 40, a[0].Balance)
	require.EqualValues(t, 160, a[1].Balance)
	n, err := orm.Count(ctx, e.c, TransactionModel, nil)
	require.NoError(t, err)
	require.EqualValues(t, 1, n)
}

// 500 concurrent transfers under Serializable with retry: the total is
// conserved, no balance goes negative, and every successful transfer left
// exactly one record.
func TestConcurrentTransfersConserveTotal(t *testing.T) {
	e := newEnv(t, func(c *orm.Config) { c.Pool.MaxConns = 8 })
	ctx := context.Background()
	const nAcc, start, transfers = 6, 1000, 500
	ids := accounts(t, e, nAcc, start)
	opts := &orm.TxOpts{Isolation: orm.Serializable, MaxRetries: 100, MaxWait: time.Minute, Timeout: time.Minute}
	var ok, insufficient atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, transfers)
	for i := range transfers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(i), 7))
			from := ids[r.IntN(nAcc)]
			to := ids[r.IntN(nAcc)]
			for to == from {
				to = ids[r.IntN(nAcc)]
			}
			err := transfer(ctx, e.c, from, to, int64(1+r.IntN(400)), opts)
			switch {
			case err == nil:
				ok.Add(1)
			case orm.IsNotFound(err):
				insufficient.Add(1)
			default:
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("transfer failed: %v", err)
	}
	all, err := orm.FindMany[Account](ctx, e.c, AccountModel, nil)
	require.NoError(t, err)
	var total int64
	for _, a := range all {
		require.GreaterOrEqual(t, a.Balance, int64(0))
		total += a.Balance
	}
	require.EqualValues(t, nAcc*start, total)
	n, err := orm.Count(ctx, e.c, TransactionModel, nil)
	require.NoError(t, err)
	require.Equal(t, ok.Load(), n)
	require.EqualValues(t, transfers, ok.Load()+insufficient.Load())
	t.Logf("%d transfers done, %d refused for insufficient funds", ok.Load(), insufficient.Load())
}

func TestSerializationFailureWithoutRetry(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	ids := accounts(t, e, 1, 100)
	// Two transactions read then write the same row under Serializable:
	// one of them must fail with P2034 when retry is off.
	opts := &orm.TxOpts{Isolation: orm.Serializable}
	ready := make(chan struct{})
	var wg sync.WaitGroup
	results := make([]error, 2)
	var once sync.Once
	var arrived atomic.Int32
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = e.c.Transaction(ctx, func(ctx context.Context, tx *orm.Tx) error {
				a, err := orm.FindUniqueOrThrow[Account](ctx, tx, AccountModel, &orm.FindArgs{Where: orm.Where{orm.Eq("id", ids[0])}})
				if err != nil {
					return err
				}
				if arrived.Add(1) == 2 {
					once.Do(func() { close(ready) })
				}
				<-ready
				_, err = orm.Update[Account](ctx, tx, AccountModel, &orm.UpdateArgs{
					Where: orm.Where{orm.Eq("id", ids[0])}, Data: orm.Data{"balance": a.Balance + 1}})
				return err
			}, opts)
		}()
	}
	wg.Wait()
	failed := 0
	for _, err := range results {
		if err != nil {
			require.True(t, orm.IsSerializationFailure(err), "%v", err)
			require.ErrorIs(t, err, orm.ErrTransactionConflict)
			failed++
		}
	}
	require.Equal(t, 1, failed)
}

func TestTransactionTimeoutAndMaxWait(t *testing.T) {
	e := newEnv(t, func(c *orm.Config) { c.Pool.MaxConns = 1; c.PoolTimeout = 50 * time.Millisecond })
	ctx := context.Background()
	err := e.c.Transaction(ctx, func(ctx context.Context, tx *orm.Tx) error {
		_, err := orm.ExecRaw(ctx, tx, orm.SQL("SELECT pg_sleep(5)"))
		return err
	}, &orm.TxOpts{Timeout: 100 * time.Millisecond})
	require.ErrorIs(t, err, orm.ErrTransactionTimeout)

	hold := make(chan struct{})
	held := make(chan struct{})
	go func() {
		_ = e.c.Transaction(ctx, func(ctx context.Context, tx *orm.Tx) error {
			close(held)
			<-hold
			return nil
		}, &orm.TxOpts{Timeout: time.Minute})
	}()
	<-held
	err = e.c.Transaction(ctx, func(ctx context.Context, tx *orm.Tx) error { return nil }, &orm.TxOpts{MaxWait: 50 * time.Millisecond})
	require.ErrorIs(t, err, orm.ErrPoolTimeout)
	_, err = orm.Count(ctx, e.c, UserModel, nil)
	require.ErrorIs(t, err, orm.ErrPoolTimeout, "pool_timeout bounds single operations too")
	oe, ok := orm.AsError(err)
	require.True(t, ok)
	require.Equal(t, orm.CodePoolTimeout, oe.Code)
	close(hold)
}

func TestBatchTransaction(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	alice, _, _ := seed(t, e)
	res, err := e.c.Batch(ctx, []orm.BatchOp{
		orm.Step(func(ctx context.Context, db orm.DB) (*User, error) {
			return orm.Update[User](ctx, db, UserModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", alice.ID)}, Data: orm.Data{"name": "Updated"}})
		}),
		orm.Step(func(ctx context.Context, db orm.DB) (*Post, error) {
			return orm.Create[Post](ctx, db, PostModel, &orm.CreateArgs{Data: orm.Data{"title": "New Post", "authorId": alice.ID}})
		}),
	}, nil)
	require.NoError(t, err)
	require.Equal(t, "Updated", *res[0].(*User).Name)
	require.Equal(t, "New Post", res[1].(*Post).Title)

	// A failing step rolls back the earlier ones.
	_, err = e.c.Batch(ctx, []orm.BatchOp{
		orm.Step(func(ctx context.Context, db orm.DB) (*User, error) {
			return orm.Update[User](ctx, db, UserModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", alice.ID)}, Data: orm.Data{"name": "Again"}})
		}),
		orm.Step(func(ctx context.Context, db orm.DB) (*Post, error) {
			return orm.Create[Post](ctx, db, PostModel, &orm.CreateArgs{Data: orm.Data{"title": "New Post", "authorId": alice.ID}})
		}),
	}, nil)
	require.True(t, orm.IsUniqueViolation(err))
	u, err := orm.FindUniqueOrThrow[User](ctx, e.c, UserModel, &orm.FindArgs{Where: orm.Where{orm.Eq("id", alice.ID)}})
	require.NoError(t, err)
	require.Equal(t, "Updated", *u.Name)
}

func TestParseConfig(t *testing.T) {
	cfg, err := orm.ParseConfig("postgres://u@localhost:5432/db?connection_limit=20&pool_timeout=2.5&pool_min_conns=2&sslmode=disable")
	require.NoError(t, err)
	require.EqualValues(t, 20, cfg.Pool.MaxConns)
	require.EqualValues(t, 2, cfg.Pool.MinConns)
	require.Equal(t, 2500*time.Millisecond, cfg.PoolTimeout)
	cfg, err = orm.ParseConfig("postgres://u@localhost/db?pool_max_conns=7")
	require.NoError(t, err)
	require.EqualValues(t, 7, cfg.Pool.MaxConns)
	require.Equal(t, orm.DefaultPoolTimeout, cfg.PoolTimeout)
	for _, bad := range []string{"postgres://u@h/db?connection_limit=x", "postgres://u@h/db?pool_timeout=-1", "postgres://u@h/db?pool_max_conns=z"} {
		_, err := orm.ParseConfig(bad)
		require.Error(t, err, bad)
	}
}

func TestCloseWaitsForRunningOperations(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	started := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- e.c.Transaction(ctx, func(ctx context.Context, tx *orm.Tx) error {
			close(started)
			_, err := orm.ExecRaw(ctx, tx, orm.SQL("SELECT pg_sleep(0.2)"))
			return err
		}, nil)
	}()
	<-started
	e.c.Close()
	require.NoError(t, <-done, "the running transaction finished before the pool closed")
	_, err := orm.Count(ctx, e.c, UserModel, nil)
	require.True(t, errors.Is(err, orm.ErrClosed))
}

// The server drops the connection in the middle of a transaction: the
// caller gets an error, nothing of the transaction is committed, and the
// client recovers on fresh connections.
func TestConnectionKilledMidTransaction(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	ids := accounts(t, e, 2, 100)
	admin, err := pgx.Connect(ctx, e.url)
	require.NoError(t, err)
	defer admin.Close(ctx)
	err = e.c.Transaction(ctx, func(ctx context.Context, tx *orm.Tx) error {
		if _, err := orm.Update[Account](ctx, tx, AccountModel, &orm.UpdateArgs{
			Where: orm.Where{orm.Eq("id", ids[0])}, Data: orm.Data{"balance": orm.Decrement(50)}}); err != nil {
			return err
		}
		pid, err := orm.QueryRaw[int32](ctx, tx, orm.SQL("SELECT pg_backend_pid()"))
		if err != nil {
			return err
		}
		if _, err := admin.Exec(ctx, "SELECT pg_terminate_backend($1)", pid[0]); err != nil {
			return err
		}
		_, err = orm.Update[Account](ctx, tx, AccountModel, &orm.UpdateArgs{
			Where: orm.Where{orm.Eq("id", ids[1])}, Data: orm.Data{"balance": orm.Increment(50)}})
		return err
	}, &orm.TxOpts{MaxRetries: 3})
	require.Error(t, err)
	require.True(t, orm.IsConnectionClosed(err), "%v", err)
	oe, ok := orm.AsError(err)
	require.True(t, ok)
	require.Equal(t, "57P01", oe.SQLState)
	require.False(t, orm.IsSerializationFailure(err), "a lost connection is not retried as a conflict")
	all, err := orm.FindMany[Account](ctx, e.c, AccountModel, &orm.FindArgs{OrderBy: []orm.Order{orm.Asc("id")}})
	require.NoError(t, err, "the client recovers on a fresh connection")
	require.EqualValues(t, 100, all[0].Balance, "the debit was never committed")
	require.EqualValues(t, 100, all[1].Balance)
}
