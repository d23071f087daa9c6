package trading

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shopspring/decimal"

	"github.com/polystore/polystore/apps/trading/db"
	"github.com/polystore/polystore/apps/trading/engine"
	"github.com/polystore/polystore/postgres/orm"
)

// Placed is one order a batch committed: the order row as recorded
// (status PENDING) and its outbox row, with the engine command it becomes.
type Placed struct {
	Order    *db.Order
	OutboxID int64
	Cmd      engine.Command
}

// PlaceResult is the outcome of one request of a batch: Placed, or Err (a
// *RejectError when the order was refused and nothing was reserved).
type PlaceResult struct {
	Placed
	Err error
}

// placeItem is a validated request; intake > 0 for an order taken in at
// the stream's intake (see Node.Intake), whose outcome the placement
// transaction records in order_intake under that sequence number.
type placeItem struct {
	account int
	o       *order
	intake  uint64
	client  string
}

// sqlPlaceBatch reserves, records and queues a round of orders whose
// (account, hold currency) pairs are all distinct, in one statement: the
// balance UPDATE keeps the orders whose available balance covers their
// hold; the order and outbox ids are drawn for exactly those, in request
// order; both INSERTs run; the result maps each kept request to its ids.
// One round trip however many orders, and nothing read from a table but
// the balance rows it updates. %s are the two id sequences.
const sqlPlaceBatch = sqlPlaceArgs + `
	ORDER BY acc, ccy
), held AS (
	UPDATE balances b SET available = b.available - r.hold, reserved = b.reserved + r.hold
	FROM r WHERE b."accountId" = r.acc AND b.currency = r.ccy AND b.available >= r.hold
	RETURNING r.idx
), ids AS (
	SELECT k.*, nextval('%s') AS id, nextval('%s') AS xid
	FROM (SELECT r.* FROM r JOIN held USING (idx) ORDER BY r.idx) k
` + sqlPlaceRecord

// sqlPlaceGrouped is sqlPlaceBatch for orders whose (account, hold
// currency) pairs repeat: it reserves each pair's total in one UPDATE when
// the available balance covers it, and records all of that pair's orders;
// a pair it cannot cover is left untouched (its orders are absent from the
// result) for sqlPlaceBatch's rounds. Covering the total is covering each
// order in turn, so the outcome is the rounds' outcome, with one balance
// update per pair instead of one per order.
const sqlPlaceGrouped = sqlPlaceArgs + `
), tot AS MATERIALIZED (
	SELECT acc, ccy, sum(hold) AS hold FROM r GROUP BY acc, ccy ORDER BY acc, ccy
), held AS (
	UPDATE balances b SET available = b.available - tot.hold, reserved = b.reserved + tot.hold
	FROM tot WHERE b."accountId" = tot.acc AND b.currency = tot.ccy AND b.available >= tot.hold
	RETURNING tot.acc, tot.ccy
), ids AS (
	SELECT k.*, nextval('%s') AS id, nextval('%s') AS xid
	FROM (SELECT r.* FROM r JOIN held ON held.acc = r.acc AND held.ccy = r.ccy ORDER BY r.idx) k
` + sqlPlaceRecord

// sqlPlaceArgs and sqlPlaceRecord open and close both placement
// statements: the requests as rows, and the order and outbox rows written
// for those whose reservation was made (ids).
const sqlPlaceArgs = `WITH r AS MATERIALIZED (
	SELECT * FROM unnest(?::int[], ?::text[], ?::numeric[], ?::text[], ?::text[], ?::text[], ?::text[], ?::numeric[], ?::numeric[], ?::int[])
		AS r(acc, ccy, hold, symbol, side, typ, tif, price, qty, idx)`

const sqlPlaceRecord = `), o AS (
	INSERT INTO orders (id, "accountId", symbol, side, type, tif, price, quantity, "holdCurrency", hold)
	SELECT id, acc, symbol, side::"Side", typ::"OrderType", tif::"TimeInForce", price, qty, ccy, hold FROM ids
	RETURNING "createdAt"
), x AS (
	INSERT INTO order_outbox (id, "orderId", op, symbol) SELECT xid, id, 'place', symbol FROM ids
)
SELECT idx, id, xid, (SELECT max("createdAt") FROM o) AS created FROM ids`

const sqlIndexOnly = `SELECT set_config('enable_seqscan', 'off', true), set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)`

// PlaceBatch places several orders in one Serializable transaction (one
// commit, so one WAL flush, for all of them), retried as a whole on
// serialization failures. Each request is validated first; a refused one
// (bad input, insufficient funds) gets its *RejectError in its result and
// reserves nothing, and does not stop the others. Orders of the same
// account and hold currency are reserved one after another, in request
// order, so each sees what the one before it reserved. Like Place, nothing
// reaches the engine before the commit. The error is for the batch as a
// whole (the database failed or the retries ran out): then nothing was
// placed.
func (s *Store) PlaceBatch(ctx context.Context, reqs []*OrderRequest, opts *PlaceOpts) ([]PlaceResult, error) {
	out := make([]PlaceResult, len(reqs))
	items := make([]placeItem, 0, len(reqs))
	idx := make([]int, 0, len(reqs))
	for i, r := range reqs {
		o, err := s.validate(r)
		if err != nil {
			out[i].Err = err
			continue
		}
		items = append(items, placeItem{account: r.AccountID, o: o})
		idx = append(idx, i)
	}
	if len(items) == 0 {
		return out, nil
	}
	placed, err := s.placeItems(ctx, items, opts)
	if err != nil {
		return nil, err
	}
	for k, p := range placed {
		out[idx[k]] = p
	}
	return out, nil
}

// placeItems runs the transaction of a batch of validated orders.
func (s *Store) placeItems(ctx context.Context, items []placeItem, opts *PlaceOpts) ([]PlaceResult, error) {
	if err := s.loadSequences(ctx); err != nil {
		return nil, err
	}
	retries := 50
	if opts != nil && opts.MaxRetries > 0 {
		retries = opts.MaxRetries
	}
	all := make([]int, len(items))
	for i := range all {
		all[i] = i
	}
	rounds := placeRounds(items, all)
	res := make([]PlaceResult, len(items))
	err := s.client.Transaction(ctx, func(ctx context.Context, tx *db.Client) error {
		s.attempts.Add(int64(len(items)))
		s.batchAttempts.Add(1)
		for i := range res {
			res[i] = PlaceResult{Err: errInsufficient}
		}
		// Find each balance through its unique index, one row at a time
		// (nested loop): a sequential scan, or a hash or merge join over
		// the whole table, would take a predicate lock on every balance
		// and make every concurrent placement and settlement a
		// serialization conflict.
		if _, err := orm.ExecRaw(ctx, tx.DB(), orm.Raw(sqlIndexOnly)); err != nil {
			return err
		}
		todo := rounds
		if len(rounds) > 1 {
			// Some (account, currency) has several orders: first reserve
			// each pair's total at once, then go round by round only
			// through the pairs whose total is not covered (there each
			// order must see the reservation of the one before it).
			if err := s.placeRound(ctx, tx, s.groupSQL, items, all, res); err != nil {
				return err
			}
			var left []int
			for i := range res {
				if res[i].Err != nil {
					left = append(left, i)
				}
			}
			todo = placeRounds(items, left)
		}
		for _, round := range todo {
			if err := s.placeRound(ctx, tx, s.placeSQL, items, round, res); err != nil {
				return err
			}
		}
		return recordIntake(ctx, tx, items, res)
	}, &orm.TxOpts{Isolation: orm.Serializable, MaxRetries: retries, RetryBackoff: time.Millisecond, MaxWait: 10 * time.Second, Timeout: 10 * time.Second})
	if err != nil {
		return nil, err
	}
	// Refused orders were attempts too: they count as placed here so
	// that attempts − placed stays the orders retried.
	s.placed.Add(int64(len(items)))
	s.batches.Add(1)
	return res, nil
}

// sqlRecordIntake records the outcome of intake orders in the placement
// transaction: the primary key on seq refuses a second placement of the
// same intake (after a crash, or a commit whose answer was lost).
const sqlRecordIntake = `INSERT INTO order_intake (seq, "accountId", "clientOrderId", "orderId", code, reason)
	SELECT * FROM unnest(?::bigint[], ?::int[], ?::text[], ?::bigint[], ?::text[], ?::text[])`

// recordIntake writes the order_intake rows of the batch's intake orders.
func recordIntake(ctx context.Context, tx *db.Client, items []placeItem, res []PlaceResult) error {
	var seqs, orders []*int64
	var accs []int32
	var clients []string
	var codes, reasons []*string
	for i := range items {
		it := &items[i]
		if it.intake == 0 {
			continue
		}
		seq := int64(it.intake)
		seqs, accs, clients = append(seqs, &seq), append(accs, int32(it.account)), append(clients, it.client)
		if res[i].Err != nil {
			var rej *RejectError
			code, reason := "failed", res[i].Err.Error()
			if errors.As(res[i].Err, &rej) {
				code, reason = rej.Code, rej.Reason
			}
			orders, codes, reasons = append(orders, nil), append(codes, &code), append(reasons, &reason)
		} else {
			id := res[i].Order.ID
			orders, codes, reasons = append(orders, &id), append(codes, nil), append(reasons, nil)
		}
	}
	if len(seqs) == 0 {
		return nil
	}
	_, err := orm.ExecRaw(ctx, tx.DB(), orm.SQL(sqlRecordIntake, seqs, accs, clients, orders, codes, reasons))
	return err
}

type placeRow struct {
	Idx     int32     `db:"idx"`
	ID      int64     `db:"id"`
	Xid     int64     `db:"xid"`
	Created time.Time `db:"created"`
}

// placeRounds splits the items at idx into rounds: round k holds the k-th
// order of each (account, hold currency), so that within a round the
// pairs are distinct, as sqlPlaceBatch's UPDATE ... FROM needs.
func placeRounds(items []placeItem, idx []int) [][]int {
	type key struct {
		account int
		ccy     string
	}
	seen := make(map[key]int, len(idx))
	var rounds [][]int
	for _, i := range idx {
		k := key{items[i].account, items[i].o.holdCcy}
		n := seen[k]
		seen[k] = n + 1
		if n == len(rounds) {
			rounds = append(rounds, nil)
		}
		rounds[n] = append(rounds[n], i)
	}
	return rounds
}

// placeRound runs query (s.placeSQL or s.groupSQL) on the items at round.
func (s *Store) placeRound(ctx context.Context, tx *db.Client, query string, items []placeItem, round []int, res []PlaceResult) error {
	// Lock the balances in (account, currency) order, the order settlement
	// locks them in: the nested loop visits them in array order, and two
	// transactions taking rows in one global order cannot deadlock.
	round = slices.Clone(round)
	slices.SortFunc(round, func(a, b int) int {
		return cmp.Or(cmp.Compare(items[a].account, items[b].account), cmp.Compare(items[a].o.holdCcy, items[b].o.holdCcy))
	})
	n := len(round)
	accs, idxs := make([]int32, n), make([]int32, n)
	ccys, holds, syms, sides, typs, tifs, prices, qtys := make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for k, i := range round {
		it := &items[i]
		o := it.o
		accs[k], idxs[k] = int32(it.account), int32(i)
		ccys[k], holds[k], syms[k] = o.holdCcy, decimal.New(o.holdUnits, -8).String(), o.m.Symbol
		sides[k], typs[k], tifs[k] = string(sideDB[o.side]), string(typeDB[o.typ]), string(tifDB[o.tif])
		prices[k], qtys[k] = decimal.New(o.ticks, -o.m.PriceDecimals).String(), decimal.New(o.lots, -o.m.QtyDecimals).String()
	}
	rows, err := orm.QueryRaw[placeRow](ctx, tx.DB(), orm.SQL(query, accs, ccys, holds, syms, sides, typs, tifs, prices, qtys, idxs))
	if err != nil {
		return err
	}
	for _, row := range rows {
		it := &items[row.Idx]
		o := it.o
		res[row.Idx] = PlaceResult{Placed: Placed{
			Order: &db.Order{ID: row.ID, AccountID: it.account, Symbol: o.m.Symbol, Side: sideDB[o.side], Type: typeDB[o.typ],
				Tif: tifDB[o.tif], Price: numeric(o.ticks, o.m.PriceDecimals), Quantity: numeric(o.lots, o.m.QtyDecimals),
				Filled: numeric(0, 8), HoldCurrency: o.holdCcy, Hold: numeric(o.holdUnits, 8), Status: db.OrderStatusPending,
				CreatedAt: row.Created},
			OutboxID: row.Xid,
			Cmd: engine.Command{Op: engine.OpPlace, OrderID: uint64(row.ID), Account: uint64(it.account), Side: o.side,
				Type: o.typ, TIF: o.tif, Price: o.ticks, Qty: o.lots},
		}}
	}
	return nil
}

// loadSequences finds the id sequences of orders and the outbox once.
func (s *Store) loadSequences(ctx context.Context) error {
	s.seqMu.Lock()
	defer s.seqMu.Unlock()
	if s.placeSQL != "" {
		return nil
	}
	var orders, outbox string
	if err := s.pool.QueryRow(ctx, `SELECT pg_get_serial_sequence('orders', 'id'), pg_get_serial_sequence('order_outbox', 'id')`).Scan(&orders, &outbox); err != nil {
		return err
	}
	s.placeSQL = fmt.Sprintf(sqlPlaceBatch, orders, outbox)
	s.groupSQL = fmt.Sprintf(sqlPlaceGrouped, orders, outbox)
	return nil
}

// BatchStats returns the committed placement batches and the transaction
// attempts they took.
func (s *Store) BatchStats() (batches, attempts int64) {
	return s.batches.Load(), s.batchAttempts.Load()
}

// PlacerOpts configures a Placer; nil means defaults.
type PlacerOpts struct {
	// Shards is the number of batches in flight at once (default 2).
	// Accounts are split among them by id, so two concurrent batches
	// never touch the same balance row and cannot conflict with each other.
	Shards int
	// MaxBatch bounds the orders in one transaction (default 512).
	MaxBatch int
	// AfterCommit receives the orders of each committed batch before
	// their Place calls return: a Node journals them there, so that an
	// acknowledged order is both reserved in PostgreSQL and durable in the
	// journal. An error is logged; the orders stay committed and reach the
	// journal through the relay.
	AfterCommit func(ctx context.Context, placed []Placed) error
	// Nice, when positive, runs each shard's goroutines on threads of
	// their own at this nice value (Linux; NodeConfig.BackgroundNice).
	Nice   int
	Logger *slog.Logger
}

// Placer is group commit for placements: concurrent Place calls wait while
// the batch before theirs commits, then go together in one Serializable
// transaction (Store.PlaceBatch's statement), so the commit, its WAL flush
// and the round trip are shared by every order of the batch.
type Placer struct {
	s      *Store
	opts   PlacerOpts
	shards []chan *placeCall
	wg     sync.WaitGroup
	mu     sync.RWMutex
	closed bool

	batches, orders    atomic.Int64
	txNanos, afterNano atomic.Int64
}

// PlacerStats says where a placer's time went: the batches it committed
// (or failed), their orders, and the wall time spent in their transactions
// and in AfterCommit (the journal's group commit for a Node).
type PlacerStats struct {
	Batches, Orders     int64
	Transaction, Commit time.Duration // sums over the batches: Commit is AfterCommit's share
}

// Stats returns the placer's counters so far.
func (p *Placer) Stats() PlacerStats {
	return PlacerStats{Batches: p.batches.Load(), Orders: p.orders.Load(),
		Transaction: time.Duration(p.txNanos.Load()), Commit: time.Duration(p.afterNano.Load())}
}

type placeCall struct {
	item placeItem
	res  PlaceResult
	done chan struct{}
	cb   func(PlaceResult) // instead of done, for Submit
}

// ErrPlacerClosed is returned by Placer.Place after Close.
var ErrPlacerClosed = errors.New("trading: placer closed")

// NewPlacer starts a placer on s.
func (s *Store) NewPlacer(opts *PlacerOpts) *Placer {
	p := &Placer{s: s}
	if opts != nil {
		p.opts = *opts
	}
	if p.opts.Shards <= 0 {
		p.opts.Shards = 2
	}
	if p.opts.MaxBatch <= 0 {
		p.opts.MaxBatch = 512
	}
	if p.opts.Logger == nil {
		p.opts.Logger = slog.New(slog.DiscardHandler)
	}
	for range p.opts.Shards {
		ch := make(chan *placeCall, p.opts.MaxBatch*4)
		p.shards = append(p.shards, ch)
		p.wg.Add(1)
		go p.run(ch)
	}
	return p
}

// Place validates r and places it with the next batch of its shard; it
// returns once the batch has committed (and AfterCommit has run). A
// *RejectError means nothing was reserved. If ctx ends first, Place returns
// ctx's error but the order may still be placed.
func (p *Placer) Place(ctx context.Context, r *OrderRequest) (*Placed, error) {
	o, err := p.s.validate(r)
	if err != nil {
		return nil, err
	}
	c := &placeCall{item: placeItem{account: r.AccountID, o: o}, done: make(chan struct{})}
	p.mu.RLock()
	if p.closed {
		p.mu.RUnlock()
		return nil, ErrPlacerClosed
	}
	select {
	case p.shards[r.AccountID%len(p.shards)] <- c:
		p.mu.RUnlock()
	case <-ctx.Done():
		p.mu.RUnlock()
		return nil, ctx.Err()
	}
	select {
	case <-c.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if c.res.Err != nil {
		return nil, c.res.Err
	}
	return &c.res.Placed, nil
}

// submit queues a validated item with the next batch of its shard without
// waiting: cb receives its result (on the shard's finishing goroutine,
// after AfterCommit) and must not block. It returns ErrPlacerClosed after
// Close, and then cb is not called.
func (p *Placer) submit(it placeItem, cb func(PlaceResult)) error {
	c := &placeCall{item: it, cb: cb}
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		return ErrPlacerClosed
	}
	p.shards[it.account%len(p.shards)] <- c
	return nil
}

// committed is a batch whose transaction has ended: its calls and their
// results, or the batch's error.
type committed struct {
	calls []*placeCall
	res   []PlaceResult
	err   error
}

// run commits a shard's batches one after another and hands each to
// finish, so that the journal's fsync of one batch overlaps the
// transaction of the next.
func (p *Placer) run(ch chan *placeCall) {
	defer p.wg.Done()
	backgroundThread(p.opts.Nice)
	done := make(chan committed, 1)
	finished := make(chan struct{})
	go p.finish(done, finished)
	defer func() {
		close(done)
		<-finished
	}()
	items := make([]placeItem, 0, p.opts.MaxBatch)
	for c := range ch {
		calls := append(make([]*placeCall, 0, min(len(ch)+1, p.opts.MaxBatch)), c)
	drain:
		for len(calls) < p.opts.MaxBatch {
			select {
			case c, ok := <-ch:
				if !ok {
					break drain
				}
				calls = append(calls, c)
			default:
				break drain
			}
		}
		items = items[:0]
		for _, c := range calls {
			items = append(items, c.item)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		t0 := time.Now()
		res, err := p.s.placeItems(ctx, items, nil)
		p.txNanos.Add(int64(time.Since(t0)))
		p.batches.Add(1)
		p.orders.Add(int64(len(items)))
		cancel()
		done <- committed{calls: calls, res: res, err: err}
	}
}

// finish runs AfterCommit on each committed batch of a shard, in commit
// order, then answers its calls.
func (p *Placer) finish(done <-chan committed, finished chan<- struct{}) {
	backgroundThread(p.opts.Nice)
	defer close(finished)
	var placed []Placed
	for b := range done {
		if b.err == nil {
			placed = placed[:0]
			for i := range b.res {
				if b.res[i].Err == nil {
					placed = append(placed, b.res[i].Placed)
				}
			}
			if p.opts.AfterCommit != nil && len(placed) > 0 {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				t0 := time.Now()
				if aerr := p.opts.AfterCommit(ctx, placed); aerr != nil {
					p.opts.Logger.Error("trading: after placement commit", "orders", len(placed), "err", aerr)
				}
				p.afterNano.Add(int64(time.Since(t0)))
				cancel()
			} else if len(placed) > 0 && p.s.wake != nil {
				p.s.wake()
			}
		}
		for i, c := range b.calls {
			if b.err != nil {
				c.res.Err = b.err
			} else {
				c.res = b.res[i]
			}
			if c.cb != nil {
				c.cb(c.res)
			} else {
				close(c.done)
			}
		}
	}
}

// Close stops accepting orders, places those queued and stops.
func (p *Placer) Close() {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		for _, ch := range p.shards {
			close(ch)
		}
	}
	p.mu.Unlock()
	p.wg.Wait()
}
