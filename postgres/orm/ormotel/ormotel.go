package ormotel

import (
	"context"

	"github.com/polystore/polystore/postgres/orm"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// OnQuery returns an orm.Config.OnQuery callback that records spans with
// tracer, as children of the span in the operation's context. A nil
// tracer records nothing.
func OnQuery(tracer trace.Tracer) func(context.Context, orm.QueryEvent) {
	if tracer == nil { // no tracer, no spans (as redisotel.Wrap with a nil tracer)
		return func(context.Context, orm.QueryEvent) {}
	}
	return func(ctx context.Context, e orm.QueryEvent) {
		name := string(e.Action)
		if e.Model != "" {
			name = e.Model + "." + name
		}
		_, span := tracer.Start(ctx, name,
			trace.WithTimestamp(e.Start),
			trace.WithSpanKind(trace.SpanKindClient),
			trace.WithAttributes(
				attribute.String("db.system", "postgresql"),
				attribute.String("db.operation.name", string(e.Action)),
				attribute.String("db.query.text", e.SQL),
				attribute.Int("db.query.args", e.Args),
				attribute.Int64("db.response.returned_rows", e.Rows),
			))
		if e.Model != "" {
			span.SetAttributes(attribute.String("db.collection.name", e.Model))
		}
		if e.Err != nil {
			span.RecordError(e.Err)
			span.SetStatus(codes.Error, e.Err.Error())
			if oe, ok := orm.AsError(e.Err); ok {
				span.SetAttributes(attribute.String("db.response.status_code", oe.SQLState))
			}
		}
		span.End(trace.WithTimestamp(e.Start.Add(e.Duration)))
	}
}
