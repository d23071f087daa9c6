package analytics

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"time"

	"github.com/redis/rueidis"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/polystore/polystore/mongo/odm"
	"github.com/polystore/polystore/redis/stream"
)

// Rollup is a minute or hour document in MongoDB: the guide's
// analyticsSchema (date, metric, dimensions, values, breakdowns) plus the
// percentile sketch, so that hours and days merge from minutes exactly.
type Rollup struct {
	// ID is "<granularity>|<unix start>|<type or *>": one document per
	// bucket, so writing it again replaces it (idempotent).
	ID          string            `bson:"_id" json:"id"`
	Date        time.Time         `bson:"date" json:"date" odm:"required"`
	Granularity string            `bson:"granularity" json:"granularity" odm:"required,enum=minute|hour"`
	Metric      string            `bson:"metric" json:"metric" odm:"required"`
	Dimensions  map[string]string `bson:"dimensions" json:"dimensions"`
	Values      Values            `bson:"values" json:"values"`
	Sketch      *SketchDoc        `bson:"sketch,omitempty" json:"sketch,omitempty"`
	Breakdowns  []Breakdown       `bson:"breakdowns" json:"breakdowns"`
	UpdatedAt   time.Time         `bson:"updatedAt" json:"updatedAt"`
}

// Values are a bucket's figures. Avg is Sum/ValueCount of the bucket and
// the percentiles are read from its sketch: neither is ever averaged.
type Values struct {
	Count      int64   `bson:"count" json:"count"`
	Uniques    int64   `bson:"uniques" json:"uniques"`
	ValueCount int64   `bson:"valueCount" json:"valueCount"`
	Sum        float64 `bson:"sum" json:"sum"`
	Avg        float64 `bson:"avg" json:"avg"`
	Min        float64 `bson:"min" json:"min"`
	Max        float64 `bson:"max" json:"max"`
	P50        float64 `bson:"p50" json:"p50"`
	P95        float64 `bson:"p95" json:"p95"`
	P99        float64 `bson:"p99" json:"p99"`
}

// Breakdown counts the events of one dimension value.
type Breakdown struct {
	Dimension string `bson:"dimension" json:"dimension"`
	Value     string `bson:"value" json:"value"`
	Count     int64  `bson:"count" json:"count"`
}

// MetricEvents is the metric of every rollup document.
const MetricEvents = "events"

// AllTypes is the type of the documents that cover every event type.
const AllTypes = "*"

// RollupID returns the document id of a bucket.
func RollupID(granularity string, start time.Time, eventType string) string {
	return granularity + "|" + strconv.FormatInt(start.Unix(), 10) + "|" + eventType
}

// RollupSchema is the ODM schema of Rollup documents. timeSeries asks for a
// time-series collection (timeField date, metaField metric, granularity
// minutes) — MongoDB only; see docs/analytics.md.
func RollupSchema(timeSeries bool) (*odm.Schema, error) {
	o := &odm.SchemaOpts{}
	if timeSeries {
		o.TimeSeries = &odm.TimeSeries{TimeField: "date", MetaField: "metric", Granularity: "minutes"}
	}
	return odm.SchemaFor[Rollup](o)
}

func rollupDoc(granularity string, start time.Time, t string, s *TypeStats, uniques int64, now time.Time) *Rollup {
	d := &Rollup{
		ID: RollupID(granularity, start, t), Date: start.UTC(), Granularity: granularity,
		Metric: MetricEvents, Dimensions: map[string]string{}, UpdatedAt: now.UTC().Truncate(time.Millisecond),
		Breakdowns: []Breakdown{},
	}
	if t != AllTypes {
		d.Dimensions["type"] = t
	}
	d.Values = Values{Count: s.Count, Uniques: uniques, ValueCount: s.ValueCount, Sum: s.Sum, Avg: s.Avg()}
	if s.ValueCount > 0 {
		d.Values.Min, d.Values.Max = s.Min, s.Max
	}
	if s.Sketch != nil && s.Sketch.Count() > 0 {
		q := s.Quantiles(0.5, 0.95, 0.99)
		d.Values.P50, d.Values.P95, d.Values.P99 = q[0], q[1], q[2]
		sd := s.Sketch.Doc()
		d.Sketch = &sd
	}
	for dim, vals := range s.Breakdowns {
		for v, n := range vals {
			d.Breakdowns = append(d.Breakdowns, Breakdown{Dimension: dim, Value: v, Count: n})
		}
	}
	sort.Slice(d.Breakdowns, func(i, j int) bool {
		a, b := d.Breakdowns[i], d.Breakdowns[j]
		if a.Dimension != b.Dimension {
			return a.Dimension < b.Dimension
		}
		return a.Value < b.Value
	})
	return d
}

// releaseScript deletes a lease only if this writer still holds it.
//
//	KEYS[1] lease key   ARGV[1] holder token
//	returns 1 if deleted, 0 otherwise
var releaseScript = rueidis.NewLuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

// RollupOpts tune a rollup consumer; nil gives the defaults.
type RollupOpts struct {
	// FlushEvery is how long entries gather before one flush (default 500ms).
	FlushEvery time.Duration
	// ClaimIdle is how long a dead consumer's entries wait before another
	// consumer takes them over (default 30s).
	ClaimIdle time.Duration
	// MaxInFlight bounds the entries gathered for one flush (default 256).
	MaxInFlight int
}

type waiter struct {
	id    string
	batch Batch
	done  chan error
}

// group is the consumer group of the rollups.
const group = "rollup"

// RunRollups consumes the event stream in the "rollup" consumer group
// under the name consumer (unique per process) until ctx ends. Each flush
// (1) inserts users and orders into PostgreSQL keyed by stream entry id
// (ON CONFLICT DO NOTHING: a redelivered entry adds nothing), then (2)
// writes every minute and hour document the entries touched as a fully
// computed document read from the Redis counters (a replace: writing it
// twice is writing it once), under a per-document Redis lease so that one
// writer at a time touches a document, then (3) acknowledges the entries.
// A consumer killed before (3) leaves its entries pending; another
// consumer reclaims them after ClaimIdle and redoes (1) and (2), which
// changes nothing that was already applied.
func (a *App) RunRollups(ctx context.Context, consumer string, o *RollupOpts) error {
	if a == nil {
		return fmt.Errorf("%w: nil *App", ErrInvalid)
	}
	if consumer == "" {
		return fmt.Errorf("%w: a consumer name is required", ErrInvalidConfig)
	}
	var opts RollupOpts
	if o != nil {
		opts = *o
	}
	if opts.FlushEvery <= 0 {
		opts.FlushEvery = 500 * time.Millisecond
	}
	if opts.ClaimIdle <= 0 {
		opts.ClaimIdle = 30 * time.Second
	}
	if opts.MaxInFlight <= 0 {
		opts.MaxInFlight = 256
	}
	in := make(chan *waiter)
	s := stream.New(a.redis, a.k.stream(), &stream.Options{MaxLen: -1})
	w, err := stream.NewWorker(s, stream.WorkerOpts{
		Group: group, Consumer: consumer, Concurrency: opts.MaxInFlight, Batch: 100,
		Block: opts.FlushEvery, ClaimIdle: opts.ClaimIdle, MaxAttempts: 20, Logger: a.log,
	}, func(ctx context.Context, m stream.Message[Batch]) error {
		wt := &waiter{id: m.ID, batch: m.Value, done: make(chan error, 1)}
		in <- wt
		return <-wt.done
	})
	if err != nil {
		return err
	}
	fctx, stopFlusher := context.WithCancel(context.WithoutCancel(ctx))
	flusherDone := make(chan struct{})
	go func() {
		defer close(flusherDone)
		a.flushLoop(fctx, in, opts)
	}()
	err = w.Run(ctx) // returns once every handler returned
	stopFlusher()
	<-flusherDone
	return err
}

func (a *App) flushLoop(ctx context.Context, in <-chan *waiter, o RollupOpts) {
	tick := time.NewTicker(o.FlushEvery)
	defer tick.Stop()
	var pending []*waiter
	flush := func() {
		if len(pending) == 0 {
			return
		}
		err := a.flush(ctx, pending)
		if err != nil {
			a.log.Warn("analytics: rollup flush", "entries", len(pending), "err", err)
		}
		for _, w := range pending {
			w.done <- err
		}
		pending = nil
	}
	for {
		select {
		case w := <-in:
			pending = append(pending, w)
			if len(pending) >= o.MaxInFlight {
				flush()
			}
		case <-tick.C:
			flush()
		case <-ctx.Done():
			// Handlers still waiting get an error: their entries stay
			// pending and are redelivered.
			for _, w := range pending {
				w.done <- ctx.Err()
			}
			return
		}
	}
}

// flush applies the gathered entries (see RunRollups).
func (a *App) flush(ctx context.Context, ws []*waiter) error {
	if err := a.writeSegmentsData(ctx, ws); err != nil {
		return err
	}
	minutes := map[time.Time]map[string]bool{}
	for _, w := range ws {
		for _, e := range w.batch.Events {
			m := e.Time.Truncate(time.Minute)
			if minutes[m] == nil {
				minutes[m] = map[string]bool{AllTypes: true}
			}
			minutes[m][e.Type] = true
		}
	}
	return a.writeRollups(ctx, minutes)
}

// writeRollups rewrites the minute documents of the touched (minute, type)
// pairs and the hour documents of their hours.
func (a *App) writeRollups(ctx context.Context, touched map[time.Time]map[string]bool) error {
	if a.rollups == nil || len(touched) == 0 {
		return nil
	}
	hours := map[time.Time]map[string]bool{}
	var ids []string
	for m, types := range touched {
		h := m.Truncate(time.Hour)
		if hours[h] == nil {
			hours[h] = map[string]bool{}
		}
		for t := range types {
			hours[h][t] = true
			ids = append(ids, RollupID("minute", m, t))
		}
	}
	for h, types := range hours {
		for t := range types {
			ids = append(ids, RollupID("hour", h, t))
		}
	}
	release, err := a.lease(ctx, ids)
	if err != nil {
		return err
	}
	defer release()
	now := a.now()
	var writes []odm.Write
	starts := make([]time.Time, 0, len(touched))
	for m := range touched {
		starts = append(starts, m)
	}
	ms, err := a.reader.Minutes(ctx, starts)
	if err != nil {
		return err
	}
	for _, m := range ms {
		for t := range touched[m.Start] {
			s, uniq := m.Types[t], int64(0)
			if t == AllTypes {
				s, uniq = m.all(), m.Uniques
			} else if s == nil {
				s = &TypeStats{}
			} else {
				uniq = s.Uniques
			}
			d := rollupDoc("minute", m.Start, t, s, uniq, now)
			writes = append(writes, odm.ReplaceOneWrite(bson.D{{Key: "_id", Value: d.ID}}, d, true))
		}
	}
	for h, types := range hours {
		docs, err := a.hourDocs(ctx, h, types, now)
		if err != nil {
			return err
		}
		for _, d := range docs {
			writes = append(writes, odm.ReplaceOneWrite(bson.D{{Key: "_id", Value: d.ID}}, d, true))
		}
	}
	if _, err := a.rollups.BulkWrite(ctx, writes, &odm.BulkOpts{Unordered: true}); err != nil {
		return fmt.Errorf("analytics: write rollups: %w", err)
	}
	return nil
}

// all merges every type of a minute.
func (m *Minute) all() *TypeStats {
	s := &TypeStats{}
	for _, t := range m.Types {
		s.Merge(t)
	}
	return s
}

// hourDocs merges the hour's minutes (up to now) into hour documents:
// counts, sums, min/max and sketch buckets add up; uniques are the
// PFCOUNT union of the minutes' HyperLogLogs.
func (a *App) hourDocs(ctx context.Context, h time.Time, types map[string]bool, now time.Time) ([]*Rollup, error) {
	var starts []time.Time
	for m := h; m.Before(h.Add(time.Hour)) && !m.After(now); m = m.Add(time.Minute) {
		starts = append(starts, m)
	}
	ms, err := a.reader.Minutes(ctx, starts)
	if err != nil {
		return nil, err
	}
	var out []*Rollup
	for t := range types {
		s := &TypeStats{}
		for _, m := range ms {
			if t == AllTypes {
				s.Merge(m.all())
			} else {
				s.Merge(m.Types[t])
			}
		}
		ut := t
		if t == AllTypes {
			ut = ""
		}
		u, err := a.reader.MergeUniques(ctx, starts, ut)
		if err != nil {
			return nil, fmt.Errorf("analytics: hour uniques: %w", err)
		}
		out = append(out, rollupDoc("hour", h, t, s, u, now))
	}
	return out, nil
}

// lease takes a short Redis lease on every document id (SET NX PX, one
// pipelined round trip), retrying the ones another writer holds, so that
// each document has a single writer at a time. MongoDB would serialize
// the replaces anyway, but the embedded stand-in loses concurrent writes
// to one document, and without a lease an older snapshot could land after
// a newer one.
func (a *App) lease(ctx context.Context, ids []string) (release func(), err error) {
	var tok [8]byte
	_, _ = rand.Read(tok[:])
	token := hex.EncodeToString(tok[:])
	held := make([]string, 0, len(ids))
	release = func() {
		if len(held) == 0 {
			return
		}
		rctx := context.WithoutCancel(ctx)
		execs := make([]rueidis.LuaExec, len(held))
		for i, k := range held {
			execs[i] = rueidis.LuaExec{Keys: []string{k}, Args: []string{token}}
		}
		for _, r := range releaseScript.ExecMulti(rctx, a.redis, execs...) {
			if err := r.Error(); err != nil {
				a.log.Warn("analytics: release rollup lease", "err", err)
			}
		}
	}
	todo := make([]string, len(ids))
	for i, id := range ids {
		todo[i] = a.k.lease(id)
	}
	deadline := time.Now().Add(a.leaseTTL)
	for len(todo) > 0 {
		cmds := make(rueidis.Commands, len(todo))
		for i, k := range todo {
			cmds[i] = a.redis.B().Set().Key(k).Value(token).Nx().Px(a.leaseTTL).Build()
		}
		var left []string
		for i, r := range a.redis.DoMulti(ctx, cmds...) {
			err := r.Error()
			switch {
			case err == nil:
				held = append(held, todo[i])
			case rueidis.IsRedisNil(err):
				left = append(left, todo[i])
			default:
				release()
				return nil, fmt.Errorf("analytics: rollup lease: %w", err)
			}
		}
		todo = left
		if len(todo) == 0 {
			break
		}
		if time.Now().After(deadline) {
			release()
			return nil, fmt.Errorf("analytics: %d rollup documents stayed leased by another writer", len(todo))
		}
		select {
		case <-ctx.Done():
			release()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return release, nil
}

// RollupFor returns the stored rollup document of a bucket, or
// ErrNoRollup.
func (a *App) RollupFor(ctx context.Context, granularity string, start time.Time, eventType string) (*Rollup, error) {
	if a == nil {
		return nil, fmt.Errorf("%w: nil *App", ErrInvalid)
	}
	if a.rollups == nil {
		return nil, fmt.Errorf("%w: no MongoDB configured", ErrInvalidConfig)
	}
	d, err := a.rollups.FindByID(ctx, RollupID(granularity, start, eventType))
	if errors.Is(err, mongo.ErrNoDocuments) || errors.Is(err, odm.ErrNotFound) {
		return nil, ErrNoRollup
	}
	return d, err
}

// ErrNoRollup is returned by RollupFor for a bucket without a document.
var ErrNoRollup = errors.New("analytics: no rollup document")

var _ = slog.Default

// waitDrained waits until the rollup group has read and acknowledged
// every entry of the stream, or within passes.
func (a *App) waitDrained(ctx context.Context, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		pending, lag, err := a.rollupLag(ctx)
		if err == nil && pending == 0 && lag == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("analytics: rollups still %d pending, %d unread after %s (%v)", pending, lag, within, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// rollupLag returns the entries the rollup group holds pending and those
// it has not read yet.
func (a *App) rollupLag(ctx context.Context) (pending, unread int64, err error) {
	c := a.redis
	info, err := c.Do(ctx, c.B().XinfoStream().Key(a.k.stream()).Build()).AsMap()
	if err != nil {
		return 0, 0, err
	}
	lastMsg := info["last-generated-id"]
	last, _ := lastMsg.ToString()
	groups, err := c.Do(ctx, c.B().XinfoGroups().Key(a.k.stream()).Build()).ToArray()
	if err != nil {
		return 0, 0, err
	}
	for _, g := range groups {
		m, err := g.AsMap()
		if err != nil {
			return 0, 0, err
		}
		nameMsg, pendMsg, delMsg := m["name"], m["pending"], m["last-delivered-id"]
		if name, _ := nameMsg.ToString(); name != group {
			continue
		}
		pending, _ = pendMsg.AsInt64()
		if delivered, _ := delMsg.ToString(); delivered != last {
			unread = 1 // at least one; XINFO's lag may be unknown
		}
		return pending, unread, nil
	}
	return 0, 1, fmt.Errorf("analytics: no rollup group yet")
}

// rollupTotals sums the counts of the all-types minute and hour documents.
func (a *App) rollupTotals(ctx context.Context) (minutes, hours int64, err error) {
	cur, err := a.rollups.Collection().Find(ctx, bson.D{{Key: "dimensions", Value: bson.D{}}})
	if err != nil {
		return 0, 0, err
	}
	var docs []Rollup
	if err := cur.All(ctx, &docs); err != nil {
		return 0, 0, err
	}
	for _, d := range docs {
		if d.Granularity == "minute" {
			minutes += d.Values.Count
		} else {
			hours += d.Values.Count
		}
	}
	return minutes, hours, nil
}
