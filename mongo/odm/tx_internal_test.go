package odm

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// fakeSession records the transaction protocol and injects commit errors.
// It stands in for the server's transaction state machine only; the
// commands themselves are pinned by the golden test.
type fakeSession struct {
	calls      []string
	commitErrs []error
	ended      bool
}

func (f *fakeSession) StartTransaction(...options.Lister[options.TransactionOptions]) error {
	f.calls = append(f.calls, "start")
	return nil
}
func (f *fakeSession) AbortTransaction(context.Context) error {
	f.calls = append(f.calls, "abort")
	return nil
}
func (f *fakeSession) CommitTransaction(context.Context) error {
	f.calls = append(f.calls, "commit")
	if len(f.commitErrs) == 0 {
		return nil
	}
	err := f.commitErrs[0]
	f.commitErrs = f.commitErrs[1:]
	return err
}
func (f *fakeSession) EndSession(context.Context)                     { f.ended = true }
func (f *fakeSession) context(parent context.Context) context.Context { return parent }

func labeled(code int32, labels ...string) error {
	return mongo.CommandError{Code: code, Name: "Injected", Message: "injected", Labels: labels}
}

func TestTransactionRetries(t *testing.T) {
	fast := &TxOpts{BaseBackoff: time.Microsecond, MaxBackoff: time.Millisecond}
	cases := []struct {
		name       string
		fnErrs     []error
		commitErrs []error
		opts       *TxOpts
		wantCalls  []string
		wantRuns   int
		check      func(t *testing.T, err error)
	}{
		{
			name:      "transient error in body retries the whole transaction",
			fnErrs:    []error{labeled(112, LabelTransientTransaction), labeled(251, LabelTransientTransaction)},
			wantCalls: []string{"start", "abort", "start", "abort", "start", "commit"},
			wantRuns:  3,
			check:     func(t *testing.T, err error) { require.NoError(t, err) },
		},
		{
			name:       "unknown commit result retries only the commit",
			commitErrs: []error{labeled(91, LabelUnknownCommitResult), labeled(189, LabelUnknownCommitResult)},
			wantCalls:  []string{"start", "commit", "commit", "commit"},
			wantRuns:   1,
			check:      func(t *testing.T, err error) { require.NoError(t, err) },
		},
		{
			name:       "transient commit error retries the whole transaction",
			commitErrs: []error{labeled(112, LabelTransientTransaction)},
			wantCalls:  []string{"start", "commit", "start", "commit"},
			wantRuns:   2,
			check:      func(t *testing.T, err error) { require.NoError(t, err) },
		},
		{
			name:       "MaxTimeMSExpired on commit is not retried",
			commitErrs: []error{labeled(maxTimeMSExpiredCode, LabelUnknownCommitResult)},
			wantCalls:  []string{"start", "commit"},
			wantRuns:   1,
			check: func(t *testing.T, err error) {
				require.True(t, isMaxTimeExpired(err))
			},
		},
		{
			name:      "non-transient error aborts without retry",
			fnErrs:    []error{errors.New("insufficient funds")},
			wantCalls: []string{"start", "abort"},
			wantRuns:  1,
			check:     func(t *testing.T, err error) { require.EqualError(t, err, "insufficient funds") },
		},
		{
			name: "deadline stops retrying with a typed error",
			fnErrs: func() []error {
				e := make([]error, 1000)
				for i := range e {
					e[i] = labeled(112, LabelTransientTransaction)
				}
				return e
			}(),
			opts: &TxOpts{MaxDuration: 30 * time.Millisecond, BaseBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond},
			check: func(t *testing.T, err error) {
				var te *TxError
				require.ErrorAs(t, err, &te)
				require.ErrorIs(t, err, ErrTxRetriesExhausted)
				require.True(t, HasErrorLabel(err, LabelTransientTransaction))
				require.Greater(t, te.Attempts, 1)
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := &fakeSession{commitErrs: tc.commitErrs}
			runs := 0
			fnErrs := tc.fnErrs
			opts := tc.opts
			if opts == nil {
				opts = fast
			}
			err := runTx(context.Background(), s, func(context.Context) error {
				runs++
				if len(fnErrs) > 0 {
					e := fnErrs[0]
					fnErrs = fnErrs[1:]
					return e
				}
				return nil
			}, opts)
			tc.check(t, err)
			if tc.wantCalls != nil {
				require.Equal(t, tc.wantCalls, s.calls)
				require.Equal(t, tc.wantRuns, runs)
			}
			require.True(t, s.ended, "session must be ended")
		})
	}
}

func TestTransactionContextCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s := &fakeSession{}
	err := runTx(ctx, s, func(context.Context) error {
		cancel()
		return labeled(112, LabelTransientTransaction)
	}, nil)
	require.Error(t, err)
	require.Equal(t, []string{"start", "abort"}, s.calls)
}
