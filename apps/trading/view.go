package trading

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/polystore/polystore/apps/trading/engine"
)

// DepthLevel is one price of a book side, as exact decimals.
type DepthLevel struct {
	Price    string `json:"price"`
	Quantity string `json:"quantity"`
	Orders   int    `json:"orders"`
}

// Depth is a snapshot of the best levels of one book.
type Depth struct {
	Symbol string       `json:"symbol"`
	Seq    uint64       `json:"seq"` // the book's last event
	Bids   []DepthLevel `json:"bids"`
	Asks   []DepthLevel `json:"asks"`
}

// Market returns the market of symbol.
func (n *Node) Market(symbol string) (Market, bool) {
	m, ok := n.markets[symbol]
	return m, ok
}

// Depth reads up to levels price levels per side of symbol's book, on the
// book's goroutine.
func (n *Node) Depth(ctx context.Context, symbol string, levels int) (*Depth, error) {
	m, ok := n.markets[symbol]
	if !ok {
		return nil, &engine.UnknownSymbolError{Symbol: symbol}
	}
	var bids, asks []engine.Level
	var seq uint64
	if err := n.eng.Do(ctx, symbol, func(b *engine.Book) { bids, asks = b.Depth(levels); seq = b.Seq() }); err != nil {
		return nil, err
	}
	conv := func(ls []engine.Level) []DepthLevel {
		out := make([]DepthLevel, len(ls))
		for i, l := range ls {
			out[i] = DepthLevel{Price: m.PriceText(l.Price), Quantity: m.QtyText(l.Qty), Orders: l.Orders}
		}
		return out
	}
	return &Depth{Symbol: symbol, Seq: seq, Bids: conv(bids), Asks: conv(asks)}, nil
}

// SettlementLag returns the events of symbol's book not yet settled and
// published.
func (n *Node) SettlementLag(symbol string) uint64 {
	t, ok := n.tops[symbol]
	if !ok {
		return 0
	}
	done := n.Settled(symbol)
	if seq := t.seq.Load(); seq > done {
		return seq - done
	}
	return 0
}

// RecentTrades returns up to limit of symbol's latest trades, newest
// first, from the market-data stream (XREVRANGE) or, without Redis, from
// PostgreSQL.
func (n *Node) RecentTrades(ctx context.Context, symbol string, limit int64) ([]map[string]string, error) {
	m, ok := n.markets[symbol]
	if !ok {
		return nil, &engine.UnknownSymbolError{Symbol: symbol}
	}
	limit = min(max(limit, 1), 1000)
	if r := n.cfg.Redis; r != nil {
		return streamRows(r.Do(ctx, r.B().Xrevrange().Key(n.TradesKey(symbol)).End("+").Start("-").Count(limit).Build()).AsXRange())
	}
	rows, err := n.store.pool.Query(ctx, `SELECT seq, price, quantity, "buyOrderId", "sellOrderId", lower("takerSide"::text), (extract(epoch FROM "createdAt") * 1000)::bigint
		FROM trades WHERE symbol = $1 ORDER BY seq DESC LIMIT $2`, symbol, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []map[string]string
	for rows.Next() {
		var seq, buy, sell, ts int64
		var price, qty decimalScan
		var taker string
		if err := rows.Scan(&seq, &price, &qty, &buy, &sell, &taker, &ts); err != nil {
			return nil, err
		}
		out = append(out, map[string]string{"id": strconv.FormatInt(seq, 10) + "-0",
			"price": price.d.StringFixed(m.PriceDecimals), "quantity": qty.d.StringFixed(m.QtyDecimals),
			"buyOrderId": strconv.FormatInt(buy, 10), "sellOrderId": strconv.FormatInt(sell, 10),
			"takerSide": taker, "timestamp": strconv.FormatInt(ts, 10)})
	}
	return out, rows.Err()
}

// ReplayResult compares one book with the same book rebuilt from the
// journal.
type ReplayResult struct {
	Symbol     string `json:"symbol"`
	LiveHash   uint64 `json:"liveHash"`
	ReplayHash uint64 `json:"replayHash"`
}

// ReplayCheck rebuilds every book from a copy of the journal, as a
// restarted node would — from the start when the journal still holds
// every entry, else from the snapshot and the journal after it — and
// returns its state hash next to the live book's at the same journal
// position. The journal pauses while the copy is taken.
func (n *Node) ReplayCheck(ctx context.Context) ([]ReplayResult, error) {
	dir, err := os.MkdirTemp("", "trading-replay-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	live := map[string]uint64{}
	var copyPath string
	var snap *Snapshot
	n.snapMu.Lock() // the snapshot and the segments must match: no compaction meanwhile
	compacted := n.jr.FirstSeq() > 1
	err = n.jr.AtDurable(func(uint64) error {
		for _, m := range n.store.list {
			if err := n.eng.Do(ctx, m.Symbol, func(b *engine.Book) { live[m.Symbol] = b.StateHash() }); err != nil {
				return err
			}
		}
		var err error
		if copyPath, err = copyJournal(n.cfg.JournalPath, dir); err != nil {
			return fmt.Errorf("trading: copy the journal: %w", err)
		}
		if compacted {
			snap, err = ReadSnapshot(n.SnapshotPath())
		}
		return err
	})
	n.snapMu.Unlock()
	if err != nil {
		return nil, err
	}
	replayed, err := rebuildBooks(n.store.list, snap, copyPath)
	if err != nil {
		return nil, err
	}
	out := make([]ReplayResult, 0, len(replayed))
	for _, m := range n.store.list {
		out = append(out, ReplayResult{Symbol: m.Symbol, LiveHash: live[m.Symbol], ReplayHash: replayed[m.Symbol]})
	}
	return out, nil
}
