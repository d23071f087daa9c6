package odm

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

type writeKind int

const (
	writeInsert writeKind = iota
	writeUpdateOne
	writeUpdateMany
	writeReplaceOne
	writeDeleteOne
	writeDeleteMany
)

// Write is one operation of a BulkWrite; build it with InsertWrite,
// UpdateOneWrite, and so on. Documents must be *T of the model.
type Write struct {
	kind   writeKind
	doc    any
	filter any
	update any
	upsert bool
}

// InsertWrite inserts doc (a *T), validated like Create.
func InsertWrite(doc any) Write { return Write{kind: writeInsert, doc: doc} }

// UpdateOneWrite updates the first match, with update validators.
func UpdateOneWrite(filter, update any, upsert bool) Write {
	return Write{kind: writeUpdateOne, filter: filter, update: update, upsert: upsert}
}

// UpdateManyWrite updates every match, with update validators.
func UpdateManyWrite(filter, update any, upsert bool) Write {
	return Write{kind: writeUpdateMany, filter: filter, update: update, upsert: upsert}
}

// ReplaceOneWrite replaces the first match with doc (a *T), validated.
func ReplaceOneWrite(filter, doc any, upsert bool) Write {
	return Write{kind: writeReplaceOne, filter: filter, doc: doc, upsert: upsert}
}

// DeleteOneWrite deletes the first match.
func DeleteOneWrite(filter any) Write { return Write{kind: writeDeleteOne, filter: filter} }

// DeleteManyWrite deletes every match.
func DeleteManyWrite(filter any) Write { return Write{kind: writeDeleteMany, filter: filter} }

// BulkOpts tunes BulkWrite.
type BulkOpts struct {
	// Unordered lets the server continue after a failed write.
	Unordered bool
}

// BulkWrite validates every operation first (documents, filters, updates)
// and sends nothing unless all are valid; the error is an *IndexedError.
// The bulkWrite hooks run around the whole batch, and each operation's
// pre hooks run on it as if it were sent alone (updateOne, deleteMany,
// replaceOne...; inserts run the validate hooks), so scopes such as Tenant
// and SoftDelete cover bulk writes too.
func (m *Model[T]) BulkWrite(ctx context.Context, writes []Write, o *BulkOpts) (_ *mongo.BulkWriteResult, err error) {
	if m == nil {
		return nil, ErrNoDatabase
	}
	defer m.handleErr(ctx, EventBulkWrite, nil, &err)
	op := m.newOp(EventBulkWrite)
	if err := m.run(ctx, true, op); err != nil {
		return nil, err
	}
	if len(writes) == 0 {
		// Nothing to send (the driver refuses an empty batch): an empty
		// result, as BulkSave and InsertMany of nothing succeed.
		res := &mongo.BulkWriteResult{}
		op.Result = res
		return res, m.run(ctx, false, op)
	}
	models := make([]mongo.WriteModel, len(writes))
	for i, w := range writes {
		wm, err := m.writeModel(ctx, w)
		if err != nil {
			return nil, &IndexedError{Index: i, Err: err}
		}
		models[i] = wm
	}
	bo := options.BulkWrite().SetOrdered(o == nil || !o.Unordered)
	defer m.wroteBulk(ctx, models)
	res, err := m.coll.BulkWrite(ctx, models, bo)
	if err != nil {
		return res, err
	}
	op.Result = res
	return res, m.run(ctx, false, op)
}

func (m *Model[T]) docOf(v any) (*T, error) {
	d, ok := v.(*T)
	if !ok || d == nil {
		return nil, invalidf("bulk write document must be a non-nil %T, got %T", d, v)
	}
	return d, nil
}

var writeEvents = [...]Event{
	writeUpdateOne: EventUpdateOne, writeUpdateMany: EventUpdateMany, writeReplaceOne: EventReplaceOne,
	writeDeleteOne: EventDeleteOne, writeDeleteMany: EventDeleteMany,
}

func (m *Model[T]) writeModel(ctx context.Context, w Write) (mongo.WriteModel, error) {
	if w.kind == writeInsert {
		doc, err := m.docOf(w.doc)
		if err != nil {
			return nil, err
		}
		raw, err := m.prepareInsert(ctx, doc)
		if err != nil {
			return nil, err
		}
		return mongo.NewInsertOneModel().SetDocument(raw), nil
	}
	f, err := m.filterFor(w.filter, w.upsert)
	if err != nil {
		return nil, err
	}
	op := m.newOp(writeEvents[w.kind])
	op.Filter = f
	switch w.kind {
	case writeReplaceOne:
		if op.Doc, err = m.docOf(w.doc); err != nil {
			return nil, err
		}
	case writeUpdateOne, writeUpdateMany:
		if op.Update, err = m.update(ctx, w.update, updateOpts{upsert: w.upsert, filter: f}); err != nil {
			return nil, err
		}
	}
	if err := m.run(ctx, true, op); err != nil {
		return nil, err
	}
	switch w.kind {
	case writeReplaceOne:
		raw, err := m.prepareReplacement(ctx, op.Doc)
		if err != nil {
			return nil, err
		}
		return mongo.NewReplaceOneModel().SetFilter(op.Filter).SetReplacement(raw).SetUpsert(w.upsert), nil
	case writeUpdateOne:
		return mongo.NewUpdateOneModel().SetFilter(op.Filter).SetUpdate(op.Update).SetUpsert(w.upsert), nil
	case writeUpdateMany:
		return mongo.NewUpdateManyModel().SetFilter(op.Filter).SetUpdate(op.Update).SetUpsert(w.upsert), nil
	}
	if op.Update != nil { // soft deletion
		u, err := m.update(ctx, op.Update, updateOpts{})
		if err != nil {
			return nil, err
		}
		if w.kind == writeDeleteOne {
			return mongo.NewUpdateOneModel().SetFilter(op.Filter).SetUpdate(u), nil
		}
		return mongo.NewUpdateManyModel().SetFilter(op.Filter).SetUpdate(u), nil
	}
	if w.kind == writeDeleteOne {
		return mongo.NewDeleteOneModel().SetFilter(op.Filter), nil
	}
	return mongo.NewDeleteManyModel().SetFilter(op.Filter), nil
}

// Aggregate runs a pipeline over the collection and decodes the results
// into out (a pointer to a slice), with the aggregate hooks (a pre hook may
// prepend a $match with Op.PrependMatch). Server-side
// JavaScript ($function, $accumulator, $where) is rejected unless the
// model allows it.
func (m *Model[T]) Aggregate(ctx context.Context, pipeline []bson.D, out any) (err error) {
	if m == nil {
		return ErrNoDatabase
	}
	if out == nil {
		return invalidf("%s Aggregate needs a pointer to a slice for its results", m.name)
	}
	defer m.handleErr(ctx, EventAggregate, nil, &err)
	if !m.opts.AllowJSFilters {
		for _, st := range pipeline {
			if err := checkFilter(st, ""); err != nil {
				return err
			}
		}
	}
	op := m.newOp(EventAggregate)
	op.Pipeline = pipeline
	if err := m.run(ctx, true, op); err != nil {
		return err
	}
	cur, err := m.coll.Aggregate(ctx, op.Pipeline)
	if err != nil {
		return err
	}
	if err := cur.All(ctx, out); err != nil {
		return err
	}
	op.Result = out
	return m.run(ctx, false, op)
}
