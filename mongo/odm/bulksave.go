package odm

import (
	"bytes"
	"context"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// BulkSave saves many documents in one bulkWrite, as Mongoose's
// Model.bulkSave: documents not read or created through the model are
// inserted, tracked ones send their changed paths guarded by their version
// (as Save does), unchanged ones send nothing. Every document is validated
// and its pre save hooks run before anything is sent (an *IndexedError
// names the first failure, and nothing is written); post save hooks run
// for each document after the write. A tracked document that another
// writer saved in between is not written when its save is versioned (see
// Save): BulkSave then returns an *IndexedError wrapping its
// *StaleDocumentError (or *DocumentNotFoundError for a deleted one) after
// the others were saved.
func (m *Model[T]) BulkSave(ctx context.Context, docs []*T, o *BulkOpts) (*mongo.BulkWriteResult, error) {
	if m == nil {
		return nil, ErrNoDatabase
	}
	type item struct {
		op   *Op[T]
		plan *savePlan // nil for inserts and unchanged documents
		raw  bson.Raw  // insert document
	}
	items := make([]item, len(docs))
	var models []mongo.WriteModel
	for i, doc := range docs {
		if doc == nil {
			return nil, &IndexedError{Index: i, Err: nilDocErr(m.name, "BulkSave")}
		}
		if err := m.Validate(ctx, doc); err != nil {
			return nil, &IndexedError{Index: i, Err: err}
		}
		it := item{op: m.newOp(EventSave)}
		it.op.Doc = doc
		if err := m.run(ctx, true, it.op); err != nil {
			return nil, &IndexedError{Index: i, Err: err}
		}
		old, tracked := m.tracker.get(doc)
		var err error
		if !tracked {
			if it.raw, err = m.finishInsert(doc); err != nil {
				return nil, &IndexedError{Index: i, Err: err}
			}
			models = append(models, mongo.NewInsertOneModel().SetDocument(it.raw))
		} else if it.plan, err = m.planSave(doc, old); err != nil {
			return nil, &IndexedError{Index: i, Err: err}
		} else if it.plan != nil {
			models = append(models, mongo.NewUpdateOneModel().SetFilter(it.plan.filter).SetUpdate(it.plan.update))
		}
		items[i] = it
	}
	res := &mongo.BulkWriteResult{}
	if len(models) > 0 {
		var err error
		bo := options.BulkWrite().SetOrdered(o == nil || !o.Unordered)
		defer m.wroteBulk(ctx, models)
		if res, err = m.coll.BulkWrite(ctx, models, bo); err != nil {
			return res, err
		}
	}
	// When fewer versioned updates matched than were sent, ask the server
	// which versions are stored now to tell the stale documents.
	var plans []*savePlan
	for _, it := range items {
		if it.plan != nil {
			plans = append(plans, it.plan)
		}
	}
	var stored map[string]bson.Raw
	if res.MatchedCount < int64(len(plans)) {
		var err error
		if stored, err = m.storedDocs(ctx, plans); err != nil {
			return res, err
		}
	}
	var stale error
	for i, it := range items {
		switch {
		case it.raw != nil:
			m.tracker.set(it.op.Doc, it.raw)
		case it.plan != nil:
			if stored != nil && !m.applied(stored[idKey(it.plan.id)], it.plan) {
				if stale == nil {
					stale = &IndexedError{Index: i, Err: it.plan.missed(m.name)}
				}
				continue // not saved: no post hooks
			}
			if err := m.savedAs(it.op.Doc, it.plan); err != nil {
				return res, err
			}
		}
		if err := m.run(ctx, false, it.op); err != nil {
			return res, err
		}
	}
	return res, stale
}

// idKey is a comparable key of a stored _id.
func idKey(id any) string {
	if rv, ok := id.(bson.RawValue); ok {
		return string(rune(rv.Type)) + string(rv.Value)
	}
	return ""
}

// storedDocs reads the stored form of every planned document.
func (m *Model[T]) storedDocs(ctx context.Context, plans []*savePlan) (map[string]bson.Raw, error) {
	ids := make(bson.A, len(plans))
	for i, p := range plans {
		ids[i] = p.id
	}
	cur, err := m.coll.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	if err != nil {
		return nil, err
	}
	defer cur.Close(ctx)
	out := make(map[string]bson.Raw, len(plans))
	for cur.Next(ctx) {
		out[idKey(cur.Current.Lookup("_id"))] = append(bson.Raw(nil), cur.Current...)
	}
	return out, cur.Err()
}

// applied reports whether stored shows plan's update: the version it set
// and the values of the paths it set or unset.
func (m *Model[T]) applied(stored bson.Raw, plan *savePlan) bool {
	if stored == nil {
		return false
	}
	if vk := m.schema.versionKey(); vk != "" && plan.where {
		want := plan.version
		if plan.inc {
			want++
		}
		if v, _ := stored.Lookup(vk).AsInt64OK(); v != want {
			return false
		}
	}
	for _, op := range plan.update {
		fields, _ := op.Value.(bson.D)
		for _, f := range fields {
			got, err := stored.LookupErr(strings.Split(f.Key, ".")...)
			switch op.Key {
			case "$unset":
				if err == nil {
					return false
				}
			case "$set":
				want, _ := bson.Marshal(bson.D{{Key: "v", Value: f.Value}})
				have, _ := bson.Marshal(bson.D{{Key: "v", Value: got}})
				if err != nil || !bytes.Equal(want, have) {
					return false
				}
			}
		}
	}
	return true
}
