// Package odmotel turns odm.QueryEvent into OpenTelemetry spans, as
// postgres/orm/ormotel does for SQL: one client span per command, named
// "<collection>.<command>", with the database system, operation,
// collection, namespace and document count, and the error when the
// command failed. No value from a filter or a document is recorded.
//
//	tp := sdktrace.NewTracerProvider(...)
//	client, err := mongo.Connect(options.Client().ApplyURI(url).
//		SetMonitor(odm.Monitor(odmotel.OnQuery(tp.Tracer("shop")))))
package odmotel
