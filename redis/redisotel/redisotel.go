package redisotel

import (
	"context"
	"strings"
	"time"

	"github.com/redis/rueidis"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/polystore/polystore/internal/queryevent"
)

// QueryEvent describes one Redis call after it ran. It is the type
// postgres/orm reports statements in (orm.QueryEvent), so one callback,
// such as orm.SlogHandler, serves both: Action is the command name
// ("GET", "XGROUP CREATE") or "BATCH <name>"/"BATCH" for a pipeline, SQL
// the command names, Args the number of arguments, Rows the reply's
// elements (1 for a scalar reply, 0 for nil), Server "redis". Keys and
// values are never included.
type QueryEvent = queryevent.Event

// ScopeName is the instrumentation scope of the spans.
const ScopeName = "github.com/polystore/polystore/redis/redisotel"

// Options configure Wrap; nil gives the defaults.
type Options struct {
	// TracerProvider makes the tracer; default otel.GetTracerProvider().
	TracerProvider trace.TracerProvider
	// OnQuery, when set, receives every call after it ran.
	OnQuery func(context.Context, QueryEvent)
	// NoSpans turns spans off (events only).
	NoSpans bool
}

// Wrap returns a client that records every call made through it: a client
// span per Do/DoCache (named after the command) and per DoMulti/
// DoMultiCache pipeline, children of the span in the call's context, with
// the command name, argument count, duration and error (a nil reply is no
// error), never keys or values; and a QueryEvent per call to
// Options.OnQuery. Calls on dedicated connections (Dedicated, Dedicate)
// and on Nodes() are recorded too; Receive (subscriptions) and
// DoStream/DoMultiStream are passed through unrecorded. Wrap c before
// handing it to the polystore Redis packages.
func Wrap(c rueidis.Client, o *Options) rueidis.Client {
	if c == nil {
		return nil
	}
	r := &recorder{}
	if o != nil {
		r.onQuery = o.OnQuery
		if !o.NoSpans {
			tp := o.TracerProvider
			if tp == nil {
				tp = otel.GetTracerProvider()
			}
			r.tracer = tp.Tracer(ScopeName)
		}
	} else {
		r.tracer = otel.GetTracerProvider().Tracer(ScopeName)
	}
	return &client{Client: c, r: r}
}

type recorder struct {
	tracer  trace.Tracer // nil: no spans
	onQuery func(context.Context, QueryEvent)
}

// containers are the commands whose first argument names the operation.
var containers = map[string]bool{
	"ACL": true, "CLIENT": true, "CLUSTER": true, "COMMAND": true, "CONFIG": true,
	"FUNCTION": true, "LATENCY": true, "MEMORY": true, "MODULE": true, "OBJECT": true,
	"PUBSUB": true, "SCRIPT": true, "SLOWLOG": true, "XGROUP": true, "XINFO": true,
}

// opName returns the command's name from its tokens ("XGROUP CREATE").
func opName(tokens []string) string {
	if len(tokens) == 0 {
		return "UNKNOWN"
	}
	name := strings.ToUpper(tokens[0])
	if containers[name] && len(tokens) > 1 {
		name += " " + strings.ToUpper(tokens[1])
	}
	return name
}

// call is one recorded call in flight.
type call struct {
	ctx   context.Context
	span  trace.Span
	start time.Time
	name  string
	sql   string
	args  int
	batch int
}

func (r *recorder) begin(ctx context.Context, cmds [][]string) call {
	c := call{ctx: ctx, start: time.Now(), batch: len(cmds)}
	var one [1]string
	names := one[:]
	if len(cmds) != 1 {
		names = make([]string, len(cmds))
	}
	same := true
	for i, t := range cmds {
		names[i] = opName(t)
		c.args += max(len(t)-1, 0)
		if names[i] != names[0] {
			same = false
		}
	}
	switch {
	case len(cmds) == 1:
		c.name = names[0]
	case same && len(cmds) > 0:
		c.name = "BATCH " + names[0]
	default:
		c.name = "BATCH"
	}
	if r.onQuery != nil {
		c.sql = strings.Join(names, "; ")
	}
	if r.tracer != nil {
		c.ctx, c.span = r.tracer.Start(ctx, c.name, trace.WithSpanKind(trace.SpanKindClient), trace.WithTimestamp(c.start))
		// A span that records nothing (no SDK, or not sampled) gets no
		// attributes: building them is most of the wrapper's cost.
		if c.span.IsRecording() {
			c.span.SetAttributes(
				attribute.String("db.system", "redis"),
				attribute.String("db.system.name", "redis"),
				attribute.String("db.operation.name", c.name),
				attribute.Int("db.query.args", c.args),
			)
			if len(cmds) != 1 {
				c.span.SetAttributes(attribute.Int("db.operation.batch.size", len(cmds)))
			}
		} else {
			c.span.End()
			c.span = nil
		}
	}
	return c
}

// end finishes the call with its replies.
func (r *recorder) end(c call, rs ...rueidis.RedisResult) {
	d := time.Since(c.start)
	var firstErr error
	var rows int64
	cacheHits := 0
	for _, res := range rs {
		if res.IsCacheHit() {
			cacheHits++
		}
		msg, err := res.ToMessage()
		if err != nil {
			if !rueidis.IsRedisNil(err) && firstErr == nil {
				firstErr = err
			}
			continue
		}
		if arr, err := msg.ToArray(); err == nil {
			rows += int64(len(arr))
		} else if !msg.IsNil() {
			rows++
		}
	}
	if c.span != nil {
		c.span.SetAttributes(attribute.Int64("db.response.returned_rows", rows))
		if cacheHits > 0 {
			c.span.SetAttributes(attribute.Int("db.redis.client_cache_hits", cacheHits))
		}
		if firstErr != nil {
			code := ""
			if re, ok := rueidis.IsRedisErr(firstErr); ok {
				code, _, _ = strings.Cut(re.Error(), " ")
				c.span.SetAttributes(attribute.String("db.response.status_code", code))
			}
			c.span.RecordError(firstErr)
			if code != "NOSCRIPT" { // a script's first run: the client loads it and retries
				c.span.SetStatus(codes.Error, firstErr.Error())
			}
		}
		c.span.End(trace.WithTimestamp(c.start.Add(d)))
	}
	if r.onQuery != nil {
		r.onQuery(c.ctx, QueryEvent{Action: queryevent.Action(c.name), SQL: c.sql, Args: c.args,
			Start: c.start, Duration: d, Rows: rows, Err: firstErr, Server: "redis"})
	}
}

func (r *recorder) do(ctx context.Context, cmd rueidis.Completed, f func(context.Context) rueidis.RedisResult) rueidis.RedisResult {
	c := r.begin(ctx, [][]string{cmd.Commands()})
	res := f(c.ctx)
	r.end(c, res)
	return res
}

func (r *recorder) doMulti(ctx context.Context, multi []rueidis.Completed, f func(context.Context) []rueidis.RedisResult) []rueidis.RedisResult {
	if len(multi) == 0 {
		return f(ctx)
	}
	tokens := make([][]string, len(multi))
	for i, m := range multi {
		tokens[i] = m.Commands()
	}
	c := r.begin(ctx, tokens)
	rs := f(c.ctx)
	r.end(c, rs...)
	return rs
}

type client struct {
	rueidis.Client
	r *recorder
}

func (c *client) Do(ctx context.Context, cmd rueidis.Completed) rueidis.RedisResult {
	return c.r.do(ctx, cmd, func(ctx context.Context) rueidis.RedisResult { return c.Client.Do(ctx, cmd) })
}

func (c *client) DoMulti(ctx context.Context, multi ...rueidis.Completed) []rueidis.RedisResult {
	return c.r.doMulti(ctx, multi, func(ctx context.Context) []rueidis.RedisResult { return c.Client.DoMulti(ctx, multi...) })
}

func (c *client) DoCache(ctx context.Context, cmd rueidis.Cacheable, ttl time.Duration) rueidis.RedisResult {
	rc := c.r.begin(ctx, [][]string{cmd.Commands()})
	res := c.Client.DoCache(rc.ctx, cmd, ttl)
	c.r.end(rc, res)
	return res
}

func (c *client) DoMultiCache(ctx context.Context, multi ...rueidis.CacheableTTL) []rueidis.RedisResult {
	if len(multi) == 0 {
		return c.Client.DoMultiCache(ctx, multi...)
	}
	tokens := make([][]string, len(multi))
	for i, m := range multi {
		tokens[i] = m.Cmd.Commands()
	}
	rc := c.r.begin(ctx, tokens)
	rs := c.Client.DoMultiCache(rc.ctx, multi...)
	c.r.end(rc, rs...)
	return rs
}

func (c *client) Dedicated(fn func(rueidis.DedicatedClient) error) error {
	return c.Client.Dedicated(func(d rueidis.DedicatedClient) error {
		return fn(&dedicated{DedicatedClient: d, r: c.r})
	})
}

func (c *client) Dedicate() (rueidis.DedicatedClient, func()) {
	d, cancel := c.Client.Dedicate()
	return &dedicated{DedicatedClient: d, r: c.r}, cancel
}

func (c *client) Nodes() map[string]rueidis.Client {
	nodes := c.Client.Nodes()
	out := make(map[string]rueidis.Client, len(nodes))
	for addr, n := range nodes {
		out[addr] = &client{Client: n, r: c.r}
	}
	return out
}

type dedicated struct {
	rueidis.DedicatedClient
	r *recorder
}

func (d *dedicated) Do(ctx context.Context, cmd rueidis.Completed) rueidis.RedisResult {
	return d.r.do(ctx, cmd, func(ctx context.Context) rueidis.RedisResult { return d.DedicatedClient.Do(ctx, cmd) })
}

func (d *dedicated) DoMulti(ctx context.Context, multi ...rueidis.Completed) []rueidis.RedisResult {
	return d.r.doMulti(ctx, multi, func(ctx context.Context) []rueidis.RedisResult { return d.DedicatedClient.DoMulti(ctx, multi...) })
}
