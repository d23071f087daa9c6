package trading

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/polystore/polystore/apps/trading/engine"
	"github.com/polystore/polystore/apps/trading/journal"
)

// The intake: the WebSocket stream acknowledges an order once it is valid
// and durable in the intake journal, before PostgreSQL reserves its funds.
// The reservation runs after, in the placer's batches, and its outcome is
// a later event. See Node.Intake.

// opIntakeID marks an intake journal record that carries clientOrderId
// bytes for the order record before it (the engine never sees intake
// records: they are requests, not engine inputs).
const opIntakeID engine.Op = 0xC1

// intakeIDBytes is how many clientOrderId bytes one continuation record
// holds (its four 8-byte integer fields).
const intakeIDBytes = 32

// Intake statuses (IntakeView.Status).
const (
	IntakeAccepted = "accepted" // journaled; the reservation has not run yet
	IntakePlaced   = "placed"   // reserved and recorded: OrderID
	IntakeRejected = "rejected" // refused by the reservation (insufficient funds): nothing reserved
)

// IntakeOutcome is what the reservation of an intake order came to: the
// order placed (OrderID), or refused with a *RejectError (nothing
// reserved).
// Deferred means the node closed before the reservation ran: the order
// stays in the intake journal and the next start places it.
type IntakeOutcome struct {
	Seq      uint64
	OrderID  int64
	Err      *RejectError
	Deferred bool
}

// IntakeView is an intake order as GET /intake/{seq} and GET
// /orders?accountId=&clientOrderId= show it.
type IntakeView struct {
	Seq           uint64       `json:"intakeSeq"`
	AccountID     int          `json:"accountId"`
	ClientOrderID string       `json:"clientOrderId"`
	Status        string       `json:"status"` // accepted, placed or rejected
	OrderID       int64        `json:"orderId,omitempty"`
	Error         *StreamError `json:"error,omitempty"`
}

// appendIntakeEntries appends an intake order's journal records to out: the order
// (Cmd.OrderID holds the clientOrderId's length), then the clientOrderId
// in continuation records. Appended as one batch, the records are
// consecutive; the first one's Seq is the intake sequence number.
func appendIntakeEntries(out []journal.Entry, account int, client string, o *order) []journal.Entry {
	out = append(out, journal.Entry{Symbol: o.m.Symbol, Cmd: engine.Command{Op: engine.OpPlace, OrderID: uint64(len(client)),
		Account: uint64(account), Side: o.side, Type: o.typ, TIF: o.tif, Price: o.ticks, Qty: o.lots}})
	for off := 0; off < len(client); off += intakeIDBytes {
		var chunk [intakeIDBytes]byte
		copy(chunk[:], client[off:])
		out = append(out, journal.Entry{Symbol: o.m.Symbol, Cmd: engine.Command{Op: opIntakeID,
			OrderID: binary.LittleEndian.Uint64(chunk[0:]), Account: binary.LittleEndian.Uint64(chunk[8:]),
			Price: int64(binary.LittleEndian.Uint64(chunk[16:])), Qty: int64(binary.LittleEndian.Uint64(chunk[24:]))}})
	}
	return out
}

// intakeRecord is an intake order read back from the journal.
type intakeRecord struct {
	seq    uint64
	symbol string
	cmd    engine.Command
	client string
}

// intakeReader rebuilds intake orders from replayed records. An order
// whose continuation records are missing (a torn tail: it was never
// acknowledged) is dropped, as are continuations without their order (the
// order is in a compacted segment, so it was resolved).
type intakeReader struct {
	cur  *intakeRecord
	want int // clientOrderId bytes still expected for cur
	buf  []byte
	out  []intakeRecord
}

func (r *intakeReader) add(e journal.Entry) {
	if e.Cmd.Op != opIntakeID {
		r.cur, r.buf = &intakeRecord{seq: e.Seq, symbol: e.Symbol, cmd: e.Cmd}, r.buf[:0]
		r.want = int(e.Cmd.OrderID)
		r.cur.cmd.OrderID = 0
		return
	}
	if r.cur == nil || r.want <= 0 || e.Seq != r.cur.seq+uint64(len(r.buf)/intakeIDBytes)+1 {
		r.cur = nil
		return
	}
	var chunk [intakeIDBytes]byte
	binary.LittleEndian.PutUint64(chunk[0:], e.Cmd.OrderID)
	binary.LittleEndian.PutUint64(chunk[8:], e.Cmd.Account)
	binary.LittleEndian.PutUint64(chunk[16:], uint64(e.Cmd.Price))
	binary.LittleEndian.PutUint64(chunk[24:], uint64(e.Cmd.Qty))
	r.buf = append(r.buf, chunk[:]...)
	if len(r.buf) >= r.want {
		r.cur.client = string(r.buf[:r.want])
		r.out = append(r.out, *r.cur)
		r.cur, r.want = nil, 0
	}
}

// orderOf rebuilds a validated order from an intake record.
func (s *Store) orderOf(symbol string, c *engine.Command) (*order, error) {
	m, ok := s.markets[symbol]
	if !ok {
		return nil, reject("symbol", "unknown_symbol", "unknown symbol %q", symbol)
	}
	o := &order{m: m, side: c.Side, typ: c.Type, tif: c.TIF, ticks: c.Price, lots: c.Qty}
	var err *RejectError
	if o.holdCcy, o.holdUnits, err = holdOf(m, o.side, o.ticks, o.lots); err != nil {
		return nil, err
	}
	return o, nil
}

// intakeState is what the node keeps of an intake order until its
// reservation has committed.
type intakeState struct {
	account int
	client  string
	item    placeItem
	notify  func(IntakeOutcome) // nil after a restart: nobody is listening
}

type clientKey struct {
	account int
	client  string
}

// intake is the node's side of the intake path.
type intake struct {
	jr       *journal.Journal
	mu       sync.Mutex
	pending  map[uint64]*intakeState
	byClient map[clientKey]uint64 // the latest pending seq of a clientOrderId
	accounts sync.Map             // int → struct{}: accounts known to exist

	// The pipeline (see Node.intakeAsync): the caller appends an order to
	// the journal under qmu and queues it in sequence order; once its
	// group is durable the journal's Apply (intake.durable, on the
	// journal's own goroutine) registers the group's orders as pending
	// under one lock, acknowledges them and queues their reservations for
	// the feeder, which submits them to the placer. The journal's Failed
	// refuses them instead. Between the append and the registration an
	// order is in queued, where compaction sees it.
	qmu       sync.Mutex
	queued    []intakeReq // appended, not yet durable (or failed), in sequence order
	closed    bool        // no more orders: the node is closing
	busy      bool        // durable or failed is acknowledging and feeding orders it took
	drained   chan struct{}
	drainOnce sync.Once
	done      []intakeReq    // durable's and failed's scratch (one call at a time)
	states    []*intakeState // likewise
	fmu       sync.Mutex
	feed      []*intakeState
	fkick     chan struct{}
	fdone     bool // the intake is closed and drained: the feeder ends when feed is empty
}

// intakeReq is an order on its way into the intake journal.
type intakeReq struct {
	account   int
	client    string
	o         *order
	ack       func(seq uint64, err error)
	notify    func(IntakeOutcome)
	seq, last uint64 // its first and last journal records
}

// errNodeClosing refuses orders taken in while the node closes.
var errNodeClosing = errors.New("trading: node closing")

// openIntake opens the intake journal and returns the orders it holds
// (those after its compacted prefix).
func openIntake(path string, prealloc, depth int) (*intake, []intakeRecord, error) {
	oldest, err := journal.OldestSeq(path)
	if err != nil {
		return nil, nil, err
	}
	var r intakeReader
	in := &intake{pending: map[uint64]*intakeState{}, byClient: map[clientKey]uint64{},
		drained: make(chan struct{}), fkick: make(chan struct{}, 1)}
	jr, err := journal.Open(path, func(e journal.Entry) error { r.add(e); return nil },
		&journal.Options{SegmentEntries: 1 << 16, From: max(oldest, 1) - 1, Preallocate: prealloc, SyncDepth: depth,
			Apply: in.durable, Failed: in.failed})
	if err != nil {
		return nil, nil, err
	}
	in.jr = jr
	return in, r.out, nil
}

// knownAccount says whether the account exists: from memory once seen, so
// that only the first order of an account costs a lookup.
func (n *Node) knownAccount(ctx context.Context, id int) (bool, error) {
	if _, ok := n.in.accounts.Load(id); ok {
		return true, nil
	}
	var ok bool
	if err := n.store.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM accounts WHERE id = $1)`, id).Scan(&ok); err != nil {
		return false, err
	}
	if ok {
		n.in.accounts.Store(id, struct{}{})
	}
	return ok, nil
}

// Intake takes an order in at the stream's intake. It validates it
// without a reservation (exact decimals, symbol, tick, lot, bounds, a
// known account) and returns a *RejectError for bad input; otherwise it
// appends it to the intake journal (group commit, fsync) and, once
// durable, calls ack with its intake sequence number, then queues the
// reservation with the node's placer (batched, Serializable, retried).
// ack runs on the intake journal's goroutine, before Intake returns, and
// must not block.
// notify receives the outcome later, once the reservation committed:
// placed (the order id; the order reaches the engine through the outbox
// as any other) or refused (insufficient funds; nothing reserved). It
// runs on the placer's goroutine and must not block. After a crash, a new
// Node places the journaled orders whose outcome PostgreSQL does not
// hold, exactly once (order_intake's key is the intake sequence number).
func (n *Node) Intake(ctx context.Context, client string, r *OrderRequest, ack func(seq uint64), notify func(IntakeOutcome)) error {
	done := make(chan error, 1)
	err := n.intakeAsync(ctx, client, r, func(seq uint64, err error) {
		if err == nil && ack != nil {
			ack(seq)
		}
		done <- err
	}, notify)
	if err != nil {
		return err
	}
	return <-done
}

// intakeAsync is Intake without waiting: it returns bad input (and an
// order refused at once) as an error; otherwise ack receives the intake
// sequence number once the order is durable, or the error that refused
// it (an unknown account, a failed journal, the node closing: nothing
// journaled, and notify is not called). ack runs on the intake journal's
// goroutine (or, for a refusal, the caller's or the account lookup's) and
// must not block; a nil error from ack's caller is always followed by
// one notify.
//
// Orders from every connection go into the journal together: the caller
// appends its order to the journal's next group (no goroutine of its own
// and no hand-over), and the journal's writer, once the group is
// durable, registers its orders under one lock and acknowledges them in
// a loop (intake.durable). Between the read of an order and its ack the
// only goroutine that must be scheduled is the journal's writer; before,
// an appender and a completer were scheduled in turn as well.
func (n *Node) intakeAsync(ctx context.Context, client string, r *OrderRequest, ack func(seq uint64, err error), notify func(IntakeOutcome)) error {
	if n.in == nil {
		return errors.New("trading: node not started")
	}
	if !validClientID(client) {
		return reject("clientOrderId", "bad_client_order_id", "clientOrderId must be 1 to %d printable ASCII characters", MaxClientOrderID)
	}
	o, err := n.store.validate(r)
	if err != nil {
		return err
	}
	req := intakeReq{account: r.AccountID, client: client, o: o, ack: ack, notify: notify}
	if _, ok := n.in.accounts.Load(r.AccountID); ok {
		return n.in.enqueue(req)
	}
	// The first order of an account not in the cache: look it up off the
	// caller's goroutine (a stream's reader goes on with its next order).
	go func() {
		ok, err := n.knownAccount(ctx, r.AccountID)
		if err == nil && !ok {
			err = reject("accountId", "unknown_account", "no account %d", r.AccountID)
		}
		if err == nil {
			err = n.in.enqueue(req)
		}
		if err != nil {
			ack(0, err)
		}
	}()
	return nil
}

// poke wakes the goroutine waiting on ch (a channel of one) unless it
// has a wake-up pending already.
func poke(ch chan<- struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// enqueue appends an order to the intake journal (without waiting for
// it to be durable) and queues it for durable or failed.
func (in *intake) enqueue(req intakeReq) error {
	var buf [1 + (MaxClientOrderID+intakeIDBytes-1)/intakeIDBytes]journal.Entry
	entries := appendIntakeEntries(buf[:0], req.account, req.client, req.o)
	in.qmu.Lock()
	defer in.qmu.Unlock()
	if in.closed {
		return errNodeClosing
	}
	// Appended and queued under one lock: queued is in sequence order,
	// and durable, which takes the lock, always finds the group's orders.
	last, _, err := in.jr.AppendAsync(entries)
	if err != nil {
		return err
	}
	req.seq, req.last = last-uint64(len(entries))+1, last
	in.queued = append(in.queued, req)
	return nil
}

// take removes the queued orders whose records end at or before last
// (those of a group the journal finished) into in.done; qmu is held. The
// caller calls done once it has acknowledged (or refused) and fed them.
func (in *intake) take(last uint64) []intakeReq {
	k := 0
	for k < len(in.queued) && in.queued[k].last <= last {
		k++
	}
	in.done = append(in.done[:0], in.queued[:k]...)
	rest := copy(in.queued, in.queued[k:])
	clear(in.queued[rest:])
	in.queued = in.queued[:rest]
	in.busy = true
	return in.done
}

// finished ends a durable or failed call: once the intake is closed and
// nothing is queued, every order appended before the close has been
// acknowledged or refused, and fed to the feeder.
func (in *intake) finished() {
	in.qmu.Lock()
	in.busy = false
	drained := in.closed && len(in.queued) == 0
	in.qmu.Unlock()
	if drained {
		in.drain()
	}
}

// drain tells intakeCloser the intake is drained.
func (in *intake) drain() { in.drainOnce.Do(func() { close(in.drained) }) }

// durable is the intake journal's Apply: a group is durable. It
// registers the group's orders as pending, acknowledges them and hands
// their reservations to the feeder, on the journal's goroutine.
func (in *intake) durable(batch []journal.Entry) {
	in.qmu.Lock()
	reqs := in.take(batch[len(batch)-1].Seq)
	in.states = in.states[:0]
	// Registered before they leave queued (qmu still held): compaction,
	// which takes both locks, always sees them in one or the other.
	in.mu.Lock()
	for i := range reqs {
		rq := &reqs[i]
		st := &intakeState{account: rq.account, client: rq.client, notify: rq.notify,
			item: placeItem{account: rq.account, o: rq.o, intake: rq.seq, client: rq.client}}
		in.pending[rq.seq] = st
		in.byClient[clientKey{rq.account, rq.client}] = rq.seq
		in.states = append(in.states, st)
	}
	in.mu.Unlock()
	in.qmu.Unlock()
	for i := range reqs {
		reqs[i].ack(reqs[i].seq, nil)
	}
	in.fmu.Lock()
	in.feed = append(in.feed, in.states...)
	in.fmu.Unlock()
	poke(in.fkick)
	clear(reqs)
	clear(in.states)
	in.finished()
}

// failed is the intake journal's Failed: a group did not become
// durable, and its orders are refused (nothing placed, no outcome).
func (in *intake) failed(batch []journal.Entry, err error) {
	in.qmu.Lock()
	reqs := in.take(batch[len(batch)-1].Seq)
	in.qmu.Unlock()
	for i := range reqs {
		reqs[i].ack(0, err)
	}
	clear(reqs)
	in.finished()
}

// intakeCloser stops the intake when ctx ends: no more orders are taken,
// and once every order appended before has been acknowledged or refused
// the feeder is told to end when it has submitted them.
func (n *Node) intakeCloser(ctx context.Context) {
	in := n.in
	<-ctx.Done()
	in.qmu.Lock()
	in.closed = true
	empty := len(in.queued) == 0 && !in.busy
	in.qmu.Unlock()
	if empty {
		in.drain()
	}
	<-in.drained
	in.fmu.Lock()
	in.fdone = true
	in.fmu.Unlock()
	poke(in.fkick)
}

// intakeFeeder submits the reservations of acknowledged orders to the
// placer, in intake order, on its own goroutine: a placer whose queues
// are full holds back neither the journal nor the acknowledgements. It
// ends once the intake is closed and drained (intakeCloser) and
// everything is submitted.
func (n *Node) intakeFeeder() {
	backgroundThread(n.cfg.BackgroundNice)
	in := n.in
	for {
		<-in.fkick
		for {
			in.fmu.Lock()
			feed, done := in.feed, in.fdone
			in.feed = nil
			in.fmu.Unlock()
			if len(feed) == 0 {
				if done {
					return
				}
				break
			}
			for _, st := range feed {
				n.placeIntake(st.item.intake, st)
			}
		}
	}
}

// placeIntake queues an intake order's reservation.
func (n *Node) placeIntake(seq uint64, st *intakeState) {
	if err := n.placer.submit(st.item, func(res PlaceResult) { n.intakePlaced(seq, st, res) }); err != nil {
		// The node is closing: the order stays in the intake journal
		// and the next start places it.
		n.log.Warn("trading: intake not placed before close", "seq", seq, "err", err)
		if st.notify != nil {
			st.notify(IntakeOutcome{Seq: seq, Deferred: true})
		}
	}
}

// intakePlaced receives the result of an intake order's reservation.
func (n *Node) intakePlaced(seq uint64, st *intakeState, res PlaceResult) {
	out := IntakeOutcome{Seq: seq}
	if res.Err != nil {
		var rej *RejectError
		if !errors.As(res.Err, &rej) {
			// The batch failed as a whole (the database, or the retries
			// ran out): perhaps it committed and its answer was lost.
			go n.retryIntake(seq, st, res.Err)
			return
		}
		out.Err = rej
	} else {
		out.OrderID = res.Order.ID
	}
	n.resolveIntake(seq, st, out)
}

func (n *Node) resolveIntake(seq uint64, st *intakeState, out IntakeOutcome) {
	n.in.mu.Lock()
	delete(n.in.pending, seq)
	k := clientKey{st.account, st.client}
	if n.in.byClient[k] == seq {
		delete(n.in.byClient, k)
	}
	n.in.mu.Unlock()
	if st.notify != nil {
		st.notify(out)
	}
}

// retryIntake places an intake order again after its batch failed, unless
// PostgreSQL holds its outcome (the commit went through).
func (n *Node) retryIntake(seq uint64, st *intakeState, cause error) {
	n.log.Warn("trading: intake placement failed, retrying", "seq", seq, "err", cause)
	for attempt := 1; ; attempt++ {
		time.Sleep(min(time.Duration(attempt)*100*time.Millisecond, 2*time.Second))
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		v, err := n.store.intakeRow(ctx, seq)
		cancel()
		if err != nil {
			if n.runCtx.Err() != nil {
				return // closing: the next start places it
			}
			continue
		}
		if v != nil {
			out := IntakeOutcome{Seq: seq, OrderID: v.OrderID}
			if v.Error != nil {
				out.Err = &RejectError{Code: v.Error.Code, Reason: v.Error.Message}
			}
			n.resolveIntake(seq, st, out)
			return
		}
		n.placeIntake(seq, st)
		return
	}
}

// recoverIntake places, after a restart, the journaled intake orders
// whose outcome PostgreSQL does not hold.
func (n *Node) recoverIntake(ctx context.Context, recs []intakeRecord) (int, error) {
	if len(recs) == 0 {
		return 0, nil
	}
	done := map[uint64]bool{}
	for lo := 0; lo < len(recs); lo += 10000 {
		part := recs[lo:min(lo+10000, len(recs))]
		seqs := make([]int64, len(part))
		for i := range part {
			seqs[i] = int64(part[i].seq)
		}
		rows, err := n.store.pool.Query(ctx, `SELECT seq FROM order_intake WHERE seq = ANY($1)`, seqs)
		if err != nil {
			return 0, err
		}
		got, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return 0, err
		}
		for _, s := range got {
			done[uint64(s)] = true
		}
	}
	var todo []*intakeState
	var seqs []uint64
	for i := range recs {
		rc := &recs[i]
		if done[rc.seq] {
			continue
		}
		o, err := n.store.orderOf(rc.symbol, &rc.cmd)
		if err != nil {
			return 0, fmt.Errorf("trading: intake %d in the journal: %w", rc.seq, err)
		}
		acc := int(rc.cmd.Account)
		st := &intakeState{account: acc, client: rc.client, item: placeItem{account: acc, o: o, intake: rc.seq, client: rc.client}}
		todo, seqs = append(todo, st), append(seqs, rc.seq)
	}
	n.in.mu.Lock()
	for i, st := range todo {
		n.in.pending[seqs[i]] = st
		n.in.byClient[clientKey{st.account, st.client}] = seqs[i]
	}
	n.in.mu.Unlock()
	for i, st := range todo {
		n.placeIntake(seqs[i], st)
	}
	return len(todo), nil
}

// IntakePending returns the intake orders journaled whose reservation has
// not committed yet.
func (n *Node) IntakePending() int {
	n.in.mu.Lock()
	defer n.in.mu.Unlock()
	return len(n.in.pending)
}

// compactIntake deletes the intake journal's segments that hold only
// resolved orders (below the oldest pending one).
func (n *Node) compactIntake() (uint64, error) {
	in := n.in
	// Every order appended is queued or pending (durable moves it under
	// both locks), and no append happens while qmu is held.
	in.qmu.Lock()
	mark := in.jr.LastSeq()
	if len(in.queued) > 0 {
		mark = min(mark, in.queued[0].seq-1)
	}
	in.mu.Lock()
	for seq := range in.pending {
		mark = min(mark, seq-1)
	}
	in.mu.Unlock()
	in.qmu.Unlock()
	return in.jr.Compact(mark)
}

func (n *Node) intakeLoop(ctx context.Context, every time.Duration) {
	n.everyUntil(ctx, every, "intake compaction", func() error {
		_, err := n.compactIntake()
		return err
	})
}

// IntakeOrder returns an intake order by its sequence number (nil if
// there is none): accepted while its reservation is pending, then as
// PostgreSQL recorded it.
func (n *Node) IntakeOrder(ctx context.Context, seq uint64) (*IntakeView, error) {
	n.in.mu.Lock()
	st := n.in.pending[seq]
	n.in.mu.Unlock()
	if st != nil {
		return &IntakeView{Seq: seq, AccountID: st.account, ClientOrderID: st.client, Status: IntakeAccepted}, nil
	}
	return n.store.intakeRow(ctx, seq)
}

// IntakeByClient returns the latest intake order of an account with a
// clientOrderId (nil if there is none).
func (n *Node) IntakeByClient(ctx context.Context, account int, client string) (*IntakeView, error) {
	n.in.mu.Lock()
	seq := n.in.byClient[clientKey{account, client}]
	n.in.mu.Unlock()
	v, err := n.store.intakeQuery(ctx, `WHERE "accountId" = $1 AND "clientOrderId" = $2 ORDER BY seq DESC LIMIT 1`, account, client)
	if err != nil {
		return nil, err
	}
	if seq != 0 && (v == nil || v.Seq < seq) {
		return n.IntakeOrder(ctx, seq)
	}
	return v, nil
}

func (s *Store) intakeRow(ctx context.Context, seq uint64) (*IntakeView, error) {
	return s.intakeQuery(ctx, `WHERE seq = $1`, int64(seq))
}

func (s *Store) intakeQuery(ctx context.Context, where string, args ...any) (*IntakeView, error) {
	var (
		seq          int64
		v            IntakeView
		orderID      *int64
		code, reason *string
	)
	err := s.pool.QueryRow(ctx, `SELECT seq, "accountId", "clientOrderId", "orderId", code, reason FROM order_intake `+where, args...).
		Scan(&seq, &v.AccountID, &v.ClientOrderID, &orderID, &code, &reason)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	v.Seq = uint64(seq)
	if orderID != nil {
		v.Status, v.OrderID = IntakePlaced, *orderID
	} else {
		v.Status = IntakeRejected
		v.Error = &StreamError{Code: deref(code), Message: deref(reason)}
	}
	return &v, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
