// Package ormotel records orm statements as OpenTelemetry spans.
//
//	cfg.OnQuery = ormotel.OnQuery(otel.Tracer("app"))
//
// Each statement becomes a client span named "<model>.<action>" (or the
// action alone for raw SQL) with the standard db.* attributes, spanning the
// statement's own start and end; argument values are never recorded.
package ormotel
