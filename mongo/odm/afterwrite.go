package odm

import (
	"context"
	"slices"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Written is what a write through a model changed, as reported to
// ModelOpts.AfterWrite.
type Written struct {
	// Model is the model's name.
	Model string
	// Collection is the namespace the documents live in,
	// "<database>.<collection>": models sharing a collection (a base and
	// its discriminators) write the same documents.
	Collection string
	// IDs are the _id values of the written documents the write named:
	// inserted and saved documents, and filters that consist of _id
	// equality or $in (as cast by the schema, after pre hooks).
	IDs []any
	// All is set when documents other than IDs may have been written: a
	// filter that names no _id (updateMany, deleteMany, updateOne by
	// another field), an upsert by $in, an insert whose _id the server
	// assigned.
	All bool
}

// AfterWriteFunc receives what writes changed; see ModelOpts.AfterWrite.
type AfterWriteFunc func(ctx context.Context, writes []Written)

// pendingKey carries the writes of a WithTransaction attempt in its ctx.
type pendingKey struct{}

// pending collects the writes of a transaction, reported once it commits.
type pending struct {
	mu     sync.Mutex
	writes []pendingWrite
}

type pendingWrite struct {
	fn AfterWriteFunc
	w  Written
}

func (p *pending) add(fn AfterWriteFunc, w Written) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.writes = append(p.writes, pendingWrite{fn, w})
}

func (p *pending) reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.writes = nil
}

// flush reports the writes, one call per model, merged.
func (p *pending) flush(ctx context.Context) {
	p.mu.Lock()
	writes := p.writes
	p.writes = nil
	p.mu.Unlock()
	var order []string
	byModel := map[string]*pendingWrite{}
	for _, pw := range writes {
		cur, ok := byModel[pw.w.Model]
		if !ok {
			cp := pendingWrite{fn: pw.fn, w: Written{Model: pw.w.Model}}
			cur = &cp
			byModel[pw.w.Model] = cur
			order = append(order, pw.w.Model)
		}
		cur.w.Collection = pw.w.Collection
		cur.w.All = cur.w.All || pw.w.All
		cur.w.IDs = append(cur.w.IDs, pw.w.IDs...)
	}
	for _, name := range order {
		pw := byModel[name]
		pw.fn(ctx, []Written{pw.w})
	}
}

// reportTx runs a transaction (run calls its argument once per attempt)
// so that the writes of fn are reported only once it has committed: an
// attempt that aborted reports nothing. When the commit's outcome is
// unknown (the error carries UnknownTransactionCommitResult) the writes
// are reported, since they may have committed.
func reportTx(ctx context.Context, fn func(ctx context.Context) error, run func(func(ctx context.Context) error) error) error {
	p := &pending{}
	err := run(func(ctx context.Context) error {
		p.reset() // a retried attempt starts over
		return fn(context.WithValue(ctx, pendingKey{}, p))
	})
	if err == nil || HasErrorLabel(err, LabelUnknownCommitResult) {
		p.flush(context.WithoutCancel(ctx))
	}
	return err
}

// report sends w to the model's AfterWrite, or holds it until the
// WithTransaction running in ctx commits.
func (m *Model[T]) report(ctx context.Context, w Written) {
	if m.opts.AfterWrite == nil {
		return
	}
	w.Model, w.Collection = m.name, m.Namespace()
	if p, ok := ctx.Value(pendingKey{}).(*pending); ok {
		p.add(m.opts.AfterWrite, w)
		return
	}
	m.opts.AfterWrite(context.WithoutCancel(ctx), []Written{w})
}

// wroteFilter reports a write to the documents filter matches (an upsert
// may insert one). Callers defer it just before the driver call, so that
// a write that failed halfway (or whose outcome is unknown) is reported
// too.
func (m *Model[T]) wroteFilter(ctx context.Context, filter bson.D, upsert bool) {
	if m.opts.AfterWrite == nil {
		return
	}
	ids, ok := filterIDs(filter, upsert)
	m.report(ctx, Written{IDs: ids, All: !ok})
}

// wroteDocs reports the insertion of encoded documents (bson.Raw).
func (m *Model[T]) wroteDocs(ctx context.Context, docs ...any) {
	if m.opts.AfterWrite == nil {
		return
	}
	var w Written
	for _, d := range docs {
		raw, _ := d.(bson.Raw)
		if id, ok := rawID(raw); ok {
			w.IDs = append(w.IDs, id)
		} else {
			w.All = true // the server assigns the _id
		}
	}
	m.report(ctx, w)
}

// wroteBulk reports the operations of a BulkWrite.
func (m *Model[T]) wroteBulk(ctx context.Context, models []mongo.WriteModel) {
	if m.opts.AfterWrite == nil {
		return
	}
	var w Written
	add := func(filter any, upsert *bool) {
		f, _ := filter.(bson.D)
		ids, ok := filterIDs(f, upsert != nil && *upsert)
		w.IDs = append(w.IDs, ids...)
		w.All = w.All || !ok
	}
	for _, wm := range models {
		switch x := wm.(type) {
		case *mongo.InsertOneModel:
			raw, _ := x.Document.(bson.Raw)
			if id, ok := rawID(raw); ok {
				w.IDs = append(w.IDs, id)
			} else {
				w.All = true
			}
		case *mongo.UpdateOneModel:
			add(x.Filter, x.Upsert)
		case *mongo.UpdateManyModel:
			add(x.Filter, x.Upsert)
		case *mongo.ReplaceOneModel:
			add(x.Filter, x.Upsert)
		case *mongo.DeleteOneModel:
			add(x.Filter, nil)
		case *mongo.DeleteManyModel:
			add(x.Filter, nil)
		default:
			w.All = true
		}
	}
	m.report(ctx, w)
}

// rawID returns the _id of an encoded document as a Go value.
func rawID(raw bson.Raw) (any, bool) {
	if raw == nil {
		return nil, false
	}
	rv, err := raw.LookupErr("_id")
	if err != nil {
		return nil, false
	}
	var v any
	if err := rv.Unmarshal(&v); err != nil || v == nil {
		return nil, false
	}
	return v, true
}

// filterIDs returns the _id values a filter restricts its matches to: a
// top-level _id equal to a value, {$eq: v}, {$in: [...]} (not for an
// upsert, which would insert a document with a new _id), or such a
// condition inside a top-level $and. ok is false when the filter names no
// _id that way.
func filterIDs(f bson.D, upsert bool) (ids []any, ok bool) {
	for _, e := range f {
		switch e.Key {
		case "_id":
			if ids, ok := idCond(e.Value, upsert); ok {
				return ids, true
			}
		case "$and":
			for _, sub := range asList(e.Value) {
				if d, isD := asD(sub); isD {
					if ids, ok := filterIDs(d, upsert); ok {
						return ids, true
					}
				}
			}
		}
	}
	return nil, false
}

func idCond(v any, upsert bool) ([]any, bool) {
	if d, isDoc := asD(v); isDoc {
		if len(d) != 1 || len(d[0].Key) == 0 || d[0].Key[0] != '$' {
			return nil, false // an embedded document as _id, or several operators
		}
		switch d[0].Key {
		case "$eq":
			return idCond(d[0].Value, upsert)
		case "$in":
			if upsert {
				return nil, false
			}
			vals := asList(d[0].Value)
			if vals == nil {
				return nil, false
			}
			for _, x := range vals {
				if _, isDoc := asD(x); isDoc || asList(x) != nil || x == nil {
					return nil, false
				}
			}
			return slices.Clone(vals), true
		}
		return nil, false
	}
	if rv, isRaw := v.(bson.RawValue); isRaw { // Save's filter
		var x any
		if err := rv.Unmarshal(&x); err != nil {
			return nil, false
		}
		v = x
	}
	if _, isDoc := asD(v); isDoc || v == nil || asList(v) != nil {
		return nil, false
	}
	return []any{v}, true
}

func asD(v any) (bson.D, bool) {
	switch x := v.(type) {
	case bson.D:
		return x, true
	case bson.M:
		return mapD(x), true
	case map[string]any:
		return mapD(x), true
	}
	return nil, false
}

func mapD(m map[string]any) bson.D {
	d := make(bson.D, 0, len(m))
	for k, v := range m {
		d = append(d, bson.E{Key: k, Value: v})
	}
	return d
}

func asList(v any) []any {
	switch x := v.(type) {
	case bson.A:
		return x
	case []any:
		return x
	}
	return nil
}

// FilterIDs returns the _id values a cast filter restricts its matches to
// (see Written.IDs); ok is false when it names no _id that way. odmcache
// uses it to make a read by id depend on those documents only.
func FilterIDs(filter bson.D) (ids []any, ok bool) { return filterIDs(filter, false) }

// QueryScope returns the values of ctx that the built-in plugins' query
// hooks read (the tenant of WithTenant, WithDeleted): a result cached for
// one scope must not answer another. odmcache keys results by them.
func QueryScope(ctx context.Context) []any {
	t, _ := TenantFrom(ctx)
	return []any{t, ctx.Value(deletedKey{}) != nil}
}

// Namespace returns "<database>.<collection>" of the model's collection
// ("" for a model without a database).
func (m *Model[T]) Namespace() string {
	if m == nil {
		return ""
	}
	if m.coll == nil {
		return ""
	}
	return m.coll.Database().Name() + "." + m.coll.Name()
}
