// Package embedded runs an in-process, MongoDB-compatible server (FerretDB)
// so that polystore works on machines without a MongoDB.
//
// It is the embedded default for tests, `polystore serve` and `polystore
// demo`. It is a stand-in, not a MongoDB: it has no transactions, no change
// streams, no $lookup and no computed expressions, and concurrent updates to
// one document can lose writes. Code that needs those runs against a real
// MongoDB (POLYSTORE_MONGO_URL). Package odm never imports this package; only
// the wiring (internal/devenv, cmd/polystore) does.
//
// Data lives in a directory as SQLite files (the in-memory SQLite variant of
// FerretDB hangs, so it is not offered), or in a PostgreSQL database when
// Config.PostgreSQLURL is set.
package embedded
