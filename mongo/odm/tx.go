package odm

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Error labels the server (or driver) puts on retryable transaction errors.
const (
	LabelTransientTransaction = "TransientTransactionError"
	LabelUnknownCommitResult  = "UnknownTransactionCommitResult"
	defaultTxMaxDuration      = 60 * time.Second
)

// ErrTxRetriesExhausted is wrapped by *TxError when the deadline ran out
// while retrying.
var ErrTxRetriesExhausted = errors.New("odm: transaction retries exhausted")

// TxOpts tunes WithTransaction.
type TxOpts struct {
	// MaxDuration bounds all attempts together (default 60s, the server's
	// transaction lifetime; the driver's own bound is 120s or the client's
	// Timeout); the ctx deadline applies too.
	MaxDuration time.Duration
	// BaseBackoff and MaxBackoff are no longer used: the driver's
	// Session.WithTransaction backs off between attempts (jittered, 5ms
	// growing by half up to 500ms). Kept so existing callers compile.
	//
	// Deprecated: ignored.
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

// WithTransaction runs fn in a transaction on a new session of client and
// commits it. Model calls inside fn use the session carried by the ctx fn
// receives.
//
// The retrying is the driver's Session.WithTransaction: the whole
// transaction again on TransientTransactionError, the commit alone on
// UnknownTransactionCommitResult (not after MaxTimeMSExpired), with
// jittered backoff. WithTransaction adds what the driver lacks: a bound of
// its own (opts.MaxDuration, and the ctx deadline or cancellation checked
// before every attempt), the count of attempts and a typed *TxError when
// it gave up, and AfterWrite reports held until the commit. fn may run
// several times: it must have no effects outside the transaction. An
// error from fn without the transient label aborts and is returned as is,
// except a server's refusal of transactions themselves (a standalone
// MongoDB, the embedded FerretDB), which is an *UnsupportedError
// (IsUnsupported) wrapping it. A nil client or fn is an error wrapping
// ErrInvalid.
func WithTransaction(ctx context.Context, client *mongo.Client, fn func(ctx context.Context) error, opts *TxOpts) error {
	if client == nil {
		return invalidf("WithTransaction needs a client")
	}
	if fn == nil {
		return invalidf("WithTransaction needs a function")
	}
	sess, err := client.StartSession()
	if err != nil {
		return err
	}
	defer sess.EndSession(context.WithoutCancel(ctx))
	return reportTx(ctx, fn, func(fn func(ctx context.Context) error) error { return runTx(ctx, sess, fn, opts) })
}

// stopRetry ends the driver's retry loop: it carries no transient label.
type stopRetry struct{ err error }

func (s stopRetry) Error() string { return s.err.Error() }

func runTx(ctx context.Context, sess *mongo.Session, fn func(ctx context.Context) error, opts *TxOpts) error {
	o := TxOpts{}
	if opts != nil {
		o = *opts
	}
	if o.MaxDuration <= 0 {
		o.MaxDuration = defaultTxMaxDuration
	}
	deadline := time.Now().Add(o.MaxDuration)
	var txOpts []options.Lister[options.TransactionOptions]
	if o.Transaction != nil {
		txOpts = append(txOpts, o.Transaction)
	}
	attempts := 0
	var last error // the error that made the driver try again
	_, err := sess.WithTransaction(ctx, func(sctx context.Context) (any, error) {
		if attempts > 0 {
			if cerr := ctx.Err(); cerr != nil {
				return nil, stopRetry{errors.Join(cerr, last)}
			}
			if !time.Now().Before(deadline) {
				return nil, stopRetry{&TxError{Attempts: attempts, Err: last}}
			}
		}
		attempts++
		err := fn(sctx)
		last = err
		return nil, err
	}, txOpts...)
	var stop stopRetry
	switch {
	case err == nil:
		return nil
	case errors.As(err, &stop):
		return stop.err
	case attempts > 1 && (HasErrorLabel(err, LabelTransientTransaction) || HasErrorLabel(err, LabelUnknownCommitResult)):
		// The driver's own time limit ran out while retrying.
		return &TxError{Attempts: attempts, Err: err}
	case txUnsupported(err):
		return &UnsupportedError{Feature: "transactions", Err: err}
	}
	return err
}

// txUnsupported reports whether err is a server's refusal to run a
// transaction at all: a standalone MongoDB ("Transaction numbers are only
// allowed on a replica set member or mongos", IllegalOperation) or the
// embedded FerretDB (NotImplemented naming transactions).
func txUnsupported(err error) bool {
	var se mongo.ServerError
	if !errors.As(err, &se) {
		return false
	}
	return (se.HasErrorCode(238) && se.HasErrorMessage("transactions")) ||
		(se.HasErrorCode(20) && se.HasErrorMessage("Transaction numbers"))
}
