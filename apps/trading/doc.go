// Package trading is the trading platform reference system: accounts and
// order placement in PostgreSQL, an in-memory matching engine fed through
// an fsynced journal, settlement back into PostgreSQL exactly once, an
// audit log in MongoDB and market data in Redis streams.
//
// The path of an order:
//
//  1. Store.Place validates the request (exact decimals, on the market's
//     tick and lot, within bounds) and, in one Serializable transaction
//     retried on serialization failures, reserves the funds the order can
//     use (quote currency for a buy: price × quantity; base for a sell),
//     records the order as PENDING and queues it in the outbox. Nothing
//     reaches the engine before the commit. Node.Place (the HTTP API's
//     path) does the same for many orders at once: its Placer groups
//     concurrent placements into one Serializable transaction of one
//     statement (Store.PlaceBatch), then journals the committed batch and
//     only then answers, so an acknowledged order is reserved and durable.
//  2. The Node's relay reads committed outbox rows in id order, appends
//     those not yet journaled to the journal (one fsync per group) and
//     deletes them (relayed): the path of cancels and modifies, and of any
//     placement whose process died between its commit and its journal.
//  3. The journal hands each durable batch, in order, to the engine: one
//     goroutine and one Book per symbol (package engine).
//  4. A settler per symbol applies the book's events in batches, each batch
//     one transaction that also moves the symbol's cursor, so every event
//     changes balances exactly once: trades move base and quote between
//     the two accounts and release the buyer's price improvement; finished
//     orders release what they still hold.
//  5. Trades then go to the audit log (the guide's auditLogSchema, capped
//     collection, _id "<symbol>:<seq>") and to the symbol's trade stream
//     (XADD MAXLEN ~ with id "<seq>-0"), the quote to the quote stream, and
//     the batch to live subscribers (Redis PUBLISH and Node.Subscribe).
//
// Node.Snapshot (or NodeConfig.SnapshotEvery) writes every book with the
// journal position and state hashes, once settlement has committed every
// event before that position, and deletes the journal segments before it.
//
// After a crash a new Node loads the snapshot and replays the journal after
// it (from the start without one): the books
// come back identical (the engine is deterministic), settlement skips what
// its cursor says was committed, and the audit log and streams refuse
// duplicates by their ids, so each trade is stored once everywhere.
// Store.Check verifies conservation per currency in one snapshot.
//
// API serves the HTTP order API (place, cancel, modify, orders, balances,
// book depth, recent trades; 400s naming the field), and System plugs the
// platform into `polystore demo trading` and `polystore serve` with its
// page at /trading/ (see docs/trading.md).
package trading
