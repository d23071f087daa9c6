// Package engine is the trading platform's in-memory matching engine.
//
// A Book holds the orders of one symbol: two B-trees of price levels
// (github.com/tidwall/btree), best price first, each level a FIFO queue of
// resting orders. Prices are integer ticks and quantities integer lots.
// Matching is by price, then time: an incoming order trades with the best
// opposite price first and, at one price, with the oldest order first,
// always at the resting order's price. Limit orders rest (GTC) or not
// (IOC: fill what is possible, cancel the rest; FOK: fill completely or
// not at all); market orders never rest and may carry a protection price.
// Cancel removes an order; modify changes its price or remaining quantity
// (a smaller quantity at the same price keeps its place in the queue, any
// other change sends it to the back, where it may trade at once).
//
// A Book is single-threaded and allocates nothing per command once warm:
// orders and price levels are recycled through free lists, orders are found
// by id in an open-addressing index that deletes without tombstones (so it
// never stops to clean or rehash itself), and events are handed to the Sink
// in one reused Event. Engine runs one Book per symbol,
// each on its own goroutine, the single writer of that book.
//
// Every command produces events with a per-book sequence number without
// gaps (trades carry a trade sequence too), so the output of a replayed
// input log is identical to the original: StateHash proves it.
package engine
