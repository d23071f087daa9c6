// Package vercache is the version-key cache that postgres/orm/ormcache and
// mongo/odm/odmcache share: query results cached in Redis (through
// redis/cache) under keys that hold the current versions of what the query
// read, and writes that bump those versions after they commit.
//
// Three kinds of versions exist per model:
//
//   - the model version (v:{Model}), bumped by every write to the model and
//     read by queries that depend on the whole model (lists, counts,
//     filters that name no id);
//   - the wide version (w:{Model}), bumped by writes that may have changed
//     documents or rows they cannot name (updateMany, deleteMany, filters
//     that name no id, creates whose ids are unknown);
//   - the id version (i:{Model}:<id>), bumped by writes that name the ids
//     they changed.
//
// A query by id reads the wide version and that id's version (and the
// model versions of other models it reads), so a write to id B leaves its
// entry for id A alone while a write to A, or a wide write, ends it. A
// read that starts after a write's bump builds a new key; a loader that
// read the old data while the write committed stores it under the old key,
// which no later read uses.
package vercache
