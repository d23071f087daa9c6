// Package embedded runs an in-process, MongoDB-compatible server (FerretDB)
// so that polystore works on machines without a MongoDB.
//
// It is the embedded default for tests, `polystore serve` and `polystore
// demo`. It is a stand-in, not a MongoDB: it has no transactions, no change
// streams, no $lookup, no text, 2dsphere, 2d, hashed, TTL or partial
// indexes and no computed expressions. Code that needs those runs against a
// real MongoDB (POLYSTORE_MONGO_URL). Each of the first five fails with an
// error IsUnsupported recognizes (code CodeUnsupported, NotImplemented).
//
// FerretDB applies an update as an unisolated read-modify-write, so on its
// own it loses concurrent updates of one document (8 writers × 100 $inc end
// near 100). Clients therefore talk to a write gate: a proxy in front of
// FerretDB's listener that reads the command name and database of each
// OP_MSG and lets one write command (insert, update, delete, findAndModify,
// and catalog changes) per database run at a time, holding the database
// until FerretDB has replied. Reads pass through concurrently; they may see
// a multi-document write half done, as on MongoDB. Unacknowledged writes
// (w:0) are gated too (the gate asks for the reply and drops it).
// The gate also answers with that typed error, instead of forwarding, any
// command holding a Decimal128 (FerretDB would close the connection on
// it), the first command of a transaction (FerretDB says FailedToParse:
// unknown field "startTransaction") and a createIndexes of a text,
// 2dsphere, 2d or hashed index (FerretDB says IndexNotFound).
// Config.DisableWriteGate exists only to measure the gate. Package odm
// never imports this package; only the wiring (internal/devenv,
// cmd/polystore) does.
//
// Data lives in a directory as SQLite files (the in-memory SQLite variant of
// FerretDB hangs, so it is not offered), or in a PostgreSQL database when
// Config.PostgreSQLURL is set.
package embedded
