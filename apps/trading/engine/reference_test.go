package engine

// refBook is the reference matcher the property tests compare Book with:
// resting orders in a plain slice, the best order found by a linear scan
// (best price, then earliest arrival). Slow and obviously correct.
type refBook struct {
	orders   []refOrder
	clock    int
	seq      uint64
	tradeSeq uint64
	events   []Event
}

type refOrder struct {
	id, account uint64
	side        Side
	price, qty  int64
	arrived     int
}

func (r *refBook) emit(e Event) {
	r.seq++
	e.Seq = r.seq
	r.events = append(r.events, e)
}

func (r *refBook) find(id uint64) int {
	for i, o := range r.orders {
		if o.id == id {
			return i
		}
	}
	return -1
}

// best returns the index of the best resting order on side, or -1.
func (r *refBook) best(side Side) int {
	bi := -1
	for i, o := range r.orders {
		if o.side != side {
			continue
		}
		if bi < 0 {
			bi = i
			continue
		}
		b := r.orders[bi]
		better := (side == Buy && o.price > b.price) || (side == Sell && o.price < b.price)
		if better || (o.price == b.price && o.arrived < b.arrived) {
			bi = i
		}
	}
	return bi
}

func acceptable(side Side, limit int64, hasLimit bool, price int64) bool {
	if !hasLimit {
		return true
	}
	if side == Buy {
		return price <= limit
	}
	return price >= limit
}

func (r *refBook) apply(c Command) {
	reject := func(why Reason) {
		r.emit(Event{Kind: EvRejected, Reason: why, Side: c.Side, OrderID: c.OrderID, Account: c.Account, Price: c.Price, Qty: c.Qty})
	}
	switch c.Op {
	case OpPlace:
		switch {
		case c.Side != Buy && c.Side != Sell:
			reject(ReasonBadSide)
			return
		case c.Type != Limit && c.Type != Market, c.Type == Limit && c.TIF != GTC && c.TIF != IOC && c.TIF != FOK:
			reject(ReasonBadType)
			return
		case c.Qty <= 0 || c.Qty > MaxQuantity:
			reject(ReasonBadQuantity)
			return
		case c.Type == Limit && (c.Price <= 0 || c.Price > MaxPrice), c.Type == Market && (c.Price < 0 || c.Price > MaxPrice):
			reject(ReasonBadPrice)
			return
		case r.find(c.OrderID) >= 0:
			reject(ReasonDuplicateID)
			return
		}
		hasLimit := c.Type == Limit || c.Price > 0
		if c.TIF == FOK {
			var avail int64
			for _, o := range r.orders {
				if o.side != c.Side && acceptable(c.Side, c.Price, hasLimit, o.price) {
					avail += o.qty
				}
			}
			if avail < c.Qty {
				r.emit(Event{Kind: EvDone, Reason: ReasonKilled, Side: c.Side, OrderID: c.OrderID, Account: c.Account, Price: c.Price, Qty: c.Qty})
				return
			}
		}
		rem := r.match(c.Side, c.OrderID, c.Account, c.Price, hasLimit, c.Qty)
		switch {
		case rem == 0:
			r.emit(Event{Kind: EvDone, Reason: ReasonFilled, Side: c.Side, OrderID: c.OrderID, Account: c.Account, Price: c.Price})
		case c.Type == Limit && c.TIF == GTC:
			r.rest(c.Side, c.OrderID, c.Account, c.Price, rem)
			r.emit(Event{Kind: EvAccepted, Side: c.Side, OrderID: c.OrderID, Account: c.Account, Price: c.Price, Qty: rem})
		default:
			r.emit(Event{Kind: EvDone, Reason: ReasonExpired, Side: c.Side, OrderID: c.OrderID, Account: c.Account, Price: c.Price, Qty: rem})
		}
	case OpCancel:
		i := r.find(c.OrderID)
		if i < 0 {
			reject(ReasonUnknownOrder)
			return
		}
		o := r.orders[i]
		r.orders = append(r.orders[:i], r.orders[i+1:]...)
		r.emit(Event{Kind: EvDone, Reason: ReasonCancelled, Side: o.side, OrderID: o.id, Account: o.account, Price: o.price, Qty: o.qty})
	case OpModify:
		i := r.find(c.OrderID)
		if i < 0 {
			reject(ReasonUnknownOrder)
			return
		}
		o := r.orders[i]
		price := c.Price
		if price == 0 {
			price = o.price
		}
		if c.Qty <= 0 || c.Qty > MaxQuantity {
			reject(ReasonBadQuantity)
			return
		}
		if price < 0 || price > MaxPrice {
			reject(ReasonBadPrice)
			return
		}
		if price == o.price && c.Qty <= o.qty {
			r.orders[i].qty = c.Qty
			r.emit(Event{Kind: EvModified, Side: o.side, OrderID: o.id, Account: o.account, Price: price, Qty: c.Qty})
			return
		}
		r.orders = append(r.orders[:i], r.orders[i+1:]...)
		r.emit(Event{Kind: EvModified, Side: o.side, OrderID: o.id, Account: o.account, Price: price, Qty: c.Qty})
		rem := r.match(o.side, o.id, o.account, price, true, c.Qty)
		if rem == 0 {
			r.emit(Event{Kind: EvDone, Reason: ReasonFilled, Side: o.side, OrderID: o.id, Account: o.account, Price: price})
			return
		}
		r.rest(o.side, o.id, o.account, price, rem)
	default:
		reject(ReasonBadType)
	}
}

func (r *refBook) match(side Side, id, account uint64, limit int64, hasLimit bool, qty int64) int64 {
	for qty > 0 {
		i := r.best(side.Opposite())
		if i < 0 || !acceptable(side, limit, hasLimit, r.orders[i].price) {
			break
		}
		m := &r.orders[i]
		q := min(qty, m.qty)
		qty -= q
		m.qty -= q
		r.tradeSeq++
		r.emit(Event{Kind: EvTrade, Side: side, OrderID: id, Account: account, Price: m.price, Qty: q,
			TradeSeq: r.tradeSeq, Maker: m.id, MakerAcc: m.account, MakerLeft: m.qty, TakerLeft: qty})
		if m.qty == 0 {
			done := *m
			r.orders = append(r.orders[:i], r.orders[i+1:]...)
			r.emit(Event{Kind: EvDone, Reason: ReasonFilled, Side: done.side, OrderID: done.id, Account: done.account, Price: done.price})
		}
	}
	return qty
}

func (r *refBook) rest(side Side, id, account uint64, price, qty int64) {
	r.clock++
	r.orders = append(r.orders, refOrder{id: id, account: account, side: side, price: price, qty: qty, arrived: r.clock})
}
