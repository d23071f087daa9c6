package redisotel_test

import (
	"context"
	"fmt"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/redisotel"
	"github.com/polystore/polystore/redis/stream"
)

func ExampleWrap() {
	ctx := context.Background()
	raw, prefix, cleanup := devenv.ExampleRedis(ctx)
	defer cleanup()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	client := redisotel.Wrap(raw, &redisotel.Options{
		TracerProvider: tp,
		OnQuery: func(_ context.Context, e redisotel.QueryEvent) {
			fmt.Println("event:", e.Action, e.Args, "args", e.Rows, "rows")
		},
	})

	s := stream.New(client, prefix+"orders", nil)
	_, _ = stream.Publish(ctx, s, map[string]int{"order": 42})
	_, _ = s.Len(ctx)
	for _, span := range rec.Ended() {
		fmt.Println("span:", span.Name())
	}
	// Output:
	// event: XADD 7 args 1 rows
	// event: XLEN 1 args 1 rows
	// span: XADD
	// span: XLEN
}
