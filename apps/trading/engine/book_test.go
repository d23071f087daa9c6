package engine

import (
	"flag"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// recorder keeps copies of every event.
type recorder struct{ events []Event }

func (r *recorder) Event(e *Event) { r.events = append(r.events, *e) }

func (r *recorder) kinds() []Kind {
	out := make([]Kind, len(r.events))
	for i, e := range r.events {
		out[i] = e.Kind
	}
	return out
}

func limit(id uint64, side Side, price, qty int64) *Command {
	return &Command{Op: OpPlace, Side: side, Type: Limit, TIF: GTC, OrderID: id, Account: id * 10, Price: price, Qty: qty}
}

func TestPriceTimePriorityAndPartialFill(t *testing.T) {
	rec := &recorder{}
	b := NewBook(rec, nil)
	b.Apply(limit(1, Sell, 101, 5))
	b.Apply(limit(2, Sell, 100, 5)) // better price, later
	b.Apply(limit(3, Sell, 100, 5)) // same price, later still
	rec.events = nil

	b.Apply(limit(4, Buy, 101, 12))
	var trades []Event
	for _, e := range rec.events {
		if e.Kind == EvTrade {
			trades = append(trades, e)
		}
	}
	require.Len(t, trades, 3)
	require.Equal(t, []uint64{2, 3, 1}, []uint64{trades[0].Maker, trades[1].Maker, trades[2].Maker}, "best price first, then arrival")
	require.Equal(t, []int64{100, 100, 101}, []int64{trades[0].Price, trades[1].Price, trades[2].Price}, "trades at the maker's price")
	require.Equal(t, int64(2), trades[2].Qty, "the last maker fills partially")
	require.Equal(t, int64(3), trades[2].MakerLeft)
	require.Equal(t, EvDone, rec.events[len(rec.events)-1].Kind)
	require.Equal(t, ReasonFilled, rec.events[len(rec.events)-1].Reason)
	asks := b.Orders(Sell)
	require.Equal(t, []Resting{{ID: 1, Account: 10, Side: Sell, Price: 101, Qty: 3}}, asks)
	require.Empty(t, b.Orders(Buy))
}

func TestIOCFOKMarket(t *testing.T) {
	rec := &recorder{}
	b := NewBook(rec, nil)
	b.Apply(limit(1, Sell, 100, 5))
	b.Apply(limit(2, Sell, 102, 5))

	rec.events = nil
	b.Apply(&Command{Op: OpPlace, Side: Buy, Type: Limit, TIF: FOK, OrderID: 3, Price: 101, Qty: 6})
	require.Equal(t, []Kind{EvDone}, rec.kinds(), "only 5 lots at or below 101: killed, nothing trades")
	require.Equal(t, ReasonKilled, rec.events[0].Reason)

	rec.events = nil
	b.Apply(&Command{Op: OpPlace, Side: Buy, Type: Limit, TIF: IOC, OrderID: 4, Price: 101, Qty: 6})
	require.Equal(t, []Kind{EvTrade, EvDone, EvDone}, rec.kinds())
	require.Equal(t, ReasonExpired, rec.events[2].Reason)
	require.Equal(t, int64(1), rec.events[2].Qty, "the unfilled lot expires")
	require.Empty(t, b.Orders(Buy), "IOC never rests")

	rec.events = nil
	b.Apply(&Command{Op: OpPlace, Side: Buy, Type: Market, OrderID: 5, Qty: 2})
	require.Equal(t, []Kind{EvTrade, EvDone}, rec.kinds())
	require.Equal(t, int64(102), rec.events[0].Price)

	rec.events = nil
	b.Apply(&Command{Op: OpPlace, Side: Buy, Type: Market, OrderID: 6, Qty: 2, Price: 101})
	require.Equal(t, []Kind{EvDone}, rec.kinds(), "the protection price stops the market order")
	require.Equal(t, ReasonExpired, rec.events[0].Reason)
}

func TestCancelAndModify(t *testing.T) {
	rec := &recorder{}
	b := NewBook(rec, nil)
	b.Apply(limit(1, Buy, 99, 5))
	b.Apply(limit(2, Buy, 99, 5))
	b.Apply(&Command{Op: OpModify, OrderID: 1, Qty: 3})
	require.Equal(t, []uint64{1, 2}, ids(b.Orders(Buy)), "a smaller quantity keeps the place in the queue")
	b.Apply(&Command{Op: OpModify, OrderID: 1, Qty: 4})
	require.Equal(t, []uint64{2, 1}, ids(b.Orders(Buy)), "a larger quantity goes to the back")

	b.Apply(limit(3, Sell, 100, 2))
	rec.events = nil
	b.Apply(&Command{Op: OpModify, OrderID: 2, Price: 100, Qty: 5})
	require.Equal(t, []Kind{EvModified, EvTrade, EvDone}, rec.kinds(), "a modify that crosses trades at once")
	require.Equal(t, []Resting{{ID: 2, Account: 20, Side: Buy, Price: 100, Qty: 3}, {ID: 1, Account: 10, Side: Buy, Price: 99, Qty: 4}}, b.Orders(Buy))

	rec.events = nil
	b.Apply(&Command{Op: OpCancel, OrderID: 1})
	require.Equal(t, Event{Seq: b.Seq(), Kind: EvDone, Reason: ReasonCancelled, Side: Buy, OrderID: 1, Account: 10, Price: 99, Qty: 4}, rec.events[0])
	rec.events = nil
	b.Apply(&Command{Op: OpCancel, OrderID: 1})
	require.Equal(t, ReasonUnknownOrder, rec.events[0].Reason)
}

func ids(rs []Resting) []uint64 {
	out := make([]uint64, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

func TestRejectsBadInput(t *testing.T) {
	cases := []struct {
		name string
		cmd  Command
		want Reason
	}{
		{"zero quantity", Command{Op: OpPlace, Side: Buy, Type: Limit, TIF: GTC, OrderID: 9, Price: 1, Qty: 0}, ReasonBadQuantity},
		{"negative quantity", Command{Op: OpPlace, Side: Buy, Type: Limit, TIF: GTC, OrderID: 9, Price: 1, Qty: -1}, ReasonBadQuantity},
		{"huge quantity", Command{Op: OpPlace, Side: Buy, Type: Limit, TIF: GTC, OrderID: 9, Price: 1, Qty: MaxQuantity + 1}, ReasonBadQuantity},
		{"zero price", Command{Op: OpPlace, Side: Buy, Type: Limit, TIF: GTC, OrderID: 9, Price: 0, Qty: 1}, ReasonBadPrice},
		{"huge price", Command{Op: OpPlace, Side: Sell, Type: Limit, TIF: GTC, OrderID: 9, Price: MaxPrice + 1, Qty: 1}, ReasonBadPrice},
		{"no side", Command{Op: OpPlace, Type: Limit, TIF: GTC, OrderID: 9, Price: 1, Qty: 1}, ReasonBadSide},
		{"no tif", Command{Op: OpPlace, Side: Buy, Type: Limit, OrderID: 9, Price: 1, Qty: 1}, ReasonBadType},
		{"duplicate", Command{Op: OpPlace, Side: Buy, Type: Limit, TIF: GTC, OrderID: 1, Price: 1, Qty: 1}, ReasonDuplicateID},
		{"unknown op", Command{Op: 99}, ReasonBadType},
		{"modify to zero", Command{Op: OpModify, OrderID: 1, Qty: 0}, ReasonBadQuantity},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{}
			b := NewBook(rec, nil)
			b.Apply(limit(1, Buy, 5, 5))
			before := b.StateHash()
			rec.events = nil
			b.Apply(&tc.cmd)
			require.Len(t, rec.events, 1)
			require.Equal(t, EvRejected, rec.events[0].Kind)
			require.Equal(t, tc.want, rec.events[0].Reason)
			require.NotEmpty(t, tc.want.String())
			b.seq-- // the reject consumed one sequence number; the book itself is unchanged
			require.Equal(t, before, b.StateHash())
		})
	}
}

// genCommand draws commands over a narrow price band so that orders cross
// often, and over a small id space so that cancels and modifies hit.
func genCommand(t *rapid.T, next *uint64) Command {
	op := rapid.IntRange(0, 9).Draw(t, "op")
	price := rapid.Int64Range(95, 105).Draw(t, "price")
	qty := rapid.Int64Range(1, 10).Draw(t, "qty")
	side := rapid.SampledFrom([]Side{Buy, Sell}).Draw(t, "side")
	switch {
	case op < 6:
		*next++
		tif := rapid.SampledFrom([]TIF{GTC, GTC, GTC, IOC, FOK}).Draw(t, "tif")
		typ := Limit
		if rapid.IntRange(0, 9).Draw(t, "market") == 0 {
			typ = Market
			price = rapid.SampledFrom([]int64{0, price}).Draw(t, "protection")
		}
		return Command{Op: OpPlace, Side: side, Type: typ, TIF: tif, OrderID: *next, Account: uint64(rapid.IntRange(1, 4).Draw(t, "acc")), Price: price, Qty: qty}
	case op < 8:
		return Command{Op: OpCancel, OrderID: rapid.Uint64Range(1, *next+1).Draw(t, "id")}
	default:
		if rapid.Bool().Draw(t, "keepPrice") {
			price = 0
		}
		return Command{Op: OpModify, OrderID: rapid.Uint64Range(1, *next+1).Draw(t, "id"), Price: price, Qty: qty}
	}
}

// TestMain sizes the property tests: rapid's default 100 random
// sequences in CI, 5,000 with POLYSTORE_LONG=1 (or -rapid.checks=N).
func TestMain(m *testing.M) {
	flag.Parse()
	if os.Getenv("POLYSTORE_LONG") == "1" {
		_ = flag.Set("rapid.checks", "5000")
	}
	os.Exit(m.Run())
}

// The book produces exactly the reference matcher's events on random
// command sequences; after every command the book is not crossed, and no
// order ever fills beyond its quantity.
func TestBookMatchesReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rec := &recorder{}
		b := NewBook(rec, &BookOpts{Capacity: 4}) // small, so the free lists grow and shrink
		ref := &refBook{}
		var next uint64
		size := map[uint64]int64{}   // quantity an order asked for (largest over modifies)
		filled := map[uint64]int64{} // quantity it traded
		n := rapid.IntRange(1, 150).Draw(t, "n")
		for range n {
			c := genCommand(t, &next)
			if c.Op == OpPlace || c.Op == OpModify {
				size[c.OrderID] = max(size[c.OrderID], c.Qty+filled[c.OrderID])
			}
			rec.events = rec.events[:0]
			ref.events = ref.events[:0]
			b.Apply(&c)
			ref.apply(c)
			if len(rec.events) != len(ref.events) {
				t.Fatalf("command %+v: book events %+v, reference %+v", c, rec.events, ref.events)
			}
			for i := range rec.events {
				if rec.events[i] != ref.events[i] {
					t.Fatalf("command %+v event %d: book %+v, reference %+v", c, i, rec.events[i], ref.events[i])
				}
				if e := rec.events[i]; e.Kind == EvTrade {
					filled[e.OrderID] += e.Qty
					filled[e.Maker] += e.Qty
					if filled[e.OrderID] > size[e.OrderID] || filled[e.Maker] > size[e.Maker] {
						t.Fatalf("overfill: %+v", e)
					}
				}
			}
			bid, okb := b.BestBid()
			ask, oka := b.BestAsk()
			if okb && oka && bid >= ask {
				t.Fatalf("crossed book after %+v: bid %d ask %d", c, bid, ask)
			}
		}
		got := append(b.Orders(Buy), b.Orders(Sell)...)
		if len(got) != len(ref.orders) || b.Open() != len(ref.orders) {
			t.Fatalf("resting orders: book %d, reference %d", len(got), len(ref.orders))
		}
	})
}

// A book restored from a state taken mid-mix has the same hash and,
// fed the rest of the mix, emits exactly the same events as the original.
func TestRestoreContinuesIdentically(t *testing.T) {
	mix := GenerateMix(5, 6000, nil)
	a := &recorder{}
	orig := NewBook(a, nil)
	for i := range mix[:3000] {
		orig.Apply(&mix[i])
	}
	st := orig.State()
	require.NotEmpty(t, st.Orders, "the cut has resting orders")
	rb := &recorder{}
	restored := NewBook(rb, nil)
	require.NoError(t, restored.Restore(&st))
	require.Equal(t, orig.StateHash(), restored.StateHash())
	require.ErrorIs(t, restored.Restore(&st), ErrNotEmpty)
	a.events = nil
	for i := range mix[3000:] {
		c := mix[3000+i]
		orig.Apply(&c)
		restored.Apply(&c)
	}
	require.Equal(t, a.events, rb.events)
	require.Equal(t, orig.StateHash(), restored.StateHash())
}
