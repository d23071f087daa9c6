package redisotel_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/redis/rueidis"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/redisotel"
)

// BenchmarkOverhead measures what the wrapper adds to one GET (a hit, on
// the real server), alternating in every iteration the bare client and
// three wrappings of the same client, so that load on a shared machine
// hits them alike:
//
//   - noop: spans on the no-op tracer (what Wrap(c, nil) records into when
//     the application installed no OpenTelemetry SDK);
//   - spans: every call a sampled span of the OpenTelemetry SDK, handed to
//     a span processor that drops it (the cost up to an exporter);
//   - spans+events: the same plus an OnQuery callback.
//
// It reports each one's median as <impl>-p50-µs and its ratio to the bare
// client as ratio-<impl>.
func BenchmarkOverhead(b *testing.B) {
	ctx := context.Background()
	ns := devenv.Redis(b)
	key := ns.Key("bench")
	if err := ns.Client.Do(ctx, ns.Client.B().Set().Key(key).Value("v").Build()).Error(); err != nil {
		b.Fatal(err)
	}
	sdk := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample()))
	b.Cleanup(func() { _ = sdk.Shutdown(ctx) })
	var events int
	impls := []struct {
		name string
		c    rueidis.Client
	}{
		{"bare", ns.Client},
		{"noop", redisotel.Wrap(ns.Client, &redisotel.Options{TracerProvider: noop.NewTracerProvider()})},
		{"spans", redisotel.Wrap(ns.Client, &redisotel.Options{TracerProvider: sdk})},
		{"spans+events", redisotel.Wrap(ns.Client, &redisotel.Options{TracerProvider: sdk,
			OnQuery: func(context.Context, redisotel.QueryEvent) { events++ }})},
	}
	took := make([][]time.Duration, len(impls))
	for b.Loop() {
		for i, im := range impls {
			start := time.Now()
			if err := im.c.Do(ctx, im.c.B().Get().Key(key).Build()).Error(); err != nil {
				b.Fatal(err)
			}
			took[i] = append(took[i], time.Since(start))
		}
	}
	if events == 0 {
		b.Fatal("OnQuery was not called")
	}
	p50 := make([]float64, len(impls))
	for i, im := range impls {
		slices.Sort(took[i])
		p50[i] = float64(took[i][len(took[i])/2]) / 1e3
		b.ReportMetric(p50[i], im.name+"-p50-µs")
		if i > 0 {
			b.ReportMetric(p50[i]/p50[0], "ratio-"+im.name)
		}
	}
}

// BenchmarkOverheadCPU is the wrapper's own CPU and allocations per call,
// without Redis: the wrapped client is a stub that answers at once.
func BenchmarkOverheadCPU(b *testing.B) {
	ctx := context.Background()
	sdk := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample()))
	b.Cleanup(func() { _ = sdk.Shutdown(ctx) })
	stub := stubClient{Client: devenv.Redis(b).Client}
	for _, v := range []struct {
		name string
		c    rueidis.Client
	}{
		{"bare", stub},
		{"noop", redisotel.Wrap(stub, &redisotel.Options{TracerProvider: noop.NewTracerProvider()})},
		{"spans", redisotel.Wrap(stub, &redisotel.Options{TracerProvider: sdk})},
		{"spans+events", redisotel.Wrap(stub, &redisotel.Options{TracerProvider: sdk,
			OnQuery: func(context.Context, redisotel.QueryEvent) {}})},
	} {
		b.Run("impl="+v.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = v.c.Do(ctx, v.c.B().Get().Key("k").Build())
			}
		})
	}
}

// stubClient answers every Do with a nil reply without I/O.
type stubClient struct{ rueidis.Client }

func (stubClient) Do(context.Context, rueidis.Completed) rueidis.RedisResult {
	return rueidis.NewErrorResult(rueidis.Nil)
}
