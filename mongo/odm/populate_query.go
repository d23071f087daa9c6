package odm

import (
	"context"
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

// All runs the query and populates the results.
func (p *PopulatedQuery[T]) All(ctx context.Context) ([]*T, error) {
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

func (p *PopulatedQuery[T]) lookupAll(ctx context.Context) ([]*T, error) {
	return nil, &PopulateError{Msg: "todo"}
}
