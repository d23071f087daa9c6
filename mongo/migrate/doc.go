// Package migrate runs MongoDB schema and data migrations once, in order,
// with a history collection and a lock.
//
// A Migration has an ID (sorted lexically: start it with a date or a
// number), index changes (models whose SyncIndexes runs, so the diff is
// the schema's) and a data change written in Go (Up; Down to revert). A
// Runner applies the pending migrations under a lock document, records
// each in the history collection when it finished, and reports status; a
// dry run lists what would run, with the index diff of each, and writes
// nothing. Concurrent runners (several instances starting at once) wait
// for the lock, so each migration runs exactly once.
//
// MongoDB has no transactional DDL, and the embedded server has no
// transactions at all: a migration that fails half-way is not recorded
// and runs again next time, so write data changes to be idempotent
// (filter on the old shape, as in {email: {$exists: false}}).
package migrate
