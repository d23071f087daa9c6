package odm

import (
	"context"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Query is a chainable find. Nothing is sent until All, One, Each, Count,
// Page, KeysetPage or Explain.
type Query[T any] struct {
	m       *Model[T]
	filter  any
	sel     []string
	sort    bson.D
	skip    int64
	limit   int64
	lean    bool
	hint    any
	maxTime time.Duration
	one     bool
	err     error
}

// Find starts a query over the documents matching filter (nil for all).
func (m *Model[T]) Find(filter any) *Query[T] { return &Query[T]{m: m, filter: filter} }

// FindOne starts a query for the first matching document.
func (m *Model[T]) FindOne(filter any) *Query[T] { return &Query[T]{m: m, filter: filter, one: true} }

// Select picks paths: "name email" includes, "-password" excludes, and
// "+secret" includes a select:false path in addition to the defaults.
func (q *Query[T]) Select(fields ...string) *Query[T] {
	for _, f := range fields {
		q.sel = append(q.sel, strings.Fields(f)...)
	}
	return q
}

// Sort orders by paths: "-createdAt name" (descending with "-").
func (q *Query[T]) Sort(keys ...string) *Query[T] {
	for _, k := range keys {
		for _, f := range strings.Fields(k) {
			dir := 1
			if strings.HasPrefix(f, "-") {
				dir, f = -1, f[1:]
			}
			q.sort = append(q.sort, bson.E{Key: f, Value: dir})
		}
	}
	return q
}

// Skip skips n documents.
func (q *Query[T]) Skip(n int64) *Query[T] { q.skip = n; return q }

// Limit returns at most n documents.
func (q *Query[T]) Limit(n int64) *Query[T] { q.limit = n; return q }

// Lean returns plain decoded documents without change tracking (Save then
// inserts them). It is the fastest read. Hooks run as for any query.
func (q *Query[T]) Lean() *Query[T] { q.lean = true; return q }

// Hint forces an index (a name or a key document).
func (q *Query[T]) Hint(h any) *Query[T] { q.hint = h; return q }

// MaxTime bounds the server-side execution time.
func (q *Query[T]) MaxTime(d time.Duration) *Query[T] { q.maxTime = d; return q }

// projection builds the projection from Select and select:false paths,
// as Mongoose builds it. With no exclusion but of _id, it is an
// inclusion: the paths named, "+path"s added, _id dropped by "-_id".
// Otherwise it excludes the select:false paths besides those named (not
// those "+path" or an inclusion names, nor those under an excluded
// path), and keeps every path named: an inclusion mixed with an exclusion
// ("name -age") is sent as given, for the server to refuse, as Mongoose
// sends it.
func (q *Query[T]) projection() bson.D {
	var inc, exc, plusInc bson.D
	named := map[string]bool{}
	noID, excludes := false, false
	for _, f := range q.sel {
		switch {
		case strings.HasPrefix(f, "-"):
			exc = append(exc, bson.E{Key: f[1:], Value: 0})
			noID = noID || f == "-_id"
			excludes = excludes || f != "-_id"
			named[f[1:]] = true
		case strings.HasPrefix(f, "+"):
			named[f[1:]] = true
			plusInc = append(plusInc, bson.E{Key: f[1:], Value: 1})
		default:
			inc = append(inc, bson.E{Key: f, Value: 1})
			named[f] = true
		}
	}
	if len(inc) > 0 && !excludes {
		inc = append(inc, plusInc...)
		if noID {
			inc = append(inc, bson.E{Key: "_id", Value: 0})
		}
		return inc
	}
	out := append(inc, exc...)
hidden:
	for _, h := range q.m.hiddenProj {
		if named[h.Key] {
			continue
		}
		for _, e := range exc {
			if strings.HasPrefix(h.Key, e.Key+".") {
				continue hidden // under an excluded path: a collision for the server
			}
		}
		out = append(out, h)
	}
	return out
}

func (q *Query[T]) findOptions() *options.FindOptionsBuilder {
	fo := options.Find()
	if p := q.projection(); len(p) > 0 {
		fo.SetProjection(p)
	}
	if q.sort != nil {
		fo.SetSort(q.sort)
	}
	if q.skip > 0 {
		fo.SetSkip(q.skip)
	}
	if q.limit > 0 {
		fo.SetLimit(q.limit)
	}
	if q.hint != nil {
		fo.SetHint(q.hint)
	}
	return fo
}

func (q *Query[T]) prepare(ctx context.Context, e Event) (*Op[T], error) {
	if q.err != nil {
		return nil, q.err
	}
	return q.m.preQuery(ctx, e, q.filter)
}

func (q *Query[T]) withMaxTime(ctx context.Context) (context.Context, context.CancelFunc) {
	if q.maxTime > 0 {
		return context.WithTimeout(ctx, q.maxTime)
	}
	return ctx, func() {}
}

// One returns the first matching document, or ErrNotFound.
func (q *Query[T]) One(ctx context.Context) (_ *T, err error) {
	if q == nil || q.m.offline() != nil {
		return nil, ErrNoDatabase
	}
	defer q.m.handleErr(ctx, EventFindOne, nil, &err)
	op, err := q.prepare(ctx, EventFindOne)
	if err != nil {
		return nil, err
	}
	ctx, cancel := q.withMaxTime(ctx)
	defer cancel()
	fo := options.FindOne()
	if p := q.projection(); len(p) > 0 {
		fo.SetProjection(p)
	}
	if q.sort != nil {
		fo.SetSort(q.sort)
	}
	if q.skip > 0 {
		fo.SetSkip(q.skip)
	}
	if q.hint != nil {
		fo.SetHint(q.hint)
	}
	res := q.m.coll.FindOne(ctx, op.Filter, fo)
	raw, err := res.Raw()
	if err != nil {
		if err == mongo.ErrNoDocuments {
			return nil, ErrNotFound
		}
		return nil, err
	}
	var doc *T
	if q.lean {
		doc = new(T)
		if err := bson.Unmarshal(raw, doc); err != nil {
			return nil, errorf("decode %s: %w", q.m.name, err)
		}
	} else if doc, err = q.m.hydrate(raw, projSelector(q.projection())); err != nil {
		return nil, err
	}
	op.Doc, op.Result = doc, doc
	return doc, q.m.run(ctx, false, op)
}

// All returns every matching document.
func (q *Query[T]) All(ctx context.Context) (_ []*T, err error) {
	if q == nil || q.m.offline() != nil {
		return nil, ErrNoDatabase
	}
	if q.one {
		d, err := q.One(ctx)
		if err != nil {
			if err == ErrNotFound {
				return nil, nil
			}
			return nil, err
		}
		return []*T{d}, nil
	}
	defer q.m.handleErr(ctx, EventFind, nil, &err)
	op, err := q.prepare(ctx, EventFind)
	if err != nil {
		return nil, err
	}
	ctx, cancel := q.withMaxTime(ctx)
	defer cancel()
	cur, err := q.m.coll.Find(ctx, op.Filter, q.findOptions())
	if err != nil {
		return nil, err
	}
	defer cur.Close(ctx)
	var block []T
	var raws []bson.Raw
	if q.limit > 0 && q.limit <= 10000 {
		block = make([]T, 0, q.limit)
	}
	for cur.Next(ctx) {
		block = append(block, *new(T))
		if err := cur.Decode(&block[len(block)-1]); err != nil {
			return nil, errorf("decode %s: %w", q.m.name, err)
		}
		if !q.lean {
			raws = append(raws, append(bson.Raw(nil), cur.Current...))
		}
	}
	if err := cur.Err(); err != nil {
		return nil, err
	}
	out := make([]*T, len(block))
	var sel selector
	if !q.lean {
		sel = projSelector(q.projection())
	}
	for i := range block {
		out[i] = &block[i]
		if !q.lean {
			q.m.track(out[i], raws[i], q.m.readDefaults(out[i], raws[i], sel))
		}
	}
	op.Docs, op.Result = out, out
	return out, q.m.run(ctx, false, op)
}

// Each streams matching documents to fn through a cursor without holding
// them all; lean semantics (no tracking). The pre-find hooks run (a
// cursor has no post hooks, as in Mongoose). fn returning an error stops
// the iteration.
func (q *Query[T]) Each(ctx context.Context, fn func(*T) error) (err error) {
	if q == nil || q.m.offline() != nil {
		return ErrNoDatabase
	}
	defer q.m.handleErr(ctx, EventFind, nil, &err)
	if fn == nil {
		return invalidf("Each needs a function")
	}
	op, err := q.prepare(ctx, EventFind)
	if err != nil {
		return err
	}
	ctx, cancel := q.withMaxTime(ctx)
	defer cancel()
	cur, err := q.m.coll.Find(ctx, op.Filter, q.findOptions())
	if err != nil {
		return err
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		doc := new(T)
		if err := cur.Decode(doc); err != nil {
			return errorf("decode %s: %w", q.m.name, err)
		}
		if err := fn(doc); err != nil {
			return err
		}
	}
	return cur.Err()
}

// Count counts the matching documents, ignoring skip and limit
// (countDocuments hooks: register scopes on EventRead or EventQuery so that
// a page's total agrees with its items).
func (q *Query[T]) Count(ctx context.Context) (_ int64, err error) {
	if q == nil || q.m.offline() != nil {
		return 0, ErrNoDatabase
	}
	defer q.m.handleErr(ctx, EventCountDocuments, nil, &err)
	op, err := q.prepare(ctx, EventCountDocuments)
	if err != nil {
		return 0, err
	}
	n, err := q.m.coll.CountDocuments(ctx, op.Filter)
	if err != nil {
		return 0, err
	}
	op.Result = n
	return n, q.m.run(ctx, false, op)
}

// Explain returns the server's plan for the query, with the filter as the
// pre-find hooks leave it.
func (q *Query[T]) Explain(ctx context.Context, verbosity string) (bson.M, error) {
	if q == nil || q.m.offline() != nil {
		return nil, ErrNoDatabase
	}
	op, err := q.prepare(ctx, EventFind)
	if err != nil {
		return nil, err
	}
	f := op.Filter
	if verbosity == "" {
		verbosity = "queryPlanner"
	}
	var out bson.M
	err = q.m.coll.Database().RunCommand(ctx, q.explainCommand(f, verbosity)).Decode(&out)
	return out, err
}

// explainCommand is the explain command sent for the query.
func (q *Query[T]) explainCommand(f bson.D, verbosity string) bson.D {
	find := bson.D{{Key: "find", Value: q.m.coll.Name()}, {Key: "filter", Value: f}}
	if p := q.projection(); len(p) > 0 {
		find = append(find, bson.E{Key: "projection", Value: p})
	}
	if q.sort != nil {
		find = append(find, bson.E{Key: "sort", Value: q.sort})
	}
	if q.skip > 0 {
		find = append(find, bson.E{Key: "skip", Value: q.skip})
	}
	if q.limit > 0 {
		find = append(find, bson.E{Key: "limit", Value: q.limit})
	}
	if q.hint != nil {
		find = append(find, bson.E{Key: "hint", Value: q.hint})
	}
	return bson.D{{Key: "explain", Value: find}, {Key: "verbosity", Value: verbosity}}
}

// Hydrate decodes a document read elsewhere (an aggregation, a change
// stream), applies the defaults of the paths it lacks (Mongoose's
// Model.hydrate) and tracks it, so that Save sends only what changes
// afterwards (and those defaults).
func (m *Model[T]) Hydrate(raw bson.Raw) (*T, error) {
	if m == nil {
		return nil, ErrNoDatabase
	}
	return m.hydrate(raw, nil)
}
