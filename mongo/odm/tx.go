package odm

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Error labels the server (or driver) puts on retryable transaction errors.
const (
	LabelTransientTransaction       = "TransientTransactionError"
	LabelUnknownCommitResult        = "UnknownTransactionCommitResult"
	defaultTxMaxDuration            = 60 * time.Second
	defaultTxBaseBackoff            = 5 * time.Millisecond
	defaultTxMaxBackoff             = 500 * time.Millisecond
	maxTimeMSExpiredCode      int32 = 50
)

// ErrTxRetriesExhausted is wrapped by *TxError when the deadline ran out
// while retrying.
var ErrTxRetriesExhausted = errors.New("odm: transaction retries exhausted")

// TxOpts tunes WithTransaction.
type TxOpts struct {
	// MaxDuration bounds all attempts together (default 60s, the server's
	// transaction lifetime); the ctx deadline applies too.
	MaxDuration time.Duration
	// BaseBackoff and MaxBackoff shape the jittered exponential backoff
	// between attempts (defaults 5ms and 500ms).
	BaseBackoff, MaxBackoff time.Duration
	// Transaction sets read/write concerns and read preference.
	Transaction *options.TransactionOptionsBuilder
}

// TxError is returned when a transaction gave up after retrying.
type TxError struct {
	Attempts int
	Err      error
}

func (e *TxError) Error() string {
	return fmt.Sprintf("odm: transaction failed after %d attempts: %v", e.Attempts, e.Err)
}
func (e *TxError) Unwrap() []error { return []error{ErrTxRetriesExhausted, e.Err} }

// HasErrorLabel reports whether err carries a server error label.
func HasErrorLabel(err error, label string) bool {
	var le interface{ HasErrorLabel(string) bool }
	return errors.As(err, &le) && le.HasErrorLabel(label)
}

// txSession is the part of *mongo.Session a transaction needs; tests
// substitute it to inject failures.
type txSession interface {
	StartTransaction(...options.Lister[options.TransactionOptions]) error
	AbortTransaction(context.Context) error
	CommitTransaction(context.Context) error
	EndSession(context.Context)
	context(parent context.Context) context.Context
}

type driverSession struct{ *mongo.Session }

func (s driverSession) context(parent context.Context) context.Context {
	return mongo.NewSessionContext(parent, s.Session)
}

// WithTransaction runs fn in a transaction on a new session of client and
// commits it. Model calls inside fn use the session carried by the ctx fn
// receives. It retries the whole transaction on TransientTransactionError
// and the commit on UnknownTransactionCommitResult, with jittered
// exponential backoff, until opts.MaxDuration (and the ctx deadline). fn
// may run several times: it must have no effects outside the transaction.
// An error from fn without the transient label aborts and is returned as is.
func WithTransaction(ctx context.Context, client *mongo.Client, fn func(ctx context.Context) error, opts *TxOpts) error {
	sess, err := client.StartSession()
	if err != nil {
		return err
	}
	return reportTx(ctx, fn, func(fn func(ctx context.Context) error) error { return runTx(ctx, driverSession{sess}, fn, opts) })
}

func runTx(ctx context.Context, sess txSession, fn func(ctx context.Context) error, opts *TxOpts) error {
	defer sess.EndSession(context.WithoutCancel(ctx))
	o := TxOpts{}
	if opts != nil {
		o = *opts
	}
	if o.MaxDuration <= 0 {
		o.MaxDuration = defaultTxMaxDuration
	}
	if o.BaseBackoff <= 0 {
		o.BaseBackoff = defaultTxBaseBackoff
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = defaultTxMaxBackoff
	}
	deadline := time.Now().Add(o.MaxDuration)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	var txOpts []options.Lister[options.TransactionOptions]
	if o.Transaction != nil {
		txOpts = append(txOpts, o.Transaction)
	}
	attempt := 0
	backoff := func() error {
		d := o.BaseBackoff << min(attempt, 16)
		if d > o.MaxBackoff || d <= 0 {
			d = o.MaxBackoff
		}
		d = time.Duration(rand.Int64N(int64(d)) + 1) // full jitter
		if time.Now().Add(d).After(deadline) {
			return errDeadline
		}
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			return nil
		}
	}
	for {
		attempt++
		if err := sess.StartTransaction(txOpts...); err != nil {
			return err
		}
		sctx := sess.context(ctx)
		err := fn(sctx)
		if err != nil {
			_ = sess.AbortTransaction(context.WithoutCancel(ctx))
			if HasErrorLabel(err, LabelTransientTransaction) && ctx.Err() == nil {
				if berr := backoff(); berr != nil {
					return giveUp(attempt, err, berr)
				}
				continue
			}
			return err
		}
		for {
			err = sess.CommitTransaction(sctx)
			if err == nil {
				return nil
			}
			if HasErrorLabel(err, LabelUnknownCommitResult) && !isMaxTimeExpired(err) && ctx.Err() == nil {
				if berr := backoff(); berr != nil {
					return giveUp(attempt, err, berr)
				}
				continue // commit is idempotent: retry it alone
			}
			break
		}
		if HasErrorLabel(err, LabelTransientTransaction) && ctx.Err() == nil {
			if berr := backoff(); berr != nil {
				return giveUp(attempt, err, berr)
			}
			continue
		}
		return err
	}
}

var errDeadline = errors.New("deadline")

func giveUp(attempts int, last, why error) error {
	if errors.Is(why, errDeadline) {
		return &TxError{Attempts: attempts, Err: last}
	}
	return errors.Join(why, last)
}

func isMaxTimeExpired(err error) bool {
	var ce mongo.CommandError
	return errors.As(err, &ce) && ce.Code == maxTimeMSExpiredCode
}
