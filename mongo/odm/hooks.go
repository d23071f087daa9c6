package odm

import (
	"context"
	"encoding/json"
	"reflect"
	"sync"
	"sync/atomic"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Event names an operation hooks attach to. The names are Mongoose's
// middleware names; see docs/odm.md for which operations run which.
type Event string

// Document and model events.
const (
	EventValidate   Event = "validate"
	EventSave       Event = "save" // Create and Save
	EventInsertMany Event = "insertMany"
	EventBulkWrite  Event = "bulkWrite"
	EventAggregate  Event = "aggregate"
)

// Query events, one per operation as in Mongoose.
const (
	EventFind                   Event = "find"
	EventFindOne                Event = "findOne" // also FindByID and Exists
	EventCountDocuments         Event = "countDocuments"
	EventEstimatedDocumentCount Event = "estimatedDocumentCount"
	EventDistinct               Event = "distinct"
	EventFindOneAndUpdate       Event = "findOneAndUpdate"
	EventFindOneAndReplace      Event = "findOneAndReplace"
	EventFindOneAndDelete       Event = "findOneAndDelete"
	EventUpdateOne              Event = "updateOne"
	EventUpdateMany             Event = "updateMany"
	EventReplaceOne             Event = "replaceOne"
	EventDeleteOne              Event = "deleteOne"
	EventDeleteMany             Event = "deleteMany"
)

// Groups: registering a hook on a group registers it on every event of the
// group (Mongoose registers one hook on several names with an array).
const (
	// EventRead is every read query: find, findOne, countDocuments,
	// estimatedDocumentCount, distinct.
	EventRead Event = "read"
	// EventUpdate is every query that updates or replaces: updateOne,
	// updateMany, replaceOne, findOneAndUpdate, findOneAndReplace.
	EventUpdate Event = "update"
	// EventDelete is every query that deletes: deleteOne, deleteMany,
	// findOneAndDelete.
	EventDelete Event = "delete"
	// EventQuery is every query event (read, update and delete).
	EventQuery Event = "query"
	// EventWrite is every event that changes documents: save, insertMany,
	// bulkWrite and the update and delete queries. A post hook on it sees
	// every acknowledged write (cache invalidation, outboxes).
	EventWrite Event = "write"
)

var (
	readEvents   = []Event{EventFind, EventFindOne, EventCountDocuments, EventEstimatedDocumentCount, EventDistinct}
	updateEvents = []Event{EventUpdateOne, EventUpdateMany, EventReplaceOne, EventFindOneAndUpdate, EventFindOneAndReplace}
	deleteEvents = []Event{EventDeleteOne, EventDeleteMany, EventFindOneAndDelete}
)

// eventGroups expands group events into the events they stand for.
var eventGroups = map[Event][]Event{
	EventRead:   readEvents,
	EventUpdate: updateEvents,
	EventDelete: deleteEvents,
	EventQuery:  concatEvents(readEvents, updateEvents, deleteEvents),
	EventWrite:  concatEvents([]Event{EventSave, EventInsertMany, EventBulkWrite}, updateEvents, deleteEvents),
}

func concatEvents(lists ...[]Event) []Event {
	var out []Event
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

func expand(e Event) []Event {
	if g, ok := eventGroups[e]; ok {
		return g
	}
	return []Event{e}
}

// Op is what a typed hook sees of an operation. Pre hooks may change
// Filter, Update and Pipeline (and the documents); post hooks see Result,
// Doc or Docs.
type Op[T any] struct {
	Event      Event
	Model      string
	Collection string
	// Doc is the document of save and validate, the replacement of
	// replaceOne and findOneAndReplace, and the document found by
	// findOne and the findOneAnd* queries (post hooks).
	Doc  *T
	Docs []*T
	// Filter is the cast filter of a query. When the filter or update
	// does not cast (or the update does not validate), the pre hooks get
	// them as given instead (converted and sanitized, not cast), as
	// Mongoose's do: a hook that changes them rescues the query, which
	// casts what it left; otherwise the error stands. On
	// estimatedDocumentCount it
	// is empty; a pre hook that sets it turns the estimate into an exact
	// countDocuments of that filter (metadata counts cannot be scoped).
	Filter bson.D
	// Update is the cast update of an update query (timestamps and version
	// included). A pre hook of a delete query that sets it turns the
	// deletion into that update of the same filter (soft deletion).
	Update bson.D
	// Pipeline is an aggregate's pipeline.
	Pipeline []bson.D
	// Field is the field of distinct.
	Field string
	// Result is the driver's result (*mongo.UpdateResult, ...) or the
	// operation's value (a count, distinct values) in post hooks.
	Result any
}

// PrependMatch puts a $match stage first in an aggregate's pipeline.
func (op *Op[T]) PrependMatch(filter bson.D) {
	op.Pipeline = append([]bson.D{{{Key: "$match", Value: filter}}}, op.Pipeline...)
}

// HookFunc is a typed pre or post hook of a model. An error from a pre
// hook aborts the operation; an error from a post hook is returned to the
// caller (the operation has happened).
type HookFunc[T any] func(ctx context.Context, op *Op[T]) error

// Hook is what a schema hook (one a plugin registers, for any document
// type) sees of an operation: Op without the document type. Doc and Docs
// hold *T values; Get and Set reach their fields by BSON path.
type Hook struct {
	Event      Event
	Model      string
	Collection string
	Doc        any
	Docs       []any
	Filter     bson.D
	Update     bson.D
	Pipeline   []bson.D
	Field      string
	Result     any

	access docAccess
}

// PrependMatch puts a $match stage first in an aggregate's pipeline.
func (h *Hook) PrependMatch(filter bson.D) {
	h.Pipeline = append([]bson.D{{{Key: "$match", Value: filter}}}, h.Pipeline...)
}

// Get returns the value of a top-level field of doc (a *T of the model),
// or false when it is missing or zero.
func (h *Hook) Get(doc any, field string) (any, bool) {
	if h.access == nil {
		return nil, false
	}
	return h.access.get(doc, field)
}

// Set sets a top-level field of doc (a *T of the model). It fails when
// the document type has no such field.
func (h *Hook) Set(doc any, field string, v any) error {
	if h.access == nil {
		return errorf("hook has no document access")
	}
	return h.access.set(doc, field, v)
}

// SchemaHookFunc is a hook registered on a schema: it runs for every
// model built from the schema, whatever its document type.
type SchemaHookFunc func(ctx context.Context, h *Hook) error

// docAccess reads and writes fields of a model's documents for schema hooks.
type docAccess interface {
	get(doc any, field string) (any, bool)
	set(doc any, field string, v any) error
}

type hookList[F any] struct {
	mu   sync.RWMutex
	pre  map[Event][]F
	post map[Event][]F
	// seq holds the registration number of each post hook (by event, as
	// post): post hooks and error hooks of one schema or model are
	// ordered by it, as Mongoose keeps both in one list.
	seq map[Event][]uint64
}

// hookSeq numbers post and error hook registrations.
var hookSeq atomic.Uint64

func (h *hookList[F]) add(pre bool, e Event, fn F) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.pre == nil {
		h.pre, h.post, h.seq = map[Event][]F{}, map[Event][]F{}, map[Event][]uint64{}
	}
	n := hookSeq.Add(1)
	for _, x := range expand(e) {
		if pre {
			h.pre[x] = append(h.pre[x], fn)
		} else {
			h.post[x] = append(h.post[x], fn)
			h.seq[x] = append(h.seq[x], n)
		}
	}
}

// postSeq returns the post hooks of e with their registration numbers.
func (h *hookList[F]) postSeq(e Event) ([]F, []uint64) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.post[e], h.seq[e]
}

func (h *hookList[F]) get(pre bool, e Event) []F {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if pre {
		return h.pre[e]
	}
	return h.post[e]
}

// has reports whether any hook is registered for e.
func (h *hookList[F]) has(e Event) bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.pre[e]) > 0 || len(h.post[e]) > 0
}

// Pre registers a hook that runs before the event's operations (or every
// event of a group such as EventQuery), after the schema's hooks, in
// registration order. A nil fn registers nothing (so do the other hook
// registrations given one).
func (m *Model[T]) Pre(e Event, fn HookFunc[T]) {
	if m != nil && fn != nil {
		m.hooks.add(true, e, fn)
	}
}

// Post registers a hook that runs after the event's operations succeed.
func (m *Model[T]) Post(e Event, fn HookFunc[T]) {
	if m != nil && fn != nil {
		m.hooks.add(false, e, fn)
	}
}

// Pre registers a hook on every model built from the schema (how plugins
// add middleware). Schema hooks run before the model's own hooks.
func (s *Schema) Pre(e Event, fn SchemaHookFunc) *Schema {
	if fn != nil {
		s.hooks.add(true, e, fn)
	}
	return s
}

// Post registers a post hook on every model built from the schema.
func (s *Schema) Post(e Event, fn SchemaHookFunc) *Schema {
	if fn != nil {
		s.hooks.add(false, e, fn)
	}
	return s
}

// hasHooks reports whether op's event has any hook.
func (m *Model[T]) hasHooks(e Event) bool { return m.hooks.has(e) || m.schema.hooks.has(e) }

// newOp starts an Op for an event of this model.
func (m *Model[T]) newOp(e Event) *Op[T] {
	return &Op[T]{Event: e, Model: m.name, Collection: m.opts.Collection}
}

// run runs the schema's hooks, then the model's, for op.Event.
func (m *Model[T]) run(ctx context.Context, pre bool, op *Op[T]) error {
	if pre && m.coll == nil {
		// A model without a database: everything before the command
		// (casting, validation) has run; the command cannot.
		return ErrNoDatabase
	}
	if !pre {
		return m.runPost(ctx, op)
	}
	if sh := m.schema.hooks.get(pre, op.Event); len(sh) > 0 {
		h := m.hookFor(op)
		for _, fn := range sh {
			err := fn(ctx, h)
			op.Filter, op.Update, op.Pipeline, op.Result = h.Filter, h.Update, h.Pipeline, h.Result
			if err != nil {
				return err
			}
		}
	}
	for _, fn := range m.hooks.get(pre, op.Event) {
		if err := fn(ctx, op); err != nil {
			return err
		}
	}
	return nil
}

// postHookError is the error of a post hook: as in Mongoose, only the
// error hooks registered after that hook (on the same schema or model,
// or on the model when it was a schema hook) see it. handleErr unwraps it.
type postHookError struct {
	err   error
	model bool // a model hook (else a schema hook)
	seq   uint64
}

func (e *postHookError) Error() string { return e.err.Error() }
func (e *postHookError) Unwrap() error { return e.err }

// runPost runs the post hooks of op.Event (schema hooks, then the
// model's); an error is a *postHookError saying which hook failed.
func (m *Model[T]) runPost(ctx context.Context, op *Op[T]) error {
	if sh, seqs := m.schema.hooks.postSeq(op.Event); len(sh) > 0 {
		h := m.hookFor(op)
		for i, fn := range sh {
			err := fn(ctx, h)
			op.Filter, op.Update, op.Pipeline, op.Result = h.Filter, h.Update, h.Pipeline, h.Result
			if err != nil {
				return &postHookError{err: err, seq: seqs[i]}
			}
		}
	}
	mh, seqs := m.hooks.postSeq(op.Event)
	for i, fn := range mh {
		if err := fn(ctx, op); err != nil {
			return &postHookError{err: err, model: true, seq: seqs[i]}
		}
	}
	return nil
}

// hookFor is the Hook schema hooks see of op.
func (m *Model[T]) hookFor(op *Op[T]) *Hook {
	h := &Hook{Event: op.Event, Model: op.Model, Collection: op.Collection, Filter: op.Filter,
		Update: op.Update, Pipeline: op.Pipeline, Field: op.Field, Result: op.Result, access: m}
	if op.Doc != nil {
		h.Doc = op.Doc
	}
	if op.Docs != nil {
		h.Docs = make([]any, len(op.Docs))
		for i, d := range op.Docs {
			h.Docs[i] = d
		}
	}
	return h
}

// get implements docAccess for schema hooks.
func (m *Model[T]) get(doc any, name string) (any, bool) {
	d, ok := doc.(*T)
	if !ok || d == nil {
		return nil, false
	}
	f := m.getField(d, m.fieldIdx(name), name)
	if !f.IsValid() || f.IsZero() {
		return nil, false
	}
	return f.Interface(), true
}

// set implements docAccess for schema hooks.
func (m *Model[T]) set(doc any, name string, v any) error {
	d, ok := doc.(*T)
	if !ok || d == nil {
		return errorf("%s hook: document is %T, not *%s", m.name, doc, reflect.TypeFor[T]())
	}
	if m.isMap {
		m.docValue(d)
		m.setField(d, nil, name, v)
		return nil
	}
	idx := m.fieldIdx(name)
	if idx == nil {
		return errorf("%s has no field stored as %q", reflect.TypeFor[T](), name)
	}
	f := reflect.ValueOf(d).Elem().FieldByIndex(idx)
	target := f
	if f.Kind() == reflect.Pointer {
		target = reflect.New(f.Type().Elem()).Elem()
	}
	if !setValue(target, v) {
		return errorf("%s.%s: cannot store %T", m.name, name, v)
	}
	if f.Kind() == reflect.Pointer {
		f.Set(target.Addr())
	}
	return nil
}

// fieldIdx is the struct field index of a top-level path (nil for maps).
func (m *Model[T]) fieldIdx(name string) []int {
	if m.isMap {
		return nil
	}
	if p := m.schema.byName[name]; p != nil && p.goIndex != nil {
		return p.goIndex
	}
	return fieldIndex(reflect.TypeFor[T](), name)
}

type virtual[T any] struct {
	name string
	get  func(*T) any
}

// Virtual declares a computed field (not stored), such as fullName, which
// JSON includes when asked. An empty name or a nil get declares nothing.
func (m *Model[T]) Virtual(name string, get func(doc *T) any) {
	if m == nil || name == "" || get == nil {
		return
	}
	m.virts = append(m.virts, virtual[T]{name: name, get: get})
}

// VirtualValue returns a virtual's value for doc.
func (m *Model[T]) VirtualValue(doc *T, name string) (any, bool) {
	if m == nil {
		return nil, false
	}
	for _, v := range m.virts {
		if v.name == name {
			return v.get(doc), true
		}
	}
	return nil, false
}

// JSONOpts tunes Model.JSON.
type JSONOpts struct {
	// Virtuals adds the model's virtuals to the output.
	Virtuals bool
}

// JSON renders doc with encoding/json, adding the virtuals on request.
// For map documents select:false paths are left out; struct fields that
// must never reach JSON take a `json:"-"` tag.
func (m *Model[T]) JSON(doc *T, o *JSONOpts) ([]byte, error) {
	if m == nil {
		return nil, ErrNoDatabase
	}
	if doc == nil {
		return []byte("null"), nil
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	hidden := len(m.hiddenProj) > 0 && m.isMap
	if (o == nil || !o.Virtuals || len(m.virts) == 0) && !hidden {
		return b, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return nil, errorf("JSON virtuals need an object: %w", err)
	}
	if hidden {
		for _, e := range m.hiddenProj {
			delete(obj, e.Key)
		}
	}
	if o != nil && o.Virtuals {
		for _, v := range m.virts {
			vb, err := json.Marshal(v.get(doc))
			if err != nil {
				return nil, err
			}
			obj[v.name] = vb
		}
	}
	return json.Marshal(obj)
}
