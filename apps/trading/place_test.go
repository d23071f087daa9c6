package trading

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/apps/trading/db"
	"github.com/polystore/polystore/apps/trading/engine"
)

type engineBook = engine.Book

func TestInvalidOrdersReserveNothing(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	acc, err := e.store.CreateAccount(ctx, "alice", map[string]string{"USD": "1000", "BTC": "1"})
	require.NoError(t, err)
	cases := []struct {
		name string
		req  OrderRequest
		code string
	}{
		{"zero quantity", OrderRequest{Symbol: "BTC-USD", Side: "buy", Price: "100", Quantity: "0"}, "bad_quantity"},
		{"negative quantity", OrderRequest{Symbol: "BTC-USD", Side: "buy", Price: "100", Quantity: "-1"}, "bad_quantity"},
		{"quantity off the lot", OrderRequest{Symbol: "BTC-USD", Side: "buy", Price: "100", Quantity: "0.00001"}, "off_lot"},
		{"price off the tick", OrderRequest{Symbol: "BTC-USD", Side: "buy", Price: "100.001", Quantity: "1"}, "off_tick"},
		{"zero price", OrderRequest{Symbol: "BTC-USD", Side: "sell", Price: "0", Quantity: "1"}, "bad_price"},
		{"exponent", OrderRequest{Symbol: "BTC-USD", Side: "buy", Price: "1e9", Quantity: "1"}, "bad_price"},
		{"huge price", OrderRequest{Symbol: "BTC-USD", Side: "buy", Price: "999999999999999999", Quantity: "1"}, "too_large"},
		{"huge quantity", OrderRequest{Symbol: "BTC-USD", Side: "sell", Price: "1", Quantity: "999999999999"}, "too_large"},
		{"huge value", OrderRequest{Symbol: "BTC-USD", Side: "buy", Price: "9999999", Quantity: "99999"}, "too_large"},
		{"unknown symbol", OrderRequest{Symbol: "DOGE-USD", Side: "buy", Price: "1", Quantity: "1"}, "unknown_symbol"},
		{"no side", OrderRequest{Symbol: "BTC-USD", Price: "1", Quantity: "1"}, "bad_side"},
		{"bad type", OrderRequest{Symbol: "BTC-USD", Side: "buy", Type: "stop", Price: "1", Quantity: "1"}, "bad_type"},
		{"bad tif", OrderRequest{Symbol: "BTC-USD", Side: "buy", TIF: "day", Price: "1", Quantity: "1"}, "bad_tif"},
		{"market buy without protection", OrderRequest{Symbol: "BTC-USD", Side: "buy", Type: "market", Quantity: "1"}, "bad_price"},
		{"insufficient funds", OrderRequest{Symbol: "BTC-USD", Side: "buy", Price: "1000.01", Quantity: "1"}, "insufficient_funds"},
		{"insufficient coins", OrderRequest{Symbol: "BTC-USD", Side: "sell", Price: "1", Quantity: "1.0001"}, "insufficient_funds"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.req.AccountID = acc
			_, err := e.store.Place(ctx, &tc.req, nil)
			var re *RejectError
			require.ErrorAs(t, err, &re)
			require.Equal(t, tc.code, re.Code)
			require.NotEmpty(t, re.Reason)
		})
	}
	_, err = e.store.Place(ctx, nil, nil)
	require.Error(t, err)
	avail, reserved := balance(t, e, acc, "USD")
	require.Equal(t, "1000", avail)
	require.Equal(t, "0", reserved)
	n, err := e.store.Client().Order.Count(ctx, nil)
	require.NoError(t, err)
	require.Zero(t, n)
	noViolations(t, e)
}

// A resting sell and a crossing buy at a better limit: the trade happens at
// the seller's price, the buyer gets back the difference, balances move
// exactly, and the trade reaches PostgreSQL, the audit log and the stream.
func TestPlaceMatchSettle(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	n := e.node(t)
	defer n.Close()
	seller, err := e.store.CreateAccount(ctx, "seller", map[string]string{"BTC": "2"})
	require.NoError(t, err)
	buyer, err := e.store.CreateAccount(ctx, "buyer", map[string]string{"USD": "50000"})
	require.NoError(t, err)

	sell, err := e.store.Place(ctx, &OrderRequest{AccountID: seller, Symbol: "BTC-USD", Side: "sell", Price: "20000.50", Quantity: "1.5"}, nil)
	require.NoError(t, err)
	avail, reserved := balance(t, e, seller, "BTC")
	require.Equal(t, []string{"0.5", "1.5"}, []string{avail, reserved}, "reserved at commit")

	buy, err := e.store.Place(ctx, &OrderRequest{AccountID: buyer, Symbol: "BTC-USD", Side: "buy", Price: "21000", Quantity: "2"}, nil)
	require.NoError(t, err)
	waitSettled(t, e, n)

	got, err := e.store.Client().Order.FindUniqueOrThrow(ctx, db.OrderByID(sell.ID), nil)
	require.NoError(t, err)
	require.Equal(t, db.OrderStatusFilled, got.Status)
	got, err = e.store.Client().Order.FindUniqueOrThrow(ctx, db.OrderByID(buy.ID), nil)
	require.NoError(t, err)
	require.Equal(t, db.OrderStatusOpen, got.Status)
	require.Equal(t, "1.5", Text(got.Filled))
	require.Equal(t, "10500", Text(got.Hold), "0.5 left at 21000")

	avail, reserved = balance(t, e, buyer, "USD")
	// 50000 − 1.5 × 20000.50 paid − 0.5 × 21000 still reserved
	require.Equal(t, []string{"9499.25", "10500"}, []string{avail, reserved})
	avail, _ = balance(t, e, buyer, "BTC")
	require.Equal(t, "1.5", avail)
	avail, reserved = balance(t, e, seller, "USD")
	require.Equal(t, []string{"30000.75", "0"}, []string{avail, reserved})
	avail, reserved = balance(t, e, seller, "BTC")
	require.Equal(t, []string{"0.5", "0"}, []string{avail, reserved})
	noViolations(t, e)

	require.NoError(t, e.store.Cancel(ctx, buyer, buy.ID))
	require.ErrorIs(t, e.store.Cancel(ctx, seller, sell.ID), ErrNotOpen)
	waitSettled(t, e, n)
	avail, reserved = balance(t, e, buyer, "USD")
	require.Equal(t, []string{"19999.25", "0"}, []string{avail, reserved}, "the cancel released the hold")
	noViolations(t, e)

	trades, err := e.store.Client().Trade.FindMany(ctx, nil)
	require.NoError(t, err)
	require.Len(t, trades, 1)
	require.Equal(t, "20000.5", Text(trades[0].Price))
	hist, err := n.HistoricalTrades(ctx, "BTC-USD", 0, 0, 10)
	require.NoError(t, err)
	require.Len(t, hist, 1)
	require.Equal(t, "1-0", hist[0]["id"])
	require.Equal(t, "20000.50", hist[0]["price"])
	cnt, err := e.mongo.Collection(AuditCollection).CountDocuments(ctx, map[string]any{"_id": "BTC-USD:1"})
	require.NoError(t, err)
	require.Equal(t, int64(1), cnt)
}

// One batch: valid orders, a refused one, two orders of one account in
// one currency (the second finds the first's reservation), and one the
// funds no longer cover; each gets its own outcome, and conservation holds.
func TestPlaceBatchReservesInRequestOrder(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	alice, err := e.store.CreateAccount(ctx, "alice", map[string]string{"USD": "1000", "BTC": "1"})
	require.NoError(t, err)
	bob, err := e.store.CreateAccount(ctx, "bob", map[string]string{"USD": "50", "BTC": "1"})
	require.NoError(t, err)
	reqs := []*OrderRequest{
		{AccountID: alice, Symbol: "BTC-USD", Side: "buy", Price: "600", Quantity: "1"},  // holds 600 USD
		{AccountID: bob, Symbol: "BTC-USD", Side: "sell", Price: "100", Quantity: "0.5"}, // holds 0.5 BTC
		{AccountID: alice, Symbol: "BTC-USD", Side: "buy", Price: "0", Quantity: "1"},    // bad price
		{AccountID: alice, Symbol: "BTC-USD", Side: "buy", Price: "500", Quantity: "1"},  // 400 USD left: refused
		{AccountID: alice, Symbol: "BTC-USD", Side: "buy", Price: "400", Quantity: "1"},  // exactly the rest
		{AccountID: bob, Symbol: "BTC-USD", Side: "buy", Price: "40", Quantity: "1"},     // 40 of bob's 50 USD
		nil,
	}
	res, err := e.store.PlaceBatch(ctx, reqs, nil)
	require.NoError(t, err)
	require.Len(t, res, len(reqs))
	codes := make([]string, len(res))
	ids := map[int64]bool{}
	for i, r := range res {
		var re *RejectError
		if errors.As(r.Err, &re) {
			codes[i] = re.Code
			continue
		}
		require.NoError(t, r.Err)
		require.NotNil(t, r.Order)
		require.Equal(t, uint64(r.Order.ID), r.Cmd.OrderID)
		require.NotZero(t, r.OutboxID)
		ids[r.Order.ID] = true
		o, err := e.store.Order(ctx, r.Order.ID)
		require.NoError(t, err)
		require.Equal(t, Text(r.Order.Hold), Text(o.Hold), "the returned order is the recorded one")
		require.Equal(t, db.OrderStatusPending, o.Status)
	}
	require.Equal(t, []string{"", "", "bad_price", "insufficient_funds", "", "", "bad_request"}, codes)
	require.Len(t, ids, 4)
	avail, reserved := balance(t, e, alice, "USD")
	require.Equal(t, "0", avail)
	require.Equal(t, "1000", reserved)
	avail, reserved = balance(t, e, bob, "USD")
	require.Equal(t, "10", avail)
	require.Equal(t, "40", reserved)
	var outbox int
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT count(*) FROM order_outbox o JOIN orders x ON x.id = o."orderId" WHERE o.op = 'place'`).Scan(&outbox))
	require.Equal(t, 4, outbox, "one outbox row per placed order")
	noViolations(t, e)
}

// Node.Place answers only when the order is journaled: the journal holds
// it on return, and concurrent placements share transactions and fsyncs
// yet each order reaches the book once.
func TestNodePlaceAcknowledgesAfterJournal(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	n := e.node(t)
	defer n.Close()
	var accounts []int
	for i := range 8 {
		a, err := e.store.CreateAccount(ctx, fmt.Sprintf("t%d", i), map[string]string{"USD": "100000", "BTC": "100"})
		require.NoError(t, err)
		accounts = append(accounts, a)
	}
	const per = 25
	var wg sync.WaitGroup
	errs := make(chan error, len(accounts)*per)
	for i, a := range accounts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range per {
				side, price := "buy", "99"
				if (i+k)%2 == 1 {
					side, price = "sell", "100"
				}
				p, err := n.Place(ctx, &OrderRequest{AccountID: a, Symbol: "BTC-USD", Side: side, Price: price, Quantity: "0.01"})
				if err == nil && n.jr.LastRef() < uint64(p.OutboxID) {
					err = fmt.Errorf("order %d answered before its outbox row %d was journaled", p.Order.ID, p.OutboxID)
				}
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	batches, _ := e.store.BatchStats()
	require.Less(t, batches, int64(len(accounts)*per), "concurrent placements share transactions")
	waitSettled(t, e, n)
	var open int
	for _, m := range e.store.Markets() {
		require.NoError(t, n.Engine().Do(ctx, m.Symbol, func(b *engineBook) { open += b.Open() }))
	}
	require.Equal(t, len(accounts)*per, open, "every order rests in the book once")
	require.Equal(t, uint64(len(accounts)*per), n.jr.LastSeq(), "journaled once each, by the placer or the relay")
	noViolations(t, e)
}

// Several orders of one account and currency in one batch, all covered:
// one reservation of their total (the grouped statement), every order
// recorded with its own hold, exactly as if reserved one by one.
func TestPlaceBatchGroupsCoveredPairs(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	carol, err := e.store.CreateAccount(ctx, "carol", map[string]string{"USD": "1000", "BTC": "2"})
	require.NoError(t, err)
	reqs := []*OrderRequest{
		{AccountID: carol, Symbol: "BTC-USD", Side: "buy", Price: "100", Quantity: "1"},
		{AccountID: carol, Symbol: "BTC-USD", Side: "sell", Price: "900", Quantity: "0.5"},
		{AccountID: carol, Symbol: "BTC-USD", Side: "buy", Price: "250", Quantity: "2"},
		{AccountID: carol, Symbol: "BTC-USD", Side: "sell", Price: "950", Quantity: "1.5"},
		{AccountID: carol, Symbol: "BTC-USD", Side: "buy", Price: "400", Quantity: "1"},
	}
	res, err := e.store.PlaceBatch(ctx, reqs, nil)
	require.NoError(t, err)
	holds := make([]string, len(res))
	for i, r := range res {
		require.NoError(t, r.Err)
		o, err := e.store.Order(ctx, r.Order.ID)
		require.NoError(t, err)
		holds[i] = o.HoldCurrency + " " + Text(o.Hold)
	}
	require.Equal(t, []string{"USD 100", "BTC 0.5", "USD 500", "BTC 1.5", "USD 400"}, holds)
	avail, reserved := balance(t, e, carol, "USD")
	require.Equal(t, []string{"0", "1000"}, []string{avail, reserved})
	avail, reserved = balance(t, e, carol, "BTC")
	require.Equal(t, []string{"0", "2"}, []string{avail, reserved})
	noViolations(t, e)
}
