package engine

import "math/rand/v2"

// MixOpts shapes the command mix of GenerateMix. Zero fields take the
// defaults in brackets.
type MixOpts struct {
	Mid      int64 // starting mid price in ticks [10000]
	Accounts int   // accounts drawn from [64]
	FirstID  uint64
}

// GenerateMix returns n commands in a realistic proportion for one book:
// about 62% limit orders within ten ticks of a drifting mid price (some
// crossing), 20% cancels and 8% modifies of open orders, 5% IOC and 5%
// market orders. It ends by cancelling every order still open, so the book
// is empty again after the last command and the mix can be replayed (with
// ids shifted by Shift) as often as a benchmark needs. Deterministic for a
// seed.
func GenerateMix(seed uint64, n int, opts *MixOpts) []Command {
	var o MixOpts
	if opts != nil {
		o = *opts
	}
	if o.Mid <= 0 {
		o.Mid = 10_000
	}
	if o.Accounts <= 0 {
		o.Accounts = 64
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var open []uint64
	where := map[uint64]int{}
	track := SinkFunc(func(e *Event) {
		switch {
		case e.Kind == EvAccepted:
			where[e.OrderID] = len(open)
			open = append(open, e.OrderID)
		case e.Kind == EvDone:
			if i, ok := where[e.OrderID]; ok {
				last := open[len(open)-1]
				open[i] = last
				where[last] = i
				open = open[:len(open)-1]
				delete(where, e.OrderID)
			}
		}
	})
	book := NewBook(track, nil)
	out := make([]Command, 0, n+n/4)
	id := o.FirstID
	mid := o.Mid
	for len(out) < n {
		if rng.IntN(50) == 0 {
			mid += int64(rng.IntN(3)) - 1
			mid = max(mid, 20)
		}
		side := Buy
		if rng.IntN(2) == 0 {
			side = Sell
		}
		acc := uint64(1 + rng.IntN(o.Accounts))
		qty := int64(1 + rng.IntN(100))
		var c Command
		switch r := rng.IntN(100); {
		case r < 62:
			id++
			off := int64(rng.IntN(10)) + 1
			if rng.IntN(10) == 0 {
				off = -off / 3 // crosses the mid: trades on arrival
			}
			price := mid - off
			if side == Sell {
				price = mid + off
			}
			c = Command{Op: OpPlace, Side: side, Type: Limit, TIF: GTC, OrderID: id, Account: acc, Price: price, Qty: qty}
		case r < 82 && len(open) > 0:
			c = Command{Op: OpCancel, OrderID: open[rng.IntN(len(open))]}
		case r < 90 && len(open) > 0:
			c = Command{Op: OpModify, OrderID: open[rng.IntN(len(open))], Qty: qty}
			if rng.IntN(2) == 0 {
				c.Price = mid + int64(rng.IntN(11)) - 5
			}
		case r < 95:
			id++
			c = Command{Op: OpPlace, Side: side, Type: Limit, TIF: IOC, OrderID: id, Account: acc, Price: mid, Qty: qty}
		default:
			id++
			c = Command{Op: OpPlace, Side: side, Type: Market, OrderID: id, Account: acc, Qty: qty}
		}
		book.Apply(&c)
		out = append(out, c)
	}
	for len(open) > 0 {
		c := Command{Op: OpCancel, OrderID: open[len(open)-1]}
		book.Apply(&c)
		out = append(out, c)
	}
	return out
}

// Shift returns c with its order id moved by delta, for replaying a mix.
func Shift(c Command, delta uint64) Command {
	c.OrderID += delta
	return c
}
