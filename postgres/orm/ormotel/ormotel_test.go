package ormotel_test

import (
	"context"
	"fmt"
	"time"

	"github.com/polystore/polystore/postgres/orm"
	"github.com/polystore/polystore/postgres/orm/ormotel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

func ExampleOnQuery() {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	onQuery := ormotel.OnQuery(tp.Tracer("test"))
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	onQuery(context.Background(), orm.QueryEvent{Model: "User", Action: orm.ActionFindMany,
		SQL: `SELECT t0."id" FROM "users" t0 WHERE t0."email" = $1`, Args: 1, Start: start, Duration: 3 * time.Millisecond, Rows: 1})
	s := rec.Ended()[0]
	fmt.Println(s.Name(), s.EndTime().Sub(s.StartTime()))
	for _, a := range s.Attributes() {
		if a.Key == "db.query.args" {
			fmt.Println(a.Key, a.Value.AsInt64())
		}
	}
	// Output:
	// User.findMany 3ms
	// db.query.args 1
}
