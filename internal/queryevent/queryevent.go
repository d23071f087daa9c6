// Package queryevent holds the one shape every polystore family reports a
// finished database call in, so that a single callback (a logger, a
// tracer, a metrics recorder) serves them all: postgres/orm exposes it as
// orm.QueryEvent, redis/redisotel as redisotel.QueryEvent and mongo/odm
// as odm.QueryEvent (the same type).
package queryevent

import "time"

// Action names an operation: Prisma's names for the ORM ("findMany"),
// the command name for Redis ("XADD", "BATCH") and MongoDB ("find",
// "insert", "findAndModify").
type Action string

// Event describes one call after it ran. Argument values are never
// carried.
type Event struct {
	Model  string // the ORM model; "" for raw SQL, for Redis and for MongoDB
	Action Action
	// SQL is the statement for PostgreSQL; for Redis and MongoDB the
	// command names (keys, filters and values are never included).
	SQL string
	// Args is the number of bind arguments / command arguments; for
	// MongoDB the statements a write sent (insert: documents, update:
	// updates, delete: deletes), 0 for other commands.
	Args     int
	Start    time.Time
	Duration time.Duration
	// Rows is the rows returned or affected; for Redis the reply's
	// elements (1 for a scalar, 0 for nil); for MongoDB the documents
	// returned (find, aggregate, getMore: the batch; distinct: values;
	// findAndModify: 0 or 1) or written (insert, update, delete: n).
	Rows int64
	Err  error
	// Server is "primary", or "replica <i>" (orm Config.Replicas[i]) for
	// a read routed to a replica; "redis" for Redis; "mongodb" for
	// MongoDB.
	Server string
	// Database and Collection name where a MongoDB command ran
	// (Collection is "" for commands not on one); "" for the others.
	Database, Collection string
}
