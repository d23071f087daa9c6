// Package redisotel records the Redis calls of polystore (and of any
// rueidis client) as OpenTelemetry spans and as query events.
//
//	client = redisotel.Wrap(client, &redisotel.Options{
//		TracerProvider: tp,                                   // default: the global one
//		OnQuery:        orm.SlogHandler(logger, slog.LevelDebug), // the ORM's callbacks fit
//	})
//	q, _ := jobs.New(client, "{mail}", nil) // every call of q is now recorded
//
// Each call becomes a client span named after the command ("XADD",
// "EVALSHA", "XGROUP CREATE"; "BATCH XACK" or "BATCH" for a pipeline)
// with db.system "redis", db.operation.name, db.query.args (the argument
// count), db.response.returned_rows and, on failure, the error and
// db.response.status_code (the Redis error code, e.g. "WRONGTYPE"). A nil
// reply is not an error, and NOSCRIPT (a script's first run, which the
// client answers by loading the script) is recorded without an error
// status. Keys and values are never recorded: they often carry user ids
// and personal data.
//
// QueryEvent is the same type as orm.QueryEvent, so a logging, tracing or
// metrics callback written for the ORM takes Redis calls too.
//
// rueidis's own rueidisotel module is not used: no release of it can be
// fetched here, and this wrapper is small (the rueidis.Client interface,
// as rueidishook wraps it).
package redisotel
