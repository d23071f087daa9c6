// Package odmcache caches query results of mongo/odm models in Redis and
// keeps them correct: every write through a model invalidates the cached
// results it can change, before the write returns (inside
// odm.WithTransaction, once the transaction has committed).
//
//	oc, _ := odmcache.New(redisClient, odmcache.Config{TTL: time.Minute})
//	users := odm.MustModel[User](db, "User", nil, &odm.ModelOpts{AfterWrite: oc.AfterWrite})
//	u, err := odmcache.FindByID(ctx, oc, users, id, nil)
//
// # How results stay correct
//
// It shares the version keys of postgres/orm/ormcache (internal/vercache):
// a cached result's key holds the hash of the query (operation, result
// type, cast filter, options, the plugins' scope from the ctx) and the
// current versions of what it read. A query whose filter consists of _id
// equality or $in (FindByID, FindOne by _id) reads the versions of those
// ids only; any other query reads the model's version.
//
// A write reports, through odm.ModelOpts.AfterWrite, the ids it names
// (saves, inserts, updates, replacements and deletes by _id, the
// operations of a bulkWrite) or that it may have changed any document
// (updateMany, deleteMany, filters that name no _id). Every write bumps
// the model's version; a write naming ids bumps those ids' versions, any
// other bumps the versions of every id. So a cached FindByID of A survives
// a write to B, and no read that starts after a write returned gets a
// result cached before it: a loader that read the old document while the
// write ran stores it under the old key, which no later read uses.
//
// # What it cannot see
//
// Writes made behind the models' back — the driver's collection methods,
// another program, a transaction not run by odm.WithTransaction (its
// writes are reported when made, before the commit) — do not invalidate
// anything in time: call Invalidate after them. Versions are kept per
// collection, so a base model and its discriminators end each other's
// entries. If Redis
// cannot be reached when a write is reported, its invalidation is lost
// (logged at error level); results cached before it may then be served
// until their TTL, which bounds the staleness. While Redis is unreachable
// reads go to MongoDB directly (Config.Strict makes them fail instead).
//
// A hit returns the decoded result without running the model's query
// hooks; pre hooks that read values of the ctx other than the built-in
// plugins' (odm.QueryScope) must be named in Opts.Vary. Reads inside a
// session (odm.WithTransaction) bypass the cache.
package odmcache
