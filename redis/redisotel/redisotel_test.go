package redisotel_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/jobs"
	"github.com/polystore/polystore/redis/redisotel"
)

func TestMain(m *testing.M) { devenv.Main(m) }

func TestSpansAndEvents(t *testing.T) {
	ns := devenv.Redis(t)
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	var mu sync.Mutex
	var events []redisotel.QueryEvent
	c := redisotel.Wrap(ns.Client, &redisotel.Options{TracerProvider: tp,
		OnQuery: func(_ context.Context, e redisotel.QueryEvent) { mu.Lock(); events = append(events, e); mu.Unlock() }})
	ctx, parent := tp.Tracer("test").Start(context.Background(), "request")

	key := ns.Key("{s}secret-key") // one slot with the MGET below, on a cluster too
	require.NoError(t, c.Do(ctx, c.B().Set().Key(key).Value("secret-value").Build()).Error())
	_, err := c.Do(ctx, c.B().Get().Key(ns.Key("missing-secret")).Build()).ToString()
	require.Error(t, err) // nil reply
	err = c.Do(ctx, c.B().Lpush().Key(key).Element("secret-element").Build()).Error()
	require.ErrorContains(t, err, "WRONGTYPE")
	rs := c.DoMulti(ctx, c.B().Incr().Key(ns.Key("n")).Build(), c.B().Incr().Key(ns.Key("n")).Build())
	require.NoError(t, rs[1].Error())
	rs = c.DoMulti(ctx, c.B().Get().Key(key).Build(), c.B().Mget().Key(key, ns.Key("{s}missing")).Build())
	require.NoError(t, rs[1].Error())
	require.NoError(t, c.Dedicated(func(d rueidis.DedicatedClient) error {
		return d.Do(ctx, d.B().Ping().Build()).Error()
	}))
	require.NoError(t, c.Do(ctx, c.B().ScriptFlush().Build()).Error())
	q, err := jobs.New(c, ns.Key("{q}"), nil)
	require.NoError(t, err)
	_, err = jobs.Enqueue(ctx, q, map[string]string{"email": "secret@example.com"}, nil)
	require.NoError(t, err)
	parent.End()

	spans := rec.Ended()
	byName := map[string][]sdktrace.ReadOnlySpan{}
	for _, s := range spans {
		byName[s.Name()] = append(byName[s.Name()], s)
		if s.Name() == "request" {
			continue
		}
		require.Equal(t, parent.SpanContext().SpanID(), s.Parent().SpanID(), "%s is a child of the caller's span", s.Name())
		require.True(t, s.EndTime().After(s.StartTime()) || s.EndTime().Equal(s.StartTime()))
		for _, a := range s.Attributes() {
			require.NotContains(t, a.Value.Emit(), "secret", "%s: attribute %s leaks a key or value", s.Name(), a.Key)
		}
		for _, e := range s.Events() {
			for _, a := range e.Attributes {
				if a.Key == "exception.message" {
					require.NotContains(t, a.Value.Emit(), "secret")
				}
			}
		}
	}
	attr := func(s sdktrace.ReadOnlySpan, k string) string {
		for _, a := range s.Attributes() {
			if string(a.Key) == k {
				return a.Value.Emit()
			}
		}
		return ""
	}
	set := byName["SET"][0]
	require.Equal(t, "redis", attr(set, "db.system"))
	require.Equal(t, "SET", attr(set, "db.operation.name"))
	require.Equal(t, "2", attr(set, "db.query.args"))
	require.Equal(t, codes.Unset, set.Status().Code)

	get := byName["GET"][0]
	require.Equal(t, codes.Unset, get.Status().Code, "a nil reply is not an error")
	require.Equal(t, "0", attr(get, "db.response.returned_rows"))

	lpush := byName["LPUSH"][0]
	require.Equal(t, codes.Error, lpush.Status().Code)
	require.Equal(t, "WRONGTYPE", attr(lpush, "db.response.status_code"))

	batch := byName["BATCH INCR"][0]
	require.Equal(t, "2", attr(batch, "db.operation.batch.size"))
	require.Len(t, byName["BATCH"], 1, "a mixed pipeline")
	require.Equal(t, "3", attr(byName["BATCH"][0], "db.response.returned_rows"), "GET's scalar and MGET's two elements")
	require.Len(t, byName["PING"], 1, "dedicated connections are recorded")
	require.Len(t, byName["SCRIPT FLUSH"], 1, "container commands are named with their subcommand")

	// The enqueue script ran after SCRIPT FLUSH: EVALSHA answered NOSCRIPT
	// (recorded, not an error), then EVAL ran it.
	require.NotEmpty(t, byName["EVALSHA"])
	require.Equal(t, "NOSCRIPT", attr(byName["EVALSHA"][0], "db.response.status_code"))
	require.Equal(t, codes.Unset, byName["EVALSHA"][0].Status().Code)
	require.Len(t, byName["EVAL"], 1)

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, events, len(spans)-1, "one event per span")
	var sawErr bool
	for _, e := range events {
		require.Equal(t, "redis", e.Server)
		require.Empty(t, e.Model)
		require.NotEmpty(t, e.Action)
		require.False(t, e.Start.IsZero())
		require.GreaterOrEqual(t, e.Duration, time.Duration(0))
		require.NotContains(t, e.SQL, "secret")
		if e.Action == "LPUSH" {
			sawErr = true
			require.ErrorContains(t, e.Err, "WRONGTYPE")
		}
		if e.Action == "GET" {
			require.NoError(t, e.Err, "nil is no error")
		}
	}
	require.True(t, sawErr)
	var batchEvent redisotel.QueryEvent
	for _, e := range events {
		if e.Action == "BATCH" {
			batchEvent = e
		}
	}
	require.Equal(t, "GET; MGET", batchEvent.SQL)
	require.Equal(t, 3, batchEvent.Args)
}

func TestWrapNilAndNoSpans(t *testing.T) {
	require.Nil(t, redisotel.Wrap(nil, nil))
	ns := devenv.Redis(t)
	n := 0
	c := redisotel.Wrap(ns.Client, &redisotel.Options{NoSpans: true,
		OnQuery: func(context.Context, redisotel.QueryEvent) { n++ }})
	require.NoError(t, c.Do(context.Background(), c.B().Ping().Build()).Error())
	require.Empty(t, c.DoMulti(context.Background()))
	require.Equal(t, 1, n)
	for addr, node := range c.Nodes() {
		require.NotEmpty(t, addr)
		require.NoError(t, node.Do(context.Background(), node.B().Ping().Build()).Error())
	}
	require.Equal(t, 1+len(c.Nodes()), n, "calls on Nodes() are recorded")
	require.True(t, strings.HasPrefix(redisotel.ScopeName, "github.com/polystore/polystore/"))
}
