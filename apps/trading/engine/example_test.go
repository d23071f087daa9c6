package engine_test

import (
	"fmt"

	"github.com/polystore/polystore/apps/trading/engine"
)

func Example() {
	sink := engine.SinkFunc(func(e *engine.Event) {
		switch e.Kind {
		case engine.EvTrade:
			fmt.Printf("trade #%d: %d lots at %d (taker %d, maker %d)\n", e.TradeSeq, e.Qty, e.Price, e.OrderID, e.Maker)
		case engine.EvAccepted:
			fmt.Printf("order %d rests: %d lots at %d\n", e.OrderID, e.Qty, e.Price)
		case engine.EvDone:
			fmt.Printf("order %d done: %s\n", e.OrderID, e.Reason)
		}
	})
	book := engine.NewBook(sink, nil)
	book.Apply(&engine.Command{Op: engine.OpPlace, Side: engine.Sell, Type: engine.Limit, TIF: engine.GTC, OrderID: 1, Price: 101, Qty: 5})
	book.Apply(&engine.Command{Op: engine.OpPlace, Side: engine.Buy, Type: engine.Limit, TIF: engine.GTC, OrderID: 2, Price: 102, Qty: 8})
	bids, asks := book.Depth(5)
	fmt.Println("bids", bids, "asks", asks)
	// Output:
	// order 1 rests: 5 lots at 101
	// trade #1: 5 lots at 101 (taker 2, maker 1)
	// order 1 done: filled
	// order 2 rests: 3 lots at 102
	// bids [{102 3 1}] asks []
}
