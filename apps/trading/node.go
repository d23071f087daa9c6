package trading

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/rueidis"
	"github.com/shopspring/decimal"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/polystore/polystore/apps/trading/engine"
	"github.com/polystore/polystore/apps/trading/journal"
	"github.com/polystore/polystore/mongo/odm"
)

// NodeConfig configures the engine process.
type NodeConfig struct {
	Store       *Store          // required: the PostgreSQL side
	JournalPath string          // required: the engine's input log
	Redis       rueidis.Client  // market data; nil disables it
	Mongo       *mongo.Database // audit log; nil disables it
	KeyPrefix   string          // prefix of every Redis key
	// StreamMaxLen bounds each market-data stream (XADD MAXLEN ~; default 100000).
	StreamMaxLen int64
	// Poll is the outbox poll interval when nothing wakes the relay (default 20ms).
	Poll time.Duration
	// SnapshotPath is where snapshots go (default JournalPath + ".snap").
	SnapshotPath string
	// SnapshotEvery takes a snapshot (and compacts the journal) at this
	// interval; 0 takes none unless Node.Snapshot is called.
	SnapshotEvery time.Duration
	// JournalSegment is the number of entries per journal segment file
	// (journal.Options.SegmentEntries; default 1<<20).
	JournalSegment int
	// JournalPreallocate is journal.Options.Preallocate for the engine's
	// journal and the intake journal (0: the default, 1 MiB of zeros
	// written ahead, so that most group commits are an fdatasync of data
	// only; negative: none, every group commit grows the file and fsyncs
	// it).
	JournalPreallocate int
	// JournalSyncDepth is journal.Options.SyncDepth for both journals
	// (0: the default, one group commit at a time; 2: two overlapping).
	JournalSyncDepth int
	// PlaceShards and PlaceBatch tune the node's placer (Node.Place; see
	// PlacerOpts.Shards and MaxBatch).
	PlaceShards, PlaceBatch int
	// IntakePath is the intake journal of the WebSocket stream (Node.Intake;
	// default JournalPath + ".intake").
	IntakePath string
	// BackgroundNice, when positive, runs the node's bulk stages — the
	// placer, the relay, settlement and publishing, the intake's feeder —
	// each on a thread of its own at this nice value (Linux; 1 to 19), so
	// that when the cores are busy the kernel runs the acknowledgement
	// path (the stream's readers and writers, the intake journal) first.
	// It pays off only with more Ps than the bulk stages can keep busy
	// (GOMAXPROCS above the cores): a P held by a thread the kernel put
	// aside runs nothing else. See docs/trading.md.
	BackgroundNice int
	Logger         *slog.Logger
}

// Node is the engine process: it relays committed orders from the outbox
// into the journal, runs one book per symbol on the journaled inputs, and
// settles each book's events in PostgreSQL exactly once, then writes
// trades to the audit log and trades and quotes to the market-data
// streams. After a crash a new Node replays the journal: the books come
// back identical, settlement skips what it had committed, and the audit
// log and streams keep each trade once.
type Node struct {
	cfg     NodeConfig
	store   *Store
	eng     *engine.Engine
	jr      *journal.Journal
	audit   *odm.Model[AuditLog]
	log     *slog.Logger
	markets map[string]Market

	events    map[string]chan engine.Event
	tops      map[string]*top
	settled   map[string]*atomic.Uint64
	journaled map[uint64]uint8 // outbox ids being appended to the journal (refClaimed) or in it (refDurable); under jmu
	jmu       sync.Mutex
	jcond     *sync.Cond // on jmu: claims settled

	placer *Placer
	in     *intake
	runCtx context.Context
	snapMu sync.Mutex // one snapshot at a time

	closeOnce sync.Once
	closeErr  error
	relayMu   sync.Mutex // held while the relay reads the outbox and journals it
	wake      chan struct{}
	cancel    context.CancelFunc
	relayWG   sync.WaitGroup
	settleWG  sync.WaitGroup

	subMu sync.Mutex
	subs  map[chan Update]struct{}

	trades atomic.Int64
}

// Trade is one settled trade.
type Trade struct {
	Symbol      string    `json:"symbol"`
	Seq         uint64    `json:"seq"`
	Ticks       int64     `json:"-"`
	Lots        int64     `json:"-"`
	Price       string    `json:"price"`
	Quantity    string    `json:"quantity"`
	BuyOrder    uint64    `json:"buyOrderId"`
	SellOrder   uint64    `json:"sellOrderId"`
	BuyAccount  uint64    `json:"buyAccount"`
	SellAccount uint64    `json:"sellAccount"`
	TakerSide   string    `json:"takerSide"`
	Time        time.Time `json:"time"`
}

// ID is the trade's identity: "<symbol>:<seq>".
func (t *Trade) ID() string { return t.Symbol + ":" + strconv.FormatUint(t.Seq, 10) }

// TakerAccountText is the account that sent the aggressing order.
func (t *Trade) TakerAccountText() string {
	if t.TakerSide == "buy" {
		return strconv.FormatUint(t.BuyAccount, 10)
	}
	return strconv.FormatUint(t.SellAccount, 10)
}

// Quote is the top of a book after a batch of events.
type Quote struct {
	Symbol string `json:"symbol"`
	Bid    string `json:"bid,omitempty"`
	Ask    string `json:"ask,omitempty"`
	Volume string `json:"volume"` // traded in the batch
	Time   int64  `json:"time"`   // unix milliseconds
}

// Update is what live subscribers receive: the trades and the quote of
// one settled batch of one symbol.
type Update struct {
	Symbol string  `json:"symbol"`
	Trades []Trade `json:"trades"`
	Quote  Quote   `json:"quote"`
}

// StartNode replays the journal, then starts relaying and settling.
func StartNode(ctx context.Context, cfg NodeConfig) (*Node, error) {
	if cfg.Store == nil || cfg.JournalPath == "" {
		return nil, errors.New("trading: node needs a Store and a JournalPath")
	}
	if cfg.StreamMaxLen <= 0 {
		cfg.StreamMaxLen = 100_000
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 20 * time.Millisecond
	}
	n := &Node{
		cfg: cfg, store: cfg.Store, log: cfg.Logger, markets: cfg.Store.markets,
		events: map[string]chan engine.Event{}, tops: map[string]*top{}, settled: map[string]*atomic.Uint64{},
		journaled: map[uint64]uint8{}, wake: make(chan struct{}, 1), subs: map[chan Update]struct{}{},
	}
	n.jcond = sync.NewCond(&n.jmu)
	if n.log == nil {
		n.log = slog.New(slog.DiscardHandler)
	}
	if cfg.Mongo != nil {
		m, err := NewAuditModel(ctx, cfg.Mongo)
		if err != nil {
			return nil, err
		}
		n.audit = m
	}
	symbols := make([]string, 0, len(n.markets))
	for _, m := range cfg.Store.list {
		symbols = append(symbols, m.Symbol)
		n.events[m.Symbol] = make(chan engine.Event, 1<<16)
		n.tops[m.Symbol] = &top{}
		n.settled[m.Symbol] = &atomic.Uint64{}
		if _, err := cfg.Store.pool.Exec(ctx, `INSERT INTO settlement_cursors (symbol, "lastSeq") VALUES ($1, 0) ON CONFLICT DO NOTHING`, m.Symbol); err != nil {
			return nil, err
		}
	}
	eng, err := engine.New(symbols, func(sym string) engine.Sink {
		ch, t := n.events[sym], n.tops[sym]
		return engine.SinkFunc(func(e *engine.Event) {
			t.update()
			t.seq.Store(e.Seq)
			ch <- *e
		})
	}, nil)
	if err != nil {
		return nil, err
	}
	n.eng = eng
	snap, err := ReadSnapshot(snapshotPath(cfg))
	if err != nil {
		eng.Close()
		return nil, err
	}
	for _, sym := range symbols {
		t := n.tops[sym]
		var rerr error
		if err := eng.Do(ctx, sym, func(b *engine.Book) {
			t.book = b
			if snap != nil {
				// Everything the snapshot holds was settled before it
				// was written.
				rerr = snap.restore(sym, b)
				n.settled[sym].Store(b.Seq())
				t.seq.Store(b.Seq())
				t.update()
			}
		}); err != nil || rerr != nil {
			eng.Close()
			return nil, cmp.Or(err, rerr)
		}
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	n.cancel, n.runCtx = cancel, runCtx
	for _, sym := range symbols {
		n.settleWG.Add(1)
		go n.settler(runCtx, sym)
	}
	submit := func(e *journal.Entry) {
		if err := eng.Submit(runCtx, e.Symbol, e.Cmd); err != nil {
			n.log.Error("trading: journaled command not applied", "symbol", e.Symbol, "err", err)
		}
	}
	jr, err := journal.Open(cfg.JournalPath, func(e journal.Entry) error {
		n.journaled[e.Ref] = refDurable
		submit(&e)
		return nil
	}, &journal.Options{Apply: func(batch []journal.Entry) {
		for i := range batch {
			submit(&batch[i])
		}
	}, SegmentEntries: cfg.JournalSegment, From: snapFrom(snap), Preallocate: cfg.JournalPreallocate,
		SyncDepth: cfg.JournalSyncDepth})
	if err != nil {
		eng.Close()
		cancel()
		return nil, err
	}
	n.jr = jr
	intakePath := cmp.Or(cfg.IntakePath, cfg.JournalPath+".intake")
	in, recs, err := openIntake(intakePath, cfg.JournalPreallocate, cfg.JournalSyncDepth)
	if err != nil {
		jr.Close()
		eng.Close()
		cancel()
		return nil, err
	}
	n.in = in
	cfg.Store.OnCommit(n.Wake)
	n.placer = cfg.Store.NewPlacer(&PlacerOpts{Shards: cfg.PlaceShards, MaxBatch: cfg.PlaceBatch, AfterCommit: n.JournalPlaced, Nice: cfg.BackgroundNice, Logger: n.log})
	n.relayWG.Add(4)
	go func() { defer n.relayWG.Done(); n.intakeCloser(runCtx) }()
	go func() { defer n.relayWG.Done(); n.intakeFeeder() }()
	go n.relay(runCtx)
	go n.intakeLoop(runCtx, 10*time.Second)
	if k, err := n.recoverIntake(ctx, recs); err != nil {
		n.Close()
		return nil, err
	} else if k > 0 {
		n.log.Info("trading: placing intake orders journaled before a restart", "orders", k)
	}
	if cfg.SnapshotEvery > 0 {
		n.relayWG.Add(1)
		go n.snapshotLoop(runCtx, cfg.SnapshotEvery)
	}
	if err := n.warm(ctx); err != nil {
		n.Close()
		return nil, err
	}
	return n, nil
}

// warmAccounts is how many account ids warm loads into the intake's cache.
const warmAccounts = 1 << 16

// warm readies the node for its first orders before it takes any: it
// loads the ids of up to warmAccounts accounts into the intake's cache
// (otherwise the first order of each account waits for a lookup) and
// opens up to 8 connections of the PostgreSQL pool (otherwise the first
// second's lookups and placements wait for connections being
// established).
func (n *Node) warm(ctx context.Context) error {
	pool := n.store.pool
	// Half the pool at most, and never waiting long: the relay and the
	// placer already run and need connections of their own.
	conns := min(int(pool.Config().MaxConns)/2, 8)
	actx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	held := make([]*pgxpool.Conn, 0, conns)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range conns {
		wg.Go(func() {
			if c, err := pool.Acquire(actx); err == nil {
				mu.Lock()
				held = append(held, c)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for _, c := range held {
		c.Release() // idle in the pool, open
	}
	rows, err := pool.Query(ctx, `SELECT id FROM accounts ORDER BY id LIMIT $1`, warmAccounts)
	if err != nil {
		return fmt.Errorf("trading: loading accounts: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return fmt.Errorf("trading: loading accounts: %w", err)
	}
	for _, id := range ids {
		n.in.accounts.Store(id, struct{}{})
	}
	return nil
}

func snapFrom(s *Snapshot) uint64 {
	if s == nil {
		return 0
	}
	return s.JournalSeq
}

// Wake makes the relay look at the outbox now.
func (n *Node) Wake() {
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

// Engine returns the running engine (read books with Engine().Do).
func (n *Node) Engine() *engine.Engine { return n.eng }

// Settled returns the last event sequence of symbol settled in PostgreSQL
// and published by this node.
func (n *Node) Settled(symbol string) uint64 {
	if s, ok := n.settled[symbol]; ok {
		return s.Load()
	}
	return 0
}

// Trades returns the number of trades this node published since it started
// (replayed ones included).
func (n *Node) Trades() int64 { return n.trades.Load() }

// Close stops the relay, lets the journal and the books finish what they
// hold, settles the remaining events and stops.
// Calling it again does nothing.
func (n *Node) Close() error {
	n.closeOnce.Do(func() {
		n.placer.Close()
		n.cancel()
		n.relayWG.Wait()
		n.closeErr = cmp.Or(n.jr.Close(), n.in.jr.Close())
		n.eng.Close()
		for _, ch := range n.events {
			close(ch)
		}
		n.settleWG.Wait()
	})
	return n.closeErr
}

// relay moves committed outbox rows into the journal, in outbox order,
// then deletes them: a row in the outbox is a command not yet known to be
// relayed. Rows already in the journal (a crash between the journal's
// fsync and the delete) are only deleted. Deleting costs PostgreSQL less
// than marking the row relayed did (no new row version, no new entries in
// the table's two indexes); the column relayed stays false.
func (n *Node) relay(ctx context.Context) {
	defer n.relayWG.Done()
	backgroundThread(n.cfg.BackgroundNice)
	t := time.NewTicker(n.cfg.Poll)
	defer t.Stop()
	for {
		moved, err := n.relayOnce(ctx)
		if err != nil && ctx.Err() == nil {
			n.log.Warn("trading: relay", "err", err)
		}
		if moved > 0 && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-n.wake:
		case <-t.C:
		}
	}
}

func (n *Node) relayOnce(ctx context.Context) (int, error) {
	n.relayMu.Lock()
	defer n.relayMu.Unlock()
	// The unrelayed ids first: most are placements the placer has already
	// journaled, which only need their mark; only the rows left to journal
	// are read in full (with their order), afterwards.
	rows, err := n.store.pool.Query(ctx, `SELECT id FROM order_outbox WHERE NOT relayed ORDER BY id LIMIT 2000`)
	if err != nil {
		return 0, err
	}
	unrelayed, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return 0, err
	}
	var ids, todo []int64
	for _, ref := range unrelayed {
		switch n.claim(uint64(ref)) {
		case refDurable:
			ids = append(ids, ref)
		case refClaimed:
			// Another caller is appending it: mark it relayed on a later
			// pass, once it is durable, never before.
		default:
			ids = append(ids, ref)
			todo = append(todo, ref)
		}
	}
	if len(todo) > 0 {
		entries, err := n.relayEntries(ctx, todo)
		if err == nil && len(entries) != len(todo) {
			err = fmt.Errorf("trading: relay: %d of %d outbox rows found", len(entries), len(todo))
		}
		if err != nil {
			n.releaseClaims(todo)
			return 0, err
		}
		// Without cancel: a cancelled Append may still journal the
		// entries, and the claims must say exactly what is durable.
		_, err = n.jr.AppendBatch(context.WithoutCancel(ctx), entries)
		n.settleClaims(entries, err)
		if err != nil {
			return 0, err
		}
	}
	if len(ids) > 0 {
		if _, err := n.store.pool.Exec(ctx, `DELETE FROM order_outbox WHERE id = ANY($1)`, ids); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// relayEntries reads the outbox rows refs (with their orders) as journal
// entries, in outbox order.
func (n *Node) relayEntries(ctx context.Context, refs []int64) ([]journal.Entry, error) {
	rows, err := n.store.pool.Query(ctx, `SELECT x.id, x.op, x.symbol, o.id, o."accountId", o.side, o.type, o.tif,
			coalesce(x.price, o.price), coalesce(x.quantity, o.quantity)
		FROM order_outbox x JOIN orders o ON o.id = x."orderId"
		WHERE x.id = ANY($1) ORDER BY x.id`, refs)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	entries := make([]journal.Entry, 0, len(refs))
	for rows.Next() {
		var (
			ref, orderID            int64
			op, sym, side, typ, tif string
			account                 int64
			price, qty              decimalScan
		)
		if err := rows.Scan(&ref, &op, &sym, &orderID, &account, &side, &typ, &tif, &price, &qty); err != nil {
			return nil, err
		}
		m := n.markets[sym]
		e := journal.Entry{Ref: uint64(ref), Symbol: sym, Cmd: engine.Command{OrderID: uint64(orderID), Account: uint64(account)}}
		switch op {
		case "cancel":
			e.Cmd.Op = engine.OpCancel
		case "modify":
			e.Cmd.Op = engine.OpModify
			e.Cmd.Price = price.d.Shift(m.PriceDecimals).IntPart()
			e.Cmd.Qty = qty.d.Shift(m.QtyDecimals).IntPart()
		default:
			e.Cmd.Op = engine.OpPlace
			e.Cmd.Side = map[string]engine.Side{"BUY": engine.Buy, "SELL": engine.Sell}[side]
			e.Cmd.Type = map[string]engine.Type{"LIMIT": engine.Limit, "MARKET": engine.Market}[typ]
			e.Cmd.TIF = map[string]engine.TIF{"GTC": engine.GTC, "IOC": engine.IOC, "FOK": engine.FOK}[tif]
			e.Cmd.Price = price.d.Shift(m.PriceDecimals).IntPart()
			e.Cmd.Qty = qty.d.Shift(m.QtyDecimals).IntPart()
		}
		entries = append(entries, e)
	}
	return entries, rows.Err()
}

// The states of an outbox id in Node.journaled.
const (
	refClaimed uint8 = 1 // being appended by some caller
	refDurable uint8 = 2 // in the journal (fsynced)
)

// claim reserves an outbox id for the journal. It returns 0 to the first
// caller, who must append it and then call settle; otherwise the id's
// state (refClaimed while that append runs, refDurable after).
func (n *Node) claim(ref uint64) uint8 {
	n.jmu.Lock()
	defer n.jmu.Unlock()
	if st := n.journaled[ref]; st != 0 {
		return st
	}
	n.journaled[ref] = refClaimed
	return 0
}

// settle records the outcome of appending claimed entries: durable, or
// (when the append failed) free to be claimed again.
func (n *Node) settleClaims(entries []journal.Entry, err error) {
	n.jmu.Lock()
	defer n.jmu.Unlock()
	for i := range entries {
		if err != nil {
			delete(n.journaled, entries[i].Ref)
		} else {
			n.journaled[entries[i].Ref] = refDurable
		}
	}
	n.jcond.Broadcast()
}

// releaseClaims frees claims taken for refs that were not appended.
func (n *Node) releaseClaims(refs []int64) {
	n.jmu.Lock()
	defer n.jmu.Unlock()
	for _, ref := range refs {
		delete(n.journaled, uint64(ref))
	}
	n.jcond.Broadcast()
}

// JournalPlaced appends committed placements to the journal and returns
// once they are durable there and handed to the engine: the AfterCommit
// of a Placer (see Node.Placer), so that an order is acknowledged only
// when it is reserved in PostgreSQL and journaled. Their outbox rows stay
// unrelayed until the relay's next pass marks them (it skips what is
// journaled); after a crash between the commit and the journal the relay
// journals them instead.
func (n *Node) JournalPlaced(ctx context.Context, placed []Placed) error {
	entries := make([]journal.Entry, 0, len(placed))
	for i := range placed {
		p := &placed[i]
		if n.claim(uint64(p.OutboxID)) != 0 {
			continue // the relay has it: wait for it below
		}
		entries = append(entries, journal.Entry{Ref: uint64(p.OutboxID), Symbol: p.Order.Symbol, Cmd: p.Cmd})
	}
	if len(entries) > 0 {
		_, err := n.jr.AppendBatch(context.WithoutCancel(ctx), entries)
		n.settleClaims(entries, err)
		if err != nil {
			return err
		}
	}
	if len(entries) == len(placed) {
		return nil
	}
	// Some were claimed by the relay: acknowledge them only once durable.
	n.jmu.Lock()
	defer n.jmu.Unlock()
	for i := range placed {
		for {
			st := n.journaled[uint64(placed[i].OutboxID)]
			if st == refDurable {
				break
			}
			if st == 0 {
				// Either the relay's append failed (the journal has
				// stopped) or the entry was durable and a snapshot has
				// since forgotten it.
				if err := n.jr.Err(); err != nil {
					return err
				}
				break
			}
			n.jcond.Wait()
		}
	}
	return nil
}

// Place places r with the node's placer: batched with concurrent
// placements in one Serializable transaction (group commit), then
// journaled with them (group commit again), so it returns once the order
// is reserved in PostgreSQL and durable in the journal, on its way to the
// book. A *RejectError means nothing was reserved.
func (n *Node) Place(ctx context.Context, r *OrderRequest) (*Placed, error) {
	if n.placer == nil {
		return nil, errors.New("trading: node not started")
	}
	return n.placer.Place(ctx, r)
}

// PlacerStats returns the counters of the node's placer: batches, orders,
// and the time spent in placement transactions and in journaling them.
func (n *Node) PlacerStats() PlacerStats { return n.placer.Stats() }

// JournalStats returns the group-commit counters of the engine's journal
// and of the intake journal.
func (n *Node) JournalStats() (engine, intake journal.Stats) {
	return n.jr.Stats(), n.in.jr.Stats()
}

// settler applies one symbol's events in batches (up to settleBatch
// events per transaction). Publishing a batch (audit log, streams) runs on
// its own goroutine, in order, while the next batch settles.
func (n *Node) settler(ctx context.Context, sym string) {
	defer n.settleWG.Done()
	ch := n.events[sym]
	m := n.markets[sym]
	backgroundThread(n.cfg.BackgroundNice)
	pub := make(chan []engine.Event, 4)
	n.settleWG.Add(1)
	go func() {
		defer n.settleWG.Done()
		backgroundThread(n.cfg.BackgroundNice)
		for batch := range pub {
			n.publish(ctx, m, batch)
			n.settled[sym].Store(batch[len(batch)-1].Seq)
		}
	}()
	defer close(pub)
	for {
		e, ok := <-ch
		if !ok {
			return
		}
		batch := make([]engine.Event, 1, min(len(ch)+1, settleBatch))
		batch[0] = e
	drain:
		for len(batch) < settleBatch {
			select {
			case e, ok := <-ch:
				if !ok {
					break drain
				}
				batch = append(batch, e)
			default:
				break drain
			}
		}
		for attempt := 0; ; attempt++ {
			err := n.settle(ctx, m, batch)
			if err == nil {
				break
			}
			if ctx.Err() != nil {
				return
			}
			n.log.Warn("trading: settlement retry", "symbol", sym, "err", err)
			time.Sleep(min(time.Duration(attempt+1)*50*time.Millisecond, 2*time.Second))
		}
		pub <- batch
	}
}

// settleBatch bounds the events of one settlement transaction.
const settleBatch = 4096

var doneStatus = map[engine.Reason]string{
	engine.ReasonFilled: "FILLED", engine.ReasonCancelled: "CANCELLED",
	engine.ReasonExpired: "EXPIRED", engine.ReasonKilled: "KILLED",
}

// The order-side statement of a modify in settlement; it returns what the
// balance of the order's account must change by (the balances themselves
// are updated once per batch, see settle).
const (
	// sqlModify applies a modify: the order keeps exactly the new order's
	// hold ($4) and returns what it gave up (see Store.Modify).
	sqlModify = `WITH o AS (SELECT id, "accountId", "holdCurrency", hold FROM orders WHERE id = $1 AND status IN ('PENDING', 'OPEN') FOR UPDATE)
		UPDATE orders x SET price = $2, quantity = x.filled + $3, hold = $4, reason = NULL FROM o WHERE x.id = o.id
		RETURNING o."accountId", o."holdCurrency", o.hold - $4`
	// sqlLockBalances locks a batch's balances in one global order, so
	// the settlers of different symbols never deadlock on shared accounts.
	sqlLockBalances = `SELECT 1 FROM balances b JOIN unnest($1::int[], $2::text[]) AS k(a, c) ON b."accountId" = k.a AND b.currency = k.c
		ORDER BY b."accountId", b.currency FOR UPDATE OF b`
	sqlMoveBalances = `UPDATE balances b SET available = b.available + d.da, reserved = b.reserved + d.dr
		FROM unnest($1::int[], $2::text[], $3::numeric[], $4::numeric[]) AS d(a, c, da, dr)
		WHERE b."accountId" = d.a AND b.currency = d.c`
)

// balanceKey is one balance row; balanceDelta what a batch changes in it.
type balanceKey struct {
	account int
	ccy     string
}

type balanceDelta struct{ available, reserved decimal.Decimal }

// The set-based statements of settlement: each applies one kind of change
// for a whole run of events (see settleRun).
const (
	sqlAcceptAll = `UPDATE orders SET status = 'OPEN' WHERE id = ANY($1) AND status = 'PENDING'`
	// sqlFillAll adds each order's fills of the run (one row per order)
	// and returns what its hold gave up: price × quantity for a buy, the
	// quantity for a sell.
	sqlFillAll = `UPDATE orders o SET filled = o.filled + d.q,
			hold = o.hold - CASE WHEN o.side = 'BUY' THEN o.price * d.q ELSE d.q END
		FROM unnest($1::bigint[], $2::numeric[]) AS d(id, q) WHERE o.id = d.id
		RETURNING o.id, o."accountId", o.side = 'BUY', CASE WHEN o.side = 'BUY' THEN o.price * d.q ELSE d.q END`
	sqlTradeAll = `INSERT INTO trades (symbol, seq, price, quantity, "buyOrderId", "sellOrderId", "takerSide")
		SELECT $1, s, p, q, b, x, t::"Side" FROM unnest($2::bigint[], $3::numeric[], $4::numeric[], $5::bigint[], $6::bigint[], $7::text[]) AS d(s, p, q, b, x, t)`
	// sqlFillCloseAll is sqlFillAll and then sqlCloseAll (not only if
	// pending) for orders a run both fills and closes, in one row version:
	// it returns what sqlFillAll returns and, as sqlCloseAll, the hold
	// currency and the hold released (what is left after the fills) when
	// the order was still pending or open (0 otherwise, and then it only
	// fills, as the two statements would).
	sqlFillCloseAll = `WITH d AS (SELECT * FROM unnest($1::bigint[], $2::numeric[], $3::text[], $4::text[]) AS d(id, q, st, reason)),
		o AS (SELECT o.id, o."accountId", o."holdCurrency", o.hold, o.side = 'BUY' AS buy, d.q, d.st, d.reason,
				CASE WHEN o.side = 'BUY' THEN o.price * d.q ELSE d.q END AS gave, o.status IN ('PENDING', 'OPEN') AS closing
			FROM orders o JOIN d ON d.id = o.id FOR UPDATE OF o)
		UPDATE orders x SET filled = x.filled + o.q,
			hold = CASE WHEN o.closing THEN 0 ELSE x.hold - o.gave END,
			status = CASE WHEN o.closing THEN o.st::"OrderStatus" ELSE x.status END,
			reason = CASE WHEN o.closing THEN NULLIF(o.reason, '') ELSE x.reason END
		FROM o WHERE x.id = o.id
		RETURNING o.id, o."accountId", o.buy, o.gave, o."holdCurrency", CASE WHEN o.closing THEN o.hold - o.gave ELSE 0 END`
	// sqlCloseAll closes the orders still open (or only pending, for a
	// rejected placement) and returns the holds they gave up.
	sqlCloseAll = `WITH d AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bool[]) AS d(id, st, reason, pend)),
		o AS (SELECT o.id, o."accountId", o."holdCurrency", o.hold, d.st, d.reason FROM orders o JOIN d ON d.id = o.id
			WHERE o.status = 'PENDING' OR (o.status = 'OPEN' AND NOT d.pend) FOR UPDATE OF o)
		UPDATE orders x SET status = o.st::"OrderStatus", hold = 0, reason = NULLIF(o.reason, '') FROM o WHERE x.id = o.id
		RETURNING o."accountId", o."holdCurrency", o.hold`
)

// settleRun gathers a run of events without a modify, applied as one
// statement per kind: accepts, then each order's fills summed, the
// trades, then the closes. Within such a run the order is safe: an order
// is accepted before it trades and trades before it closes, and nothing
// but a modify changes the price its fills are charged at.
type settleRun struct {
	accepts          []int64
	fillIDs          []int64
	fillLots         map[int64]int64           // order → lots filled in the run
	fillCost         map[int64]decimal.Decimal // order → quote paid or received
	tSeq, tBuy, tSel []int64
	tPrice, tQty     []pgtype.Numeric
	tTaker           []string
	cIDs             []int64
	cStatus, cReason []string
	cPending         []bool
}

func (r *settleRun) empty() bool {
	return len(r.accepts) == 0 && len(r.fillIDs) == 0 && len(r.tSeq) == 0 && len(r.cIDs) == 0
}

// acceptsToWrite are the run's accepts less those of orders the run also
// closes (not only-if-pending): the close takes a pending order straight
// to its final status (sqlCloseAll), so writing OPEN first would be one
// more version of the row, and its three index entries, for nothing. At
// high rates most orders are accepted and closed within one batch.
func (r *settleRun) acceptsToWrite() []int64 {
	if len(r.accepts) == 0 || len(r.cIDs) == 0 {
		return r.accepts
	}
	closed := r.closing()
	out := r.accepts[:0]
	for _, id := range r.accepts {
		if _, ok := closed[id]; !ok {
			out = append(out, id)
		}
	}
	return out
}

// closing is the set of orders the run closes whatever their status
// (EvDone), by the index of their close.
func (r *settleRun) closing() map[int64]int {
	closed := make(map[int64]int, len(r.cIDs))
	for i, id := range r.cIDs {
		if !r.cPending[i] {
			closed[id] = i
		}
	}
	return closed
}

func (r *settleRun) fill(id int64, lots int64, cost decimal.Decimal) {
	if r.fillLots == nil {
		r.fillLots, r.fillCost = map[int64]int64{}, map[int64]decimal.Decimal{}
	}
	if _, ok := r.fillLots[id]; !ok {
		r.fillIDs = append(r.fillIDs, id)
	}
	r.fillLots[id] += lots
	r.fillCost[id] = r.fillCost[id].Add(cost)
}

func (r *settleRun) close(id int64, status, reason string, pendingOnly bool) {
	r.cIDs, r.cStatus, r.cReason, r.cPending = append(r.cIDs, id), append(r.cStatus, status), append(r.cReason, reason), append(r.cPending, pendingOnly)
}

// queue adds the run's statements to b; move receives the balance changes.
func (r *settleRun) queue(b *pgx.Batch, m Market, move func(int, string, decimal.Decimal, decimal.Decimal), release func(pgx.Rows) error) {
	if accepts := r.acceptsToWrite(); len(accepts) > 0 {
		b.Queue(sqlAcceptAll, accepts)
	}
	// Orders the run both fills and closes: one statement, one row
	// version each; the rest fill or close on their own.
	fillOnly, both := r.fillIDs, []int64(nil)
	closeIdx := make([]int, 0, len(r.cIDs)) // the closes left to sqlCloseAll
	var closed map[int64]int
	if len(r.cIDs) > 0 && len(r.fillIDs) > 0 {
		closed = r.closing()
		fillOnly = make([]int64, 0, len(r.fillIDs))
		merged := make(map[int]bool, len(r.fillIDs))
		for _, id := range r.fillIDs {
			if i, ok := closed[id]; ok {
				both = append(both, id)
				merged[i] = true
			} else {
				fillOnly = append(fillOnly, id)
			}
		}
		for i := range r.cIDs {
			if !merged[i] {
				closeIdx = append(closeIdx, i)
			}
		}
	} else {
		for i := range r.cIDs {
			closeIdx = append(closeIdx, i)
		}
	}
	lots, costs := r.fillLots, r.fillCost
	qtysOf := func(ids []int64) []pgtype.Numeric {
		qtys := make([]pgtype.Numeric, len(ids))
		for i, id := range ids {
			qtys[i] = numeric(lots[id], m.QtyDecimals)
		}
		return qtys
	}
	// filled moves what an order's fills of the run change: held is what
	// its hold gave up for them.
	filled := func(id int64, account int, buy bool, held decimal.Decimal) {
		qty := decimal.New(lots[id], -m.QtyDecimals)
		if buy {
			// The buyer pays the trades' cost from what its order held at
			// its limit (price × qty) and gets the difference back.
			move(account, m.Quote, held.Sub(costs[id]), held.Neg())
			move(account, m.Base, qty, decimal.Zero)
		} else {
			move(account, m.Base, decimal.Zero, qty.Neg())
			move(account, m.Quote, costs[id], decimal.Zero)
		}
	}
	if len(fillOnly) > 0 {
		b.Queue(sqlFillAll, fillOnly, qtysOf(fillOnly)).Query(func(rows pgx.Rows) error {
			n := 0
			for rows.Next() {
				var id int64
				var account int
				var buy bool
				var held decimalScan
				if err := rows.Scan(&id, &account, &buy, &held); err != nil {
					return err
				}
				n++
				filled(id, account, buy, held.d)
			}
			if err := rows.Err(); err != nil {
				return err
			}
			if n != len(fillOnly) {
				return fmt.Errorf("trading: settle %s: %d of %d filled orders found", m.Symbol, n, len(fillOnly))
			}
			return nil
		})
	}
	if len(both) > 0 {
		st, reason := make([]string, len(both)), make([]string, len(both))
		for i, id := range both {
			st[i], reason[i] = r.cStatus[closed[id]], r.cReason[closed[id]]
		}
		b.Queue(sqlFillCloseAll, both, qtysOf(both), st, reason).Query(func(rows pgx.Rows) error {
			n := 0
			for rows.Next() {
				var id int64
				var account int
				var buy bool
				var held, freed decimalScan
				var ccy string
				if err := rows.Scan(&id, &account, &buy, &held, &ccy, &freed); err != nil {
					return err
				}
				n++
				filled(id, account, buy, held.d)
				move(account, ccy, freed.d, freed.d.Neg())
			}
			if err := rows.Err(); err != nil {
				return err
			}
			if n != len(both) {
				return fmt.Errorf("trading: settle %s: %d of %d filled and closed orders found", m.Symbol, n, len(both))
			}
			return nil
		})
	}
	if len(r.tSeq) > 0 {
		b.Queue(sqlTradeAll, m.Symbol, r.tSeq, r.tPrice, r.tQty, r.tBuy, r.tSel, r.tTaker)
	}
	if len(closeIdx) > 0 {
		ids, st, reason, pend := make([]int64, len(closeIdx)), make([]string, len(closeIdx)), make([]string, len(closeIdx)), make([]bool, len(closeIdx))
		for k, i := range closeIdx {
			ids[k], st[k], reason[k], pend[k] = r.cIDs[i], r.cStatus[i], r.cReason[i], r.cPending[i]
		}
		b.Queue(sqlCloseAll, ids, st, reason, pend).Query(release)
	}
	*r = settleRun{}
}

// settle applies the events after the symbol's cursor in one transaction
// and moves the cursor: each event changes PostgreSQL exactly once. The
// order rows change a run of events at a time (one statement per kind of
// change for the whole run, a modify ending a run); their effects on
// balances are summed and applied at the end, one UPDATE for the batch,
// after locking the balance rows in (account, currency) order: short
// locks on the hot rows placement also writes, and no deadlock between
// settlers.
func (n *Node) settle(ctx context.Context, m Market, events []engine.Event) error {
	return pgx.BeginFunc(ctx, n.store.pool, func(tx pgx.Tx) error {
		var last int64
		if err := tx.QueryRow(ctx, `SELECT "lastSeq" FROM settlement_cursors WHERE symbol = $1 FOR UPDATE`, m.Symbol).Scan(&last); err != nil {
			return err
		}
		deltas := map[balanceKey]*balanceDelta{}
		move := func(account int, ccy string, available, reserved decimal.Decimal) {
			k := balanceKey{account, ccy}
			d := deltas[k]
			if d == nil {
				d = &balanceDelta{}
				deltas[k] = d
			}
			d.available, d.reserved = d.available.Add(available), d.reserved.Add(reserved)
		}
		release := func(rows pgx.Rows) error {
			for rows.Next() {
				var account int
				var ccy string
				var freed decimalScan
				if err := rows.Scan(&account, &ccy, &freed); err != nil {
					return err
				}
				move(account, ccy, freed.d, freed.d.Neg())
			}
			return rows.Err()
		}
		b := &pgx.Batch{}
		var run settleRun
		for i := range events {
			e := &events[i]
			if e.Seq <= uint64(last) {
				continue
			}
			id := int64(e.OrderID)
			switch e.Kind {
			case engine.EvAccepted:
				run.accepts = append(run.accepts, id)
			case engine.EvTrade:
				buy, sell := int64(e.OrderID), int64(e.Maker)
				taker := "BUY"
				if e.Side == engine.Sell {
					buy, sell, taker = sell, buy, "SELL"
				}
				cost := decimal.New(e.Price*e.Qty, -(m.PriceDecimals + m.QtyDecimals))
				run.fill(buy, e.Qty, cost)
				run.fill(sell, e.Qty, cost)
				run.tSeq, run.tBuy, run.tSel = append(run.tSeq, int64(e.TradeSeq)), append(run.tBuy, buy), append(run.tSel, sell)
				run.tPrice, run.tQty = append(run.tPrice, numeric(e.Price, m.PriceDecimals)), append(run.tQty, numeric(e.Qty, m.QtyDecimals))
				run.tTaker = append(run.tTaker, taker)
			case engine.EvDone:
				run.close(id, doneStatus[e.Reason], "", false)
			case engine.EvModified:
				// A modify changes the price later fills are charged at:
				// the run before it goes first.
				run.queue(b, m, move, release)
				// The order now holds its old hold, less what fills took,
				// plus the full hold of the modified order reserved by
				// Store.Modify: keep exactly the new order's hold.
				target := numeric(e.Qty, m.QtyDecimals)
				if e.Side == engine.Buy {
					target = numeric(e.Price*e.Qty, m.PriceDecimals+m.QtyDecimals)
				}
				b.Queue(sqlModify, id, numeric(e.Price, m.PriceDecimals), numeric(e.Qty, m.QtyDecimals), target).Query(release)
			case engine.EvRejected:
				if e.Reason == engine.ReasonUnknownOrder {
					// A cancel or modify of an order the engine had
					// already closed: its EvDone released everything.
					continue
				}
				// A rejected placement leaves a pending order behind.
				run.close(id, "REJECTED", e.Reason.String(), true)
			}
		}
		if !run.empty() {
			run.queue(b, m, move, release)
		}
		b.Queue(`UPDATE settlement_cursors SET "lastSeq" = $2 WHERE symbol = $1 AND "lastSeq" < $2`, m.Symbol, int64(events[len(events)-1].Seq))
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		if len(deltas) == 0 {
			return nil
		}
		keys := make([]balanceKey, 0, len(deltas))
		for k, d := range deltas {
			if !d.available.IsZero() || !d.reserved.IsZero() {
				keys = append(keys, k)
			}
		}
		slices.SortFunc(keys, func(a, b balanceKey) int {
			return cmp.Or(cmp.Compare(a.account, b.account), cmp.Compare(a.ccy, b.ccy))
		})
		accounts, ccys := make([]int, len(keys)), make([]string, len(keys))
		avail, reserved := make([]string, len(keys)), make([]string, len(keys))
		for i, k := range keys {
			accounts[i], ccys[i] = k.account, k.ccy
			avail[i], reserved[i] = deltas[k].available.String(), deltas[k].reserved.String()
		}
		if _, err := tx.Exec(ctx, sqlLockBalances, accounts, ccys); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, sqlMoveBalances, accounts, ccys, avail, reserved)
		return err
	})
}

// publish writes the batch's trades to the audit log and the trade stream
// (each once, whatever was written before a crash), the quote to the quote
// stream, and the update to live subscribers.
func (n *Node) publish(ctx context.Context, m Market, events []engine.Event) {
	now := time.Now().UTC()
	var trades []Trade
	var volume int64
	for i := range events {
		e := &events[i]
		if e.Kind != engine.EvTrade {
			continue
		}
		t := Trade{Symbol: m.Symbol, Seq: e.TradeSeq, Ticks: e.Price, Lots: e.Qty, Price: m.PriceText(e.Price), Quantity: m.QtyText(e.Qty),
			BuyOrder: e.OrderID, SellOrder: e.Maker, BuyAccount: e.Account, SellAccount: e.MakerAcc, TakerSide: "buy", Time: now}
		if e.Side == engine.Sell {
			t.BuyOrder, t.SellOrder, t.BuyAccount, t.SellAccount, t.TakerSide = e.Maker, e.OrderID, e.MakerAcc, e.Account, "sell"
		}
		trades = append(trades, t)
		volume += e.Qty
	}
	if n.audit != nil && len(trades) > 0 {
		docs := auditDocs(m, trades)
		for attempt := 0; ; attempt++ {
			err := insertAudit(ctx, n.audit, docs)
			if err == nil || ctx.Err() != nil || attempt == 20 {
				if err != nil {
					n.log.Error("trading: audit log", "symbol", m.Symbol, "err", err)
				}
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	q := Quote{Symbol: m.Symbol, Volume: m.QtyText(volume), Time: now.UnixMilli()}
	t := n.tops[m.Symbol]
	if p := t.bid.Load(); p > 0 {
		q.Bid = m.PriceText(p)
	}
	if p := t.ask.Load(); p > 0 {
		q.Ask = m.PriceText(p)
	}
	if n.cfg.Redis != nil {
		n.publishRedis(ctx, m, trades, q)
	}
	n.trades.Add(int64(len(trades)))
	u := Update{Symbol: m.Symbol, Trades: trades, Quote: q}
	n.subMu.Lock()
	for ch := range n.subs {
		select {
		case ch <- u:
		default: // a slow subscriber misses updates rather than stall settlement
		}
	}
	n.subMu.Unlock()
}

// TradesKey is the Redis stream of symbol's trades; entry ids are
// "<trade seq>-0".
func (n *Node) TradesKey(symbol string) string {
	return n.cfg.KeyPrefix + "marketdata:{" + symbol + "}:trades"
}

// QuotesKey is the Redis stream of symbol's quotes.
func (n *Node) QuotesKey(symbol string) string {
	return n.cfg.KeyPrefix + "marketdata:{" + symbol + "}:quotes"
}

// LiveChannel is the Redis channel of symbol's live updates.
func (n *Node) LiveChannel(symbol string) string {
	return n.cfg.KeyPrefix + "marketdata:{" + symbol + "}:live"
}

func (n *Node) publishRedis(ctx context.Context, m Market, trades []Trade, q Quote) {
	r := n.cfg.Redis
	maxLen := strconv.FormatInt(n.cfg.StreamMaxLen, 10)
	cmds := make(rueidis.Commands, 0, len(trades)+2)
	for i := range trades {
		t := &trades[i]
		cmds = append(cmds, r.B().Xadd().Key(n.TradesKey(m.Symbol)).Maxlen().Almost().Threshold(maxLen).
			Id(strconv.FormatUint(t.Seq, 10)+"-0").FieldValue().
			FieldValue("price", t.Price).FieldValue("quantity", t.Quantity).
			FieldValue("buyOrderId", strconv.FormatUint(t.BuyOrder, 10)).FieldValue("sellOrderId", strconv.FormatUint(t.SellOrder, 10)).
			FieldValue("takerSide", t.TakerSide).FieldValue("timestamp", strconv.FormatInt(t.Time.UnixMilli(), 10)).Build())
	}
	cmds = append(cmds, r.B().Xadd().Key(n.QuotesKey(m.Symbol)).Maxlen().Almost().Threshold(maxLen).Id("*").FieldValue().
		FieldValue("bid", q.Bid).FieldValue("ask", q.Ask).FieldValue("volume", q.Volume).FieldValue("timestamp", strconv.FormatInt(q.Time, 10)).Build())
	payload, _ := json.Marshal(Update{Symbol: m.Symbol, Trades: trades, Quote: q})
	cmds = append(cmds, r.B().Publish().Channel(n.LiveChannel(m.Symbol)).Message(string(payload)).Build())
	for i, res := range r.DoMulti(ctx, cmds...) {
		err := res.Error()
		if err == nil || (i < len(trades) && strings.Contains(err.Error(), "equal or smaller")) {
			continue // a trade already in the stream before a crash
		}
		n.log.Warn("trading: market data", "symbol", m.Symbol, "err", err)
	}
}

// Subscribe returns a channel of live updates (dropped when the reader is
// slow) and a function that ends the subscription.
func (n *Node) Subscribe(buffer int) (<-chan Update, func()) {
	ch := make(chan Update, max(buffer, 1))
	n.subMu.Lock()
	n.subs[ch] = struct{}{}
	n.subMu.Unlock()
	return ch, func() {
		n.subMu.Lock()
		delete(n.subs, ch)
		n.subMu.Unlock()
	}
}

// HistoricalTrades reads symbol's trade stream between two trade sequence
// numbers (inclusive; 0 = open end) with XRANGE.
func (n *Node) HistoricalTrades(ctx context.Context, symbol string, from, to uint64, limit int64) ([]map[string]string, error) {
	if n.cfg.Redis == nil {
		return nil, errors.New("trading: no market-data store")
	}
	start, end := "-", "+"
	if from > 0 {
		start = fmt.Sprintf("%d-0", from)
	}
	if to > 0 {
		end = fmt.Sprintf("%d-0", to)
	}
	return streamRows(n.cfg.Redis.Do(ctx, n.cfg.Redis.B().Xrange().Key(n.TradesKey(symbol)).Start(start).End(end).Count(max(limit, 1)).Build()).AsXRange())
}

// streamRows turns stream entries into rows: "id" and the fields.
func streamRows(entries []rueidis.XRangeEntry, err error) ([]map[string]string, error) {
	if err != nil {
		return nil, err
	}
	out := make([]map[string]string, len(entries))
	for i, e := range entries {
		row := map[string]string{"id": e.ID}
		for k, v := range e.FieldValues {
			row[k] = v
		}
		out[i] = row
	}
	return out, nil
}

// top is the best bid and ask of a book, kept by its sink on the book's
// goroutine and read by the settler.
type top struct {
	book     *engine.Book
	bid, ask atomic.Int64
	seq      atomic.Uint64 // the book's last event
}

func (t *top) update() {
	if t.book == nil {
		return
	}
	bid, _ := t.book.BestBid()
	ask, _ := t.book.BestAsk()
	t.bid.Store(bid)
	t.ask.Store(ask)
}
