package odm

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/polystore/polystore/internal/devenv"
)

func labeled(code int32, labels ...string) error {
	return mongo.CommandError{Code: code, Name: "Injected", Message: "injected", Labels: labels}
}

// The retry loop is the driver's Session.WithTransaction on a real
// session; errors from the body are injected (the transactions stay empty,
// so their commit sends nothing and the embedded server, which has no
// transactions, serves too). Commit retries need a server that fails a
// commit: TestTransactionCommitRetriesOnMongoDB.
func TestTransactionRetries(t *testing.T) {
	client := devenv.MongoClient(t)
	transient := func(n int) []error {
		e := make([]error, n)
		for i := range e {
			e[i] = labeled(112, LabelTransientTransaction)
		}
		return e
	}
	cases := []struct {
		name     string
		ctx      func() (context.Context, context.CancelFunc)
		fnErrs   []error
		opts     *TxOpts
		cancelAt int // cancel the ctx during this run (1-based); 0: never
		wantRuns int // 0: more than one
		check    func(t *testing.T, err error)
	}{
		{
			name:     "transient error in body retries the whole transaction",
			fnErrs:   transient(2),
			wantRuns: 3,
			check:    func(t *testing.T, err error) { require.NoError(t, err) },
		},
		{
			name:     "non-transient error aborts without retry",
			fnErrs:   []error{errors.New("insufficient funds")},
			wantRuns: 1,
			check:    func(t *testing.T, err error) { require.EqualError(t, err, "insufficient funds") },
		},
		{
			name:   "MaxDuration stops retrying with a typed error",
			fnErrs: transient(100000),
			opts:   &TxOpts{MaxDuration: 40 * time.Millisecond},
			check: func(t *testing.T, err error) {
				var te *TxError
				require.ErrorAs(t, err, &te)
				require.ErrorIs(t, err, ErrTxRetriesExhausted)
				require.True(t, HasErrorLabel(err, LabelTransientTransaction), "the last error is kept")
				require.Greater(t, te.Attempts, 1)
			},
		},
		{
			name:     "a cancelled ctx stops retrying",
			fnErrs:   transient(10),
			cancelAt: 1,
			wantRuns: 1,
			check: func(t *testing.T, err error) {
				require.ErrorIs(t, err, context.Canceled)
				require.True(t, HasErrorLabel(err, LabelTransientTransaction))
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			runs := 0
			fnErrs := tc.fnErrs
			err := WithTransaction(ctx, client, func(sctx context.Context) error {
				runs++
				require.NotNil(t, mongo.SessionFromContext(sctx), "model calls see the session")
				if runs == tc.cancelAt {
					cancel()
				}
				if len(fnErrs) > 0 {
					e := fnErrs[0]
					fnErrs = fnErrs[1:]
					return e
				}
				return nil
			}, tc.opts)
			tc.check(t, err)
			if tc.wantRuns > 0 {
				require.Equal(t, tc.wantRuns, runs)
			} else {
				require.Greater(t, runs, 1)
			}
		})
	}
}

func TestWithTransactionNilArgs(t *testing.T) {
	require.Error(t, WithTransaction(context.Background(), nil, func(context.Context) error { return nil }, nil))
	require.Error(t, WithTransaction(context.Background(), devenv.MongoClient(t), nil, nil))
}
