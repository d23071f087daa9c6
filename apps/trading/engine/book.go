package engine

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"

	"github.com/tidwall/btree"
)

// order is a resting order: a node of its price level's FIFO queue.
type order struct {
	id, account uint64
	side        Side
	price, qty  int64
	lvl         *level
	prev, next  *order
}

// level is one price of one side: a FIFO queue of resting orders.
type level struct {
	price      int64
	head, tail *order
	qty        int64 // total remaining quantity
	n          int   // number of orders
}

// Book is the order book of one symbol. It is not safe for concurrent use:
// one goroutine (the symbol's single writer) calls Apply; Engine provides
// that goroutine. After warm-up Apply allocates nothing: orders and price
// levels are recycled through free lists.
type Book struct {
	bids, asks *btree.BTreeG[*level] // each sorted best price first
	orders     orderIndex
	freeOrders *order
	freeLevels []*level
	probe      level
	ev         Event
	sink       Sink
	seq        uint64
	tradeSeq   uint64

	// state of a fill-or-kill liquidity scan (see fillable)
	scanLimit    int64
	scanHasLimit bool
	scanNeed     int64
	scanBuy      bool
	scanVisit    func(*level) bool
}

// BookOpts tunes a Book; nil means defaults.
type BookOpts struct {
	// Capacity preallocates room for this many resting orders: the
	// order slab and an id index of twice that many slots. A book that
	// stays within it never allocates or rehashes; beyond it, orders are
	// allocated and the index doubles once each time it would pass half full.
	Capacity int
}

// NewBook returns an empty book that reports to sink (nil discards events).
func NewBook(sink Sink, opts *BookOpts) *Book {
	capacity := 1024
	if opts != nil && opts.Capacity > 0 {
		capacity = opts.Capacity
	}
	if sink == nil {
		sink = SinkFunc(func(*Event) {})
	}
	bo := btree.Options{NoLocks: true, Degree: 32}
	b := &Book{
		bids:   btree.NewBTreeGOptions(func(a, b *level) bool { return a.price > b.price }, bo),
		asks:   btree.NewBTreeGOptions(func(a, b *level) bool { return a.price < b.price }, bo),
		orders: newOrderIndex(capacity),
		sink:   sink,
	}
	slab := make([]order, capacity)
	for i := range slab {
		slab[i].next = b.freeOrders
		b.freeOrders = &slab[i]
	}
	b.freeLevels = make([]*level, 0, 256)
	for range 256 {
		b.freeLevels = append(b.freeLevels, &level{})
	}
	b.scanVisit = b.visitFillable
	return b
}

// Seq returns the sequence number of the last event.
func (b *Book) Seq() uint64 { return b.seq }

// TradeSeq returns the sequence number of the last trade.
func (b *Book) TradeSeq() uint64 { return b.tradeSeq }

// Open reports the number of resting orders.
func (b *Book) Open() int { return b.orders.n }

// Apply executes one command and reports its events to the sink.
func (b *Book) Apply(c *Command) {
	switch c.Op {
	case OpPlace:
		b.place(c)
	case OpCancel:
		b.cancel(c)
	case OpModify:
		b.modify(c)
	default:
		b.reject(c, ReasonBadType)
	}
}

func (b *Book) emit(e Event) {
	b.seq++
	b.ev = e
	b.ev.Seq = b.seq
	b.sink.Event(&b.ev)
}

func (b *Book) reject(c *Command, r Reason) {
	b.emit(Event{Kind: EvRejected, Reason: r, Side: c.Side, OrderID: c.OrderID, Account: c.Account, Price: c.Price, Qty: c.Qty})
}

func (b *Book) validatePlace(c *Command) Reason {
	switch {
	case c.Side != Buy && c.Side != Sell:
		return ReasonBadSide
	case c.Type != Limit && c.Type != Market:
		return ReasonBadType
	case c.Type == Limit && c.TIF != GTC && c.TIF != IOC && c.TIF != FOK:
		return ReasonBadType
	case c.Qty <= 0 || c.Qty > MaxQuantity:
		return ReasonBadQuantity
	case c.Type == Limit && (c.Price <= 0 || c.Price > MaxPrice):
		return ReasonBadPrice
	case c.Type == Market && (c.Price < 0 || c.Price > MaxPrice):
		return ReasonBadPrice
	}
	if b.orders.get(c.OrderID) != nil {
		return ReasonDuplicateID
	}
	return ReasonNone
}

func (b *Book) place(c *Command) {
	if r := b.validatePlace(c); r != ReasonNone {
		b.reject(c, r)
		return
	}
	hasLimit := c.Type == Limit || c.Price > 0
	if c.TIF == FOK && !b.fillable(c.Side, c.Price, hasLimit, c.Qty) {
		b.emit(Event{Kind: EvDone, Reason: ReasonKilled, Side: c.Side, OrderID: c.OrderID, Account: c.Account, Price: c.Price, Qty: c.Qty})
		return
	}
	rem := b.match(c.Side, c.OrderID, c.Account, c.Price, hasLimit, c.Qty)
	switch {
	case rem == 0:
		b.emit(Event{Kind: EvDone, Reason: ReasonFilled, Side: c.Side, OrderID: c.OrderID, Account: c.Account, Price: c.Price})
	case c.Type == Limit && c.TIF == GTC:
		b.rest(c.Side, c.OrderID, c.Account, c.Price, rem)
		b.emit(Event{Kind: EvAccepted, Side: c.Side, OrderID: c.OrderID, Account: c.Account, Price: c.Price, Qty: rem})
	default:
		b.emit(Event{Kind: EvDone, Reason: ReasonExpired, Side: c.Side, OrderID: c.OrderID, Account: c.Account, Price: c.Price, Qty: rem})
	}
}

// match fills an incoming order against the opposite side, best price
// first and, within a price, oldest first. It returns the unfilled rest.
func (b *Book) match(side Side, id, account uint64, price int64, hasLimit bool, qty int64) int64 {
	opp := b.asks
	if side == Sell {
		opp = b.bids
	}
	for qty > 0 {
		lvl, ok := opp.Min()
		if !ok {
			break
		}
		if hasLimit && ((side == Buy && lvl.price > price) || (side == Sell && lvl.price < price)) {
			break
		}
		for qty > 0 && lvl.head != nil {
			m := lvl.head
			q := min(qty, m.qty)
			qty -= q
			m.qty -= q
			lvl.qty -= q
			b.tradeSeq++
			b.emit(Event{Kind: EvTrade, Side: side, OrderID: id, Account: account, Price: lvl.price, Qty: q,
				TradeSeq: b.tradeSeq, Maker: m.id, MakerAcc: m.account, MakerLeft: m.qty, TakerLeft: qty})
			if m.qty == 0 {
				b.unlink(m)
				b.orders.delete(m.id)
				b.emit(Event{Kind: EvDone, Reason: ReasonFilled, Side: m.side, OrderID: m.id, Account: m.account, Price: m.price})
				b.freeOrder(m)
			}
		}
		if lvl.head == nil {
			opp.Delete(lvl)
			b.freeLevel(lvl)
		}
	}
	return qty
}

// fillable reports whether the opposite side holds at least need lots at
// acceptable prices (for fill-or-kill).
func (b *Book) fillable(side Side, price int64, hasLimit bool, need int64) bool {
	b.scanBuy, b.scanLimit, b.scanHasLimit, b.scanNeed = side == Buy, price, hasLimit, need
	if side == Buy {
		b.asks.Scan(b.scanVisit)
	} else {
		b.bids.Scan(b.scanVisit)
	}
	return b.scanNeed <= 0
}

func (b *Book) visitFillable(l *level) bool {
	if b.scanHasLimit && ((b.scanBuy && l.price > b.scanLimit) || (!b.scanBuy && l.price < b.scanLimit)) {
		return false
	}
	b.scanNeed -= l.qty
	return b.scanNeed > 0
}

func (b *Book) rest(side Side, id, account uint64, price, qty int64) {
	o := b.freeOrders
	if o != nil {
		b.freeOrders = o.next
	} else {
		o = &order{}
	}
	*o = order{id: id, account: account, side: side, price: price, qty: qty}
	b.orders.put(id, o)
	tree := b.bids
	if side == Sell {
		tree = b.asks
	}
	b.probe.price = price
	lvl, ok := tree.Get(&b.probe)
	if !ok {
		lvl = b.newLevel(price)
		tree.Set(lvl)
	}
	o.lvl = lvl
	o.prev = lvl.tail
	if lvl.tail != nil {
		lvl.tail.next = o
	} else {
		lvl.head = o
	}
	lvl.tail = o
	lvl.qty += qty
	lvl.n++
}

// unlink removes o from its level's queue (not from the tree or map).
func (b *Book) unlink(o *order) {
	l := o.lvl
	if o.prev != nil {
		o.prev.next = o.next
	} else {
		l.head = o.next
	}
	if o.next != nil {
		o.next.prev = o.prev
	} else {
		l.tail = o.prev
	}
	l.qty -= o.qty
	l.n--
	o.prev, o.next = nil, nil
}

// remove takes a resting order off the book entirely.
func (b *Book) remove(o *order) {
	l := o.lvl
	b.unlink(o)
	b.orders.delete(o.id)
	if l.head == nil {
		if o.side == Buy {
			b.bids.Delete(l)
		} else {
			b.asks.Delete(l)
		}
		b.freeLevel(l)
	}
}

func (b *Book) freeOrder(o *order) {
	*o = order{next: b.freeOrders}
	b.freeOrders = o
}

func (b *Book) newLevel(price int64) *level {
	var l *level
	if n := len(b.freeLevels); n > 0 {
		l = b.freeLevels[n-1]
		b.freeLevels = b.freeLevels[:n-1]
	} else {
		l = &level{}
	}
	*l = level{price: price}
	return l
}

func (b *Book) freeLevel(l *level) {
	*l = level{}
	b.freeLevels = append(b.freeLevels, l)
}

func (b *Book) cancel(c *Command) {
	o := b.orders.get(c.OrderID)
	if o == nil {
		b.reject(c, ReasonUnknownOrder)
		return
	}
	side, account, price, qty := o.side, o.account, o.price, o.qty
	b.remove(o)
	b.freeOrder(o)
	b.emit(Event{Kind: EvDone, Reason: ReasonCancelled, Side: side, OrderID: c.OrderID, Account: account, Price: price, Qty: qty})
}

// modify changes a resting order's price and/or remaining quantity. A
// smaller quantity at the same price keeps the order's place in the queue;
// any other change moves it to the back of its (new) price, where it may
// trade at once like a new order.
func (b *Book) modify(c *Command) {
	o := b.orders.get(c.OrderID)
	if o == nil {
		b.reject(c, ReasonUnknownOrder)
		return
	}
	price := c.Price
	if price == 0 {
		price = o.price
	}
	switch {
	case c.Qty <= 0 || c.Qty > MaxQuantity:
		b.reject(c, ReasonBadQuantity)
		return
	case price < 0 || price > MaxPrice:
		b.reject(c, ReasonBadPrice)
		return
	}
	side, account := o.side, o.account
	if price == o.price && c.Qty <= o.qty {
		o.lvl.qty -= o.qty - c.Qty
		o.qty = c.Qty
		b.emit(Event{Kind: EvModified, Side: side, OrderID: c.OrderID, Account: account, Price: price, Qty: c.Qty})
		return
	}
	b.remove(o)
	b.freeOrder(o)
	b.emit(Event{Kind: EvModified, Side: side, OrderID: c.OrderID, Account: account, Price: price, Qty: c.Qty})
	rem := b.match(side, c.OrderID, account, price, true, c.Qty)
	if rem == 0 {
		b.emit(Event{Kind: EvDone, Reason: ReasonFilled, Side: side, OrderID: c.OrderID, Account: account, Price: price})
		return
	}
	b.rest(side, c.OrderID, account, price, rem)
}

// Level is one price of a side as seen from outside.
type Level struct {
	Price  int64 `json:"price"`
	Qty    int64 `json:"qty"`
	Orders int   `json:"orders"`
}

// Depth returns up to n price levels per side, best first.
func (b *Book) Depth(n int) (bids, asks []Level) {
	collect := func(t *btree.BTreeG[*level]) []Level {
		out := []Level{}
		t.Scan(func(l *level) bool {
			if len(out) >= n {
				return false
			}
			out = append(out, Level{Price: l.price, Qty: l.qty, Orders: l.n})
			return true
		})
		return out
	}
	return collect(b.bids), collect(b.asks)
}

// Resting is a resting order as seen from outside.
type Resting struct {
	ID, Account uint64
	Side        Side
	Price, Qty  int64
}

// Orders returns the resting orders of one side in priority order.
func (b *Book) Orders(side Side) []Resting {
	t := b.bids
	if side == Sell {
		t = b.asks
	}
	var out []Resting
	t.Scan(func(l *level) bool {
		for o := l.head; o != nil; o = o.next {
			out = append(out, Resting{ID: o.id, Account: o.account, Side: o.side, Price: o.price, Qty: o.qty})
		}
		return true
	})
	return out
}

// BestBid returns the highest bid price, if any.
func (b *Book) BestBid() (int64, bool) {
	l, ok := b.bids.Min()
	if !ok {
		return 0, false
	}
	return l.price, true
}

// BestAsk returns the lowest ask price, if any.
func (b *Book) BestAsk() (int64, bool) {
	l, ok := b.asks.Min()
	if !ok {
		return 0, false
	}
	return l.price, true
}

// StateHash is a digest of everything that decides the book's future: the
// sequence counters and every resting order in priority order. Two books
// with equal hashes behave identically on any further input.
func (b *Book) StateHash() uint64 {
	h := fnv.New64a()
	var buf [8]byte
	put := func(v uint64) {
		binary.LittleEndian.PutUint64(buf[:], v)
		h.Write(buf[:])
	}
	put(b.seq)
	put(b.tradeSeq)
	for _, side := range []Side{Buy, Sell} {
		put(uint64(side))
		for _, o := range b.Orders(side) {
			put(o.ID)
			put(o.Account)
			put(uint64(o.Price))
			put(uint64(o.Qty))
		}
	}
	return h.Sum64()
}

// State is everything that decides a book's future (what StateHash
// digests): the sequence counters and the resting orders, bids then asks,
// each side in priority order. A book restored from it behaves exactly
// like the one it was taken from.
type State struct {
	Seq      uint64    `json:"seq"`
	TradeSeq uint64    `json:"tradeSeq"`
	Orders   []Resting `json:"orders"`
}

// State returns the book's state (a copy).
func (b *Book) State() State {
	return State{Seq: b.seq, TradeSeq: b.tradeSeq, Orders: append(b.Orders(Buy), b.Orders(Sell)...)}
}

// ErrNotEmpty is returned by Restore on a book that has seen commands.
var ErrNotEmpty = errors.New("engine: restore into a book that is not empty")

// Restore loads s into an empty book: the orders rest again in the same
// queues, and the counters continue from s.
func (b *Book) Restore(s *State) error {
	if s == nil {
		return errors.New("engine: nil state")
	}
	if b.seq != 0 || b.tradeSeq != 0 || b.orders.n != 0 {
		return ErrNotEmpty
	}
	for _, o := range s.Orders {
		switch {
		case o.Side != Buy && o.Side != Sell, o.Qty <= 0, o.Price <= 0:
			return fmt.Errorf("engine: bad resting order %d in state", o.ID)
		}
		if b.orders.get(o.ID) != nil {
			return fmt.Errorf("engine: order %d twice in state", o.ID)
		}
		b.rest(o.Side, o.ID, o.Account, o.Price, o.Qty)
	}
	b.seq, b.tradeSeq = s.Seq, s.TradeSeq
	return nil
}
