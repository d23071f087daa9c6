package odm

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/polystore/polystore/mongo/odm/agg"
)

// PopulateStrategy chooses how a populating query loads references.
type PopulateStrategy int

const (
	// Batched (the default) sends the query, then one {$in} query per
	// populated path and nesting level: never one query per document.
	Batched PopulateStrategy = iota
	// Lookup sends one aggregate with a $lookup per top-level path
	// (MongoDB 5.0+; FerretDB has no $lookup). Nested paths are then
	// populated batched.
	Lookup
)

// PopulatedQuery is a Query whose results are populated.
type PopulatedQuery[T any] struct {
	q        *Query[T]
	paths    []PopulateOpts
	strategy PopulateStrategy
}

// Populate populates paths of the query's results (Mongoose's
// query.populate). See PopulateOpts.
func (q *Query[T]) Populate(paths ...PopulateOpts) *PopulatedQuery[T] {
	return &PopulatedQuery[T]{q: q, paths: paths}
}

// Populate adds more paths.
func (p *PopulatedQuery[T]) Populate(paths ...PopulateOpts) *PopulatedQuery[T] {
	p.paths = append(p.paths, paths...)
	return p
}

// Strategy chooses how references are loaded (Batched by default).
func (p *PopulatedQuery[T]) Strategy(s PopulateStrategy) *PopulatedQuery[T] {
	p.strategy = s
	return p
}

// lean makes populate lean when the query is.
func (p *PopulatedQuery[T]) lean() {
	if p.q.lean {
		p.paths = leanPaths(p.paths)
	}
}

// All runs the query and populates the results.
func (p *PopulatedQuery[T]) All(ctx context.Context) ([]*T, error) {
	p.lean()
	if p.strategy == Lookup {
		return p.lookupAll(ctx)
	}
	docs, err := p.q.All(ctx)
	if err != nil {
		return nil, err
	}
	return docs, p.q.m.Populate(ctx, docs, p.paths...)
}

// One runs the query for one document and populates it; ErrNotFound when
// nothing matches.
func (p *PopulatedQuery[T]) One(ctx context.Context) (*T, error) {
	p.lean()
	if p.strategy == Lookup {
		p.q.Limit(1)
		docs, err := p.lookupAll(ctx)
		if err != nil {
			return nil, err
		}
		if len(docs) == 0 {
			return nil, ErrNotFound
		}
		return docs[0], nil
	}
	doc, err := p.q.One(ctx)
	if err != nil {
		return nil, err
	}
	return doc, p.q.m.Populate(ctx, []*T{doc}, p.paths...)
}

// lookupAs is the temporary field the $lookup of path i writes to.
func lookupAs(i int) string { return fmt.Sprintf("__populate%d", i) }

// LookupPipeline returns the aggregate the Lookup strategy sends (after
// the find pre-hooks), for inspection and golden tests.
func (p *PopulatedQuery[T]) LookupPipeline(ctx context.Context) (mongo.Pipeline, error) {
	pl, _, err := p.lookupPipeline(ctx)
	return pl, err
}

func (p *PopulatedQuery[T]) lookupPipeline(ctx context.Context) (mongo.Pipeline, *Op[T], error) {
	q := p.q
	op, err := q.prepare(ctx, EventFind)
	if err != nil {
		return nil, nil, err
	}
	pl := agg.New().Match(op.Filter)
	if len(q.sort) > 0 {
		pl.Raw(bson.D{{Key: "$sort", Value: q.sort}})
	}
	if q.skip > 0 {
		pl.Skip(q.skip)
	}
	if q.limit > 0 {
		pl.Limit(q.limit)
	} else if q.one {
		pl.Limit(1)
	}
	var keep []string
	for i := range p.paths {
		o := &p.paths[i]
		if o.virtual() {
			keep = append(keep, localOf(o))
		} else {
			keep = append(keep, o.Path)
		}
	}
	sel := q.sel
	q.sel = selectWith(strings.Join(q.sel, " "), keep)
	proj := q.projection()
	q.sel = sel
	if len(proj) > 0 {
		pl.Raw(bson.D{{Key: "$project", Value: proj}})
	}
	for i := range p.paths {
		o := &p.paths[i]
		if o.dynamic() {
			return nil, nil, &PopulateError{Path: o.Path, Msg: "the Lookup strategy cannot populate a refPath reference; use Batched"}
		}
		src, err := checkSource(o)
		if err != nil {
			return nil, nil, err
		}
		if o.Limit > 0 {
			return nil, nil, &PopulateError{Path: o.Path, Msg: "Limit caps the whole batched query; with the Lookup strategy use PerDocumentLimit"}
		}
		sub := agg.New()
		var mf bson.D
		if o.Match != nil {
			if mf, err = src.castFilter(o.Match); err != nil {
				return nil, nil, err
			}
		}
		// The referenced model's pre hooks scope the joined documents.
		ev := EventFind
		if o.Count {
			ev = EventCountDocuments
		}
		if mf, err = src.scope(ctx, ev, mf); err != nil {
			return nil, nil, err
		}
		if len(mf) > 0 {
			sub.Match(mf)
		}
		if o.Count {
			sub.Count("n")
		} else {
			if o.Sort != "" {
				sub.Raw(bson.D{{Key: "$sort", Value: (&Query[T]{}).Sort(o.Sort).sort}})
			}
			if o.PerDocumentLimit > 0 {
				sub.Limit(o.PerDocumentLimit)
			}
			if proj := src.project(o.Select, o.keepPaths()); len(proj) > 0 {
				sub.Raw(bson.D{{Key: "$project", Value: proj}})
			}
		}
		spec := agg.LookupSpec{From: src.coll, LocalField: o.Path, ForeignField: "_id", As: lookupAs(i)}
		if o.virtual() {
			spec.LocalField, spec.ForeignField = localOf(o), o.ForeignField
		}
		if sub.Len() > 0 {
			spec.Pipeline = sub
		}
		pl.Lookup(spec)
	}
	stages, err := pl.Build()
	if err != nil {
		return nil, nil, err
	}
	return stages, op, nil
}

func localOf(o *PopulateOpts) string {
	if o.LocalField == "" {
		return "_id"
	}
	return o.LocalField
}

// lookupAll runs the Lookup strategy: one aggregate, then nested paths
// batched.
func (p *PopulatedQuery[T]) lookupAll(ctx context.Context) ([]*T, error) {
	if p.q == nil || p.q.m.offline() != nil {
		return nil, ErrNoDatabase
	}
	q, m := p.q, p.q.m
	if m.isMap {
		return nil, &PopulateError{Msg: "populate needs a struct model"}
	}
	stages, op, err := p.lookupPipeline(ctx)
	if err != nil {
		return nil, err
	}
	ctx, cancel := q.withMaxTime(ctx)
	defer cancel()
	cur, err := m.coll.Aggregate(ctx, stages)
	if err != nil {
		return nil, err
	}
	defer cur.Close(ctx)
	results := make([]lookupResult, len(p.paths))
	srcs := make([]popSource, len(p.paths))
	for i := range p.paths {
		srcs[i] = p.paths[i].From.populateSource()
	}
	var docs []*T
	for cur.Next(ctx) {
		elems, err := cur.Current.Elements()
		if err != nil {
			return nil, err
		}
		own := make(bson.D, 0, len(elems))
		joined := make([]bson.RawValue, len(p.paths))
		for _, e := range elems {
			if k := e.Key(); strings.HasPrefix(k, "__populate") {
				var i int
				if _, err := fmt.Sscanf(k, "__populate%d", &i); err == nil && i < len(joined) {
					joined[i] = e.Value()
				}
				continue
			}
			own = append(own, bson.E{Key: e.Key(), Value: e.Value()})
		}
		raw, err := bson.Marshal(own)
		if err != nil {
			return nil, err
		}
		var doc *T
		if q.lean {
			doc = new(T)
			if err := bson.Unmarshal(raw, doc); err != nil {
				return nil, errorf("decode %s: %w", m.name, err)
			}
		} else if doc, err = m.hydrate(raw, projSelector(q.projection())); err != nil {
			return nil, err
		}
		docs = append(docs, doc)
		for i := range p.paths {
			var mine []any
			var n int64
			if arr, ok := joined[i].ArrayOK(); ok {
				vals, err := arr.Values()
				if err != nil {
					return nil, err
				}
				for _, v := range vals {
					sub, ok := v.DocumentOK()
					if !ok {
						continue
					}
					if p.paths[i].Count {
						n, _ = sub.Lookup("n").AsInt64OK()
						continue
					}
					d, err := srcs[i].hydrate(sub, p.paths[i].Lean)
					if err != nil {
						return nil, err
					}
					mine = append(mine, d)
				}
			}
			results[i].perDoc = append(results[i].perDoc, mine)
			results[i].counts = append(results[i].counts, n)
		}
	}
	if err := cur.Err(); err != nil {
		return nil, err
	}
	vals := make([]reflect.Value, len(docs))
	for i, d := range docs {
		vals[i] = reflect.ValueOf(d).Elem()
	}
	for i := range p.paths {
		if err := populatePath(ctx, m.schema, vals, &p.paths[i], &results[i]); err != nil {
			return nil, err
		}
	}
	op.Docs, op.Result = docs, docs
	m.markVirtuals(docs, p.paths)
	return docs, m.run(ctx, false, op)
}
