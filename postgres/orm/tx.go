package orm

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Isolation is a transaction isolation level.
type Isolation = pgx.TxIsoLevel

// Isolation levels.
const (
	ReadCommitted  = pgx.ReadCommitted
	RepeatableRead = pgx.RepeatableRead
	Serializable   = pgx.Serializable
)

// TxOpts tune a transaction. A nil *TxOpts uses the defaults.
type TxOpts struct {
	// Isolation level; empty uses the server default (read committed).
	Isolation Isolation
	// ReadOnly starts a READ ONLY transaction.
	ReadOnly bool
	// MaxWait bounds the wait for a pooled connection (Prisma's maxWait,
	// default 2s); on expiry the error is P2024.
	MaxWait time.Duration
	// Timeout bounds the whole transaction, from the first statement to the
	// commit (Prisma's timeout, default 5s); the context given to the
	// function is cancelled then and the transaction rolls back with
	// ErrTransactionTimeout.
	Timeout time.Duration
	// MaxRetries retries the whole function on serialization failure or
	// deadlock (40001, 40P01: P2034) up to this many times (0: no retry).
	// The function must then be safe to run again.
	MaxRetries int
	// RetryBackoff is the base delay before a retry, doubled each attempt
	// with full jitter (default 5ms, capped at 1s).
	RetryBackoff time.Duration
}

// Default transaction limits (Prisma's).
const (
	DefaultMaxWait   = 2 * time.Second
	DefaultTxTimeout = 5 * time.Second
)

// Tx is an interactive transaction; pass it as the DB of operations.
type Tx struct {
	h *handle
}

func (t *Tx) handle() *handle {
	if t == nil {
		return nil
	}
	return t.h
}

// PgxTx returns the underlying pgx transaction (for raw pgx calls).
func (t *Tx) PgxTx() pgx.Tx { return t.h.tx }

// Transaction runs f in a transaction, committing when f returns nil and
// rolling back otherwise. With opts.MaxRetries, transaction conflicts
// (P2034) rerun f after a backoff. f must use tx, not the client, for its
// operations.
//
// Called with the context of a running transaction of a client sharing
// the same pool (the ctx given to an enclosing Transaction's function),
// Transaction joins that transaction instead of taking a second
// connection: f runs on the same connection inside a SAVEPOINT, which is
// released when f returns nil and rolled back to otherwise. The inner work
// thus commits or rolls back with the outer transaction, and a failing
// inner function undoes only its own work, leaving the outer function free
// to handle the error. opts are then ignored (isolation, access mode and
// the timeout are the outer transaction's; a conflict is retried by the
// outer call only), and TxSetup hooks are not run again. Inner
// transactions must not run concurrently with each other or with the
// outer function's own statements (one connection runs one statement at a
// time).
func (c *Client) Transaction(ctx context.Context, f func(ctx context.Context, tx *Tx) error, opts *TxOpts) error {
	if c == nil || c.h == nil {
		return validationErr(nil, "", errNoDB)
	}
	if f == nil {
		return validationErr(nil, "", "Transaction needs a function")
	}
	if at, ok := ctx.Value(txKey{}).(*activeTx); ok && at.pool == c.pool && !at.done.Load() {
		return c.joinTx(ctx, at, f)
	}
	var o TxOpts
	if opts != nil {
		o = *opts
	}
	if o.MaxWait <= 0 {
		o.MaxWait = DefaultMaxWait
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTxTimeout
	}
	if o.RetryBackoff <= 0 {
		o.RetryBackoff = 5 * time.Millisecond
	}
	if err := c.enter(); err != nil {
		return err
	}
	defer c.leave()
	for attempt := 0; ; attempt++ {
		err := c.txOnce(ctx, f, &o)
		if err == nil || attempt >= o.MaxRetries || !IsSerializationFailure(err) || ctx.Err() != nil {
			return err
		}
		d := o.RetryBackoff << min(attempt, 16)
		if d > time.Second || d <= 0 {
			d = time.Second
		}
		t := time.NewTimer(rand.N(d) + time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

func (c *Client) txOnce(ctx context.Context, f func(ctx context.Context, tx *Tx) error, o *TxOpts) (err error) {
	wctx, cancel := context.WithTimeout(ctx, o.MaxWait)
	conn, err := c.pool.Acquire(wctx)
	cancel()
	if err != nil {
		if ctx.Err() == nil {
			return poolTimeoutErr(err)
		}
		return err
	}
	c.life.busy.Add(1)
	defer c.release(conn)
	tctx, cancelT := context.WithTimeoutCause(ctx, o.Timeout, ErrTransactionTimeout)
	defer cancelT()
	mode := pgx.ReadWrite
	if o.ReadOnly {
		mode = pgx.ReadOnly
	}
	ws := c.newWriteSet()
	err = c.runTx(tctx, conn, pgx.TxOptions{IsoLevel: o.Isolation, AccessMode: mode}, func(ptx pgx.Tx) error {
		at := &activeTx{pool: c.pool, tx: ptx, ws: ws}
		defer at.done.Store(true)
		return f(context.WithValue(tctx, txKey{}, at), &Tx{h: &handle{c: c, tx: ptx, ws: ws}})
	})
	if err != nil && errors.Is(context.Cause(tctx), ErrTransactionTimeout) && ctx.Err() == nil {
		return &Error{Code: CodeTransactionClosed, Message: fmt.Sprintf("transaction exceeded its timeout of %s", o.Timeout),
			Err: errors.Join(ErrTransactionTimeout, err)}
	}
	if err != nil {
		return classify(nil, err)
	}
	c.flush(ctx, ws)
	return nil
}

// txKey is the context key of the running transaction.
type txKey struct{}

// activeTx is the transaction a Transaction function runs in.
type activeTx struct {
	pool *pgxpool.Pool
	tx   pgx.Tx      // the transaction or the innermost savepoint
	done atomic.Bool // set when the function has returned
	ws   *writeSet   // the models written in tx (nil: not reported)
}

// joinTx runs f inside a savepoint of the running transaction at.
func (c *Client) joinTx(ctx context.Context, at *activeTx, f func(ctx context.Context, tx *Tx) error) error {
	if err := c.enter(); err != nil {
		return err
	}
	defer c.leave()
	var ws *writeSet
	if at.ws != nil {
		ws = &writeSet{}
	}
	err := pgx.BeginFunc(ctx, at.tx, func(sp pgx.Tx) error {
		inner := &activeTx{pool: c.pool, tx: sp, ws: ws}
		defer inner.done.Store(true)
		return f(context.WithValue(ctx, txKey{}, inner), &Tx{h: &handle{c: c, tx: sp, ws: ws}})
	})
	if err != nil {
		return classify(nil, err) // the savepoint was rolled back to: its writes are gone
	}
	if ws != nil {
		at.ws.add(ws.list()...) // reported when the outer transaction commits
	}
	return nil
}

// BatchOp is one operation of a batch transaction; build it with Step.
type BatchOp func(ctx context.Context, db DB) (any, error)

// Step wraps a typed operation for Batch, e.g.
//
//	orm.Step(func(ctx context.Context, db orm.DB) (*User, error) {
//		return orm.Update[User](ctx, db, UserModel, args)
//	})
func Step[R any](f func(ctx context.Context, db DB) (R, error)) BatchOp {
	if f == nil {
		return nil // Batch reports a nil operation as a ValidationError
	}
	return func(ctx context.Context, db DB) (any, error) { return f(ctx, db) }
}

// Batch runs the operations in order in one transaction (Prisma's
// $transaction([...])) and returns their results in the same order; any
// failure rolls back all of them.
func (c *Client) Batch(ctx context.Context, ops []BatchOp, opts *TxOpts) ([]any, error) {
	for i, op := range ops {
		if op == nil {
			return nil, validationErr(nil, "["+strconv.Itoa(i)+"]", "Batch operation is nil")
		}
	}
	var out []any
	err := c.Transaction(ctx, func(ctx context.Context, tx *Tx) error {
		out = make([]any, len(ops))
		for i, op := range ops {
			r, err := op(ctx, tx)
			if err != nil {
				return fmt.Errorf("orm: batch operation %d: %w", i, err)
			}
			out[i] = r
		}
		return nil
	}, opts)
	if err != nil {
		return nil, err
	}
	return out, nil
}
