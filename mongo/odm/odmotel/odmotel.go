package odmotel

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/polystore/polystore/mongo/odm"
)

// OnQuery returns a callback for odm.Monitor that records spans with
// tracer, as children of the span in the operation's context. A nil
// tracer records nothing.
func OnQuery(tracer trace.Tracer) func(context.Context, odm.QueryEvent) {
	if tracer == nil { // no tracer, no spans (as redisotel.Wrap with a nil tracer)
		return func(context.Context, odm.QueryEvent) {}
	}
	return func(ctx context.Context, e odm.QueryEvent) {
		name := string(e.Action)
		if e.Collection != "" {
			name = e.Collection + "." + name
		}
		_, span := tracer.Start(ctx, name,
			trace.WithTimestamp(e.Start),
			trace.WithSpanKind(trace.SpanKindClient),
			trace.WithAttributes(
				attribute.String("db.system", "mongodb"),
				attribute.String("db.operation.name", string(e.Action)),
				attribute.String("db.namespace", e.Database),
				attribute.Int64("db.response.returned_rows", e.Rows),
			))
		if e.Args > 1 {
			span.SetAttributes(attribute.Int("db.operation.batch.size", e.Args))
		}
		if e.Collection != "" {
			span.SetAttributes(attribute.String("db.collection.name", e.Collection))
		}
		if e.Err != nil {
			span.RecordError(e.Err)
			span.SetStatus(codes.Error, e.Err.Error())
		}
		span.End(trace.WithTimestamp(e.Start.Add(e.Duration)))
	}
}
