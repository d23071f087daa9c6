package trading

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// intakeCall is what one Intake call saw.
type intakeCall struct {
	client   string
	seq      uint64
	acks     int
	err      error
	outcomes []IntakeOutcome
	early    bool // an outcome came before the ack
}

// intakeBurst calls Intake for orders concurrently: clientOrderIds of
// every length from 1 to MaxClientOrderID (one to three journal records
// each), so a group holds orders of different sizes.
// The calls are read under mu: outcomes arrive on the placer's goroutine.
func intakeBurst(ctx context.Context, n *Node, mu *sync.Mutex, account int, prefix string, orders int, started chan<- struct{}) []*intakeCall {
	calls := make([]*intakeCall, orders)
	var wg sync.WaitGroup
	for i := range calls {
		id := fmt.Sprintf("%s%d-", prefix, i)
		id += strings.Repeat("z", max(0, 1+i%MaxClientOrderID-len(id)))
		c := &intakeCall{client: id[:min(len(id), MaxClientOrderID)]}
		calls[i] = c
		wg.Go(func() {
			r := &OrderRequest{AccountID: account, Symbol: "BTC-USD", Side: "buy", Price: "1000", Quantity: "0.01"}
			err := n.Intake(ctx, c.client, r, func(seq uint64) {
				mu.Lock()
				c.seq, c.acks = seq, c.acks+1
				mu.Unlock()
			}, func(o IntakeOutcome) {
				mu.Lock()
				c.outcomes = append(c.outcomes, o)
				c.early = c.early || c.acks == 0
				mu.Unlock()
			})
			mu.Lock()
			c.err = err
			mu.Unlock()
		})
		if i == orders/4 && started != nil {
			close(started)
		}
	}
	wg.Wait()
	return calls
}

// TestIntakeGroups: orders taken in concurrently go into the intake
// journal in groups; each is acknowledged once, before its outcome, with
// a sequence number of its own that finds it again (the group's records
// are numbered right across orders of one to three records), and each
// gets exactly one outcome. Orders in flight when the node closes are
// either refused (nothing journaled, no outcome) or acknowledged and then
// placed or deferred, and a deferred one is placed by the next start.
func TestIntakeGroups(t *testing.T) {
	e := setup(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	buyer, err := e.store.CreateAccount(ctx, "intake-buyer", map[string]string{"USD": "100000000"})
	require.NoError(t, err)
	n := e.node(t)

	var mu sync.Mutex
	calls := intakeBurst(ctx, n, &mu, buyer, "g", 400, nil)
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range calls {
			if len(c.outcomes) == 0 {
				return false
			}
		}
		return true
	}, 60*time.Second, 10*time.Millisecond)
	mu.Lock()
	defer mu.Unlock() // every Intake call has returned and every outcome is in
	seqs := map[uint64]string{}
	for _, c := range calls {
		require.NoError(t, c.err, c.client)
		require.Equal(t, 1, c.acks, c.client)
		require.False(t, c.early, "outcome before ack: %s", c.client)
		_, dup := seqs[c.seq]
		require.False(t, dup, "seq %d given twice", c.seq)
		seqs[c.seq] = c.client
	}
	require.Zero(t, n.IntakePending())
	for _, c := range calls {
		require.Len(t, c.outcomes, 1, c.client)
		o := c.outcomes[0]
		require.Equal(t, c.seq, o.Seq)
		require.Nil(t, o.Err, c.client)
		require.Positive(t, o.OrderID, c.client)
		v, err := n.IntakeOrder(ctx, c.seq)
		require.NoError(t, err)
		require.Equal(t, c.client, v.ClientOrderID, "seq %d", c.seq)
		require.Equal(t, IntakePlaced, v.Status)
		require.Equal(t, o.OrderID, v.OrderID)
	}
	groups := func() uint64 { _, is := n.JournalStats(); return is.Groups }()
	require.Less(t, groups, uint64(len(calls)), "orders share group commits")

	// Close while a burst is in flight.
	started := make(chan struct{})
	closed := make(chan error, 1)
	go func() {
		<-started
		closed <- n.Close()
	}()
	mu.Unlock()
	calls = intakeBurst(ctx, n, &mu, buyer, "c", 400, started)
	require.NoError(t, <-closed)
	mu.Lock() // Close has delivered every outcome: the placer's and the deferred
	var deferred []*intakeCall
	refused := 0
	for _, c := range calls {
		if c.err != nil {
			refused++
			require.Zero(t, c.acks, c.client)
			require.Empty(t, c.outcomes, c.client)
			require.True(t, errors.Is(c.err, errNodeClosing) || errors.Is(c.err, ErrPlacerClosed) || strings.Contains(c.err.Error(), "closed"), "%v", c.err)
			continue
		}
		require.Equal(t, 1, c.acks, c.client)
		require.Len(t, c.outcomes, 1, c.client)
		require.False(t, c.early, c.client)
		if c.outcomes[0].Deferred {
			deferred = append(deferred, c)
		} else {
			require.Positive(t, c.outcomes[0].OrderID, c.client)
		}
	}
	t.Logf("closing: %d refused, %d deferred, %d placed", refused, len(deferred), len(calls)-refused-len(deferred))

	// The next start places the deferred orders.
	n2 := e.node(t)
	defer n2.Close()
	require.Eventually(t, func() bool { return n2.IntakePending() == 0 }, 60*time.Second, 10*time.Millisecond)
	for _, c := range deferred {
		v, err := n2.IntakeOrder(ctx, c.seq)
		require.NoError(t, err)
		require.NotNil(t, v, c.client)
		require.Equal(t, c.client, v.ClientOrderID)
		require.Equal(t, IntakePlaced, v.Status)
	}
	waitSettled(t, e, n2)
	noViolations(t, e)
}
