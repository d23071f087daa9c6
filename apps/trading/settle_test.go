package trading

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/apps/trading/db"
)

// TestAcceptsToWrite: an accept is left out only for an order the same run
// closes unconditionally; a close only-if-pending keeps it.
func TestAcceptsToWrite(t *testing.T) {
	var r settleRun
	r.accepts = []int64{1, 2, 3, 4}
	require.Equal(t, []int64{1, 2, 3, 4}, r.acceptsToWrite())
	r.close(2, "FILLED", "", false)
	r.close(3, "REJECTED", "bad", true)
	r.close(9, "CANCELLED", "", false)
	require.Equal(t, []int64{1, 3, 4}, r.acceptsToWrite())
}

// TestSettleFillAndCloseTogether: a buy that takes a cheaper ask whole is
// accepted, filled and closed in one run of events (one row version:
// sqlFillCloseAll); it pays the ask and gets the rest of its hold back,
// and the maker, filled and closed in its own later run, is paid.
func TestSettleFillAndCloseTogether(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	n := e.node(t)
	defer n.Close()
	seller, err := e.store.CreateAccount(ctx, "seller", map[string]string{"BTC": "1"})
	require.NoError(t, err)
	buyer, err := e.store.CreateAccount(ctx, "buyer", map[string]string{"USD": "50000"})
	require.NoError(t, err)
	sell, err := e.store.Place(ctx, &OrderRequest{AccountID: seller, Symbol: "BTC-USD", Side: "sell", Price: "20000", Quantity: "1"}, nil)
	require.NoError(t, err)
	buy, err := e.store.Place(ctx, &OrderRequest{AccountID: buyer, Symbol: "BTC-USD", Side: "buy", Price: "21000", Quantity: "1"}, nil)
	require.NoError(t, err)
	waitSettled(t, e, n)
	for _, id := range []int64{sell.ID, buy.ID} {
		o, err := e.store.Client().Order.FindUniqueOrThrow(ctx, db.OrderByID(id), nil)
		require.NoError(t, err)
		require.Equal(t, db.OrderStatusFilled, o.Status)
		require.Equal(t, "1", Text(o.Filled))
		require.Equal(t, "0", Text(o.Hold))
	}
	avail, reserved := balance(t, e, buyer, "USD")
	require.Equal(t, []string{"30000", "0"}, []string{avail, reserved}, "paid the ask, the rest of the hold back")
	avail, reserved = balance(t, e, buyer, "BTC")
	require.Equal(t, []string{"1", "0"}, []string{avail, reserved})
	avail, reserved = balance(t, e, seller, "USD")
	require.Equal(t, []string{"20000", "0"}, []string{avail, reserved})
	avail, reserved = balance(t, e, seller, "BTC")
	require.Equal(t, []string{"0", "0"}, []string{avail, reserved})
	noViolations(t, e)
}
