package journal_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/polystore/polystore/apps/trading/engine"
	"github.com/polystore/polystore/apps/trading/journal"
)

func Example() {
	dir, _ := os.MkdirTemp("", "journal")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "inputs.log")

	book := engine.NewBook(nil, nil)
	j, _ := journal.Open(path, nil, &journal.Options{Apply: func(batch []journal.Entry) {
		for i := range batch {
			book.Apply(&batch[i].Cmd)
		}
	}})
	for id := uint64(1); id <= 3; id++ {
		side := engine.Buy
		if id == 3 {
			side = engine.Sell
		}
		seq, _ := j.Append(context.Background(), journal.Entry{Symbol: "BTC-USD", Cmd: engine.Command{
			Op: engine.OpPlace, Side: side, Type: engine.Limit, TIF: engine.GTC, OrderID: id, Price: 100, Qty: 2}})
		fmt.Println("durable", seq)
	}
	_ = j.Close()

	// After a crash: replay rebuilds the same book.
	rebuilt := engine.NewBook(nil, nil)
	j, _ = journal.Open(path, func(e journal.Entry) error { rebuilt.Apply(&e.Cmd); return nil }, nil)
	_ = j.Close()
	fmt.Println("same book:", rebuilt.StateHash() == book.StateHash(), "open orders:", rebuilt.Open())
	// Output:
	// durable 1
	// durable 2
	// durable 3
	// same book: true open orders: 1
}
