// Package ormcache caches query results of a postgres/orm client (or a
// client generated from schema.prisma) in Redis and keeps them correct:
// every write the client makes invalidates the cached results that read
// the written models, after its transaction commits.
//
//	oc, _ := ormcache.New(redisClient, db.Schema, ormcache.Config{TTL: time.Minute})
//	cfg.AfterWrite = oc.AfterWrite // cfg is the orm.Config the client is made from
//	users, err := ormcache.FindMany[db.User](ctx, oc, client.DB(), db.UserModel, &orm.FindArgs{...}, nil)
//
// # How results stay correct
//
// Each model has versions in Redis (internal/vercache, shared with
// mongo/odm/odmcache): the model's, bumped by every write to it; a wide
// one, bumped by writes whose rows are unknown; one per primary key,
// bumped by writes that name that row. A cached read's key holds the hash
// of the operation, its result type and its arguments, and the current
// versions of what the query reads: for a filter that is exactly the
// primary key (Eq or In on it), the wide version and those keys'
// versions; otherwise the model's version; plus the model versions of
// models reached by relation filters, relation orderings, included
// relations and relation counts. Reading the versions is one pipelined
// round trip before the usual cache lookup.
//
// orm.Config.AfterWrite reports what an operation or a Transaction wrote
// once it has committed, before the write returns: each model, with the
// primary keys of the rows its statements returned, or marked wholly
// written (UpdateMany, DeleteMany, CreateMany, nested writes by filter).
// AfterWrite then bumps the versions, and the model and wide versions of
// the models related to the written ones (referential actions — cascading
// deletes, SET NULL — change those rows too). A cached FindUnique of row A
// thus survives a write to row B. A read that starts after a write
// returned builds a new key and never gets a result cached before the
// write: a loader that read the old rows while the write committed stores
// them under the old key, which no later read uses. Work that rolled back
// (a failed Transaction, a savepoint rolled back to) is never reported, so
// it invalidates nothing. Reads inside a transaction (db is an *orm.Tx)
// bypass the cache: they must see the transaction's own writes.
//
// # What it cannot see
//
// Writes made behind the client's back — raw SQL (orm.ExecRaw), another
// program, a trigger — do not invalidate anything: call Invalidate with the
// model names after them (or InvalidateIDs with the keys of the rows they
// changed). If Redis cannot be reached when a write commits, its
// invalidation is lost (logged at error level); results cached before it
// may then be served until their TTL, which bounds the staleness. While
// Redis is unreachable reads go to PostgreSQL directly (Config.Strict
// makes them fail instead).
package ormcache
