// Package queryevent holds the one shape every polystore family reports a
// finished database call in, so that a single callback (a logger, a
// tracer, a metrics recorder) serves them all: postgres/orm exposes it as
// orm.QueryEvent, redis/redisotel as redisotel.QueryEvent (the same type).
package queryevent

import "time"

// Action names an operation: Prisma's names for the ORM ("findMany"),
// the command name for Redis ("XADD", "BATCH").
type Action string

// Event describes one call after it ran. Argument values are never
// carried.
type Event struct {
	Model  string // the ORM model; "" for raw SQL and for Redis
	Action Action
	// SQL is the statement for PostgreSQL; for Redis the command names
	// (keys and values are never included).
	SQL      string
	Args     int // number of bind arguments / command arguments
	Start    time.Time
	Duration time.Duration
	Rows     int64 // rows returned or affected; for Redis the reply's elements (1 for a scalar, 0 for nil)
	Err      error
	// Server is "primary", or "replica <i>" (orm Config.Replicas[i]) for
	// a read routed to a replica; "redis" for Redis.
	Server string
}
