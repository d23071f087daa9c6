package shop

import (
	"context"
	"fmt"
	"sort"
)

// Verification is the outcome of Verify: the counts it compared and every
// violated invariant (empty when all hold).
type Verification struct {
	// Orders in PostgreSQL for the products, units they carry, units sold
	// in Redis, inventory changes applied, history documents found.
	Orders, OrderedUnits, SoldUnits, Changes, HistoryDocs int64
	// Observed is how many order ids the caller saw confirmed.
	Observed int
	// Problems lists each violated invariant; capped at 20 lines.
	Problems []string
}

// OK reports whether every invariant held.
func (v *Verification) OK() bool { return len(v.Problems) == 0 }

func (v *Verification) fail(format string, args ...any) {
	if len(v.Problems) < 20 {
		v.Problems = append(v.Problems, fmt.Sprintf(format, args...))
	}
}

// Verify checks, after Drain, the invariants across the three stores for
// the given products:
//
//   - Redis: initial = remaining + held + sold, nothing oversold;
//   - PostgreSQL: each product's units sold in Redis are exactly the units
//     of its orders, exactly the units of its applied inventory changes
//     (one per order) and its Inventory's sold, and initial = available +
//     sold; every order has an outbox row, none is left unprocessed;
//   - every order's total is the exact sum of its items;
//   - MongoDB: exactly one history document per order, with the same
//     total (with AppConfig.Mongo);
//   - every order id in observed (answers the callers saw) is stored.
//
// Without AppConfig.PG only the Redis part is checked.
func (a *App) Verify(ctx context.Context, productIDs []string, observed []string) (*Verification, error) {
	v := &Verification{Observed: len(observed)}
	sold := map[string]int64{}
	for _, id := range productIDs {
		c, err := a.Counts(ctx, id)
		if err != nil {
			return nil, err
		}
		if !c.Balanced() || c.Oversold() > 0 {
			v.fail("%s: Redis counters off: initial %d != remaining %d + held %d + sold %d (oversold %d)", id, c.Initial, c.Stock, c.Held, c.Sold, c.Oversold())
		}
		sold[id] = c.Sold
		v.SoldUnits += c.Sold
	}
	if a.store == nil {
		return v, nil
	}
	au, err := a.store.Audit(ctx)
	if err != nil {
		return nil, storeError("audit", err)
	}
	for _, id := range productIDs {
		p, ok := au.Products[id]
		if !ok {
			v.fail("%s: no Inventory row", id)
			continue
		}
		v.Orders += p.Orders
		v.OrderedUnits += p.OrderedUnits
		v.Changes += p.Changes
		if p.OrderedUnits != sold[id] {
			v.fail("%s: %d units sold in Redis, %d in PostgreSQL orders", id, sold[id], p.OrderedUnits)
		}
		if p.Changes != p.Orders || p.ChangeUnits != p.OrderedUnits || p.Sold != p.OrderedUnits {
			v.fail("%s: %d orders (%d units) but %d inventory changes (%d units), inventory sold %d", id, p.Orders, p.OrderedUnits, p.Changes, p.ChangeUnits, p.Sold)
		}
		if p.Initial != p.Available+p.Sold {
			v.fail("%s: inventory initial %d != available %d + sold %d", id, p.Initial, p.Available, p.Sold)
		}
	}
	if au.BadTotals > 0 {
		v.fail("%d orders whose total is not the sum of their items", au.BadTotals)
	}
	if au.Backlog > 0 || au.OrdersWithoutOutbox > 0 || au.ChangesPerOrderOver1 > 0 {
		v.fail("outbox: %d unprocessed, %d orders without a row, %d orders changed the inventory twice", au.Backlog, au.OrdersWithoutOutbox, au.ChangesPerOrderOver1)
	}
	var missing []string
	for _, id := range observed {
		if _, ok := au.Totals[id]; !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		v.fail("%d confirmed orders the callers saw are not in PostgreSQL, e.g. %s", len(missing), missing[0])
	}
	if a.history == nil {
		return v, nil
	}
	docs, n, err := a.history.Totals(ctx)
	if err != nil {
		return nil, storeError("history", err)
	}
	if n != len(docs) {
		v.fail("%d history documents for %d orders", n, len(docs))
	}
	var noDoc, badTotal, orphan int
	for id, total := range au.Totals {
		switch t, ok := docs[id]; {
		case !ok:
			noDoc++
		case t != total:
			badTotal++
		}
	}
	for id := range docs {
		if _, ok := au.Totals[id]; !ok {
			orphan++
		}
	}
	v.HistoryDocs = int64(len(docs))
	if noDoc > 0 || badTotal > 0 || orphan > 0 {
		v.fail("history: %d orders without a document, %d with another total, %d documents without an order", noDoc, badTotal, orphan)
	}
	return v, nil
}
